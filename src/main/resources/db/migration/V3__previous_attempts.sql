-- Every earlier attempt of a request under another key (key, remote id, error), as a JSON array: an OpenProspect
-- FAILED run or a refunded Orbit key is retried under a derived key, and the result lists what came before.
ALTER TABLE bridge_job ADD COLUMN previous_attempts ${text};
