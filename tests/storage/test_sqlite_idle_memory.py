"""Idle SQLite connections hand their page cache back; busy ones keep it.

A connection nobody used since the previous look is shrunk (``PRAGMA shrink_memory`` on
its own thread); one in use, or inside a transaction, is not; the writer is shrunk only
holding its lock, so never inside a unit of work (issue 12's idle-memory aim).
"""

from __future__ import annotations

import _sqlite3
import asyncio
import ctypes
import itertools
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiosqlite
import pytest

from maxremind.storage.sqlite import SqliteStorage

SHRINK = "PRAGMA shrink_memory"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStorage]:
    # No task: the tests make the looks themselves.
    async with SqliteStorage(tmp_path / "idle.db", readers=2, shrink_every=None) as storage:
        yield storage


async def trace(db: aiosqlite.Connection) -> list[str]:
    """The statements ``db`` runs from now on, as its own thread runs them."""
    seen: list[str] = []
    await db.set_trace_callback(seen.append)
    return seen


def writer(storage: SqliteStorage) -> aiosqlite.Connection:
    assert storage._db is not None
    return storage._db


async def test_a_connection_idle_across_a_look_is_shrunk_once(store: SqliteStorage) -> None:
    await store.set_value("k", "v")
    assert await store.get_value("k") == "v"
    [reader] = store._readers
    on_writer, on_reader = await trace(writer(store)), await trace(reader)
    assert await store.release_idle_memory() == 0  # both used since the storage opened
    assert await store.release_idle_memory() == 2  # idle since the previous look
    assert on_writer == [SHRINK] and on_reader == [SHRINK]
    assert await store.release_idle_memory() == 0  # nothing new to hand back: no trip
    assert on_writer == [SHRINK] and on_reader == [SHRINK]
    assert store.shrinks == 2
    # A read marks the reader: kept at the next look, shrunk at the one after.
    assert await store.get_value("k") == "v"
    assert await store.release_idle_memory() == 0
    assert await store.release_idle_memory() == 1
    assert on_writer == [SHRINK] and on_reader.count(SHRINK) == 2
    assert await store.get_value("k") == "v"  # a shrunk connection reads as before
    await store.set_value("k", "w")
    assert await store.get_value("k") == "w"


async def test_a_connection_used_between_two_looks_keeps_its_cache(store: SqliteStorage) -> None:
    await store.set_value("k", "v")
    on_writer = await trace(writer(store))
    for n in range(3):
        await store.release_idle_memory()
        await store.set_value("k", str(n))  # busy: used between every two looks
    assert SHRINK not in on_writer


def _memory_used() -> Callable[[], int] | None:
    """SQLite's own count of the bytes it holds (``sqlite3_memory_used``), where the
    sqlite3 module lets ctypes find it (a shared libsqlite3 or a static build exporting
    it); None elsewhere."""
    try:
        lib = ctypes.CDLL(_sqlite3.__file__)
        used = lib.sqlite3_memory_used
    except (OSError, AttributeError):
        return None
    used.restype = ctypes.c_int64
    used.argtypes = ()
    return lambda: int(used())


async def test_shrinking_idle_connections_hands_their_page_cache_back(
    store: SqliteStorage,
) -> None:
    memory_used = _memory_used()
    if memory_used is None or memory_used() <= 0:
        pytest.skip("sqlite3_memory_used is not reachable from this Python's sqlite3")
    async with store.unit_of_work():
        await store.set_value("seed", "x")  # the schema is there; fill a table beside it
    db = writer(store)
    await db.execute("CREATE TABLE filler (b BLOB)")
    await db.executemany("INSERT INTO filler VALUES (?)", [(bytes(1000),)] * 1500)
    await db.execute("SELECT sum(length(b)) FROM filler")  # ~1.5 MB in the writer's cache
    async with store._reader(snapshot=False, writer=False) as conn:
        await conn.fetchall("SELECT sum(length(b)) AS n FROM filler")  # and the reader's
    store._touch(db)  # used outside the port's methods: mark it as they do
    await store.release_idle_memory()
    before = memory_used()
    assert await store.release_idle_memory() == 2
    after = memory_used()
    assert before - after > 2_000_000, (before, after)  # ~1.5 MB of pages, twice


async def test_a_writer_inside_a_unit_of_work_is_not_touched(store: SqliteStorage) -> None:
    await store.set_value("k", "v")
    on_writer = await trace(writer(store))
    async with store.unit_of_work():
        await store.set_value("k", "w")
        assert writer(store).in_transaction
        for _ in range(3):
            assert await store.release_idle_memory() == 0
        await store.set_value("k", "x")
    assert SHRINK not in on_writer
    assert await store.get_value("k") == "x"


async def test_a_unit_of_work_held_across_looks_by_another_task_is_not_touched(
    store: SqliteStorage,
) -> None:
    await store.set_value("k", "v")
    on_writer = await trace(writer(store))
    inside, leave = asyncio.Event(), asyncio.Event()

    async def work() -> None:
        async with store.unit_of_work():
            await store.set_value("k", "w")
            inside.set()
            await leave.wait()  # idle, but inside its transaction

    task = asyncio.create_task(work())
    await inside.wait()
    for _ in range(3):
        assert await store.release_idle_memory() == 0
    leave.set()
    await task
    assert SHRINK not in on_writer
    # Used until the previous look ended: kept once more, then shrunk.
    assert await store.release_idle_memory() == 0
    assert await store.release_idle_memory() == 1


