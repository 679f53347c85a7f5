#!/usr/bin/env bash
# Benchmark 1, pipeline throughput: N OpenProspect request files (default 10,000) through the bridge against the
# simulators with zero job duration and no rate limit, from drop to the last result; then, in the same run, a raw
# java.net.http client doing the same POSTs and GETs with no durability. Prints requests/s, CPU s per 1,000, ratio.
# WARMUP=M (default 0) first sends M other files through the same bridge process and waits for their results, so the
# measured N run on compiled code (the raw client warms up the same way); both figures are printed either way.
# Usage: mvn -B package -DskipTests && bench/throughput.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
warmup=${WARMUP:-0}
work=$(mktemp -d)
# the simulator sets no limit here, and the bridge's own OpenProspect budget is not what this measures
BRIDGE_ENV=(BRIDGE_OPENPROSPECT_RATE=100000 BRIDGE_OPENPROSPECT_BURST=100000 BRIDGE_OPENPROSPECT_MAX_RATE=100000 ${BENCH_BRIDGE_ENV:-})
source bench/lib.sh
trap 'kill $bridge_pid $sim_pid 2>/dev/null; wait 2>/dev/null' EXIT
cpu_seconds() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }

start_simulator --job-duration-ms 0
mkdir -p "$work/stage" "$work/warmup" "$work/inbox/openprospect"
for i in $(seq 1 "$n"); do
  printf '{"profile_name":"Buyers %s","ideal_customer_profile":"B2B SaaS","target_countries":["DE"]}' "$i" > "$work/stage/op-$i.json"
done
for i in $(seq 1 "$warmup"); do
  printf '{"profile_name":"Warm-up %s","ideal_customer_profile":"B2B SaaS","target_countries":["AT"]}' "$i" > "$work/warmup/wu-$i.json"
done
start_bridge
until curl -s "localhost:$mgmt_port/observe/health" | grep -q status; do sleep 0.2; done
if [ "$warmup" -gt 0 ]; then
  find "$work/warmup" -name '*.json' -exec mv -t "$work/inbox/openprospect/" {} +
  until [ "$(find "$work/outbox/openprospect" -name 'wu-*.json' 2>/dev/null | wc -l)" -ge "$warmup" ]; do sleep 0.5; done
  echo "warm-up: $warmup requests done"
fi
cpu0=$(cpu_seconds "$bridge_pid"); sim0=$(cpu_seconds "$sim_pid"); t0=$(date +%s.%N)
find "$work/stage" -name '*.json' -exec mv -t "$work/inbox/openprospect/" {} +
until [ "$(find "$work/outbox/openprospect" -name 'op-*.json' 2>/dev/null | wc -l)" -ge "$n" ]; do sleep 0.2; done
t1=$(date +%s.%N); cpu1=$(cpu_seconds "$bridge_pid"); sim1=$(cpu_seconds "$sim_pid")
bridge_rate=$(echo "$n / ($t1 - $t0)" | bc -l)
printf 'bridge: %d requests in %.2f s = %.0f requests/s, %.2f CPU s per 1,000 requests\n' "$n" "$(echo "$t1 - $t0" | bc -l)" \
  "$bridge_rate" "$(echo "($cpu1 - $cpu0) * 1000 / $n" | bc -l)"
printf 'simulator CPU during the bridge run: %.2f s per 1,000 requests\n' "$(echo "($sim1 - $sim0) * 1000 / $n" | bc -l)"
kill "$bridge_pid"; wait "$bridge_pid" 2>/dev/null || true
sim2=$(cpu_seconds "$sim_pid")
raw=$( { TIMEFORMAT='%U %S'; time java bench/RawClient.java "http://127.0.0.1:$sim_port" "$n" 16 "$warmup" ; } 2>&1 )
echo "$raw" | head -1
printf 'simulator CPU during the raw run: %.2f s per 1,000 requests (warm-up included)\n' \
  "$(echo "($(cpu_seconds "$sim_pid") - $sim2) * 1000 / ($n + $warmup)" | bc -l)"
raw_rate=$(echo "$raw" | head -1 | sed -E 's/.* = ([0-9.]+) requests\/s/\1/')
raw_cpu=$(echo "$raw" | tail -1 | awk '{print $1 + $2}')
printf 'raw client CPU: %.2f s per 1,000 requests (includes its JVM start and compile)\n' "$(echo "$raw_cpu * 1000 / $n" | bc -l)"
printf 'ratio bridge / raw: %.2f\n' "$(echo "$bridge_rate / $raw_rate" | bc -l)"
