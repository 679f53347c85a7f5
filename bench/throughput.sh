#!/usr/bin/env bash
# Benchmark 1, pipeline throughput: N OpenProspect request files (default 5,000) through the bridge against the
# simulators with zero job duration and no rate limit, from drop to the last result; and a raw java.net.http client
# doing the same POSTs and GETs with no durability (bench/RawClient.java). The two run in turn, ROUNDS pairs
# (default 3), the bridge first in odd pairs and second in even ones, against one simulator, so a host that speeds up
# or slows down meanwhile counts against both; each bridge run starts from fresh folders and a fresh process. Prints
# each run's requests/s (the bridge's CPU s per 1,000 too), the ratio of each pair, and their median.
# Checks: every result read back and succeeded, the raw client had no failure, and the median ratio >= TARGET (0.5).
# WARMUP=M (default 0) first sends M other requests through each process, unmeasured. Instead of the raw client,
# the other of each pair can be the bridge of another build (VS_JAR=path) or this one with other settings
# (VS_ENV="VAR=value ...", where {data} stands for the run's data folder): before/after figures of a change, with
# no target. VS=floor runs the Camel floor (bench/CamelFloor.java: the thinnest Camel route doing the same file-to-file
# calls, with no store, no durability and none of the contract's duties) and the raw client beside each bridge run,
# and prints both ratios: what any Camel design could reach on this host in the same minute.
# E.g. VS_ENV="BRIDGE_STORE_URL=jdbc:postgresql://..." compares the stores.
# On a shared host one pair says little (the same jar moved between 112 and 218 requests/s within an hour, and by a
# third from one minute to the next): compare with ROUNDS=6 and N=3000 and read every pair (docs/benchmarks.md, eighth
# round on issue 18).
# THREAD_CPU=1 prints each bridge's CPU seconds by thread at the end of its run (the JIT compilers against Camel's
# threads, H2's, the GC's).
# Usage: mvn -B package -DskipTests && bench/throughput.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5000}
rounds=${ROUNDS:-3}
warmup=${WARMUP:-0}
target=${TARGET:-0.5}
work=$(mktemp -d)
# the simulator sets no limit here, and the bridge's own OpenProspect budget is not what this measures
BRIDGE_ENV=(BRIDGE_OPENPROSPECT_RATE=100000 BRIDGE_OPENPROSPECT_BURST=100000 BRIDGE_OPENPROSPECT_MAX_RATE=100000 ${BENCH_BRIDGE_ENV:-})
source bench/lib.sh

start_simulator --job-duration-ms 0
mkdir -p "$work/requests" "$work/warmup"
for i in $(seq 1 "$n"); do
  printf '{"profile_name":"Buyers %s","ideal_customer_profile":"B2B SaaS","target_countries":["DE"]}' "$i" > "$work/requests/op-$i.json"
done
for i in $(seq 1 "$warmup"); do
  printf '{"profile_name":"Warm-up %s","ideal_customer_profile":"B2B SaaS","target_countries":["AT"]}' "$i" > "$work/warmup/wu-$i.json"
done

