#!/usr/bin/env bash
# Benchmark 5, delivery latency: for N requests per API (default 100) with a 3 s job duration, the time from the
# moment the simulator's status turns terminal to the moment the result file exists. Reports p50 and p95.
# Usage: mvn -B package -DskipTests && bench/latency.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100}
duration=3000
work=$(mktemp -d)
BRIDGE_ENV=()
source bench/lib.sh
trap 'kill $bridge_pid $sim_pid 2>/dev/null; wait 2>/dev/null' EXIT
start_simulator --job-duration-ms $duration
start_bridge
until curl -s "localhost:$mgmt_port/observe/health" | grep -q status; do sleep 0.2; done
drop_requests "$n"
until [ "$(result_count)" -ge $((2 * n)) ]; do sleep 0.5; done
LEDGER=$(curl -s "localhost:$sim_port/_sandbox/ledger") OUTBOX=$work/outbox DURATION=$duration python3 - <<'PY'
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
PY
