# Shared by the bench scripts: start the simulators and the bridge jar on loopback, with folders under $work, and
# check what came out. Expects: $work (a scratch folder) and the jar (mvn -B package); BRIDGE_JAR names another jar
# (to compare two builds with the same script).
# Every script exits non-zero when a target is missed or a result is wrong, and its last line is "summary: what |
# target | measured | met" (bench/all.sh collects them). Ports are free ones unless SIM_PORT / MGMT_PORT / JMS_PORT
# name them; the work folder is removed when the script succeeds and kept (its path printed) when it fails.
jar=${BRIDGE_JAR:-target/profile-bridge.jar}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
sim_port=${SIM_PORT:-$(free_port)}
mgmt_port=${MGMT_PORT:-$(free_port)}
jms_port=${JMS_PORT:-$(free_port)}
failures=0
bridge_pid=
sim_pid=

cleanup() { # on exit: stop what the script started; keep the work folder only when something failed
  local status=$?
  for pid in $bridge_pid $sim_pid; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$status" = 0 ]; then rm -rf "$work"; else echo "work folder kept: $work"; fi
}
trap cleanup EXIT

# the script's one summary line, and its exit status: met when every check held
summary() { # what, target, measured
  local met=yes
  [ "$failures" -gt 0 ] && met=no
  echo "summary: $1 | $2 | $3 | $met (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  if [ "$met" = no ]; then echo "$failures check(s) failed"; exit 1; fi
}

# wait_until WHAT SECONDS COMMAND...: until the command holds; a bridge that dies or a timeout fails the script
wait_until() {
  local what=$1 limit=$2; shift 2
  local end=$((SECONDS + limit))
  until "$@"; do
    if [ -n "$bridge_pid" ] && ! kill -0 "$bridge_pid" 2>/dev/null; then
      echo "FAIL: the bridge died while waiting for $what (see $work/bridge.log)"; exit 1
    fi
    if [ "$SECONDS" -ge "$end" ]; then echo "FAIL: $what not within $limit s"; exit 1; fi
    sleep 0.2
  done
}
results_at_least() { [ "$(result_count)" -ge "$1" ]; }
runs_started_at_least() { # API N: the simulator's ledger counts N runs started
  [ "$(curl -s "localhost:$sim_port/_sandbox/ledger" | python3 -c "import json,sys; print(json.load(sys.stdin)['apis']['$1']['runsStarted'])" 2>/dev/null || echo 0)" -ge "$2" ]
}

start_simulator() { # knobs as simulate options
  java -jar "$jar" simulate --port "$sim_port" "$@" >> "$work/simulator.log" 2>&1 &
  sim_pid=$!
  simulator_up() { curl -s "localhost:$sim_port/_sandbox/settings" >/dev/null 2>&1; }
  wait_until "the simulator" 60 simulator_up
}