stage_requests() { # BASE ROUND LABEL: the requests into BASE/stage, with a profile name of this run's own
  mkdir -p "$1/stage"
  cp "$work"/requests/*.json "$1/stage/"
  # the files carry a new profile name per run, so their keys (derived from name and body) are new to the simulator:
  # the second bridge of a pair would otherwise send the first one's keys again and get the simulator's replays of
  # runs that had already ended (it was 20-50% faster than the first, whichever jar it was)
  sed -i "s/Buyers /Buyers r$2-$3 /" "$1"/stage/*.json
}

bridge_run() { # ROUND JAR LABEL [VAR=value ...]: one fresh bridge process; sets bridge_rate
  local round=$1 label=$3 base=$work/round-$1-$3 jar=$2 saved_env=("${BRIDGE_ENV[@]}")
  shift 3
  BRIDGE_ENV+=("$@")
  mkdir -p "$base/inbox/openprospect"
  stage_requests "$base" "$round" "$label"
  if [ "$warmup" -gt 0 ]; then cp "$work"/warmup/*.json "$base/inbox/openprospect/"; fi
  (cd "$base/stage" && ls) | sed 's|^|openprospect/|' > "$base/expected"
  local saved_work=$work; work=$base
  local i
  for i in "${!BRIDGE_ENV[@]}"; do BRIDGE_ENV[$i]=${BRIDGE_ENV[$i]//\{data\}/$base/data}; done
  start_bridge; wait_healthy
  if [ "$warmup" -gt 0 ]; then
    until [ "$(find "$base/outbox/openprospect" -name 'wu-*.json' 2>/dev/null | wc -l)" -ge "$warmup" ]; do sleep 0.5; done
    find "$base/outbox" -name 'wu-*.json' -delete
  fi
  local cpu0 sim0 t0 t1 cpu1 sim1
  cpu0=$(cpu_seconds "$(bridge_jvm_pid)"); sim0=$(cpu_seconds "$sim_pid"); t0=$(date +%s.%N)
  find "$base/stage" -name '*.json' -exec mv -t "$base/inbox/openprospect/" {} +
  measured_results() { [ "$(find "$base/outbox" -name 'op-*.json' 2>/dev/null | wc -l)" -ge "$n" ]; }
  wait_until "$n results" 600 measured_results
  t1=$(date +%s.%N); cpu1=$(cpu_seconds "$(bridge_jvm_pid)"); sim1=$(cpu_seconds "$sim_pid")
  if [ -n "${THREAD_CPU:-}" ]; then echo "bridge CPU s by thread, start-up included:"; thread_cpu "$(bridge_jvm_pid)"; fi
  kill "$bridge_pid"; wait "$bridge_pid" 2>/dev/null || true
  bridge_pid=
  bridge_rate=$(echo "$n / ($t1 - $t0)" | bc -l)
  bridge_cpu=$(echo "($cpu1 - $cpu0) * 1000 / $n" | bc -l)
  printf 'round %d, bridge %s %s: %d requests in %.2f s = %.0f requests/s, %.2f CPU s per 1,000 requests (simulator %.2f)\n' \
    "$round" "$jar" "$*" "$n" "$(echo "$t1 - $t0" | bc -l)" "$bridge_rate" "$(echo "($cpu1 - $cpu0) * 1000 / $n" | bc -l)" \
    "$(echo "($sim1 - $sim0) * 1000 / $n" | bc -l)"
  check_results || true
  work=$saved_work
  BRIDGE_ENV=("${saved_env[@]}")
}

raw_run() { # sets raw_rate
  local round=$1 out sim0
  sim0=$(cpu_seconds "$sim_pid")
  if ! out=$( { TIMEFORMAT='%U %S'; time java bench/RawClient.java "http://127.0.0.1:$sim_port" "$n" 16 "$warmup" "raw-r$round-" ; } 2>&1 ); then
    echo "FAIL: the raw client counted failures"; failures=$((failures + 1))
  fi
  raw_rate=$(echo "$out" | grep '^raw client' | sed -E 's/.* = ([0-9.]+) requests\/s.*/\1/')
  printf 'round %d, %s, %.2f CPU s per 1,000 requests with its JVM start (simulator %.2f)\n' "$round" \
    "$(echo "$out" | grep '^raw client')" "$(echo "$(echo "$out" | tail -1 | awk '{print $1 + $2}') * 1000 / $n" | bc -l)" \
    "$(echo "($(cpu_seconds "$sim_pid") - $sim0) * 1000 / ($n + $warmup)" | bc -l)"
}

