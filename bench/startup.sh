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
# FLOOR=1 also measures, alternated with each timed start, the floor of any Camel Main design on this host:
# bench/StartFloor.java (the thinnest Camel Main process starting the parts a default bridge starts, with the bridge's
# libraries and none of its own parts) and the bridge's own JVM started the way the launcher starts it, each with
# its own class archive and C1 alone, as the relaunched child runs, and the floor again through a launcher JVM that
# starts it so (as a plain java -jar of the bridge goes); it prints the four medians. The bridge's plain start less its
# child's is the launcher's share; the child less the floor is what the bridge's own parts cost.
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
# Every start below runs in this shell, so that the exit trap stops it when a wait fails.
timed_start() { # START [ARGS...]: runs START (it starts something in the background and sets bridge_pid), waits for
  # health UP, stops it; sets elapsed_ms
  local t0 t1
  t0=$(date +%s%N)
  "$@"
  wait_healthy
  t1=$(date +%s%N)
  kill "$bridge_pid"; wait "$bridge_pid" 2>/dev/null || true
  bridge_pid=
  elapsed_ms=$(( (t1 - t0) / 1000000 ))
}
median_of() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
how="plain java -jar"
[[ " ${EXTRA_ENV:-} " == *" BRIDGE_LAUNCHER=in-process "* ]] && how="$how, in-process"
if [ "${CDS:-0}" = 1 ]; then
  saved_opts=${BRIDGE_JAVA_OPTS:-}
  BRIDGE_JAVA_OPTS="$saved_opts -XX:ArchiveClassesAtExit=$work/bridge.jsa"
  timed_start start_bridge
  BRIDGE_JAVA_OPTS="$saved_opts -XX:SharedArchiveFile=$work/bridge.jsa"
  echo "class-data-sharing archive: $(du -h "$work/bridge.jsa" | cut -f1)"
  how="java -XX:SharedArchiveFile -jar"
fi
[ "${JMS:-true}" = true ] || how="$how, JMS off"
if [ "${KEEP_DATA:-0}" = 1 ]; then
  rm -rf "$work/data"
  timed_start start_bridge
  how="$how, restarts on a kept data folder"
fi
if [ "${FLOOR:-0}" = 1 ]; then
  mkdir -p "$work/floor/classes"
  javac -d "$work/floor/classes" -cp "$jar" bench/StartFloor.java
  jar cf "$work/floor/floor.jar" -C "$work/floor/classes" .
  floor_command=(java -XX:SharedArchiveFile="$work/floor/floor.jsa" -Xlog:cds*=off -XX:TieredStopAtLevel=1
    -cp "$work/floor/floor.jar:$jar" StartFloor "$work/floor/run" "$mgmt_port" "$jms_port")
  # one training start makes the floor's archive, as the launcher's first start makes the bridge's
  timed_start start_command java -XX:ArchiveClassesAtExit="$work/floor/floor.jsa" -cp "$work/floor/floor.jar:$jar" \
    StartFloor "$work/floor/run" "$mgmt_port" "$jms_port"
  floor_times=() floor_launched_times=() child_times=()
fi
times=()
for r in $(seq 1 "$runs"); do
  [ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$work/data"
  timed_start start_bridge
  times+=("$elapsed_ms")
  if [ "${FLOOR:-0}" = 1 ]; then
    rm -rf "$work/floor/run"
    timed_start start_command "${floor_command[@]}"
    floor_times+=("$elapsed_ms")
    rm -rf "$work/floor/run"
    timed_start start_command java -cp "$jar:$work/floor/floor.jar" StartFloor relaunch \
      "$work/floor/floor.jsa" "$work/floor/run" "$mgmt_port" "$jms_port"
    floor_launched_times+=("$elapsed_ms")
    [ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$work/data"
    archive=$(ls "$work"/cache/profile-bridge/cds/*.jsa)
    bridge_start_env
    timed_start start_command env "${BRIDGE_START_ENV[@]}" java -XX:SharedArchiveFile="$archive" -Xlog:cds*=off \
      -XX:TieredStopAtLevel=1 -jar "$jar"
    child_times+=("$elapsed_ms")
  fi
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(median_of "${times[@]}")
if [ "${FLOOR:-0}" = 1 ]; then
  echo "the floor (bench/StartFloor.java, its archive, C1), in order: ${floor_times[*]}; median $(median_of "${floor_times[@]}")"
  echo "the floor through a launcher JVM (as a plain java -jar), in order: ${floor_launched_times[*]}; median $(median_of "${floor_launched_times[@]}")"
  echo "the bridge's own JVM as relaunched (its archive, C1), in order: ${child_times[*]}; median $(median_of "${child_times[@]}")"
fi
echo "start-up to health UP (ms), in order: ${times[*]}; sorted: $(echo $sorted | tr '\n' ' ') median $median"
ls "$work"/cache/profile-bridge/cds/*.jsa > /dev/null 2>&1 && echo "relaunched: the first start made the archive, the others mapped it"
require "median $median ms <= $target_ms ms" [ "$median" -le "$target_ms" ]
summary "start-up to health UP, $how, median of $runs" "<= $target_ms ms" "$median ms"
