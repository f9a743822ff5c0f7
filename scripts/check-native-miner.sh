#!/usr/bin/env bash
# Manual check: a real native Stratum v1 miner (pooler's cpuminer, `minerd`) mines for a ticket
# session on `workpass relay`'s Stratum TCP listener. CI has no cpuminer, so this is not part of
# `npm test`; run it by hand after changing the Stratum code (docs/operators.md, "Native miners").
#
#   MINERD=/path/to/minerd scripts/check-native-miner.sh [sha256d|scrypt]
#
# It starts a relay on free loopback ports with a temporary data dir, opens a ticket session on the
# Stratum listener (workpass.session.open), runs minerd with the session's token as its username,
# and checks that within LIMIT_SECONDS minerd reports an accepted share and the session's credit
# grew. It then mines for RUN_SECONDS more, stops the relay with SIGTERM (minerd must see the
# connection close), starts it again on the same port and data dir, and checks that minerd
# reconnects and has a share accepted again. Exit 0 when all of that held, 1 when not, 2 on bad usage.
#
# Environment: MINERD (required), THREADS (1), DIFFICULTY (0.001 for sha256d, 0.01 for scrypt:
# Stratum units; cpuminer divides scrypt's by 65536 as Litecoin pools do), LIMIT_SECONDS (60),
# RUN_SECONDS (30), MAX_REJECT_PERCENT (5), KEEP_LOGS (set: keep the temporary directory).
set -euo pipefail

usage() { echo "usage: MINERD=/path/to/minerd $0 [sha256d|scrypt]" >&2; exit 2; }
ALGO=${1:-sha256d}
[[ $# -le 1 ]] || usage
[[ $ALGO == sha256d || $ALGO == scrypt ]] || usage
[[ -n ${MINERD:-} && -x $MINERD ]] || { echo "MINERD must name an executable minerd (pooler's cpuminer)" >&2; usage; }
THREADS=${THREADS:-1}
if [[ $ALGO == scrypt ]]; then DIFFICULTY=${DIFFICULTY:-0.01}; else DIFFICULTY=${DIFFICULTY:-0.001}; fi
LIMIT_SECONDS=${LIMIT_SECONDS:-60}
RUN_SECONDS=${RUN_SECONDS:-30}
MAX_REJECT_PERCENT=${MAX_REJECT_PERCENT:-5}
for n in THREADS LIMIT_SECONDS RUN_SECONDS MAX_REJECT_PERCENT; do [[ ${!n} =~ ^[0-9]+$ ]] || { echo "$n must be a whole number" >&2; exit 2; }; done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
[[ -f dist/node/src/cli/main.js ]] || npm run --silent build:node

WORK=$(mktemp -d "${TMPDIR:-/tmp}/workpass-native-XXXXXX")
RELAY_PID=''
MINERD_PID=''
cleanup() {
  [[ -n $MINERD_PID ]] && kill "$MINERD_PID" 2>/dev/null || true
  [[ -n $RELAY_PID ]] && kill "$RELAY_PID" 2>/dev/null || true
  [[ -n $MINERD_PID ]] && wait "$MINERD_PID" 2>/dev/null || true
  [[ -n $RELAY_PID ]] && wait "$RELAY_PID" 2>/dev/null || true
  if [[ -n ${KEEP_LOGS:-} ]]; then echo "logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- minerd (last 15 lines)" >&2; tail -n 15 "$WORK/minerd.log" >&2 || true; exit 1; }

# Starts the relay (stratum listener $1, e.g. 127.0.0.1:0) and waits for its 'relay started' line.
start_relay() {
  : > "$WORK/relay.err"
  node bin/workpass.js relay --data-dir "$WORK/data" --ws 127.0.0.1:0 --http 127.0.0.1:0 --stratum "$1" \
    --stratum-algo "$ALGO" --stratum-difficulty "$DIFFICULTY" --log-level info 2>>"$WORK/relay.err" >/dev/null &
  RELAY_PID=$!
  for _ in $(seq 1 300); do
    if grep -q '"relay started"' "$WORK/relay.err"; then break; fi
    kill -0 "$RELAY_PID" 2>/dev/null || { cat "$WORK/relay.err" >&2; fail "the relay exited"; }
    sleep 0.1
  done
  grep -q '"relay started"' "$WORK/relay.err" || fail "the relay did not start within 30 s"
  local started
  started=$(grep -m1 '"relay started"' "$WORK/relay.err")
  STRATUM=$(node -e 'console.log(JSON.parse(process.argv[1]).stratum)' "$started")
  HTTP=$(node -e 'console.log(JSON.parse(process.argv[1]).http)' "$started")
}

# A JSON-RPC request on the Stratum TCP listener (where the session must be opened: its algorithm).
rpc() {
  node --input-type=module -e '
    const { MinerClient } = await import(process.argv[1]);
    const c = await MinerClient.connect(process.argv[2]);
    try { console.log(JSON.stringify(await c.request(process.argv[3], JSON.parse(process.argv[4])))); } finally { c.close(); }
  ' "$ROOT/dist/node/src/relay/miner-client.js" "$STRATUM" "$1" "$2"
}
credit() { rpc workpass.session.status "[\"$TOKEN\"]" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).credit))'; }
accepted_lines() { local n; n=$(grep -c 'accepted: .*yay' "$WORK/minerd.log" || true); echo "${n:-0}"; }
# Waits up to $1 seconds for minerd's accepted count to exceed $2.
wait_accepted() {
  local deadline=$((SECONDS + $1))
  while (( SECONDS < deadline )); do
    (( $(accepted_lines) > $2 )) && return 0
    kill -0 "$MINERD_PID" 2>/dev/null || fail "minerd exited"
    sleep 0.5
  done
  return 1
}

