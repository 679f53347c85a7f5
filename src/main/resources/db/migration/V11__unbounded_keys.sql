-- A caller's key may be any non-empty string (CONTRACT: "a caller's requestId may be any non-empty string"), so it is
-- kept unbounded and made unique by its SHA-256 (hex of its UTF-8 bytes, as JobStore computes it): PostgreSQL
-- cannot index a text of more than about 2,700 bytes, which had bounded a key at 500 characters (V8). The hash
-- leads the unique index, so a lookup by key alone (an operator's /jobs/{key}) uses it too. Rows rejected at
-- intake have no key and no hash.
ALTER TABLE bridge_job ADD COLUMN key_hash VARCHAR(64);
UPDATE bridge_job SET key_hash = ${keyHashOfIdempotencyKey} WHERE idempotency_key IS NOT NULL;
ALTER TABLE bridge_job DROP CONSTRAINT bridge_job_api_key;
ALTER TABLE bridge_job ALTER COLUMN idempotency_key SET DATA TYPE ${text};
ALTER TABLE bridge_job ADD CONSTRAINT bridge_job_key_hash_api UNIQUE (key_hash, api);
