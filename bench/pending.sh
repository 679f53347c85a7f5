#!/usr/bin/env bash
# Benchmark 3, scale of pending work: 100,000 jobs pending (due in an hour) and 1,000 due now in the embedded
# store. Reports the idle poll tick, the bridge's heap after a full GC with that store, and the time until the
# 1,000 due jobs have all been sent to the API.
# Usage: mvn -B package -DskipTests && bench/pending.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
# the simulator sets no limit here, and the bridge's own OpenProspect budget is not what this measures
BRIDGE_ENV=(BRIDGE_OPENPROSPECT_RATE=100000 BRIDGE_OPENPROSPECT_BURST=100000 BRIDGE_OPENPROSPECT_MAX_RATE=100000)
source bench/lib.sh
trap 'kill $bridge_pid $sim_pid 2>/dev/null; wait 2>/dev/null' EXIT
java -cp target/profile-bridge.jar bench/PendingScale.java "$work/data" 100000 1000
start_simulator --job-duration-ms 0
t0=$(date +%s.%N)
start_bridge
until curl -s "localhost:$mgmt_port/observe/health" 2>/dev/null | grep -q '"status":"UP"'; do sleep 0.02; done
ready=$(date +%s.%N)
until [ "$(curl -s "localhost:$sim_port/_sandbox/ledger" | python3 -c 'import json,sys; print(json.load(sys.stdin)["apis"]["openprospect"]["runsStarted"])')" -ge 1000 ]; do sleep 0.1; done
t1=$(date +%s.%N)
printf 'bridge ready (health UP) %.2f s after the process started; 1,000 due jobs all submitted %.2f s after ready\n' \
  "$(echo "$ready - $t0" | bc -l)" "$(echo "$t1 - $ready" | bc -l)"
sleep 3
jcmd "$bridge_pid" GC.run > /dev/null
echo "heap after GC: $(jcmd "$bridge_pid" GC.heap_info | grep -oE 'used [0-9]+K' | head -1)"
