#!/usr/bin/env bash
# Build the maxremind executable with PyInstaller in a virtualenv of its own (build/venv).
#
#   packaging/build.sh            # one file:   dist/maxremind
#   packaging/build.sh --onedir   # one folder: dist/maxremind/maxremind (starts faster on a Pi)
#   packaging/build.sh --fresh    # recreate build/venv first
#
# SQLite by default; Postgres and Redis (scale mode, docs/scaling.md) are built in.
# The result runs only on the OS and CPU it was built on (build arm64 on the Pi itself) and
# needs a glibc at least as new as the build machine's.  Environment: PYTHON (default
# python3.11, else python3), PIP_ARGS (extra pip options, e.g. an index).
set -euo pipefail
cd "$(dirname "$0")/.."

onedir=0
fresh=0
for arg in "$@"; do
    case "$arg" in
        --onedir) onedir=1 ;;
        --fresh) fresh=1 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "build.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
    esac
done

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
venv=build/venv
started=$SECONDS

if [[ $fresh == 1 ]]; then rm -rf "$venv"; fi
if [[ ! -x $venv/bin/python ]]; then
    "$PY" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
fi
# A non-editable install, so the build sees exactly what a wheel would ship; with the
# scale extra (asyncpg, redis), so the executable runs on Postgres and Redis too when
# MAXREMIND_DB_URL / MAXREMIND_REDIS_URL say so (imported only then: build.spec).
# shellcheck disable=SC2086
"$venv/bin/python" -m pip install --quiet ${PIP_ARGS:-} ".[scale]" "pyinstaller>=6.3"
echo "build.sh: venv ready in $((SECONDS - started)) s"

# A onefile build and a onedir build both want dist/maxremind; clear whichever is there.
rm -rf dist/maxremind
MAXREMIND_ONEDIR=$onedir "$venv/bin/pyinstaller" --noconfirm --log-level WARN \
    --distpath dist --workpath build/pyinstaller build.spec

if [[ $onedir == 1 ]]; then
    binary=dist/maxremind/maxremind
    size=$(du -sh dist/maxremind | cut -f1)
else
    binary=dist/maxremind
    size=$(du -sh "$binary" | cut -f1)
fi
"$binary" --version
echo "build.sh: built $binary ($size) in $((SECONDS - started)) s"
