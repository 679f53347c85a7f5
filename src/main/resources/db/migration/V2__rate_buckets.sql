-- Token buckets shared by every instance (Bucket4j's JDBC layout), so Orbit's per-key rate limit holds for the
-- whole cluster, not per process. Only used when the job store is PostgreSQL.
CREATE TABLE bridge_rate_bucket (
    id    BIGINT PRIMARY KEY,
    state ${binary}
);
