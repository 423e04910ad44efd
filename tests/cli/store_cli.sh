#!/usr/bin/env bash
# The `ledger` binary end to end on a real store: migrate, append (dedup, conflict exit 3),
# read (--as-of), events (--after, --follow until SIGINT), export and import into a second
# store (byte-identical), the domain commands from the CLI, and `ledger serve` answering a
# command and a health check over HTTP, then draining on SIGTERM with exit 0.
#
# Usage: store_cli.sh LEDGER_BINARY sqlite|postgres
# postgres needs LEDGER_TEST_DATABASE_URL (an owner URL); the test creates two databases and
# drops them afterwards.
set -euo pipefail

ledger=$1
kind=$2
dir=$(mktemp -d)
databases=()
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  [[ -n "${HOLDER_PID:-}" ]] && kill "$HOLDER_PID" 2>/dev/null || true
  for db in "${databases[@]}"; do
    psql -q "$LEDGER_TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
  done
  rm -rf "$dir"
}
trap cleanup EXIT

fail() { echo "store_cli: $*" >&2; exit 1; }

# A fresh, empty store; prints its URL.
new_store() {
  local name=$1
  if [[ "$kind" == sqlite ]]; then
    echo "sqlite:$dir/$name.db"
  else
    [[ -n "${LEDGER_TEST_DATABASE_URL:-}" ]] || fail "LEDGER_TEST_DATABASE_URL is not set (scripts/test sets it)"
    local db="ledger_cli_${name}_$$_$RANDOM"
    psql -q "$LEDGER_TEST_DATABASE_URL" -c "CREATE DATABASE $db" >/dev/null
    databases+=("$db")
    echo "${LEDGER_TEST_DATABASE_URL%/*}/$db"
  fi
}

expect_exit() {  # expect_exit CODE command...
  local want=$1; shift
  set +e; "$@" >"$dir/out" 2>"$dir/err"; local got=$?; set -e
  [[ $got -eq $want ]] || fail "$* exited $got, expected $want: $(cat "$dir/err")"
}

main_url=$(new_store main)
copy_url=$(new_store copy)
export LEDGER_DATABASE_URL=$main_url
"$ledger" migrate
"$ledger" migrate  # again: nothing to do

# append, redelivery, conflict
id=3f1c1b0e-2a6d-4e1c-9a53-1f0d2b7c9e01
first=$("$ledger" append --stream order-cs_1 --type order.placed --data '{"amount_minor":2500}' --event-id $id)
again=$("$ledger" append --stream order-cs_1 --type order.placed --data '{"amount_minor":2500}' --event-id $id)
[[ "$first" == *'"stream_version":1'*'"deduplicated":false}' ]] || fail "first append: $first"
[[ "$again" == "${first/false/true}" ]] || fail "redelivery: $again vs $first"
expect_exit 3 "$ledger" append --stream order-cs_1 --type order.paid --data '{}' --expected-version no_stream
grep -q "Conflict" "$dir/err" || fail "conflict message: $(cat "$dir/err")"
expect_exit 2 "$ledger" append --stream order-cs_1 --type order.paid --data '{broken'
before_paid=$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)
sleep 0.01
"$ledger" append --stream order-cs_1 --type order.paid --data '{"amount_minor":2500}' --expected-version 1 >/dev/null
"$ledger" append --stream payment-ch_1 --type payment.captured --data '{"amount_minor":2500}' >/dev/null

# read, as of a time between the two order events
[[ $("$ledger" read --stream order-cs_1 | wc -l) -eq 2 ]] || fail "read: expected 2 events"
[[ $("$ledger" read --stream order-cs_1 --as-of "$before_paid" | wc -l) -eq 1 ]] || fail "read --as-of"

# events, --after the first one. On PostgreSQL a committed event becomes readable once every
# older transaction in the cluster has ended; `events` waits for that before it prints.
"$ledger" events > "$dir/log.jsonl"
[[ $(wc -l < "$dir/log.jsonl") -eq 3 ]] || fail "events: $(cat "$dir/log.jsonl")"
first_position=$(head -1 "$dir/log.jsonl" | sed 's/^{"global_position":\([0-9]*\),.*/\1/')
[[ $("$ledger" events --after "$first_position" | wc -l) -eq 2 ]] || fail "events --after"

# events --follow prints what is appended while it runs, and exits 0 on SIGINT
"$ledger" events --follow > "$dir/follow.jsonl" 2>"$dir/follow.err" &
follow_pid=$!
sleep 0.5
"$ledger" append --stream order-cs_2 --type order.placed --data '{"amount_minor":900}' >/dev/null
for _ in $(seq 300); do  # other tests' transactions may hold the event back a while
  [[ $(wc -l < "$dir/follow.jsonl") -ge 4 ]] && break
  sleep 0.1
