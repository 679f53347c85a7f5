#!/usr/bin/env bash
# Benchmark 2, rate-limit saturation: N Orbit requests (default 500) queued at once against a simulator enforcing
# 5 starts/s with bursts of 25. Reports the achieved start rate as a share of what the limit allows over the same
# time (25 + 5/s x T), and the rate-limit 429s the simulator had to give.
# Usage: mvn -B package -DskipTests && bench/saturation.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-500}
work=$(mktemp -d)
BRIDGE_ENV=()
source bench/lib.sh
trap 'kill $bridge_pid $sim_pid 2>/dev/null; wait 2>/dev/null' EXIT
start_simulator --job-duration-ms 0
mkdir -p "$work/stage" "$work/inbox/orbit"
for i in $(seq 1 "$n"); do printf '{"email":"person%s@example.com"}' "$i" > "$work/stage/orb-$i.json"; done
start_bridge
until curl -s "localhost:$mgmt_port/observe/health" | grep -q status; do sleep 0.2; done
find "$work/stage" -name '*.json' -exec mv -t "$work/inbox/orbit/" {} +
until [ "$(curl -s "localhost:$sim_port/_sandbox/ledger" | python3 -c 'import json,sys; print(json.load(sys.stdin)["apis"]["orbit"]["runsStarted"])')" -ge "$n" ]; do sleep 1; done
LEDGER=$(curl -s "localhost:$sim_port/_sandbox/ledger") python3 - <<'PY'
import json, os
d = json.loads(os.environ["LEDGER"])
starts = d["orbitStartTimes"]
span = (starts[-1] - starts[0]) / 1000
allowed = 25 + 5 * span
steady = (len(starts) - 25) / span if span > 0 else 0
print(f"{len(starts)} starts in {span:.1f} s: {len(starts) / allowed * 100:.1f}% of what the limit allows "
      f"(25 + 5/s x {span:.1f} s = {allowed:.0f}); after the burst {steady:.2f} starts/s; "
      f"rate-limit 429s {d['apis']['orbit']['rateLimitExceeded']}")
PY
