"""Scale mode costs a SQLite instance nothing in memory: the executable carries asyncpg
and redis (packaging/build.sh, build.spec), but they and the adapters built on them are
imported only when MAXREMIND_DB_URL names Postgres or MAXREMIND_REDIS_URL is set
(docs/benchmarks.md, executable: idle RSS with and without them bundled)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from tests.harness import TOKEN, emulator_process

ROOT = Path(__file__).resolve().parents[2]  # the child imports maxremind and tests from here

SCALE_MODULES = (
    "asyncpg",
    "redis",
    "maxremind.storage.postgres",
    "maxremind.storage.pg_locks",
    "maxremind.storage.copy",
    "maxremind.state.redis",
    "maxremind.maxapi.fleet_limiter",
)

# Run in a fresh interpreter (this test process may have imported anything): the whole
# product started on SQLite against the emulator until ready, then stopped; what of scale
# mode was loaded by then.  Afterwards, as a control that the check can see an import,
# the Postgres storage and the Redis state are built (not connected), which must load them.
SCRIPT = """
import asyncio, json, sys
import maxremind.app, maxremind.cli
from maxremind.app import serve, storage_for
from maxremind.config import Settings
from maxremind.state import open_state

SCALE = {scale!r}
def loaded():
    return sorted(m for m in sys.modules if m in SCALE or m.startswith(("asyncpg.", "redis.")))

settings = Settings(token={token!r}, api_url=sys.argv[1], data_dir=sys.argv[2], web_port=0)
report = {{"db_url": settings.database_url}}

async def main():
    stop = asyncio.Event()
    def ready(running):
        report["ready"] = running.web_url
        report["serving"] = loaded()
        stop.set()
    await asyncio.wait_for(serve(settings, stop=stop, on_ready=ready), 60)
    report["after_stop"] = loaded()
    pg = Settings(token={token!r}, db_url="postgresql://nobody@127.0.0.1:1/none")
    storage = storage_for(pg)
    state = open_state(storage, "redis://127.0.0.1:1/15")
    await state.close()
    report["scale_built"] = loaded()

asyncio.run(main())
print(json.dumps(report))
"""


async def test_a_sqlite_instance_imports_nothing_of_postgres_or_redis(tmp_path: Path) -> None:
    pytest.importorskip("asyncpg", reason="the control needs asyncpg installed")
    pytest.importorskip("redis", reason="the control needs redis installed")
    script = SCRIPT.format(scale=SCALE_MODULES, token=TOKEN)
    async with emulator_process() as api_url:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            script,
            api_url,
            str(tmp_path),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=ROOT,
            env={k: v for k, v in os.environ.items() if not k.startswith("MAXREMIND_")},
        )
        out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()[-3000:]
    report = json.loads(out.decode().strip().splitlines()[-1])
    assert report["db_url"].startswith("sqlite:///")
    assert report["ready"].startswith("http://")
    assert report["serving"] == []
    assert report["after_stop"] == []
    # The control: the same check sees the drivers once scale mode is asked for.
    built = set(report["scale_built"])
    assert {"asyncpg", "redis", "maxremind.storage.postgres", "maxremind.state.redis"} <= built
