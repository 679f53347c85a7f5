-- The schema of V1 to V14 in one script, for an empty store: Flyway runs this instead of the fourteen, and an older
-- store still takes its V scripts one by one. Written from them; JobStoreTest (and PostgresJobStoreTest) checks that
-- both roads give the same tables, columns, keys and indexes on H2 and on PostgreSQL. B13 stays beside it: the stores
-- a release made with it must find it (Flyway validates what a store applied). A new V15 is written as before.
-- One row per logical request (its body in bridge_job_request); times are epoch millis.
CREATE TABLE bridge_job (
    id                VARCHAR(36)  NOT NULL PRIMARY KEY,
    api               VARCHAR(32),
    idempotency_key   ${text},
    state             VARCHAR(16)  NOT NULL,
    body_hash         VARCHAR(64),
    remote_id         ${text},
    attempts          INTEGER      NOT NULL DEFAULT 0,
    polls             INTEGER      NOT NULL DEFAULT 0,
    key_generation    INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at   BIGINT,
    claimed_by        VARCHAR(500),
    last_status       ${text},
    last_error        ${text},
    result            ${text},
    outcome           VARCHAR(16),
    source            ${text}      NOT NULL,
    created_at        BIGINT       NOT NULL,
    updated_at        BIGINT       NOT NULL,
    finished_at       BIGINT,
    version           INTEGER      NOT NULL DEFAULT 0,
    previous_attempts ${text},
    work_queue        VARCHAR(32),
    accepted_at       BIGINT,
    trace_parent      VARCHAR(55),
    trace_state       VARCHAR(512),
    key_hash          VARCHAR(64),
    CONSTRAINT bridge_job_key_hash_api UNIQUE (key_hash, api)
);

CREATE INDEX bridge_job_state ON bridge_job (state, api);
CREATE INDEX bridge_job_queue_due ON bridge_job (work_queue, next_attempt_at);
CREATE INDEX bridge_job_created ON bridge_job (created_at, id);

CREATE TABLE bridge_job_request (
    job_id       VARCHAR(36) NOT NULL PRIMARY KEY,
    request_body ${text}     NOT NULL
);

CREATE TABLE bridge_rate_bucket (
    id    BIGINT PRIMARY KEY,
    state ${binary}
);

CREATE TABLE bridge_instance (
    session_id      VARCHAR(600) NOT NULL PRIMARY KEY,
    instance_id     VARCHAR(500) NOT NULL,
    started_at      BIGINT       NOT NULL,
    heartbeat_at    BIGINT       NOT NULL,
    key_fingerprint VARCHAR(200),
    schema_version  INTEGER      NOT NULL
);

CREATE TABLE bridge_api_budget (
    id              BIGINT           NOT NULL PRIMARY KEY,
    bucket          VARCHAR(32)      NOT NULL,
    paused_until    BIGINT           NOT NULL,
    pause_cause     VARCHAR(500),
    rate            DOUBLE PRECISION NOT NULL,
    rate_changed_at BIGINT           NOT NULL
);

CREATE TABLE bridge_job_caller (
    job_id          VARCHAR(36) NOT NULL,
    caller_id       VARCHAR(36) NOT NULL,
    caller_source   ${text}     NOT NULL,
    attempts        INTEGER     NOT NULL DEFAULT 0,
    due_at          BIGINT      NOT NULL,
    PRIMARY KEY (job_id, caller_id)
);

CREATE TABLE bridge_call_place (
    id       BIGINT PRIMARY KEY,
    holder   VARCHAR(100),
    taken_at BIGINT NOT NULL
);

CREATE TABLE bridge_result_name (
    id       BIGINT PRIMARY KEY,
    owner    VARCHAR(64) NOT NULL,
    taken_at BIGINT      NOT NULL
);