floor_run() { # VS=floor: the thinnest Camel route doing the same file-to-file work (bench/CamelFloor.java); sets floor_rate
  local round=$1 base=$work/round-$1-floor out
  stage_requests "$base" "$round" floor
  out=$(java -cp "$jar" bench/CamelFloor.java "http://127.0.0.1:$sim_port" "$base/stage" "$base" 16 "floor-r$round-" 2>&1 | grep '^camel floor\|^FAIL' || true)
  echo "round $round, $out"
  case "$out" in "camel floor"*) ;; *) echo "FAIL: the Camel floor did not finish"; failures=$((failures + 1)); return ;; esac
  floor_rate=$(echo "$out" | sed -E 's/.* = ([0-9.]+) requests\/s.*/\1/')
  floor_cpus+=("$(echo "$out" | sed -E 's/.*, ([0-9.]+) CPU s per 1,000.*/\1/')")
  rm -rf "$base"
}

mine() { bridge_run "$round" "$jar" bridge; mine_rate=$bridge_rate; mine_cpus+=("$bridge_cpu"); }
other() {
  if [ "${VS:-}" = floor ]; then
    floor_run "$round"; other_rate=$floor_rate
    raw_run "$round"; floor_ratios+=("$(echo "$floor_rate / $raw_rate" | bc -l)")
  elif [ -n "${VS_JAR:-}${VS_ENV:-}" ]; then
    # shellcheck disable=SC2086 # VS_ENV is a list of VAR=value words
    bridge_run "$round" "${VS_JAR:-$jar}" other ${VS_ENV:-}; other_rate=$bridge_rate; other_cpus+=("$bridge_cpu")
  else
    raw_run "$round"; other_rate=$raw_rate
  fi
}
other_name=raw
if [ -n "${VS_JAR:-}${VS_ENV:-}" ]; then other_name="bridge${VS_JAR:+ $VS_JAR}${VS_ENV:+ $VS_ENV}"; fi
if [ "${VS:-}" = floor ]; then other_name="camel floor"; fi
# the simulator's own JIT warm-up would otherwise fall on the first run (it took 2-5 times the simulator CPU per
# request of later runs, on the same two cores): warm it with an unmeasured raw run first
java bench/RawClient.java "http://127.0.0.1:$sim_port" "$n" 16 0 "warm-up-" > /dev/null
median_of() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }
ratios=() mine_cpus=() other_cpus=() floor_cpus=() floor_ratios=()
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then mine; other; else other; mine; fi
  ratios+=("$(echo "$mine_rate / $other_rate" | bc -l)")
  printf 'round %d: ratio bridge / %s %.2f (load average %s)\n' "$round" "$other_name" "${ratios[-1]}" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "${VS:-}" = floor ]; then
    printf 'round %d: ratio camel floor / raw %.2f, bridge / raw %.2f\n' "$round" "${floor_ratios[-1]}" \
      "$(echo "$mine_rate / $raw_rate" | bc -l)"
  fi
done
median=$(median_of "${ratios[@]}")
printf 'ratio bridge / %s, median of %d pairs: %.2f\n' "$other_name" "$rounds" "$median"
if [ "$other_name" = raw ]; then
  require "median ratio >= $target" [ "$(echo "$median >= $target" | bc -l)" = 1 ]
  summary "throughput, $n files, bridge / raw client" ">= $target" \
    "$(printf '%.2f; bridge %.2f CPU s per 1,000' "$median" "$(median_of "${mine_cpus[@]}")")"
elif [ "$other_name" = "camel floor" ]; then
  summary "throughput, $n files, bridge / camel floor" "none (the floor of a Camel route on these components)" \
    "$(printf '%.2f; camel floor / raw %.2f; CPU s per 1,000 %.2f against %.2f' "$median" \
      "$(median_of "${floor_ratios[@]}")" "$(median_of "${mine_cpus[@]}")" "$(median_of "${floor_cpus[@]}")")"
else
  summary "throughput, $n files, bridge / $other_name" "none (before/after)" \
    "$(printf '%.2f; CPU s per 1,000 %.2f against %.2f' "$median" "$(median_of "${mine_cpus[@]}")" \
      "$(median_of "${other_cpus[@]}")")"
fi
