#!/usr/bin/env bash
# JMS throughput: N OpenProspect requests (default 2,000) sent by an ESB client over JMS to the bridge's embedded
# broker, against the simulators with zero job duration, from the first send to the last result read back
# (bench/JmsLoad.java). Prints requests/s and the bridge's CPU s per 1,000 requests, then the bridge's CPU while
# idle for IDLE_SECONDS (default 20) afterwards: an idle bridge should cost next to nothing.
# Usage: mvn -B package -DskipTests && bench/jms-throughput.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
idle=${IDLE_SECONDS:-20}
work=$(mktemp -d)
jms_url=tcp://127.0.0.1:${JMS_PORT:-18616}
client_password=bench-client-password
BRIDGE_ENV=(BRIDGE_JMS_ENABLED=true BRIDGE_JMS_EMBEDDED_URL=$jms_url BRIDGE_JMS_CLIENT_PASSWORD=$client_password
  ${BENCH_BRIDGE_ENV:-})
source bench/lib.sh
trap 'kill $bridge_pid $sim_pid 2>/dev/null; wait 2>/dev/null' EXIT
cpu_seconds() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }

start_simulator --job-duration-ms 0
start_bridge
until curl -s "localhost:$mgmt_port/observe/health" | grep -q status; do sleep 0.2; done
cpu0=$(cpu_seconds "$bridge_pid")
java -cp target/profile-bridge.jar bench/JmsLoad.java "$jms_url" esb "$client_password" "$n"
cpu1=$(cpu_seconds "$bridge_pid")
printf 'bridge CPU: %.2f s per 1,000 requests\n' \
  "$(echo "($cpu1 - $cpu0) * 1000 / $n" | bc -l)"
sleep 5 # let the last results' work settle before measuring idle
cpu2=$(cpu_seconds "$bridge_pid"); lines0=$(wc -l < "$work/bridge.log")
sleep "$idle"
cpu3=$(cpu_seconds "$bridge_pid"); lines1=$(wc -l < "$work/bridge.log")
printf 'bridge while idle for %d s: %.1f%% of a core, %d log lines\n' "$idle" \
  "$(echo "($cpu3 - $cpu2) * 100 / $idle" | bc -l)" "$((lines1 - lines0))"
