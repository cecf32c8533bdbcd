"""SIGTERM in the middle of a fan-out: a clean exit 0, nothing lost, nothing sent twice."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.engine.crashrun import emulator_users, ledger, seed_announcement
from tests.harness import TOKEN, emulator_process, product_env

PEOPLE = 240  # eight seconds of sending at MAX's 30 requests per second


def _start(url: str, data_dir: Path) -> asyncio.subprocess.Process:
    env = product_env(url, data_dir, MAXREMIND_BACKUP_INTERVAL_HOURS="0")
    return asyncio.create_subprocess_exec(  # type: ignore[return-value]
        sys.executable,
        "-m",
        "maxremind",
        "run",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def _messages_per_user(http: httpx.AsyncClient, ids: list[int]) -> dict[int, int]:
    counts = {}
    for uid in ids:
        dialog = (await http.get(f"/_emulator/users/{uid}")).json()
        counts[uid] = sum(1 for m in dialog["messages"] if m["from_bot"])
    return counts


@pytest.mark.slow
async def test_sigterm_during_fanout_exits_cleanly_and_loses_nothing(tmp_path: Path) -> None:
    ids = list(range(7_000_001, 7_000_001 + PEOPLE))
    async with emulator_process() as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        await emulator_users(url, TOKEN, ids)
        await seed_announcement(tmp_path / "maxremind.db", ids, rps=30)

        product = await _start(url, tmp_path)
        deadline = time.monotonic() + 60  # start-up under a loaded CI (2 cores, xdist)
        while ledger(tmp_path / "maxremind.db").get("sent", 0) < 40:
            assert time.monotonic() < deadline, "the fan-out did not start"
            await asyncio.sleep(0.1)
        product.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(product.communicate(), 30)
        assert product.returncode == 0, err.decode()[-2000:]
        after_stop = ledger(tmp_path / "maxremind.db")
        assert "claimed" not in after_stop, after_stop  # in-flight sends finished or released
        assert 40 <= after_stop.get("sent", 0) < PEOPLE, after_stop

        product = await _start(url, tmp_path)
        deadline = time.monotonic() + 60
        while ledger(tmp_path / "maxremind.db").get("sent", 0) < PEOPLE:
            assert time.monotonic() < deadline, ledger(tmp_path / "maxremind.db")
            await asyncio.sleep(0.2)
        product.send_signal(signal.SIGTERM)
        await asyncio.wait_for(product.communicate(), 30)
        assert product.returncode == 0

        counts = await _messages_per_user(http, ids)
        assert sorted(set(counts.values())) == [1], {u: n for u, n in counts.items() if n != 1}
        stats = (await http.get("/_emulator/stats")).json()
        assert stats["rate_limited"] == 0
