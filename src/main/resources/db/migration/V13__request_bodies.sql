-- A request's body in a row of its own, written once: the job's row changes at every step (state, polls, next
-- attempt), and each change rewrote the whole row with its body. A request near bridge.request.max-bytes cost about
-- 4 MB of store file per job, and the versions H2 keeps until a commit reaches disk ran a 192 MB heap out with 100
-- such requests (measured: docs/benchmarks.md). A body changes only when a request is retried under a derived key.
-- Rows rejected at intake before a body was read have none. Removed with its job (FinishedJobsRetention).
CREATE TABLE bridge_job_request (
    job_id       VARCHAR(36) NOT NULL PRIMARY KEY,
    request_body ${text}     NOT NULL
);
INSERT INTO bridge_job_request (job_id, request_body)
    SELECT id, request_body FROM bridge_job WHERE request_body IS NOT NULL;
ALTER TABLE bridge_job DROP COLUMN request_body;
