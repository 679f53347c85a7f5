#!/usr/bin/env bash
# Answered inbox files that cannot be moved to .done/, with the bridge SIGKILLed while it retries the moves, then
# restarted: each file must keep exactly one result, and once .done/ takes files again every one moves and no
# .NAME.json.answered or .leftBehind note stays (lock audit: before the note was kept until the move, 9-16 of 40 files
# got a second result). Needs root and a file system with chattr +i (ext4), which makes .done/ refuse the moves.
# Usage: mvn -B package -DskipTests && bench/unmoved-kill.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
BRIDGE_ENV=(BRIDGE_INBOX_UNDELIVERED_WAIT_MS=2000)
source bench/lib.sh
folder=$work/inbox/openprospect
mkdir -p "$folder/.done"
chattr +i "$folder/.done" 2>/dev/null || { echo "chattr +i does not work here (root and ext4 needed): nothing measured"; exit 0; }
release_done() { chattr -i "$folder/.done" 2>/dev/null || true; }
trap 'release_done; cleanup' EXIT
start_simulator --job-duration-ms 300
n=40
for i in $(seq 1 "$n"); do
  printf '{"profile_name":"Buyers %s","ideal_customer_profile":"x","target_countries":["DE"]}' "$i" > "$folder/k-$i.json"
  echo "openprospect/k-$i.json" >> "$work/expected"
done
start_bridge
wait_until "$n results" 120 results_at_least "$n"
sleep 8 # the moves are retried meanwhile, each file under its read-lock marker for a while
markers=$(find "$folder" -maxdepth 1 -name '*.camelLock' | wc -l)
notes=$(find "$folder" -maxdepth 1 -name '.*.answered' | wc -l)
kill -9 "$(bridge_jvm_pid)"
wait "$bridge_pid" 2>/dev/null || true
echo "killed while retrying the moves: $markers read-lock markers, $notes .answered notes"
start_bridge
sleep 15
release_done
moved() { [ "$(find "$folder" -maxdepth 1 -name '*.json' ! -name '.*' | wc -l)" = 0 ]; }
wait_until "every file moved" 60 moved
sleep 3 # a second result would come now
answered=$(grep -o "Result succeeded[^ ]* for openprospect/k-[0-9]*\.json" "$work/bridge.log" | sort | uniq -c | awk '$1 > 1' | wc -l)
left=$(find "$folder" -maxdepth 1 \( -name '.*.answered' -o -name '.*.leftBehind' -o -name '*.camelLock' \) | wc -l)
echo "files answered twice: $answered; notes and markers left: $left; moved: $(find "$folder/.done" -name '*.json' | wc -l)"
[ "$answered" = 0 ] || { echo "FAIL: $answered files got a second result"; failures=$((failures + 1)); }
[ "$left" = 0 ] || { echo "FAIL: $left notes or markers stayed"; failures=$((failures + 1)); }
check_results || true
summary "answered files that cannot be moved, SIGKILL while retrying, restart" "1 result each, every file moved, nothing left" \
  "$answered answered twice, $left left behind ($markers markers at the kill)"
