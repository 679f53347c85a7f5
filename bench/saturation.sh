#!/usr/bin/env bash
# Rate-limit saturation: N Orbit requests (default 500) queued at once against a simulator enforcing 5 starts/s with
# bursts of 25. Reports the achieved start rate as a share of what the limit allows over the same time
# (25 + 5/s x T), and the rate-limit 429s the simulator had to give.
# Checks: >= 98% of what the limit allows, 0 rate-limit 429s, no key run twice, every result read back.
# Usage: mvn -B package -DskipTests && bench/saturation.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-500}
work=$(mktemp -d)
BRIDGE_ENV=()
source bench/lib.sh
start_simulator --job-duration-ms 0
mkdir -p "$work/stage" "$work/inbox/orbit"
for i in $(seq 1 "$n"); do
  printf '{"email":"person%s@example.com"}' "$i" > "$work/stage/orb-$i.json"
  echo "orbit/orb-$i.json" >> "$work/expected"
done
start_bridge
wait_healthy
find "$work/stage" -name '*.json' -exec mv -t "$work/inbox/orbit/" {} +
wait_until "$n Orbit starts" $((n / 5 + 120)) runs_started_at_least orbit "$n"
out=$(LEDGER=$(curl -s "localhost:$sim_port/_sandbox/ledger") python3 - <<'PY'
import json, os
d = json.loads(os.environ["LEDGER"])
starts = d["orbitStartTimes"]
span = (starts[-1] - starts[0]) / 1000
allowed = 25 + 5 * span
steady = (len(starts) - 25) / span if span > 0 else 0
print(f"{len(starts)} starts in {span:.1f} s: {len(starts) / allowed * 100:.1f}% of what the limit allows "
      f"(25 + 5/s x {span:.1f} s = {allowed:.0f}); after the burst {steady:.2f} starts/s; "
      f"rate-limit 429s {d['apis']['orbit']['rateLimitExceeded']}")
print(f"{len(starts) / allowed * 100:.1f}")
PY
)
echo "$out" | head -1
share=$(echo "$out" | tail -1)
require "$share% >= 98% of what the limit allows" [ "$(echo "$share >= 98" | bc -l)" = 1 ]
wait_until "$n results" 120 results_at_least "$n"
check_results || true
ledger_summary || true
summary "saturation: $n Orbit starts at 5/s, burst 25" ">= 98% of the limit, 0 rate-limit 429s" "$share%"
