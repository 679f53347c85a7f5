-- One row per logical request. ${text} is an unbounded CHARACTER VARYING on H2 (kept in the row, not as a LOB)
-- and TEXT on PostgreSQL; times are epoch millis so
-- both engines compare them the same way.
CREATE TABLE bridge_job (
    id              VARCHAR(36)  NOT NULL PRIMARY KEY,
    api             VARCHAR(32)  NOT NULL,
    idempotency_key VARCHAR(200) NOT NULL,
    state           VARCHAR(16)  NOT NULL,
    request_body    ${text}      NOT NULL,
    body_hash       VARCHAR(64)  NOT NULL,
    remote_id       VARCHAR(200),
    attempts        INTEGER      NOT NULL DEFAULT 0,
    polls           INTEGER      NOT NULL DEFAULT 0,
    key_generation  INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at BIGINT,
    claimed_by      VARCHAR(500),
    leased          BOOLEAN      NOT NULL DEFAULT FALSE,
    last_status     ${text},
    last_error      ${text},
    result          ${text},
    outcome         VARCHAR(16),
    source          ${text}      NOT NULL,
    created_at      BIGINT       NOT NULL,
    updated_at      BIGINT       NOT NULL,
    finished_at     BIGINT,
    version         INTEGER      NOT NULL DEFAULT 0,
    CONSTRAINT bridge_job_api_key UNIQUE (api, idempotency_key)
);

-- Final rows have next_attempt_at NULL, so the poll tick only ever walks pending work.
CREATE INDEX bridge_job_due ON bridge_job (next_attempt_at);
CREATE INDEX bridge_job_state ON bridge_job (state, api);
