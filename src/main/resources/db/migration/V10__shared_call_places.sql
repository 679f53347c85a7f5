-- The places of the calls out at once per bucket and per API of a key (bridge.*max-in-flight), shared by every
-- instance on the store, so that one call in flight means one for the key, not one per process. A place taken
-- longer ago than bridge.http.slow-call-ms is free again (a slow call, or a holder that died). Rows are named by a
-- hash of limit, slot and key, like bridge_api_budget's; times are the database's clock in epoch millis. Only used
-- when the job store is PostgreSQL.
CREATE TABLE bridge_call_place (
    id       BIGINT PRIMARY KEY,
    holder   VARCHAR(100),
    taken_at BIGINT NOT NULL
);