done
kill -INT $follow_pid
set +e; wait $follow_pid; follow_exit=$?; set -e
[[ $follow_exit -eq 0 ]] || fail "events --follow exited $follow_exit: $(cat "$dir/follow.err")"
grep -q '"stream_id":"order-cs_2"' "$dir/follow.jsonl" || fail "--follow missed the new event"

# domain commands from the CLI
"$ledger" command configure-canary --json '{"route":"checkout"}' >/dev/null
probe=$("$ledger" command record-probe --json '{"route":"checkout","result":"pass"}')
[[ "$probe" == *'"v2_weight":10'* ]] || fail "record-probe: $probe"
expect_exit 1 "$ledger" command record-probe --json '{"route":"checkout","result":"maybe"}'

# export, import into an empty store, export again: the same bytes
"$ledger" export --output "$dir/export.jsonl"
renumber=()
[[ "$kind" == postgres ]] && renumber=(--renumber)  # commit order need not be position order
LEDGER_DATABASE_URL=$copy_url "$ledger" migrate
LEDGER_DATABASE_URL=$copy_url "$ledger" import "$dir/export.jsonl" "${renumber[@]}" >/dev/null
LEDGER_DATABASE_URL=$copy_url "$ledger" export --output "$dir/copy.jsonl"
if [[ "$kind" == sqlite ]]; then
  cmp "$dir/export.jsonl" "$dir/copy.jsonl" || fail "export of the import differs"
else
  # Renumbered: everything but the positions is the same, stream hashes included.
  cut -d, -f2- "$dir/export.jsonl" | sort > "$dir/a"
  cut -d, -f2- "$dir/copy.jsonl" | sort > "$dir/b"
  cmp "$dir/a" "$dir/b" || fail "export of the import differs beyond positions"
fi

# export waits for a transaction older than itself (here an open psql session that has
# taken a transaction id) instead of stopping short of an event committed after it began
if [[ "$kind" == postgres ]]; then
  coproc HOLDER { psql -qAt "$main_url" 2>&1; }
  echo "BEGIN; SELECT pg_current_xact_id();" >&"${HOLDER[1]}"
  read -r -t 30 _ <&"${HOLDER[0]}" || fail "psql did not start a transaction"
  "$ledger" append --stream order-cs_3 --type order.placed --data '{"amount_minor":100}' >/dev/null
  "$ledger" export --output "$dir/held.jsonl" 2>"$dir/held.err" &
  export_pid=$!
  for _ in $(seq 100); do
    grep -q "waiting for transactions older" "$dir/held.err" && break
    sleep 0.1
  done
  grep -q "waiting for transactions older" "$dir/held.err" || fail "export did not wait: $(cat "$dir/held.err")"
  kill -0 $export_pid 2>/dev/null || fail "export finished while an older transaction ran"
  echo "COMMIT;" >&"${HOLDER[1]}"
  eval "exec ${HOLDER[1]}>&-"
  wait $export_pid || fail "export after the wait: $(cat "$dir/held.err")"
  grep -q '"stream_id":"order-cs_3"' "$dir/held.jsonl" || fail "export missed the held-back event"
fi

# ledger serve: a command and /healthz over HTTP, then SIGTERM drains and exits 0
# Port 0: the kernel picks a free port (a random one collided with other tests' servers), and
# `ledger serve` says which one it got on stderr: "ledger serve: listening on port N".
"$ledger" serve --listen "127.0.0.1:0" 2>"$dir/serve.err" &
server_pid=$!
for _ in $(seq 100); do
  grep -q "listening" "$dir/serve.err" 2>/dev/null && break
  sleep 0.1
done
port=$(sed -n 's/.*listening on port \([0-9][0-9]*\).*/\1/p' "$dir/serve.err" | head -1)
[[ -n "$port" ]] || fail "serve did not report its port: $(cat "$dir/serve.err")"
http() {  # http METHOD PATH [BODY]: prints the response
  local body=${3:-}
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf '%s %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
    "$1" "$2" "${#body}" "$body" >&3
  cat <&3
  exec 3<&-
}
[[ $(http GET /healthz) == "HTTP/1.1 200"* ]] || fail "/healthz: $(cat "$dir/serve.err")"
answer=$(http POST /v1/commands/record-probe '{"route":"checkout","result":"pass"}')
[[ "$answer" == "HTTP/1.1 200"*'"v2_weight":20'* ]] || fail "POST /v1/commands/record-probe: $answer"
[[ $(http POST /v1/commands/record-probe '{"route":"nowhere","result":"pass"}') == "HTTP/1.1 404"* ]] \
  || fail "unknown route should be 404"
kill -TERM $server_pid
set +e; wait $server_pid; serve_exit=$?; set -e
server_pid=""
[[ $serve_exit -eq 0 ]] || fail "serve exited $serve_exit after SIGTERM: $(cat "$dir/serve.err")"
echo "store_cli: $kind ok"
