-- The W3C trace context of each request (a JMS request's traceparent continued, else a new trace per file), so that
-- every later step of its job, in any instance and after a restart, continues that one trace. Never changes once
-- written; NULL for rows recorded before it was kept or while tracing was off.
ALTER TABLE bridge_job ADD COLUMN trace_parent VARCHAR(55);
ALTER TABLE bridge_job ADD COLUMN trace_state VARCHAR(512);
