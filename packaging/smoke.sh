#!/usr/bin/env bash
# Smoke test of a BUILT maxremind executable (not the source tree):
#   packaging/smoke.sh dist/maxremind
# --version, check-config (good and bad environment), then `demo` on free ports: web UI
# /healthz, /readyz and /, the emulator's phone page; finally SIGTERM must end it with exit 0.
# Every wait is bounded; needs python3 (free ports, HTTP) and nothing else.
set -euo pipefail

BIN=${1:?usage: smoke.sh PATH/TO/maxremind}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
READY_TIMEOUT=${SMOKE_READY_TIMEOUT:-60}  # a onefile build on an SD card unpacks slowly
STOP_TIMEOUT=15

work=$(mktemp -d "${TMPDIR:-/tmp}/maxremind-smoke.XXXXXX")
pid=""
cleanup() {
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
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
started=$(date +%s.%N)
"$BIN" demo --web-port "$web_port" --emulator-port "$emu_port" >"$work/demo.out.log" 2>"$work/demo.log" &
pid=$!

deadline=$((SECONDS + READY_TIMEOUT))
until [[ $(status "http://127.0.0.1:$web_port/readyz") == 200 ]]; do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" || true; fail "demo exited before it was ready"; }
    ((SECONDS < deadline)) || fail "demo not ready after ${READY_TIMEOUT}s"
    sleep 0.2
done
step "ready after $(python3 -c "import time; print(round(time.time() - $started, 2))") s"

expect_status "http://127.0.0.1:$web_port/healthz"
expect_status "http://127.0.0.1:$web_port/"
expect_status "http://127.0.0.1:$emu_port/"
grep -q "maxremind demo is running" "$work/demo.out.log" || fail "demo banner missing"
sleep 2  # let polling and the inbox run a few rounds against the emulator
kill -0 "$pid" 2>/dev/null || fail "demo died while running"

step "SIGTERM"
kill -TERM "$pid"
deadline=$((SECONDS + STOP_TIMEOUT))
while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || fail "demo still running ${STOP_TIMEOUT}s after SIGTERM"
    sleep 0.1
done
set +e
wait "$pid"
code=$?
set -e
pid=""
[[ $code == 0 ]] || fail "demo exited with code $code after SIGTERM, expected 0"
grep -q "Traceback" "$work/demo.log" && fail "demo logged a traceback"
compgen -G "$work/maxremind-demo-*" >/dev/null && fail "demo left its temporary data folder"
echo "smoke: OK"