async def test_a_reader_in_use_or_inside_a_read_transaction_is_not_touched(
    store: SqliteStorage,
) -> None:
    await store.set_value("k", "v")
    assert await store.get_value("k") == "v"
    [reader] = store._readers
    on_reader = await trace(reader)
    async with store._reader(snapshot=True, writer=False) as conn:
        assert reader.in_transaction
        for _ in range(3):
            await store.release_idle_memory()
        assert await conn.fetchone("SELECT 1 AS one") is not None
    assert SHRINK not in on_reader
    assert await store.release_idle_memory() == 0  # given back since the previous look
    assert await store.release_idle_memory() == 1
    assert on_reader[-1] == SHRINK


async def snapshot_read(store: SqliteStorage) -> int:
    async with store._read() as conn:  # BEGIN ... COMMIT on a reader
        return len(await conn.fetchall("SELECT value FROM kv"))


def followed(statements: list[str], first: str, then: str) -> int:
    return sum(a == first and b == then for a, b in itertools.pairwise(statements))


def _no_shrink_inside_a_transaction(statements: list[str]) -> None:
    inside = False
    for sql in statements:
        if sql.startswith("BEGIN"):
            inside = True
        elif sql in ("COMMIT", "ROLLBACK"):
            inside = False
        elif sql == SHRINK:
            assert not inside, statements


async def test_writes_and_reads_racing_the_looks_never_see_a_shrink_in_their_transaction(
    store: SqliteStorage,
) -> None:
    await store.set_value("k", "0")
    assert await snapshot_read(store) == 1
    [reader] = store._readers
    on_writer, on_reader = await trace(writer(store)), await trace(reader)
    for n in range(20):
        await store.release_idle_memory()  # everything idle: the next look shrinks
        look = store.release_idle_memory()
        if n % 4 == 0:  # the look first: the write waits for the writer's shrink
            await asyncio.gather(look, store.set_value("k", str(n)))
        elif n % 4 == 1:  # the write first: the look leaves the writer alone
            await asyncio.gather(store.set_value("k", str(n)), look)
        elif n % 4 == 2:  # the look first (writer busy): the read waits for the reader
            await store.set_value("k", str(n))
            assert (await asyncio.gather(look, snapshot_read(store)))[1] == 1
        else:  # the read first: the look leaves the reader alone
            await store.set_value("k", str(n))
            assert (await asyncio.gather(snapshot_read(store), look))[0] == 1
        assert await store.get_value("k") == str(n)
    # The races ran both ways: a shrink went just before a transaction that waited for it.
    assert followed(on_writer, SHRINK, "BEGIN IMMEDIATE") >= 5
    assert followed(on_reader, SHRINK, "BEGIN") >= 5
    _no_shrink_inside_a_transaction(on_writer)
    _no_shrink_inside_a_transaction(on_reader)


async def test_errors_in_shrinking_are_logged_and_never_break_the_storage(
    store: SqliteStorage, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.set_value("k", "v")
    db = writer(store)
    real = db.execute_fetchall

    async def failing(sql: str, params: object = None) -> object:
        if sql == SHRINK:
            raise aiosqlite.OperationalError("disk I/O error")
        return await real(sql) if params is None else await real(sql, params)  # type: ignore[arg-type]

    monkeypatch.setattr(db, "execute_fetchall", failing)
    with caplog.at_level(logging.WARNING, logger="maxremind.storage.sqlite"):
        await store.release_idle_memory()
        assert await store.release_idle_memory() == 0
    assert "could not shrink an idle SQLite connection" in caplog.text
    assert not store._lock.locked()
    await store.set_value("k", "w")  # the writer still writes
    assert await store.get_value("k") == "w"


async def test_the_task_keeps_going_after_an_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = 0

    async def broken() -> int:
        nonlocal calls
        calls += 1
        raise RuntimeError("boom")

    storage = SqliteStorage(tmp_path / "task.db", shrink_every=0.01)
    with caplog.at_level(logging.ERROR, logger="maxremind.storage.sqlite"):
        async with storage:
            monkeypatch.setattr(storage, "release_idle_memory", broken)
            for _ in range(500):
                if calls >= 3:
                    break
                await asyncio.sleep(0.01)
            assert calls >= 3
            await storage.set_value("k", "v")
            assert await storage.get_value("k") == "v"
    assert "could not release idle SQLite connections' memory" in caplog.text


def shrinker_tasks() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if t.get_name() == "sqlite-shrink"]


async def test_the_storage_shrinks_on_its_own_and_closing_stops_it(tmp_path: Path) -> None:
    storage = SqliteStorage(tmp_path / "task.db", shrink_every=0.02)
    async with storage:
        assert len(shrinker_tasks()) == 1
        await storage.set_value("k", "v")
        assert await storage.get_value("k") == "v"
        for _ in range(500):
            if storage.shrinks >= 2:  # the writer and the reader
                break
            await asyncio.sleep(0.01)
        assert storage.shrinks >= 2
    assert shrinker_tasks() == [] and storage._shrinker is None
    assert storage._db is None and storage._readers == []


async def test_closing_in_the_middle_of_a_shrink_stops_it_and_closes_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = SqliteStorage(tmp_path / "task.db", shrink_every=0.01)
    stuck = asyncio.Event()

    async def slow(db: aiosqlite.Connection) -> int:
        stuck.set()
        await asyncio.sleep(3600)
        return 0

    async with storage:
        await storage.set_value("k", "v")
        assert await storage.get_value("k") == "v"
        monkeypatch.setattr(storage, "_shrink", slow)
        await asyncio.wait_for(stuck.wait(), 5)
        closing = asyncio.create_task(storage.close())
        await asyncio.wait_for(closing, 5)
    assert shrinker_tasks() == []
    assert storage._db is None and storage._readers == []


async def test_an_in_memory_database_runs_no_shrinking_task() -> None:
    async with SqliteStorage(":memory:") as storage:
        assert storage._shrinker is None and shrinker_tasks() == []
        await storage.set_value("k", "v")
        assert await storage.get_value("k") == "v"
