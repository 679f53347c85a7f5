#!/usr/bin/env bash
# Runs every benchmark in sequence, each with its own free ports and fresh temporary folders, and prints one summary
# line per script (what | target | measured | met, with the load average at its end) for the table in
# docs/benchmarks.md, then the total run time. Exits non-zero when any script missed its target or failed.
# About 10-15 minutes on the project's 2-core machine. ONLY="startup pending" runs just those.
# Usage: mvn -B package -DskipTests && bench/all.sh
set -uo pipefail
cd "$(dirname "$0")/.."
[ -f target/profile-bridge.jar ] || { echo "target/profile-bridge.jar is missing: mvn -B package -DskipTests first"; exit 2; }
logs=$(mktemp -d)
started=$SECONDS
runs=(
  "throughput|bench/throughput.sh 5000"
  "metrics-cost|env VS_ENV=BRIDGE_METRICS_CAMEL_AND_JVM=false bench/throughput.sh 3000"
  "jms-throughput|bench/jms-throughput.sh 2000"
  "startup|bench/startup.sh 5"
  "startup-cds|env CDS=1 bench/startup.sh 5"
  "pending|bench/pending.sh"
  "saturation|bench/saturation.sh 500"
  "latency|bench/latency.sh 100"
  "long-runs|bench/long-runs.sh 30"
  "hundred-files|bench/hundred-files.sh"
  "chaos|bench/chaos.sh"
  "unmoved-kill|bench/unmoved-kill.sh"
  "cluster|bench/cluster.sh 40"
)
summaries=()
failed=0
for run in "${runs[@]}"; do
  name=${run%%|*} command=${run#*|}
  if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]]; then continue; fi
  t0=$SECONDS
  echo "== $name: $command"
  $command > "$logs/$name.log" 2>&1
  status=$?
  line=$(grep '^summary: ' "$logs/$name.log" | tail -1 | sed 's/^summary: //')
  [ -n "$line" ] || line="$name | - | no summary (see $logs/$name.log) | no"
  [ "$status" = 0 ] || failed=$((failed + 1))
  summaries+=("| $name | ${line} | $((SECONDS - t0)) s | exit $status |")
  echo "   ${summaries[-1]}"
done
echo
echo "| script | what | target | measured | met | time | exit |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${summaries[@]}"
echo
echo "total $((SECONDS - started)) s; $failed script(s) failed; logs in $logs"
[ "$failed" = 0 ]
