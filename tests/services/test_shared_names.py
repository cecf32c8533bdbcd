"""People's names on the pages are shared while nothing is written: a big team's event
pages name the same people again and again.  A rename, or any write, is seen from the
next read; a batch read while something was written is not kept."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from maxremind.services.agenda import AgendaService
from maxremind.services.sharing import SharedValues
from maxremind.storage import Storage, open_storage

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    async with open_storage(f"sqlite:///{tmp_path / 'names.db'}") as store:
        yield store


async def test_names_are_read_once_while_nothing_is_written(storage: Storage) -> None:
    for uid in (1, 2, 3):
        await storage.upsert_user(uid, name=f"Person {uid}", username=None)
    asked: list[list[int]] = []
    real = storage.user_names

    async def counted(ids: list[int]) -> dict[int, str]:
        asked.append(sorted(ids))
        return await real(ids)

    storage.user_names = counted  # type: ignore[method-assign]
    agenda = AgendaService(storage, clock=lambda: START)
    assert await agenda.user_names([1, 2]) == {1: "Person 1", 2: "Person 2"}
    # Kept: only the person not asked before is read; an unknown id is remembered too.
    assert await agenda.user_names([2, 1, 3, 99]) == {1: "Person 1", 2: "Person 2", 3: "Person 3"}
    assert await agenda.user_names([99, 3]) == {3: "Person 3"}
    assert asked == [[1, 2], [3, 99]]
    # A rename is a write: the next read sees it.
    await storage.upsert_user(2, name="Мария", username=None)
    assert await agenda.user_names([1, 2]) == {1: "Person 1", 2: "Мария"}
    assert asked[-1] == [1, 2]


async def test_a_batch_read_while_something_was_written_is_not_kept() -> None:
    names = {1: "old"}
    generation = 0
    started = asyncio.Event()
    release = asyncio.Event()

    async def read(ids: list[int]) -> Mapping[int, str]:
        found = {i: names[i] for i in ids if i in names}
        started.set()
        await release.wait()
        return found

    shared: SharedValues[int, str] = SharedValues()
    slow = asyncio.create_task(shared.get_many([1], generation, START, read))
    await started.wait()
    names[1], generation = "new", 1  # a write ends while the first read is out
    release.set()
    fresh = await shared.get_many([1], generation, START, read)
    assert fresh == {1: "new"}
    assert await slow == {1: "old"}  # what it read, handed out, not kept over "new"
    assert await shared.get_many([1], generation, START, read) == {1: "new"}


async def test_names_are_not_kept_past_the_window_or_without_a_generation() -> None:
    calls = 0

    async def read(ids: list[int]) -> Mapping[int, str]:
        nonlocal calls
        calls += 1
        return dict.fromkeys(ids, "x")

    shared: SharedValues[int, str] = SharedValues(window=timedelta(seconds=60))
    await shared.get_many([1], 5, START, read)
    await shared.get_many([1], 5, START + timedelta(seconds=59), read)
    assert calls == 1
    await shared.get_many([1], 5, START + timedelta(seconds=60), read)
    assert calls == 2
    # No generation (inside a unit of work, or a database other processes write): read.
    await shared.get_many([1], None, START, read)
    await shared.get_many([1], None, START, read)
    assert calls == 4
