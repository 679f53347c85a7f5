-- A caller's key may be any non-empty string (Orbit's requestId has no documented limit): keys of up to 500
-- characters are kept whole (IdempotencyKeys.MAX_LENGTH; longer ones are refused at intake, naming the limit, so that
-- the unique index stays within PostgreSQL's index row size even for multi-byte text). A remote id is the API's data
-- (Orbit's request_id is the caller's requestId) and needs no index: unbounded.
ALTER TABLE bridge_job ALTER COLUMN idempotency_key SET DATA TYPE VARCHAR(500);
ALTER TABLE bridge_job ALTER COLUMN remote_id SET DATA TYPE ${text};
