"""kill -9 while the weekly digest goes out: real processes, a real SQLite file, the
emulator as MAX over real HTTP.

Thirty organizers of a team subscribed to the digest, which fell due a minute ago.
``python -m maxremind run`` starts, plans the week's digests (key
``digest:<team>:<person>:<ISO week>``) and sends them at 10 a second; it is killed with
``kill -9`` a few digests in, while MAX (slowed down) is answering some of them.  A
second life sends the rest and is killed too, after
everything is recorded; a third life sends nothing more.

What "crash-safe like every other delivery" means (docs/delivery.md, "The duplicate
window"): nobody is left without this week's digest, the ledger holds exactly one per
organizer and week, and an organizer gets it twice only if MAX accepted their digest
and the process died before recording that — the test reads the ledger and the
emulator at the instant of each kill and checks that every second copy is one of
those, everyone else got exactly one.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from maxremind.domain.models import Language, Role
from maxremind.storage import open_storage
from tests.harness import TOKEN, emulator_process, product_env

from .crashrun import emulator_users

ORGANIZERS = 30
FIRST_USER = 6_100_001
MOSCOW = ZoneInfo("Europe/Moscow")
DIGEST = "📊 Итоги недели"
SLOW_S = 0.4


async def seed(db: Path, people: list[int], moment: datetime) -> int:
    """A team whose digest is due at ``moment``, every one of ``people`` an organizer
    subscribed to it (the first owns the team) since the day before."""
    local = moment.astimezone(MOSCOW)
    async with open_storage(f"sqlite:///{db}") as storage:
        for uid in people:
            await storage.upsert_user(uid, name=f"Организатор {uid}", username=None)
        team = await storage.create_team(
            "Склад", timezone="Europe/Moscow", language=Language.RU, created_by=people[0]
        )
        await storage.add_member(team.id, people[0], Role.OWNER)
        for uid in people[1:]:
            await storage.add_member(team.id, uid, Role.ORGANIZER)
        await storage.set_insight_settings(
            team.id,
            digest_weekday=local.weekday(),
            digest_minute=local.hour * 60 + local.minute,
            at=moment - timedelta(days=1),
        )
        for uid in people:
            await storage.set_digest_subscription(team.id, uid, True, at=moment - timedelta(days=1))
    return team.id


def digests(db: Path) -> dict[str, tuple[int, str]]:
    """The ledger's digest deliveries: key -> (recipient, status)."""
    with sqlite3.connect(db, timeout=10) as conn:
        rows = conn.execute(
            "SELECT key, recipient_id, status FROM deliveries WHERE kind = 'digest'"
        ).fetchall()
    return {str(k): (int(r), str(s)) for k, r, s in rows}


def start(api_url: str, data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    env = product_env(
        api_url,
        data_dir,
        MAXREMIND_RATE_LIMIT_RPS="10",  # 30 digests take ~3 s: room to kill mid-way
        MAXREMIND_LOG_LEVEL="warning",
    )
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "maxremind", "run"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


@pytest.mark.timeout(90)
async def test_kill_9_while_the_digest_goes_out_each_organizer_gets_this_weeks_once(
    tmp_path: Path,
) -> None:
    started = time.monotonic()
    people = list(range(FIRST_USER, FIRST_USER + ORGANIZERS))
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    db = data_dir / "maxremind.db"
    log = tmp_path / "product.log"
    moment = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
    year, week, _ = moment.astimezone(MOSCOW).isocalendar()
    async with emulator_process("--no-rate-limits") as url, httpx.AsyncClient(timeout=30) as http:
        await emulator_users(url, TOKEN, people)
        team_id = await seed(db, people, moment)
        keys = {f"digest:{team_id}:{uid}:{year}-W{week:02d}": uid for uid in people}

        async def received() -> dict[int, int]:
            counts = {}
            for uid in people:
                dialog = (await http.get(f"{url}/_emulator/users/{uid}")).json()
                counts[uid] = sum(
                    1 for m in dialog["messages"] if m["from_bot"] and DIGEST in (m["text"] or "")
                )
            return counts

        async def kill(proc: subprocess.Popen[bytes]) -> set[int]:
            """kill -9; then who has a digest in MAX that the ledger does not call sent
            (the duplicate window)."""
            proc.kill()
            proc.wait()
            await asyncio.sleep(SLOW_S + 0.3)  # the sends MAX was answering at the kill land
            ledger = digests(db)
            unrecorded = {uid for key, (uid, status) in ledger.items() if status != "sent"}
            return {uid for uid, n in (await received()).items() if n and uid in unrecorded}

        # First life: killed a few digests into the fan-out, while MAX takes 0.4 s to
        # answer each: some are in flight then, and MAX keeps those it was answering.
        slow = {"slow_rate": 1.0, "slow_delay": SLOW_S, "seed": 1}
        assert (await http.put(f"{url}/_emulator/faults", json=slow)).status_code == 200
        proc = start(url, data_dir, log)
        deadline = time.monotonic() + 30
        while sum((await received()).values()) < 5:
            assert proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "no digest went out"
            await asyncio.sleep(0.05)
        window = await kill(proc)
        cut = digests(db)
        assert set(cut) == set(keys), cut  # planned once each, before any was sent
        assert any(status != "sent" for _, status in cut.values()), "killed after the end"
        assert any(status == "sent" for _, status in cut.values())

        # Second life: the rest goes out; killed once everything is recorded.
        assert (await http.put(f"{url}/_emulator/faults", json={})).status_code == 200
        proc = start(url, data_dir, log)
        deadline = time.monotonic() + 30
        while any(status != "sent" for _, status in digests(db).values()):
            assert proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, f"stuck at {digests(db)}"
            await asyncio.sleep(0.1)
        assert await kill(proc) == set()
        after_two = await received()

        # Third life: its rounds find this week's digests planned and sent already.
        proc = start(url, data_dir, log)
        try:
            await asyncio.sleep(7)  # more than one planning round (PLAN_EVERY, 5 s)
            assert proc.poll() is None, log.read_text()[-3000:]
        finally:
            proc.terminate()
            proc.wait(15)
        final = await received()

    twice = {uid for uid, n in final.items() if n > 1}
    print(
        f"\ndigest crash: {ORGANIZERS} organizers, {len(window)} in the duplicate window at "
        f"the first kill, {len(twice)} got two, in {time.monotonic() - started:.1f} s"
    )
    assert final == after_two  # the third life sent nothing
    assert digests(db) == {key: (uid, "sent") for key, uid in keys.items()}
    assert [uid for uid, n in final.items() if n == 0] == []
    assert max(final.values()) <= 2
    assert twice <= window  # only a digest MAX took that was not recorded came again
