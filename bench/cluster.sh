#!/usr/bin/env bash
# Several instances of one key on one PostgreSQL store: 3 bridge processes (INSTANCES) share a real PostgreSQL 14
# (embedded-postgres, from the test classpath), one inbox and one outbox, and take N OpenProspect and N Orbit requests
# (default 40 each) against the simulator with 8% injected 429s, 40 ms per answer and 1 s Retry-After. The places of
# the one-call-in-flight gate belong to the key (bridge_call_place), so no call may land inside a window a 429
# opened for its bucket, whichever instance drew it. Checks: every request's result once and succeeded, no key run
# twice, no request before its Retry-After or inside a bucket's window; prints each instance's share of the results.
# Usage: mvn -B package -DskipTests && bench/cluster.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-40}
instances=${INSTANCES:-3}
work=$(mktemp -d)
source bench/lib.sh
pg_port=${PG_PORT:-$(free_port)}
pg_pid=
node_pids=()
stop_cluster() { for pid in ${node_pids[@]+"${node_pids[@]}"} $pg_pid; do kill "$pid" 2>/dev/null || true; done; }
trap 'status=$?; stop_cluster; (exit $status); cleanup' EXIT

mvn -B -q dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" > "$work/maven.log" 2>&1
java -cp "$(cat "$work/classpath.txt")" bench/EmbeddedPostgresServer.java "$pg_port" > "$work/postgres.log" 2>&1 &
pg_pid=$!
postgres_up() { grep -qs READY "$work/postgres.log"; }
wait_until "PostgreSQL" 120 postgres_up

start_simulator --job-duration-ms 1000
curl -s -X POST "localhost:$sim_port/_sandbox/settings" -H 'Content-Type: application/json' \
  -d '{"rate-limited-share": "0.08", "added-latency-ms": "40", "retry-after-seconds": "1"}' > /dev/null
mkdir -p "$work/inbox/openprospect" "$work/inbox/orbit" "$work/stage"
ports=()
for i in $(seq 1 "$instances"); do
  port=$(free_port)
  ports+=("$port")
  env OPENPROSPECT_BASE_URL=http://127.0.0.1:$sim_port ORBIT_BASE_URL=http://127.0.0.1:$sim_port \
    OPENPROSPECT_API_KEY=lnc_live_bench_key_0001 ORBIT_API_KEY=sk_orb_bench_key_0001 \
    BRIDGE_STORE_URL=jdbc:postgresql://127.0.0.1:$pg_port/postgres BRIDGE_STORE_USER=postgres \
    BRIDGE_STORE_PASSWORD=postgres BRIDGE_INSTANCE_ID=node-$i BRIDGE_DATA=$work/node-$i \
    BRIDGE_INBOX=$work/inbox BRIDGE_OUTBOX=$work/outbox BRIDGE_JMS_ENABLED=false CAMEL_MANAGEMENT_PORT=$port \
    java ${BRIDGE_JAVA_OPTS:-} -jar "$jar" >> "$work/node-$i.log" 2>&1 &
  node_pids+=($!)
done
for port in "${ports[@]}"; do
  node_up() { [ "$(curl -s -o /dev/null -w '%{http_code}' "localhost:$port/observe/health" 2>/dev/null)" = 200 ]; }
  wait_until "instance on $port healthy" 120 node_up
done

for i in $(seq 1 "$n"); do
  printf '{"profile_name":"Cluster %s","ideal_customer_profile":"B2B SaaS","target_countries":["DE"]}' "$i" \
    > "$work/stage/op-$i.json"
  printf '{"email":"cluster-%s@example.com"}' "$i" > "$work/stage/orb-$i.json"
done
t0=$SECONDS
mv "$work"/stage/op-*.json "$work/inbox/openprospect/"
mv "$work"/stage/orb-*.json "$work/inbox/orbit/"
all_results() { [ "$(find "$work/outbox" -name '*.json' 2>/dev/null | wc -l)" -ge $((2 * n)) ]; }
wait_until "$((2 * n)) results" 600 all_results
elapsed=$((SECONDS - t0))

succeeded=$(find "$work/outbox" -name '*.json' -not -path '*/failed/*' | wc -l)
echo "$((2 * n)) results in $elapsed s, $succeeded succeeded"
[ "$succeeded" -eq $((2 * n)) ] || { echo "FAIL: not every request succeeded"; failures=$((failures + 1)); }
for i in $(seq 1 "$instances"); do
  echo "node-$i delivered $(grep -c 'Result succeeded\|Result failed' "$work/node-$i.log" || true)"
done
ledger_summary || true
summary "cluster: $instances instances of one key on PostgreSQL, $((2 * n)) requests, 8% 429s" \
  "1 result each, 0 keys run twice, 0 calls inside a window" "$((2 * n)) results in $elapsed s"
