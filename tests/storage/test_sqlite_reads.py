"""Where the SQLite adapter's reads go, and what each costs in trips to a connection's thread."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from maxremind.storage.sqlite import SqliteStorage
from tests.storage.kit import an_occurrence


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[SqliteStorage]:
    store = SqliteStorage(tmp_path / "reads.db", readers=2)
    async with store:
        yield store


async def _hold_unit_open(
    storage: SqliteStorage, written: asyncio.Event, release: asyncio.Event
) -> None:
    async with storage.unit_of_work():
        await storage.set_value("held", "uncommitted")
        written.set()
        await release.wait()


async def test_writer_reads_go_to_the_writer_and_other_reads_to_a_reader(
    sqlite: SqliteStorage,
) -> None:
    await sqlite.set_value("held", "committed")
    written, release = asyncio.Event(), asyncio.Event()
    holder = asyncio.create_task(_hold_unit_open(sqlite, written, release))
    await written.wait()
    with sqlite.writer_reads():
        on_writer = asyncio.create_task(sqlite.get_value("held"))
    try:
        # A reader answers at once with the last commit ...
        assert await asyncio.wait_for(sqlite.get_value("held"), 5) == "committed"
        await asyncio.sleep(0.2)
        # ... the writer only once the open unit is over.
        assert not on_writer.done()
    finally:
        release.set()
        await asyncio.wait_for(holder, 5)
    assert await asyncio.wait_for(on_writer, 5) == "uncommitted"


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the functions sent to aiosqlite's connection threads, in order."""
    sent: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Callable[..., Any], *a: Any) -> Any:
        sent.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *a)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return sent


@pytest.mark.parametrize("on_writer", [False, True])
async def test_a_read_statement_is_one_trip_to_the_connections_thread(
    sqlite: SqliteStorage, trips: list[str], on_writer: bool
) -> None:
    """Each trip wakes a thread and the event loop; a cursor opened, read and closed in
    three trips used to cost a read three times that (and BEGIN and COMMIT two each)."""
    event_id, _, _, _ = await an_occurrence(sqlite)
    await sqlite.set_value("k", "v")
    assert await sqlite.get_value("k") == "v"  # opens a reader (on the first read)
    with sqlite.writer_reads() if on_writer else nullcontext():
        trips.clear()
        assert await sqlite.get_value("k") == "v"
        assert len(trips) == 1
        trips.clear()
        # An event with its audience and its reminders: one statement (it was BEGIN,
        # three statements, COMMIT).
        assert (await sqlite.get_event(event_id)).id == event_id
        assert len(trips) == 1
