-- A request rejected at intake (unreadable, invalid, unknown api) is a FAILED row too, so operators count and find
-- it like any other failure. It was never accepted under a key, may name no known API and may have no readable
-- body; its row holds the error and the failed result it was given, and no next_attempt_at, so no poll claims it.
ALTER TABLE bridge_job ALTER COLUMN api DROP NOT NULL;
ALTER TABLE bridge_job ALTER COLUMN idempotency_key DROP NOT NULL;
ALTER TABLE bridge_job ALTER COLUMN request_body DROP NOT NULL;
ALTER TABLE bridge_job ALTER COLUMN body_hash DROP NOT NULL;
