#!/usr/bin/env bash
# Delivery latency: for N requests per API (default 100) with a 3 s job duration, the time from the moment the
# simulator's status turns terminal to the moment the result file exists. Reports p50 and p95.
# Checks: every result read back and succeeded; p95 <= the poll interval (2 s) + 1 s.
# Usage: mvn -B package -DskipTests && bench/latency.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100}
duration=3000
work=$(mktemp -d)
BRIDGE_ENV=()
source bench/lib.sh
start_simulator --job-duration-ms $duration
start_bridge
wait_healthy
drop_requests "$n"
wait_until "$((2 * n)) results" 300 results_at_least $((2 * n))
check_results || true
out=$(LEDGER=$(curl -s "localhost:$sim_port/_sandbox/ledger") OUTBOX=$work/outbox DURATION=$duration python3 - <<'PY'
import json, os, glob
runs = {r["key"]: r["at"] for r in json.loads(os.environ["LEDGER"])["runs"]}
latencies = []
for path in glob.glob(os.environ["OUTBOX"] + "/*/*.json"):
    key = json.load(open(path))["idempotencyKey"]
    terminal = runs[key] + int(os.environ["DURATION"])
    latencies.append(os.stat(path).st_mtime * 1000 - terminal)
latencies.sort()
p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] / 1000
print(f"{len(latencies)} results: delivery latency p50 {p(0.5):.2f} s, p95 {p(0.95):.2f} s, max {latencies[-1] / 1000:.2f} s")
print(f"{p(0.95):.2f}")
PY
)
echo "$out" | head -1
p95=$(echo "$out" | tail -1)
require "p95 $p95 s <= 3 s" [ "$(echo "$p95 <= 3" | bc -l)" = 1 ]
summary "delivery latency, $((2 * n)) requests, 3 s runs" "p95 <= 3 s (poll interval + 1 s)" "$(echo "$out" | head -1 | sed 's/.*latency //')"
