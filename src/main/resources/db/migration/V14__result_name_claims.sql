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

-- Each session names the schema it was made for, which an earlier release does not write: the sessions of the earlier
-- release go with this migration (the start that runs it waits for them to stop beating), and one that was only
-- paused cannot register again, so it cannot beat or claim beside this release, and the others take over its jobs
-- (black-box audit: a paused instance of the earlier release came back after the migration and took a share of the
-- requests, claiming result names and inbox files its own way).
DELETE FROM bridge_instance;
ALTER TABLE bridge_instance ADD COLUMN schema_version INTEGER NOT NULL;
