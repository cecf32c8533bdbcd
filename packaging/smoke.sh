#!/usr/bin/env bash
# Smoke test of a BUILT maxremind executable (not the source tree):
#   packaging/smoke.sh dist/maxremind
# --version, check-config (good and bad environment), then `demo` on free ports: web UI
# /healthz, /readyz and /, the emulator's phone page; finally SIGTERM must end it with exit 0.
# With MAXREMIND_TEST_POSTGRES_URL set (MAXREMIND_TEST_REDIS_URL optional), scale mode too:
# `run` against the binary's own emulator on a fresh Postgres database (created on that
# URL's server, dropped after; needs psql) and Redis: migrated, /readyz ready, SIGTERM -> 0.
# Every wait is bounded; needs python3 (free ports, HTTP) and nothing else.
set -euo pipefail

BIN=${1:?usage: smoke.sh PATH/TO/maxremind}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
READY_TIMEOUT=${SMOKE_READY_TIMEOUT:-60}  # a onefile build on an SD card unpacks slowly
STOP_TIMEOUT=15
# Read before the environment is cleaned below.  The URLs may hold passwords: never printed.
pg_url=${MAXREMIND_TEST_POSTGRES_URL:-}
redis_url=${MAXREMIND_TEST_REDIS_URL:-}

work=$(mktemp -d "${TMPDIR:-/tmp}/maxremind-smoke.XXXXXX")
pid=""
emu_pid=""
pg_db=""
psql_do() { PGCONNECT_TIMEOUT=5 psql "$1" -qXtA -v ON_ERROR_STOP=1 -c "$2"; }
drop_db() {
    # FORCE (Postgres 13+) ends connections a killed process may have left behind.
    psql_do "$pg_url" "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 ||
        psql_do "$pg_url" "DROP DATABASE IF EXISTS $pg_db" >/dev/null ||
        echo "smoke: could not drop the database $pg_db" >&2
    pg_db=""
}
cleanup() {
    for p in $pid $emu_pid; do
        if kill -0 "$p" 2>/dev/null; then kill -KILL "$p" 2>/dev/null || true; fi
    done
    if [[ -n $pg_db ]]; then drop_db; fi
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "smoke: FAIL: $*" >&2
    for log in "$work"/*.log; do [[ -s $log ]] && { echo "--- $log" >&2; tail -n 40 "$log" >&2; }; done
    exit 1
}
step() { echo "smoke: $*"; }

# Environment of a clean machine: nothing of the caller's MAXREMIND_* leaks in.
while IFS= read -r name; do unset "$name"; done < <(env | sed -n 's/^\(MAXREMIND_[A-Z_]*\)=.*/\1/p')
export TMPDIR=$work  # the demo's temporary data folder and the onefile unpack dir land here

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# Prints the HTTP status of a GET, or 000 when nothing answers.
status() {
    python3 - "$1" <<'PY'
import sys, urllib.error, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=3) as r:
        print(r.status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print("000")
PY
}
expect_status() {
    local got
    got=$(status "$1")
    [[ $got == 200 ]] || fail "GET $1 answered $got, expected 200"
    step "GET $1 -> 200"
}
# wait_ready PID URL NAME: until URL answers 200, while PID lives, at most READY_TIMEOUT.
wait_ready() {
    local began deadline
    began=$(date +%s.%N)
    deadline=$((SECONDS + READY_TIMEOUT))
    until [[ $(status "$2") == 200 ]]; do
        kill -0 "$1" 2>/dev/null || { wait "$1" || true; fail "$3 exited before it was ready"; }
        ((SECONDS < deadline)) || fail "$3 not ready after ${READY_TIMEOUT}s"
        sleep 0.2
    done
    step "$3 ready after $(python3 -c "import time; print(round(time.time() - $began, 2))") s"
}
# stop_clean NAME LOG: SIGTERM must end $pid with exit 0 within STOP_TIMEOUT, no traceback.
stop_clean() {
    local deadline code
    step "SIGTERM to $1"
    kill -TERM "$pid"
    deadline=$((SECONDS + STOP_TIMEOUT))
    while kill -0 "$pid" 2>/dev/null; do
        ((SECONDS < deadline)) || fail "$1 still running ${STOP_TIMEOUT}s after SIGTERM"
        sleep 0.1
    done
    set +e
    wait "$pid"
    code=$?
    set -e
    pid=""
    [[ $code == 0 ]] || fail "$1 exited with code $code after SIGTERM, expected 0"
    if grep -q "Traceback" "$2"; then fail "$1 logged a traceback"; fi
}

step "--version"
out=$("$BIN" --version) || fail "--version exited $?"
[[ $out == maxremind\ * ]] || fail "--version printed '$out'"
step "$out"

step "check-config with a valid environment"
# PYTHONTZPATH hides the system's zoneinfo: the zone must come from the bundled tzdata.
out=$(PYTHONTZPATH=/nonexistent MAXREMIND_TOKEN=smoke-token MAXREMIND_DATA_DIR=$work/data \
    MAXREMIND_TIMEZONE=Asia/Yekaterinburg "$BIN" check-config 2>"$work/check.log") ||
    fail "check-config exited $?"
grep -q "configuration is valid" <<<"$out" || fail "check-config did not say valid: $out"
grep -q "smoke-token" <<<"$out" && fail "check-config printed the token"
grep -q "Asia/Yekaterinburg" <<<"$out" || fail "time zone data missing from the build"

step "check-config refuses a bad value with exit code 2"
set +e
MAXREMIND_WEB_PORT=not-a-port "$BIN" check-config >/dev/null 2>"$work/bad.log"
code=$?
set -e
[[ $code == 2 ]] || fail "check-config with a bad port exited $code, expected 2"
grep -q "MAXREMIND_WEB_PORT" "$work/bad.log" || fail "error message does not name the setting"

web_port=$(free_port)
emu_port=$(free_port)
while [[ $emu_port == "$web_port" ]]; do emu_port=$(free_port); done
step "demo on web port $web_port, emulator port $emu_port"
"$BIN" demo --web-port "$web_port" --emulator-port "$emu_port" >"$work/demo.out.log" 2>"$work/demo.log" &
pid=$!
wait_ready "$pid" "http://127.0.0.1:$web_port/readyz" demo

expect_status "http://127.0.0.1:$web_port/healthz"
expect_status "http://127.0.0.1:$web_port/"
expect_status "http://127.0.0.1:$emu_port/"
grep -q "maxremind demo is running" "$work/demo.out.log" || fail "demo banner missing"
sleep 2  # let polling and the inbox run a few rounds against the emulator
kill -0 "$pid" 2>/dev/null || fail "demo died while running"
stop_clean demo "$work/demo.log"
if compgen -G "$work/maxremind-demo-*" >/dev/null; then fail "demo left its temporary data folder"; fi

# Scale mode: asyncpg and redis are in the binary (build.spec); two settings switch it over.
if [[ -z $pg_url ]]; then
    step "scale mode skipped: set MAXREMIND_TEST_POSTGRES_URL (and MAXREMIND_TEST_REDIS_URL)"
elif ! command -v psql >/dev/null 2>&1; then
    step "scale mode skipped: psql is needed to create and drop its database"
else
    pg_db="maxremind_smoke_$$_$RANDOM"
    # The test URL's server and credentials, another database.
    db_url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]);
