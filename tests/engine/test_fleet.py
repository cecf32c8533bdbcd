"""Several processes on one database: the fleet's heartbeats and releases, the engine's
wake-ups across processes (Postgres), a killed process's share taken over."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from maxremind.core.keys import load_signer
from maxremind.domain.clock import utcnow
from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    DeliveryStatus,
    EventKind,
    NewEvent,
    Role,
)
from maxremind.engine.dispatcher import Dispatcher, EngineConfig
from maxremind.engine.fleet import Fleet, WakeOthers
from maxremind.engine.planner import Planner
from maxremind.engine.timer import Engine
from maxremind.services.events import EventService
from maxremind.storage import Storage, open_storage
from maxremind.storage.ports.workers import WorkerInfo
from tests.harness import wait_for as until
from tests.pg import fresh_postgres_url
from tests.storage.kit import NOW, an_occurrence, deliveries_for

from .conftest import Clock, Env, RecordingSender, assemble

FAST = {"every": timedelta(seconds=0.05), "stale_after": timedelta(seconds=0.5)}
ROOT = Path(__file__).resolve().parents[2]


_OCCURRENCES: dict[int, tuple[int, int, int]] = {}


async def claims(
    storage: Storage, owner: str, n: int, *, at: datetime = NOW, first: int = 5000
) -> list[str]:
    """``n`` deliveries due at ``at`` (to recipients ``first``...), claimed by ``owner``."""
    if id(storage) not in _OCCURRENCES:
        _, users, occ_id, rem_id = await an_occurrence(storage)
        _OCCURRENCES[id(storage)] = (users[0], occ_id, rem_id)
    _, occ_id, rem_id = _OCCURRENCES[id(storage)]
    await storage.add_deliveries(deliveries_for(occ_id, rem_id, list(range(first, first + n)), at))
    got = await storage.claim_deliveries(
        now=at, owner=owner, lease_until=at + timedelta(minutes=5), limit=n
    )
    assert len(got) == n
    return [d.key for d in got]


async def statuses(storage: Storage, keys: list[str]) -> set[DeliveryStatus]:
    return {(await storage.get_delivery(k)).status for k in keys}


async def stop_task(stop: asyncio.Event, task: asyncio.Task[None]) -> None:
    stop.set()
    await asyncio.wait_for(task, 10)


# --- the fleet loop (SQLite: the logic is the adapter's contract, tested there) --------


async def test_the_fleet_releases_a_dead_workers_claims_and_pokes(env: Env) -> None:
    dead = await claims(env.storage, "dead:1:aa", 3)
    info = WorkerInfo(roles=("engine",), host="gone", pid=1, started_at=NOW)
    await env.storage.heartbeat("dead:1:aa", info, at=utcnow() - timedelta(seconds=30))
    poked = asyncio.Event()
    fleet = Fleet(env.storage, owner="me:2:bb", roles=("engine",), poke=poked.set, **FAST)
    stop = asyncio.Event()
    task = asyncio.create_task(fleet.run(stop))
    await asyncio.wait_for(poked.wait(), 5)
    assert await statuses(env.storage, dead) == {DeliveryStatus.PLANNED}
    assert (fleet.released_workers, fleet.released_deliveries) == (1, 3)
    (me,) = await env.storage.list_workers()
    assert me.owner == "me:2:bb" and me.pid == os.getpid() and fleet.healthy

    mine = await claims(env.storage, "me:2:bb", 2, at=NOW + timedelta(days=1), first=6000)
    await stop_task(stop, task)
    assert await env.storage.list_workers() == []  # left
    assert await statuses(env.storage, mine) == {DeliveryStatus.PLANNED}


async def test_a_live_worker_is_left_alone(env: Env) -> None:
    other = Fleet(env.storage, owner="other", roles=("engine",), **FAST)
    held = await claims(env.storage, "other", 2)
    me = Fleet(env.storage, owner="me", roles=("engine",), **FAST)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(f.run(stop)) for f in (other, me)]
    await asyncio.sleep(1.5)  # three times stale_after
    assert await statuses(env.storage, held) == {DeliveryStatus.CLAIMED}
    assert me.released_workers == other.released_workers == 0
    assert sorted(w.owner for w in await env.storage.list_workers()) == ["me", "other"]
    stop.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 10)


async def test_the_fleet_heartbeats_until_the_engine_has_stopped_then_leaves(env: Env) -> None:
    mine = await claims(env.storage, "me", 2)
    fleet = Fleet(env.storage, owner="me", roles=("engine",), **FAST)
    stop = asyncio.Event()
    engine_done = asyncio.Event()
    engine = asyncio.create_task(engine_done.wait())  # stands for the engine's task
    task = asyncio.create_task(fleet.run(stop, outlive=[engine]))
    await until(lambda: fleet.last_heartbeat is not None)
    stop.set()
    await asyncio.sleep(0.3)
    # Still finishing its batch: alive, heartbeating, claims kept.
    assert not task.done()
    (me,) = await env.storage.list_workers()
    assert utcnow() - me.heartbeat_at < timedelta(seconds=0.2)
    assert await statuses(env.storage, mine) == {DeliveryStatus.CLAIMED}
    engine_done.set()
    await asyncio.wait_for(task, 5)
    assert await env.storage.list_workers() == []
    assert await statuses(env.storage, mine) == {DeliveryStatus.PLANNED}


async def test_the_fleet_survives_a_lost_database_and_carries_on(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    fleet = Fleet(env.storage, owner="me", roles=("engine",), **FAST)
    stop = asyncio.Event()
    task = asyncio.create_task(fleet.run(stop))
    await until(lambda: fleet.healthy)
    with caplog.at_level(logging.WARNING, logger="maxremind.engine.fleet"):
        await env.storage.close()  # every call now raises StorageError
        await until(lambda: not fleet.healthy)
        await asyncio.sleep(0.3)
    assert not task.done()
    failures = [r for r in caplog.records if "heartbeat failed" in r.getMessage()]
    assert len(failures) == 1  # said once, not at every tick

    await env.storage.open()
    await until(lambda: fleet.healthy)
    await stop_task(stop, task)
    assert await env.storage.list_workers() == []


async def test_wake_signals_are_coalesced(env: Env) -> None:
    # SQLite's signal goes nowhere; what is counted is how many were sent.
    others = WakeOthers(env.storage, every=0.05)
    started = time.monotonic()
    for _ in range(1000):
        others.request()
        await asyncio.sleep(0.0005)
    await others.flush()
    elapsed = time.monotonic() - started
    assert 2 <= others.sent <= elapsed / 0.05 + 2


# --- several processes on one Postgres ------------------------------------------------


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    async with fresh_postgres_url() as url:
        yield url


async def member_team(env: Env, n: int = 3) -> None:
    for i in range(1, n + 1):
        user = await env.storage.upsert_user(100 + i, name=f"Участник {i}", username=f"m{i}")
        await env.storage.add_member(env.team_id, user.user_id, Role.MEMBER)
        env.members.append(user.user_id)


async def engine_only(storage: Storage, owner: str, clock: Clock | None = None) -> Env:
    """Another process's engine on the same database (its team is the first one's)."""
    signer = await load_signer(storage)
    sender = RecordingSender()
    when = clock or utcnow
    planner = Planner(storage, rps=30, clock=when)
    dispatcher = Dispatcher(storage, sender, signer, owner=owner, config=EngineConfig(), clock=when)
    engine = Engine(planner, dispatcher)
    events = EventService(storage, planner, poke=engine.poke, clock=when)
    return Env(storage, when, sender, planner, dispatcher, engine, events, signer, 0, 0, [])  # type: ignore[arg-type]


async def test_work_planned_in_one_process_is_sent_promptly_by_another(pg_url: str) -> None:
    async with open_storage(pg_url) as web_db, open_storage(pg_url) as engine_db:
        # "web": saves the announcement, runs no engine; "engine": idle until told.
        web = await assemble(web_db, utcnow, owner="web")  # type: ignore[arg-type]
        await member_team(web)
        worker = await engine_only(engine_db, owner="engine")
        stop = asyncio.Event()
        running = asyncio.create_task(worker.engine.run(stop))
        try:
            await until(lambda: getattr(engine_db, "listening", False))
            await until(lambda: worker.engine.rounds >= 1)
            rounds = worker.engine.rounds
            await asyncio.sleep(0.5)
            assert worker.engine.rounds == rounds  # asleep (for up to 30 s)

            moscow = ZoneInfo("Europe/Moscow")
            due = (utcnow() + timedelta(seconds=3)).replace(microsecond=0)
            await web.events.create(
                NewEvent(
                    team_id=web.team_id,
                    organizer_id=web.owner,
                    title="Сбор через три секунды",
                    start_local=due.astimezone(moscow).replace(tzinfo=None),
                    timezone="Europe/Moscow",
                    kind=EventKind.ANNOUNCEMENT,
                    audience=(AudienceEntry(AudienceKind.TEAM),),
                ),
                scheduled=True,
            )
            await web.engine.others.flush()
            assert web.engine.others.sent == 1
            # The engine process looks at once, learns the due time, sends at it.
            await until(lambda: worker.engine.rounds > rounds, timeout=1.0)
            await until(lambda: len(worker.sender.sent) == 4, timeout=10.0)
            assert utcnow() - due < timedelta(seconds=2)
            assert web.sender.sent == []
        finally:
            await stop_task(stop, running)


async def test_a_signal_received_is_not_passed_on(pg_url: str) -> None:
    async with open_storage(pg_url) as one_db, open_storage(pg_url) as two_db:
        one = await assemble(one_db, Clock(NOW), owner="one")
        two = await engine_only(two_db, owner="two", clock=Clock(NOW))
        heard = 0

        def count() -> None:
            nonlocal heard
            heard += 1

        one_db.on_wake(count)
        stop = asyncio.Event()
        running = asyncio.create_task(two.engine.run(stop))
        try:
            await until(lambda: getattr(two_db, "listening", False))
            await until(lambda: getattr(one_db, "listening", False))
            await until(lambda: two.engine.rounds >= 1)
            rounds = two.engine.rounds
            loop = asyncio.get_running_loop()
            started = loop.time()
            for _ in range(1000):  # a burst: a thousand answers in about a second
                one.engine.poke()
                await asyncio.sleep(0.0005)
            await until(lambda: two.engine.rounds > rounds, timeout=1.0)
            await one.engine.others.flush()
            elapsed = loop.time() - started
            await asyncio.sleep(0.3)
            # The first at once, then at most one per 50 ms.
            assert 2 <= one.engine.others.sent <= elapsed / 0.05 + 2
            assert two.engine.others.sent == 0 and heard == 0  # no echo back
        finally:
            await stop_task(stop, running)


async def test_a_database_fault_under_the_fleet_is_ridden_out(pg_url: str) -> None:
    async with open_storage(pg_url) as storage:
        fleet = Fleet(storage, owner="me", roles=("engine",), **FAST)
        stop = asyncio.Event()
        task = asyncio.create_task(fleet.run(stop))
        await until(lambda: fleet.healthy)
        admin = await asyncpg.connect(pg_url)
        try:
            for _ in range(3):  # every connection of ours, killed now and again
                await admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                await asyncio.sleep(0.2)
        finally:
            await admin.close()
        await until(lambda: fleet.healthy)
        assert not task.done()
        await stop_task(stop, task)
        assert await storage.list_workers() == []


CHILD = """
import asyncio, sys
from datetime import timedelta
from maxremind.domain.clock import utcnow
from maxremind.engine.fleet import Fleet
from maxremind.storage import open_storage

