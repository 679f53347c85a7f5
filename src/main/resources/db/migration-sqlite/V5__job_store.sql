-- The job store on SQLite, the embedded default since schema version 5: the schema of db/migration/V1-V5 in one
-- script (a SQLite column cannot drop its NOT NULL, as V4 does). Later versions add a script here and there.
-- One row per logical request; a request rejected at intake has no api, key or body. Times are epoch millis.
CREATE TABLE bridge_job (
    id                VARCHAR(36)  NOT NULL PRIMARY KEY,
    api               VARCHAR(32),
    idempotency_key   VARCHAR(200),
    state             VARCHAR(16)  NOT NULL,
    request_body      TEXT,
    body_hash         VARCHAR(64),
    remote_id         VARCHAR(200),
    attempts          INTEGER      NOT NULL DEFAULT 0,
    polls             INTEGER      NOT NULL DEFAULT 0,
    key_generation    INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at   BIGINT,
    claimed_by        VARCHAR(500),
    last_status       TEXT,
    last_error        TEXT,
    result            TEXT,
    outcome           VARCHAR(16),
    source            TEXT         NOT NULL,
    created_at        BIGINT       NOT NULL,
    updated_at        BIGINT       NOT NULL,
    finished_at       BIGINT,
    version           INTEGER      NOT NULL DEFAULT 0,
    previous_attempts TEXT,
    -- the budget a due job's next step spends (an API bucket, or none for a delivery); NULL once the job is final
    work_queue        VARCHAR(32),
    -- when the API accepted the current run: how long runs take is learned from it
    accepted_at       BIGINT,
    CONSTRAINT bridge_job_api_key UNIQUE (api, idempotency_key)
);
CREATE INDEX bridge_job_state ON bridge_job (state, api);
CREATE INDEX bridge_job_queue_due ON bridge_job (work_queue, next_attempt_at);

-- The tables of the shared PostgreSQL store, kept so every engine has one schema: token buckets, running
-- processes, and the pauses and adaptive rates of each API key's buckets.
CREATE TABLE bridge_rate_bucket (
    id    BIGINT PRIMARY KEY,
    state BLOB
);
CREATE TABLE bridge_instance (
    session_id   VARCHAR(600) NOT NULL PRIMARY KEY,
    instance_id  VARCHAR(500) NOT NULL,
    started_at   BIGINT       NOT NULL,
    heartbeat_at BIGINT       NOT NULL
);
CREATE TABLE bridge_api_budget (
    id              BIGINT           NOT NULL PRIMARY KEY,
    bucket          VARCHAR(32)      NOT NULL,
    paused_until    BIGINT           NOT NULL,
    pause_cause     VARCHAR(500),
    rate            DOUBLE PRECISION NOT NULL,
    rate_changed_at BIGINT           NOT NULL
);
