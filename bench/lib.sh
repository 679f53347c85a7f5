# Shared by the bench scripts: start the simulators and the bridge jar on loopback, with folders under $work.
# Expects: $work (a scratch folder) and target/profile-bridge.jar (mvn -B package).
sim_port=${SIM_PORT:-18099}
mgmt_port=${MGMT_PORT:-19876}

start_simulator() { # knobs as simulate options
  java -jar target/profile-bridge.jar simulate --port "$sim_port" "$@" >> "$work/simulator.log" 2>&1 &
  sim_pid=$!
  until curl -s "localhost:$sim_port/_sandbox/settings" >/dev/null 2>&1; do sleep 0.1; done
}

start_bridge() {
  # BRIDGE_ENV (VAR=value ...) comes last, so a script can override any of these
  env OPENPROSPECT_BASE_URL=http://127.0.0.1:$sim_port ORBIT_BASE_URL=http://127.0.0.1:$sim_port \
    OPENPROSPECT_API_KEY=lnc_live_bench_key_0001 ORBIT_API_KEY=sk_orb_bench_key_0001 \
    BRIDGE_INBOX=$work/inbox BRIDGE_OUTBOX=$work/outbox BRIDGE_DATA=$work/data BRIDGE_JMS_ENABLED=false \
    CAMEL_MANAGEMENT_PORT=$mgmt_port ${BRIDGE_ENV[@]+"${BRIDGE_ENV[@]}"} \
    java ${BRIDGE_JAVA_OPTS:-} -jar target/profile-bridge.jar >> "$work/bridge.log" 2>&1 &
  bridge_pid=$!
}

# stage N request files per API and move them into the inbox at once
drop_requests() {
  local n=$1
  mkdir -p "$work/stage/openprospect" "$work/stage/orbit" "$work/inbox/openprospect" "$work/inbox/orbit"
  for i in $(seq 1 "$n"); do
    printf '{"profile_name":"Buyers %s","ideal_customer_profile":"B2B SaaS %s","target_countries":["DE"]}' "$i" "$i" > "$work/stage/openprospect/op-$i.json"
    printf '{"email":"person%s@example.com","runShape":"partial_only"}' "$i" > "$work/stage/orbit/orb-$i.json"
  done
  find "$work/stage/openprospect" -name '*.json' -exec mv -t "$work/inbox/openprospect/" {} +
  find "$work/stage/orbit" -name '*.json' -exec mv -t "$work/inbox/orbit/" {} +
}

result_count() {
  find "$work/outbox" -name '*.json' ! -name '.*' 2>/dev/null | wc -l
}

ledger_summary() {
  LEDGER=$(curl -s "localhost:$sim_port/_sandbox/ledger") python3 - <<'PY'
import json, os
d = json.loads(os.environ["LEDGER"])
windows = "; ".join(f"{b}: {v['count']} ({', '.join(str(ms) for ms in v['msAfterTheWindowOpened'])} ms after it opened)"
                    for b, v in d["insideBucketWindows"].items())
print("requests before Retry-After:", d["requestsBeforeRetryAfter"],
      "(same key or resource);", d["requestsInsideBucketWindows"], "inside a window set for the whole bucket",
      f"[{windows}]" if windows else "")
for api, v in d["apis"].items():
    twice = sum(1 for n in v["runsPerKey"].values() if n > 1)
    print(f"{api}: runs {v['runsStarted']}, keys run twice {twice}, "
          f"injected 429s {v['rateLimited429s'] - v['rateLimitExceeded']}, rate-limit 429s {v['rateLimitExceeded']}, "
          f"lost answers {v['lostAnswers']}, 5xx {v['serverErrors']}")
PY
}
