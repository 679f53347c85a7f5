#!/usr/bin/env bash
# JMS throughput: N OpenProspect requests (default 2,000) sent by an ESB client over JMS to the bridge's embedded
# broker, against the simulators with zero job duration, from the first send to the last result read back
# (bench/JmsLoad.java). Prints requests/s and the bridge's CPU s per 1,000 requests, then the bridge's CPU and log
# lines while idle for IDLE_SECONDS (default 20) afterwards.
# Checks: one succeeded result per request (counted per correlation id), no log line while idle.
# Usage: mvn -B package -DskipTests && bench/jms-throughput.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
idle=${IDLE_SECONDS:-20}
work=$(mktemp -d)
client_password=bench-client-password
BRIDGE_ENV=(BRIDGE_OPENPROSPECT_RATE=100000 BRIDGE_OPENPROSPECT_BURST=100000 BRIDGE_OPENPROSPECT_MAX_RATE=100000
  BRIDGE_JMS_ENABLED=true BRIDGE_JMS_CLIENT_PASSWORD=$client_password ${BENCH_BRIDGE_ENV:-})
source bench/lib.sh
start_simulator --job-duration-ms 0
start_bridge
wait_healthy
cpu0=$(cpu_seconds "$(bridge_jvm_pid)")
out=$(java -cp "$jar" bench/JmsLoad.java "tcp://127.0.0.1:$jms_port" esb "$client_password" "$n") \
  || { echo "$out"; echo "FAIL: a result was missing, failed or came twice"; failures=$((failures + 1)); }
echo "$out"
cpu1=$(cpu_seconds "$(bridge_jvm_pid)")
rate=$(echo "$out" | sed -nE 's/.* = ([0-9.]+) requests\/s.*/\1/p')
printf 'bridge CPU: %.2f s per 1,000 requests\n' "$(echo "($cpu1 - $cpu0) * 1000 / $n" | bc -l)"
sleep 5 # let the last results' work settle before measuring idle
cpu2=$(cpu_seconds "$(bridge_jvm_pid)"); lines0=$(wc -l < "$work/bridge.log")
sleep "$idle"
cpu3=$(cpu_seconds "$(bridge_jvm_pid)"); lines1=$(wc -l < "$work/bridge.log")
idle_cpu=$(printf '%.1f' "$(echo "($cpu3 - $cpu2) * 100 / $idle" | bc -l)")
echo "bridge while idle for $idle s: $idle_cpu% of a core, $((lines1 - lines0)) log lines"
require "no log line while idle" [ "$((lines1 - lines0))" = 0 ]
summary "JMS throughput, $n requests in and results out" "every result once; idle: no log line" \
  "${rate:-?} requests/s; idle $idle_cpu% of a core"