bridge_start_env() { # sets BRIDGE_START_ENV: the bridge's VAR=value words; BRIDGE_ENV comes last, so a script can
  # override any of these
  BRIDGE_START_ENV=(OPENPROSPECT_BASE_URL=http://127.0.0.1:$sim_port ORBIT_BASE_URL=http://127.0.0.1:$sim_port
    OPENPROSPECT_API_KEY=lnc_live_bench_key_0001 ORBIT_API_KEY=sk_orb_bench_key_0001
    BRIDGE_INBOX=$work/inbox BRIDGE_OUTBOX=$work/outbox BRIDGE_DATA=$work/data BRIDGE_JMS_ENABLED=false
    BRIDGE_JMS_EMBEDDED_URL=tcp://127.0.0.1:$jms_port CAMEL_MANAGEMENT_PORT=$mgmt_port ${BRIDGE_ENV[@]+"${BRIDGE_ENV[@]}"})
}

start_command() { "$@" >> "$work/bridge.log" 2>&1 & bridge_pid=$!; } # COMMAND...: started as the bridge is

start_bridge() {
  bridge_start_env
  start_command env "${BRIDGE_START_ENV[@]}" java ${BRIDGE_JAVA_OPTS:-} -jar "$jar"
}

# health answers 200 only when every check is UP (503 while any is DOWN); its body lists each check's own status, so
# a '"status":"UP"' anywhere in it is true as soon as one check is UP (the context, 0.4 s before the inbox consumers)
is_healthy() { [ "$(curl -s -o /dev/null -w '%{http_code}' "localhost:$mgmt_port/observe/health" 2>/dev/null)" = 200 ]; }
wait_healthy() { # until the bridge answers UP; fails when it dies first or takes more than a minute
  local end=$((SECONDS + 60))
  until is_healthy; do
    kill -0 "$bridge_pid" 2>/dev/null || { echo "FAIL: the bridge died before it was healthy (see $work/bridge.log)"; exit 1; }
    [ "$SECONDS" -lt "$end" ] || { echo "FAIL: the bridge was not healthy within 60 s"; exit 1; }
    sleep 0.02
  done
}

# The bridge's own JVM: a plain `java -jar` runs it in a child of the process started (Relaunch, README "Faster
# start-up"), which CPU figures, jcmd and kill -9 must reach; else the process started itself.
bridge_jvm() { pgrep -P "$bridge_pid" -x java 2>/dev/null | head -1 || true; }
bridge_jvm_pid() { local child; child=$(bridge_jvm); echo "${child:-$bridge_pid}"; }

cpu_seconds() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }
thread_cpu() { # PID: the process's CPU seconds so far by thread name (digits folded), largest first
  local stat
  for stat in /proc/"$1"/task/*/stat; do
    sed -E 's/^[0-9]+ \((.*)\) . (.*)$/\1|\2/' "$stat" 2>/dev/null
  done | awk -F'|' '{ split($2, f, " "); name = $1; gsub(/[0-9]+/, "#", name); cpu[name] += (f[11] + f[12]) / 100 }
    END { for (n in cpu) if (cpu[n] >= 0.05) printf "%8.2f  %s\n", cpu[n], n }' | sort -rn
}

# stage N request files per API, note their names in $work/expected, and move them into the inbox at once
drop_requests() {
  local n=$1
  mkdir -p "$work/stage/openprospect" "$work/stage/orbit" "$work/inbox/openprospect" "$work/inbox/orbit"
  for i in $(seq 1 "$n"); do
    printf '{"profile_name":"Buyers %s","ideal_customer_profile":"B2B SaaS %s","target_countries":["DE"]}' "$i" "$i" > "$work/stage/openprospect/op-$i.json"
    printf '{"email":"person%s@example.com","runShape":"partial_only"}' "$i" > "$work/stage/orbit/orb-$i.json"
    printf 'openprospect/op-%s.json\norbit/orb-%s.json\n' "$i" "$i" >> "$work/expected"
  done
  find "$work/stage/openprospect" -name '*.json' -exec mv -t "$work/inbox/openprospect/" {} +
  find "$work/stage/orbit" -name '*.json' -exec mv -t "$work/inbox/orbit/" {} +
}

result_count() {
  find "$work/outbox" -name '*.json' ! -name '.*' 2>/dev/null | wc -l
}

# Reads every result document: each request named in $work/expected has exactly one, at its mirrored path (under
# failed/ when it failed), with its api, outcome and key; nothing else is there. EXPECT_OUTCOME=succeeded (default)
# or any. Prints the counts; returns non-zero (and counts a failure) when anything is off.
check_results() {
  OUTBOX=$work/outbox EXPECTED=$work/expected EXPECT_OUTCOME=${EXPECT_OUTCOME:-succeeded} python3 - <<'PY' || { failures=$((failures + 1)); return 1; }
import json, os, sys
outbox, want = os.environ["OUTBOX"], os.environ["EXPECT_OUTCOME"]
expected = [l.strip() for l in open(os.environ["EXPECTED"]) if l.strip()]
found = {}
for folder, _, files in os.walk(outbox):
    for name in files:
        if not name.startswith(".") and name.endswith(".json"):
            path = os.path.join(folder, name)
            found[os.path.relpath(path, outbox)] = json.load(open(path))
problems, outcomes = [], {}
for name in expected:
    api = name.split("/")[0]
    doc = found.pop(name, None)
    failed = found.pop("failed/" + name, None)
    if doc is not None and failed is not None:
        problems.append(f"{name}: two results"); continue
    doc = doc if doc is not None else failed
    if doc is None:
        problems.append(f"{name}: no result"); continue
    if doc.get("api") != api or not doc.get("idempotencyKey") or doc.get("outcome") not in ("succeeded", "failed"):
        problems.append(f"{name}: not a result document of {api}: {str(doc)[:200]}"); continue
    if (doc["outcome"] == "failed") != (failed is not None):
        problems.append(f"{name}: outcome {doc['outcome']} in the wrong folder")
    if want != "any" and doc["outcome"] != want:
        problems.append(f"{name}: {doc['outcome']} ({(doc.get('error') or {}).get('code')}), expected {want}")
    outcomes[(api, doc["outcome"])] = outcomes.get((api, doc["outcome"]), 0) + 1
problems += [f"{name}: a result no request asked for" for name in found]
print("results read:", ", ".join(f"{api} {outcome} {n}" for (api, outcome), n in sorted(outcomes.items())) or "none")
for p in problems[:20]:
    print("FAIL:", p)
if len(problems) > 20:
    print(f"FAIL: ... and {len(problems) - 20} more")
sys.exit(1 if problems else 0)
PY
}

# fail "what" when a condition (the rest of the arguments, a test expression) does not hold; counted, not fatal
require() {
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}


# Prints the ledger's invariants and checks them: no key run twice, no request before its own Retry-After, no
# rate-limit 429 (REQUIRE_NO_429=false where 429s are the point); returns non-zero when one is broken.
ledger_summary() {
  LEDGER=$(curl -s "localhost:$sim_port/_sandbox/ledger") REQUIRE_NO_429=${REQUIRE_NO_429:-true} python3 - <<'PY' || { failures=$((failures + 1)); return 1; }
import json, os, sys
d = json.loads(os.environ["LEDGER"])
windows = "; ".join(f"{b}: {v['count']} ({', '.join(str(ms) for ms in v['msAfterTheWindowOpened'])} ms after it opened)"
                    for b, v in d["insideBucketWindows"].items())
print("requests before Retry-After:", d["requestsBeforeRetryAfter"],
      "(same key or resource);", d["requestsInsideBucketWindows"], "inside a window set for the whole bucket",
      f"[{windows}]" if windows else "")
ok = d["requestsBeforeRetryAfter"] == 0 and d["requestsInsideBucketWindows"] == 0
for api, v in d["apis"].items():
    twice = sum(1 for n in v["runsPerKey"].values() if n > 1)
    print(f"{api}: runs {v['runsStarted']}, keys run twice {twice}, "
          f"injected 429s {v['rateLimited429s'] - v['rateLimitExceeded']}, rate-limit 429s {v['rateLimitExceeded']}, "
          f"lost answers {v['lostAnswers']}, 5xx {v['serverErrors']}")
    ok = ok and twice == 0 and (os.environ["REQUIRE_NO_429"] != "true" or v["rateLimitExceeded"] == 0)
if not ok:
    print("FAIL: a key ran twice, a request came before its Retry-After or inside a bucket's window, or the rate "
          "limit was exceeded")
sys.exit(0 if ok else 1)
PY
}
