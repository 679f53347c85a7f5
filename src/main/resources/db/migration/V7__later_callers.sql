-- A JMS request that repeats a running job from another message (an ESB's retry after its own timeout, often to a
-- new reply queue) cannot wait in the queue without using up its redeliveries: it is recorded here, durably before
-- its message is acknowledged, and answered with the job's result once the job is done. One row per such message
-- (caller_id: a UUID derived from its message id, so a redelivery of it is the same row) until its result is sent.
CREATE TABLE bridge_job_caller (
    job_id          VARCHAR(36) NOT NULL,
    caller_id       VARCHAR(36) NOT NULL,
    caller_source   ${text}     NOT NULL,
    attempts        INTEGER     NOT NULL DEFAULT 0,
    due_at          BIGINT      NOT NULL,
    PRIMARY KEY (job_id, caller_id)
);
