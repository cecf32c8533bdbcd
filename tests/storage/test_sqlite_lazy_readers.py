"""The SQLite adapter opens its read connections when reads need them, not at start.

Each reader is a thread with its own page cache and copy of the schema: an idle bot that
nobody reads through the web should not carry them (issue 12's idle-memory aim).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from maxremind.storage import StorageError
from maxremind.storage.sqlite import SqliteStorage


def threads() -> int:
    """aiosqlite's connection threads alive (one per connection)."""
    return sum("_connection_worker_thread" in t.name for t in threading.enumerate())


async def threads_settle_at(expected: int) -> int:
    """The count once closed connections' threads have ended (they end just after
    their connection closes), or what it is after two seconds."""
    for _ in range(100):
        if threads() == expected:
            break
        await asyncio.sleep(0.02)
    return threads()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStorage]:
    storage = SqliteStorage(tmp_path / "lazy.db", readers=2)
    async with storage:
        yield storage


async def test_a_fresh_storage_opens_no_reader_until_a_read(tmp_path: Path) -> None:
    before = await threads_settle_at(0)  # earlier tests' connections have ended
    storage = SqliteStorage(tmp_path / "lazy.db", readers=2)
    async with storage:
        await storage.set_value("k", "v")
        assert threads() == before + 1  # the writer's thread, nothing else
        assert storage._readers == []
        assert await storage.get_value("k") == "v"
        assert threads() == before + 2 and len(storage._readers) == 1
        for _ in range(5):  # one read after another: the one reader does
            assert await storage.get_value("k") == "v"
        assert threads() == before + 2 and len(storage._readers) == 1
    assert await threads_settle_at(before) == before


async def test_a_second_reader_opens_only_when_a_read_waited_for_the_first(
    tmp_path: Path,
) -> None:
    storage = SqliteStorage(tmp_path / "grow.db", readers=2, grow_after=0.1)
    async with storage:
        await storage.set_value("k", "v")
        async with storage._reader(snapshot=True, writer=False) as held:
            assert len(storage._readers) == 1
            # The first reader is taken; this read waits for it, then opens the second.
            waiting = asyncio.create_task(storage.get_value("k"))
            await asyncio.sleep(0.02)
            assert not waiting.done() and len(storage._readers) == 1
            assert await asyncio.wait_for(waiting, 5) == "v"
            assert len(storage._readers) == 2
            assert await held.fetchone("SELECT 1 AS one") is not None


async def test_a_read_that_gets_the_reader_back_in_time_opens_no_second(
    tmp_path: Path,
) -> None:
    storage = SqliteStorage(tmp_path / "patient.db", readers=2, grow_after=30)
    async with storage:
        await storage.set_value("k", "v")
        async with storage._reader(snapshot=True, writer=False):
            waiting = asyncio.create_task(storage.get_value("k"))
            await asyncio.sleep(0.1)
            assert not waiting.done()
        assert await asyncio.wait_for(waiting, 5) == "v"
        # Reads at once, as at start-up: they share the one reader.
        assert await asyncio.gather(*(storage.get_value("k") for _ in range(5))) == ["v"] * 5
        assert len(storage._readers) == 1


async def test_concurrent_first_reads_open_at_most_the_readers_allowed(
    store: SqliteStorage,
) -> None:
    await store.set_value("k", "v")
    values = await asyncio.wait_for(asyncio.gather(*(store.get_value("k") for _ in range(20))), 10)
    assert values == ["v"] * 20
    assert 1 <= len(store._readers) <= 2
    assert len({id(r) for r in store._readers}) == len(store._readers)


async def test_a_read_waits_for_a_reader_when_all_are_open_and_busy(
    tmp_path: Path,
) -> None:
    storage = SqliteStorage(tmp_path / "one.db", readers=1)
    async with storage:
        await storage.set_value("k", "v")
        async with storage._reader(snapshot=True, writer=False):
            waiting = asyncio.create_task(storage.get_value("k"))
            await asyncio.sleep(0.2)
            assert not waiting.done()
            assert len(storage._readers) == 1
        assert await asyncio.wait_for(waiting, 5) == "v"
        assert len(storage._readers) == 1


async def test_in_memory_reads_on_the_writer_and_opens_no_reader() -> None:
    before = await threads_settle_at(0)  # earlier tests' connections have ended
    async with SqliteStorage(":memory:", readers=2) as storage:
        await storage.set_value("k", "v")
        assert await storage.get_value("k") == "v"
        assert storage._readers == [] and threads() == before + 1


async def test_a_reader_that_cannot_be_opened_fails_that_read_not_the_next(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    storage = SqliteStorage(folder / "gone.db", readers=1)
    async with storage:
        await storage.set_value("k", "v")
        # The folder moves away under the running process: the writer keeps its open
        # file, a new connection to the old path cannot open.
        moved = tmp_path / "moved"
        folder.rename(moved)
        with pytest.raises(StorageError):
            await asyncio.wait_for(storage.get_value("k"), 5)
        assert storage._readers == []
        moved.rename(folder)
        assert await asyncio.wait_for(storage.get_value("k"), 5) == "v"
        assert len(storage._readers) == 1


async def test_a_read_waiting_while_a_reader_fails_to_open_tries_one_itself(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    storage = SqliteStorage(folder / "gone.db", readers=1)
    async with storage:
        await storage.set_value("k", "v")
        moved = tmp_path / "moved"
        folder.rename(moved)
        first = asyncio.create_task(storage.get_value("k"))
        await asyncio.sleep(0)  # the first is opening the only reader allowed ...
        second = asyncio.create_task(storage.get_value("k"))
        await asyncio.sleep(0)  # ... so the second waits for it
        assert storage._opening == 1
        # Woken by the first one's failure, the second opens a reader in its place
        # (and fails the same way) instead of waiting for ever.
        for read in (first, second):
            with pytest.raises(StorageError):
                await asyncio.wait_for(read, 5)
        moved.rename(folder)
        assert await asyncio.wait_for(storage.get_value("k"), 5) == "v"
        assert len(storage._readers) == 1


async def test_closing_while_a_reader_opens_leaves_no_connection_behind(
    tmp_path: Path,
) -> None:
    before = await threads_settle_at(0)  # earlier tests' connections have ended
    storage = SqliteStorage(tmp_path / "close.db", readers=2)
    await storage.open()
    await storage.set_value("k", "v")
    reads = [asyncio.create_task(storage.get_value("k")) for _ in range(3)]
    await asyncio.sleep(0)  # two readers are being opened, one read waits
    await storage.close()
    results = await asyncio.wait_for(asyncio.gather(*reads, return_exceptions=True), 5)
    assert all(r == "v" or isinstance(r, StorageError) for r in results), results
    assert storage._readers == []
    assert await threads_settle_at(before) == before
    with pytest.raises(StorageError):
        await storage.get_value("k")


async def test_reopened_storage_opens_readers_again(tmp_path: Path) -> None:
    storage = SqliteStorage(tmp_path / "again.db", readers=2)
    async with storage:
        await storage.set_value("k", "v")
        assert await storage.get_value("k") == "v"
    async with storage:
        assert storage._readers == []
        assert await storage.get_value("k") == "v"
        assert len(storage._readers) == 1
