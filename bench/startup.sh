#!/usr/bin/env bash
# Benchmark 4, start-up: time from process start to /observe/health answering UP, median of RUNS (default 5).
# CDS=1 first makes a class-data-sharing archive of the bridge (one training start, stopped once healthy) and
# measures with it (-XX:SharedArchiveFile, as an operator would pass it in JDK_JAVA_OPTIONS).
# Usage: mvn -B package -DskipTests && bench/startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
work=$(mktemp -d)
# the default configuration, embedded Artemis broker included
BRIDGE_ENV=(BRIDGE_JMS_ENABLED=${JMS:-true} BRIDGE_JMS_EMBEDDED_URL=tcp://127.0.0.1:62626)
source bench/lib.sh
wait_healthy() {
  until curl -s "localhost:$mgmt_port/observe/health" 2>/dev/null | grep -q '"status":"UP"'; do sleep 0.02; done
}
if [ "${CDS:-0}" = 1 ]; then
  saved_opts=${BRIDGE_JAVA_OPTS:-}
  BRIDGE_JAVA_OPTS="$saved_opts -XX:ArchiveClassesAtExit=$work/bridge.jsa"
  start_bridge; wait_healthy
  kill "$bridge_pid"; wait "$bridge_pid" 2>/dev/null || true
  BRIDGE_JAVA_OPTS="$saved_opts -XX:SharedArchiveFile=$work/bridge.jsa"
  echo "class-data-sharing archive: $(du -h "$work/bridge.jsa" | cut -f1)"
fi
times=()
for r in $(seq 1 "$runs"); do
  rm -rf "$work/data"
  t0=$(date +%s%N)
  start_bridge
  wait_healthy
  t1=$(date +%s%N)
  times+=($(( (t1 - t0) / 1000000 )))
  kill "$bridge_pid"; wait "$bridge_pid" 2>/dev/null || true
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
echo "start-up to health UP (ms): $(echo $sorted | tr '\n' ' ') median $(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")"