async def main(url, owner, n):
    async with open_storage(url) as storage:
        fleet = Fleet(storage, owner=owner, roles=("engine",))
        await fleet.tick()
        now = utcnow()
        got = await storage.claim_deliveries(
            now=now, owner=owner, lease_until=now + timedelta(seconds=60), limit=n
        )
        print(len(got), flush=True)
        await fleet.run(asyncio.Event())

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


async def test_a_killed_processs_claims_go_to_the_others_within_ten_seconds(pg_url: str) -> None:
    async with open_storage(pg_url) as storage:
        _, users, occ_id, rem_id = await an_occurrence(storage)
        due = utcnow() - timedelta(seconds=1)
        batch = deliveries_for(occ_id, rem_id, [users[0] + 7000 + i for i in range(20)], due)
        await storage.add_deliveries(batch)
        keys = [d.key for d in batch]

        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            CHILD,
            pg_url,
            "child:1:cc",
            "20",
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
        )
        try:
            assert child.stdout is not None
            line = await asyncio.wait_for(child.stdout.readline(), 30)
            assert line.strip() == b"20"
            assert await statuses(storage, keys) == {DeliveryStatus.CLAIMED}
            poked = asyncio.Event()
            fleet = Fleet(storage, owner="survivor:2:dd", roles=("engine",), poke=poked.set)
            stop = asyncio.Event()
            task = asyncio.create_task(fleet.run(stop))
            await asyncio.sleep(3)  # the child heartbeats: nothing is released meanwhile
            assert await statuses(storage, keys) == {DeliveryStatus.CLAIMED}

            child.send_signal(signal.SIGKILL)
            killed = time.monotonic()
            await asyncio.wait_for(poked.wait(), 15)
            took = time.monotonic() - killed
            assert await statuses(storage, keys) == {DeliveryStatus.PLANNED}
            assert fleet.released_deliveries == 20
            # Default timings: at most 2 s since the last heartbeat, 8 s stale, 2 s between
            # checks; the budget for the whole take-over is 15 s.
            assert took <= 11.0, took
            await stop_task(stop, task)
        finally:
            if child.returncode is None:
                child.kill()
            await child.wait()
