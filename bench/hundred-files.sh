#!/usr/bin/env bash
# Issue 3 acceptance run: 50 OpenProspect + 50 Orbit files dropped at once against the simulators with a 3 s job
# duration; prints the time from drop to the 100th result and the ledger's run counts.
# Usage: bench/hundred-files.sh   (after mvn -B package)
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
port=18099
java -jar target/profile-bridge.jar simulate --port $port --job-duration-ms 3000 > "$work/simulator.log" 2>&1 &
sim=$!
trap 'kill $sim $bridge 2>/dev/null; wait 2>/dev/null' EXIT
export OPENPROSPECT_BASE_URL=http://127.0.0.1:$port ORBIT_BASE_URL=http://127.0.0.1:$port
export OPENPROSPECT_API_KEY=lnc_live_bench_key_0001 ORBIT_API_KEY=sk_orb_bench_key_0001
export BRIDGE_INBOX=$work/inbox BRIDGE_OUTBOX=$work/outbox BRIDGE_DATA=$work/data BRIDGE_JMS_ENABLED=false
export BRIDGE_MANAGEMENT_PORT=19876
java -jar target/profile-bridge.jar > "$work/bridge.log" 2>&1 &
bridge=$!
until curl -s localhost:19876/observe/health | grep -q status; do sleep 0.2; done
mkdir -p "$work/stage/openprospect" "$work/stage/orbit" "$work/inbox/openprospect" "$work/inbox/orbit"
for i in $(seq 1 50); do
  printf '{"profile_name":"Buyers %s","ideal_customer_profile":"B2B SaaS %s","target_countries":["DE"]}' $i $i > "$work/stage/openprospect/op-$i.json"
  printf '{"email":"person%s@example.com","runShape":"partial_only"}' $i > "$work/stage/orbit/orb-$i.json"
done
start=$(date +%s.%N)
mv "$work/stage/openprospect/"* "$work/inbox/openprospect/"
mv "$work/stage/orbit/"* "$work/inbox/orbit/"
until [ "$(find "$work/outbox" -name '*.json' 2>/dev/null | wc -l)" -ge 100 ]; do sleep 0.2; done
end=$(date +%s.%N)
echo "100 results in $(echo "$end - $start" | bc) s"
echo "succeeded: $(find "$work/outbox/openprospect" "$work/outbox/orbit" -name '*.json' | wc -l), failed: $(find "$work/outbox" -path '*failed*' -name '*.json' | wc -l)"
curl -s localhost:$port/_sandbox/ledger | python3 -c 'import json,sys; d=json.load(sys.stdin); [print(a, "runs", v["runsStarted"], "max runs per key", max(v["runsPerKey"].values() or [0]), "429s", v["rateLimited429s"]) for a,v in d["apis"].items()]'
