-- Claims belong to a live instance instead of a timed lease: a claim names the claiming session in claimed_by,
-- sessions heartbeat in bridge_instance (shared PostgreSQL store only), and another instance takes over the claims
-- of a session whose heartbeat stopped. The leases of earlier releases end here.
UPDATE bridge_job SET claimed_by = NULL;
ALTER TABLE bridge_job DROP COLUMN leased;

-- The budget a due job's next step spends (an API bucket, or none for a delivery), so each is claimed with one
-- index range. NULL once the job is final.
ALTER TABLE bridge_job ADD COLUMN work_queue VARCHAR(32);
UPDATE bridge_job SET work_queue = CASE
    WHEN state = 'DELIVERING' THEN 'deliveries'
    WHEN api = 'orbit' AND state = 'RECEIVED' THEN 'orbit-starts'
    WHEN api = 'orbit' AND state = 'FETCHING' THEN 'orbit-outputs'
    WHEN api = 'orbit' THEN 'orbit-reads'
    ELSE 'openprospect' END
WHERE state NOT IN ('DELIVERED', 'FAILED');
DROP INDEX bridge_job_due;
CREATE INDEX bridge_job_queue_due ON bridge_job (work_queue, next_attempt_at);

-- When the API accepted the current run: how long runs take is learned from it.
ALTER TABLE bridge_job ADD COLUMN accepted_at BIGINT;

-- One row per running process (session) on a shared store; times are the store's own clock, in epoch millis.
CREATE TABLE bridge_instance (
    session_id   VARCHAR(600) NOT NULL PRIMARY KEY,
    instance_id  VARCHAR(500) NOT NULL,
    started_at   BIGINT       NOT NULL,
    heartbeat_at BIGINT       NOT NULL
);

-- The pause (from a 429's or 503's Retry-After) and the adaptive rate of each bucket of an API key, shared by every
-- instance using that key; rows are named by a hash of bucket and key, like bridge_rate_bucket's.
CREATE TABLE bridge_api_budget (
    id              BIGINT           NOT NULL PRIMARY KEY,
    bucket          VARCHAR(32)      NOT NULL,
    paused_until    BIGINT           NOT NULL,
    pause_cause     VARCHAR(500),
    rate            DOUBLE PRECISION NOT NULL,
    rate_changed_at BIGINT           NOT NULL
);
