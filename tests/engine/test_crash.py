"""kill -9 during a fan-out: real processes, a real SQLite file, the emulator as MAX.

The product is killed at random moments of a 2,000-recipient announcement, at least
ten times, and restarted each time.  In the end everybody has the message, and the
only duplicates are the documented ones: a send MAX accepted whose result was not
committed before the kill — at most ``EngineConfig.concurrency`` sends are in flight
and at most ``_SentBuffer.FLUSH_ITEMS`` accepted sends await their (grouped) record per
kill, so ``kills × (concurrency + FLUSH_ITEMS)`` bounds them.
"""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import IO

import httpx
import pytest

from maxremind.engine.dispatcher import EngineConfig, _SentBuffer
from tests.harness import TOKEN, emulator_process, product_env

from .crashrun import ANNOUNCEMENT, emulator_users, ledger, seed_announcement

RECIPIENTS = 2000
KILLS = 12
FIRST_USER = 3_000_001
RUNNER = Path(__file__).with_name("crashrun.py")
LEASE_S = 3  # the product's lease in this test (60 s in production; see crashrun.py)


def start_product(api_url: str, data_dir: Path, log: IO[bytes]) -> subprocess.Popen[bytes]:
    env = product_env(
        api_url,
        data_dir,
        MAXREMIND_RATE_LIMIT_RPS="400",
        MAXREMIND_LOG_LEVEL="warning",
        CRASHRUN_LEASE_S=str(LEASE_S),
    )
    return subprocess.Popen(
        [sys.executable, str(RUNNER)], env=env, stdout=log, stderr=subprocess.STDOUT
    )


@pytest.mark.slow
@pytest.mark.timeout(240)  # a minute alone; CI runs it beside the scale tests
async def test_kill_9_during_fan_out_loses_nothing_and_duplicates_only_in_flight_sends(
    tmp_path: Path,
) -> None:
    started = time.monotonic()
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    users = list(range(FIRST_USER, FIRST_USER + RECIPIENTS))
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    db_path = data_dir / "maxremind.db"
    log_path = tmp_path / "product.log"
    async with emulator_process("--no-rate-limits") as url:
        await emulator_users(url, TOKEN, users)
        assert await seed_announcement(db_path, users) == RECIPIENTS

        async with httpx.AsyncClient(base_url=url, timeout=30) as http:

            async def sent() -> int:
                return int((await http.get("/_emulator/stats")).json()["messages_sent"])

            kills = 0
            with log_path.open("ab") as log:
                while kills < KILLS:
                    before = await sent()
                    # A random number of messages into this life, then kill -9: anywhere
                    # from right after expansion to deep into a batch.
                    target = rng.randint(1, 150)
                    proc = start_product(url, data_dir, log)
                    deadline = time.monotonic() + 20
                    while (now_sent := await sent()) - before < target:
                        assert proc.poll() is None, log_path.read_text()[-3000:]
                        assert time.monotonic() < deadline, "the product sent nothing"
                        await asyncio.sleep(rng.uniform(0, 0.02))
                    proc.kill()
                    proc.wait()
                    kills += 1
                    # Every kill lands inside the fan-out, never after it.
                    assert now_sent < RECIPIENTS, f"fan-out finished before kill {kills}"

                # The last life runs until the ledger says everything was sent.
                proc = start_product(url, data_dir, log)
                try:
                    deadline = time.monotonic() + 45
                    while (counts := ledger(db_path)).get("sent", 0) < RECIPIENTS:
                        assert proc.poll() is None, log_path.read_text()[-3000:]
                        assert time.monotonic() < deadline, f"ledger stuck at {counts}"
                        await asyncio.sleep(0.1)
                finally:
                    proc.terminate()
                    proc.wait(15)

            limit = asyncio.Semaphore(16)

            async def received(uid: int) -> int:
                async with limit:
                    dialog = (await http.get(f"/_emulator/users/{uid}")).json()
                return sum(
                    1 for m in dialog["messages"] if m["from_bot"] and ANNOUNCEMENT in m["text"]
                )

            per_user = dict(
                zip(users, await asyncio.gather(*(received(u) for u in users)), strict=True)
            )
            total_sent = await sent()

    histogram = Counter(per_user.values())
    duplicates = sum(n - 1 for n in per_user.values() if n > 1)
    bound = kills * (EngineConfig().concurrency + _SentBuffer.FLUSH_ITEMS)
    print(
        f"\ncrash test (seed {seed}): recipients={RECIPIENTS} messages={total_sent} "
        f"duplicates={duplicates} (bound {bound}) kills={kills} "
        f"per-user histogram={dict(sorted(histogram.items()))} ledger={counts} "
        f"in {time.monotonic() - started:.1f}s"
    )
    assert kills >= 10
    assert [u for u, n in per_user.items() if n == 0] == [], "somebody never got it"
    assert duplicates <= bound
    assert total_sent == RECIPIENTS + duplicates  # nothing else was sent
    assert counts == {"sent": RECIPIENTS}  # nothing left planned, claimed or failed
