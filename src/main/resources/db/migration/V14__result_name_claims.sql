-- The result names being written into an outbox several instances share (a PostgreSQL store), one row per name:
-- who writes it and since when (the database's clock, epoch millis). A name is claimed, taken over once its claim is
-- abandoned and handed back each by one statement, so two instances never both hold it. Rows are named by a hash of
-- the result's path in the outbox; the owner is a hash of the job's id or a rejection's. Only used when the job store
-- is PostgreSQL.
CREATE TABLE bridge_result_name (
    id       BIGINT PRIMARY KEY,
    owner    VARCHAR(64) NOT NULL,
    taken_at BIGINT      NOT NULL
);
