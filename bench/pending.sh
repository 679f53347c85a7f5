#!/usr/bin/env bash
# Scale of pending work, on the bridge itself: its embedded store holds 100,000 OpenProspect jobs pending (next read
# in an hour) and 10,000 due now (their next step a submit), filled by bench/PendingScale.java before it starts.
# Measured: the time from health UP until the simulator has seen all due jobs' submits; the idle poll tick once they
# are done (the poll route's own timer on /observe/metrics, over IDLE_SECONDS, default 10); the heap after a full GC.
# Checks: every due job submitted within its budget: at the most the key's budget would ever allow
# (bridge.openprospect.max-rate, 200/s, here with no rate limit at the simulator) plus one poll interval (2 s), i.e.
# DUE / 200 + 2 s; idle tick mean <= 5 ms; heap used after GC <= 256 MB.
# Usage: mvn -B package -DskipTests && bench/pending.sh [PENDING] [DUE]
set -euo pipefail
cd "$(dirname "$0")/.."
pending=${1:-100000}
due=${2:-10000}
idle=${IDLE_SECONDS:-10}
work=$(mktemp -d)
# the budget is the bound checked below, so the bridge's own adaptive budget does not hold work back
BRIDGE_ENV=(BRIDGE_OPENPROSPECT_RATE=100000 BRIDGE_OPENPROSPECT_BURST=100000 BRIDGE_OPENPROSPECT_MAX_RATE=100000)
source bench/lib.sh
mkdir -m 700 -p "$work/data"
java -cp "$jar" bench/PendingScale.java "$work/data" "$pending" "$due"
start_simulator --job-duration-ms 0
t0=$(date +%s.%N)
start_bridge
wait_healthy
ready=$(date +%s.%N)
wait_until "$due submits" 600 runs_started_at_least openprospect "$due"
t1=$(date +%s.%N)
sent=$(echo "$t1 - $ready" | bc -l)
bound=$(echo "$due / 200 + 2" | bc -l)
printf 'bridge ready (health UP) %.2f s after the process started; %d due jobs all submitted %.2f s after ready (bound %.1f s)\n' \
  "$(echo "$ready - $t0" | bc -l)" "$due" "$sent" "$bound"
require "$due due jobs submitted within $(printf '%.0f' "$bound") s" [ "$(echo "$sent <= $bound" | bc -l)" = 1 ]
wait_until "$due results" 600 results_at_least "$due"
tick_timer() { # sum and count of the poll route's timer
  curl -s "localhost:$mgmt_port/observe/metrics" | grep -E 'routeId="poll-due-jobs"' | grep -vE '^#' \
    | awk '/_seconds_sum/ {s = $NF} /_seconds_count/ {c = $NF} END {print s + 0, c + 0}'
}
sleep 3
read -r sum0 count0 < <(tick_timer)
sleep "$idle"
read -r sum1 count1 < <(tick_timer)
ticks=$(echo "$count1 - $count0" | bc)
if [ "$ticks" -gt 0 ]; then
  tick_ms=$(printf '%.2f' "$(echo "($sum1 - $sum0) * 1000 / $ticks" | bc -l)")
  echo "idle poll tick: mean $tick_ms ms over $ticks ticks ($pending pending, none due)"
  require "idle tick $tick_ms ms <= 5 ms" [ "$(echo "$tick_ms <= 5" | bc -l)" = 1 ]
else
  tick_ms=?; echo "FAIL: no poll-due-jobs timer on /observe/metrics"; failures=$((failures + 1))
fi
jcmd "$(bridge_jvm_pid)" GC.run > /dev/null
heap_kb=$(jcmd "$(bridge_jvm_pid)" GC.heap_info | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+')
echo "heap after GC: $((heap_kb / 1024)) MB"
require "heap $((heap_kb / 1024)) MB <= 256 MB" [ "$heap_kb" -le $((256 * 1024)) ]
summary "$pending pending + $due due jobs, on the bridge" "due sent <= $(printf '%.0f' "$bound") s; idle tick <= 5 ms; heap <= 256 MB" \
  "$(printf '%.1f' "$sent") s; $tick_ms ms; $((heap_kb / 1024)) MB"
