"""kill -9 in the middle of a fan-out, then a restart: the rest goes out at once.

On SQLite the data folder's lock proves the previous owner of a claim is dead, so the
new process takes the claims back when it starts instead of waiting out the 60-second
lease (the production lease: this test does not shorten it).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.harness import TOKEN, emulator_process, free_port, product_env

from .crashrun import ANNOUNCEMENT, emulator_users, ledger, seed_announcement

RUNNER = Path(__file__).with_name("crashrun.py")
PEOPLE = 150
FIRST_USER = 4_000_001
AIM_S = 10.0


def start(api_url: str, data_dir: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = product_env(
        api_url,
        data_dir,
        MAXREMIND_WEB_PORT=str(port),
        MAXREMIND_RATE_LIMIT_RPS="20",  # 150 messages take ~7 s: room to kill mid-way
        MAXREMIND_LOG_LEVEL="warning",
    )
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, str(RUNNER)], env=env, stdout=out, stderr=subprocess.STDOUT
        )


async def wait_ready(http: httpx.AsyncClient, port: int, proc: subprocess.Popen[bytes]) -> float:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the product exited"
        try:
            if (await http.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                return time.monotonic()
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError("the product did not become ready")


@pytest.mark.slow
@pytest.mark.timeout(120)
async def test_after_kill_9_the_rest_of_a_fan_out_goes_out_within_seconds_of_restart(
    tmp_path: Path,
) -> None:
    users = list(range(FIRST_USER, FIRST_USER + PEOPLE))
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    db_path = data_dir / "maxremind.db"
    log = tmp_path / "product.log"
    async with emulator_process("--no-rate-limits") as url, httpx.AsyncClient(timeout=30) as http:
        await emulator_users(url, TOKEN, users)
        await seed_announcement(db_path, users, rps=20)

        async def sent() -> int:
            return int((await http.get(url + "/_emulator/stats")).json()["messages_sent"])

        proc = start(url, data_dir, free_port(), log)
        deadline = time.monotonic() + 30
        while await sent() < 30:
            assert proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "nothing was sent"
            await asyncio.sleep(0.02)
        proc.kill()
        proc.wait()
        counts = ledger(db_path)
        assert counts.get("claimed", 0) > 0, counts  # the fan-out really was cut mid-way

        port = free_port()
        proc = start(url, data_dir, port, log)
        try:
            ready = await wait_ready(http, port, proc)
            while ledger(db_path).get("sent", 0) < PEOPLE:
                assert proc.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() - ready < 40, f"stuck at {ledger(db_path)}"
                await asyncio.sleep(0.05)
            finished = time.monotonic() - ready
        finally:
            proc.terminate()
            proc.wait(15)

        async def received(uid: int) -> int:
            dialog = (await http.get(f"{url}/_emulator/users/{uid}")).json()
            return sum(1 for m in dialog["messages"] if m["from_bot"] and ANNOUNCEMENT in m["text"])

        per_user = await asyncio.gather(*(received(u) for u in users))
    print(f"\nlast of {PEOPLE} told {finished:.1f} s after the restart was ready")
    assert min(per_user) >= 1, "somebody never got it"
    assert finished <= AIM_S
