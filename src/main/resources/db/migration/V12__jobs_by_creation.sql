-- Jobs in the order they were created: the newest first for /jobs and the status page (LIMIT n read from the index
-- instead of sorting the whole table on every call: 100,000 jobs took 100 ms a page, 0.6 ms with it), the newest
-- job's time that the embedded store checks at each start (a direct lookup instead of reading every row: 1.2-3 s
-- cold at 100,000 jobs), and the retention of finished jobs. id breaks ties, as the listing does.
CREATE INDEX bridge_job_created ON bridge_job (created_at, id);