start_relay 127.0.0.1:0
PORT=${STRATUM##*:}
TOKEN=$(rpc workpass.session.open '[{"mode":"tickets"}]' | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))')
echo "minerd:  $("$MINERD" --version 2>&1 | head -n 1)"
echo "relay:   $STRATUM (algo $ALGO, starting difficulty $DIFFICULTY), session token $TOKEN"

: > "$WORK/minerd.log"
"$MINERD" -a "$ALGO" -o "$STRATUM" -u "$TOKEN" -p x -t "$THREADS" -R 2 -D -P >"$WORK/minerd.log" 2>&1 &
MINERD_PID=$!

wait_accepted "$LIMIT_SECONDS" 0 || fail "no share accepted within $LIMIT_SECONDS s"
CREDIT1=$(credit)
echo "first share accepted after ${SECONDS} s; session credit $CREDIT1"
sleep "$RUN_SECONDS"
STATS=$(curl -fsS "$HTTP/stats")
CREDIT2=$(credit)
node -e '
  const [stats, c1, c2, maxPct] = [JSON.parse(process.argv[1]), Number(process.argv[2]), Number(process.argv[3]), Number(process.argv[4])];
  const rejected = Object.values(stats.shares.rejected).reduce((a, b) => a + b, 0);
  const total = stats.shares.accepted + rejected;
  console.log(`relay:   accepted ${stats.shares.accepted}, rejected ${JSON.stringify(stats.shares.rejected)}; credit ${c1} -> ${c2}`);
  if (!(c2 > c1)) { console.error("FAIL: the session credit did not grow"); process.exit(1); }
  if (rejected * 100 > maxPct * total) { console.error(`FAIL: more than ${maxPct}% of shares rejected`); process.exit(1); }
' "$STATS" "$CREDIT1" "$CREDIT2" "$MAX_REJECT_PERCENT" || fail "see above"
echo "minerd:  $(grep 'accepted:' "$WORK/minerd.log" | tail -n 1 | sed 's/^\[[^]]*\] //')"
echo "minerd:  difficulties set: $(grep -o 'Stratum difficulty set to [0-9.e+-]*' "$WORK/minerd.log" | awk '{print $5}' | tr '\n' ' ')"

# Shutdown: the relay says client.reconnect and closes; minerd must see the close and retry.
BEFORE=$(accepted_lines)
kill -TERM "$RELAY_PID"
wait "$RELAY_PID" || fail "the relay did not exit cleanly on SIGTERM"
RELAY_PID=''
for _ in $(seq 1 50); do grep -q 'Stratum connection interrupted' "$WORK/minerd.log" && break; sleep 0.1; done
grep -q 'Stratum connection interrupted' "$WORK/minerd.log" || fail "minerd did not see the relay close"
grep -q '"method":"client.reconnect"' "$WORK/minerd.log" && echo "shutdown: minerd was sent client.reconnect, saw the close"
start_relay "127.0.0.1:$PORT"
wait_accepted "$LIMIT_SECONDS" "$BEFORE" || fail "no share accepted within $LIMIT_SECONDS s after the relay restarted"
echo "restart: minerd reconnected and had a share accepted again ($(accepted_lines) accepted in all)"
echo "OK"
