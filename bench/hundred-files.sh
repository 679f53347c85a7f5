#!/usr/bin/env bash
# Issue 3 acceptance run: 50 OpenProspect + 50 Orbit files dropped at once against the simulators with a 3 s job
# duration; prints the time from drop to the 100th result and the ledger's run counts.
# Usage: mvn -B package -DskipTests && bench/hundred-files.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
BRIDGE_ENV=()
source bench/lib.sh
trap 'kill $sim_pid $bridge_pid 2>/dev/null; wait 2>/dev/null' EXIT
start_simulator --job-duration-ms 3000
start_bridge
until curl -s "localhost:$mgmt_port/observe/health" | grep -q status; do sleep 0.2; done
start=$(date +%s.%N)
drop_requests 50
until [ "$(result_count)" -ge 100 ]; do sleep 0.2; done
end=$(date +%s.%N)
echo "100 results in $(echo "$end - $start" | bc) s (work folder $work)"
echo "succeeded: $(find "$work/outbox/openprospect" "$work/outbox/orbit" -name '*.json' | wc -l), failed: $(find "$work/outbox" -path '*failed*' -name '*.json' | wc -l)"
ledger_summary