print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$pg_url" "$pg_db")
    psql_do "$pg_url" "CREATE DATABASE $pg_db" >/dev/null 2>"$work/psql.log" ||
        { pg_db=""; fail "psql could not create a database on MAXREMIND_TEST_POSTGRES_URL"; }
    if [[ -n $redis_url ]]; then with_redis="and Redis"; else with_redis="without Redis"; fi
    step "scale mode: Postgres database $pg_db $with_redis"

    emu_port=$(free_port)
    "$BIN" emulator --port "$emu_port" --token smoke-token >"$work/emulator.log" 2>&1 &
    emu_pid=$!
    wait_ready "$emu_pid" "http://127.0.0.1:$emu_port/" emulator

    web_port=$(free_port)
    MAXREMIND_TOKEN=smoke-token MAXREMIND_API_URL="http://127.0.0.1:$emu_port" \
        MAXREMIND_DATA_DIR="$work/scale" MAXREMIND_WEB_PORT="$web_port" \
        MAXREMIND_DB_URL="$db_url" MAXREMIND_REDIS_URL="$redis_url" \
        "$BIN" run >"$work/scale.log" 2>&1 &
    pid=$!
    wait_ready "$pid" "http://127.0.0.1:$web_port/readyz" "run on Postgres"
    grep -q "applying migration 0001_initial" "$work/scale.log" ||
        fail "the log does not show Postgres being migrated"
    # Ready must mean the scale-mode checks ran: the heartbeat, and Redis when it is set.
    python3 - "http://127.0.0.1:$web_port/readyz" "$redis_url" <<'PY' ||
import json, sys, urllib.request
checks = json.load(urllib.request.urlopen(sys.argv[1], timeout=3))["checks"]
want = {"database", "max", "heartbeat"} | ({"redis"} if sys.argv[2] else set())
assert want <= set(checks) and set(checks.values()) == {"ok"}, checks
print("smoke: /readyz:", ", ".join(f"{k} {v}" for k, v in sorted(checks.items())))
PY
        fail "/readyz lacks a scale-mode check"
    expect_status "http://127.0.0.1:$web_port/healthz"
    stop_clean "run on Postgres" "$work/scale.log"
    # A clean stop leaves the worker registry, so no one waits for its heartbeat to age.
    left=$(psql_do "$db_url" "SELECT count(*) FROM workers") || fail "cannot read $pg_db"
    [[ $left == 0 ]] || fail "$left worker(s) still registered after a clean stop"
    kill -TERM "$emu_pid"
    wait "$emu_pid" || true
    emu_pid=""
    drop_db
    step "scale mode: migrated, ready, stopped cleanly; database dropped"
fi
echo "smoke: OK"
