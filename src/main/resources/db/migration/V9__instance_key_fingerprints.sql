-- What API keys each instance runs with, as a fingerprint (the first 16 hex digits of each key's SHA-256, never the
-- key): the budgets belong to the key, so the instances on one store are meant to share their keys, and a starting
-- instance names the live ones whose keys differ. NULL for sessions of earlier releases.
ALTER TABLE bridge_instance ADD COLUMN key_fingerprint VARCHAR(200);
