#!/usr/bin/env bash
# Start-up: time from process start to /observe/health answering UP, median of RUNS (default 5), plain
# `java -jar` with the default configuration, embedded Artemis broker included (JMS=false: without it).
# CDS=1 first makes a class-data-sharing archive of the bridge (one training start, stopped once healthy) and
# measures with it (-XX:SharedArchiveFile, as an operator would pass it in JDK_JAVA_OPTIONS).
# A plain `java -jar` relaunches the bridge with a class-data-sharing archive it makes on its first run (README "Faster
# start-up"): the cache folder is a new one under the work folder, so the first timed start is that first run, and
# counts (CACHE=user: the user's own ~/.cache, as it is; EXTRA_ENV=BRIDGE_LAUNCHER=in-process: no relaunch; EXTRA_ENV takes
# VAR=value words for the bridge).
# KEEP_DATA=1 measures restarts instead: one untimed start creates the data folder, every timed start reuses it
# (the store up to date, the broker's journal there), as an upgrade-free restart or a rescheduled pod does.
# Checks: median <= TARGET_MS (default 2000).
# Usage: mvn -B package -DskipTests && bench/startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
target_ms=${TARGET_MS:-2000}
work=$(mktemp -d)
BRIDGE_ENV=(BRIDGE_JMS_ENABLED=${JMS:-true})
[ "${CACHE:-new}" = user ] || BRIDGE_ENV+=(XDG_CACHE_HOME=$work/cache)
BRIDGE_ENV+=(${EXTRA_ENV:-})
source bench/lib.sh
how="plain java -jar"
[[ " ${EXTRA_ENV:-} " == *" BRIDGE_LAUNCHER=in-process "* ]] && how="$how, in-process"
if [ "${CDS:-0}" = 1 ]; then
  saved_opts=${BRIDGE_JAVA_OPTS:-}
  BRIDGE_JAVA_OPTS="$saved_opts -XX:ArchiveClassesAtExit=$work/bridge.jsa"
  start_bridge; wait_healthy
  kill "$bridge_pid"; wait "$bridge_pid" 2>/dev/null || true
  BRIDGE_JAVA_OPTS="$saved_opts -XX:SharedArchiveFile=$work/bridge.jsa"
  echo "class-data-sharing archive: $(du -h "$work/bridge.jsa" | cut -f1)"
  how="java -XX:SharedArchiveFile -jar"
fi
[ "${JMS:-true}" = true ] || how="$how, JMS off"
if [ "${KEEP_DATA:-0}" = 1 ]; then
  rm -rf "$work/data"
  start_bridge; wait_healthy
  kill "$bridge_pid"; wait "$bridge_pid" 2>/dev/null || true
  how="$how, restarts on a kept data folder"
fi
times=()
for r in $(seq 1 "$runs"); do
  [ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$work/data"
  t0=$(date +%s%N)
  start_bridge
  wait_healthy
  t1=$(date +%s%N)
  times+=($(( (t1 - t0) / 1000000 )))
  kill "$bridge_pid"; wait "$bridge_pid" 2>/dev/null || true
done
bridge_pid=
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
echo "start-up to health UP (ms), in order: ${times[*]}; sorted: $(echo $sorted | tr '\n' ' ') median $median"
ls "$work"/cache/profile-bridge/cds/*.jsa > /dev/null 2>&1 && echo "relaunched: the first start made the archive, the others mapped it"
require "median $median ms <= $target_ms ms" [ "$median" -le "$target_ms" ]
summary "start-up to health UP, $how, median of $runs" "<= $target_ms ms" "$median ms"
