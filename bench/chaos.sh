#!/usr/bin/env bash
# Issue 5 acceptance run: 100 requests (50 per API) against simulators with 8% 5xx, 5% 429, 8% lost answers and
# 150 ms added latency, while the bridge is SIGKILLed six times mid-batch. Then it runs to the end and the
# invariants are printed: 100 results, no key run twice, no request before Retry-After, no rate-limit 429s.
# Usage: mvn -B package -DskipTests && bench/chaos.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
BRIDGE_ENV=()
source bench/lib.sh
trap 'kill -9 $bridge_pid 2>/dev/null; kill $sim_pid 2>/dev/null; wait 2>/dev/null' EXIT
start_simulator --job-duration-ms 8000 --server-error-share 0.08 --rate-limited-share 0.05 \
  --lost-answer-share 0.08 --added-latency-ms 150 --seed 7
drop_requests 50
start=$(date +%s)
for kill in 1 2 3 4 5 6; do
  start_bridge
  # killed while it works: a random 1.5-4 s after it answers its health check (start-up time varies with the host)
  until curl -s "localhost:$mgmt_port/observe/health" | grep -q status; do sleep 0.1; done
  sleep "$(python3 -c 'import random; print(round(random.uniform(1.5, 4), 1))')"
  kill -9 "$bridge_pid"; wait "$bridge_pid" 2>/dev/null || true
  echo "kill $kill: $(result_count) results so far"
done
start_bridge
until [ "$(result_count)" -ge 100 ]; do sleep 0.5; done
echo "after 6 SIGKILLs: $(result_count) results in $(( $(date +%s) - start )) s" \
     "(succeeded $(find "$work/outbox/openprospect" "$work/outbox/orbit" -name '*.json' | wc -l))"
ledger_summary
