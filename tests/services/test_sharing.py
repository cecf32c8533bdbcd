"""Reads shared while nothing is written: one read for callers asking at once, a new
one after a write, after the window, inside a unit of work; failures and cancelled
readers are not handed on to later callers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from maxremind.services.sharing import Shared

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


class Reads:
    """A read that counts its calls and can be held open."""

    def __init__(self) -> None:
        self.calls = 0
        self.gate = asyncio.Event()
        self.gate.set()
        self.fail: Exception | None = None

    async def __call__(self) -> str:
        self.calls += 1
        n = self.calls
        await self.gate.wait()
        if self.fail is not None:
            raise self.fail
        return f"read {n}"


async def test_callers_at_once_share_one_read_until_a_write_or_the_window_ends() -> None:
    shared: Shared[str] = Shared()
    read = Reads()
    read.gate.clear()
    first = asyncio.create_task(shared.get("k", 1, NOW, read))
    await asyncio.sleep(0)
    second = asyncio.create_task(shared.get("k", 1, NOW + timedelta(milliseconds=5), read))
    await asyncio.sleep(0)
    read.gate.set()
    assert (await first, await second) == ("read 1", "read 1")
    assert read.calls == 1
    # Finished a moment ago, nothing written since: still shared.
    assert await shared.get("k", 1, NOW + timedelta(milliseconds=900), read) == "read 1"
    # A write ended (another generation), the window is over, another key, or no
    # generation (inside a unit of work): read again.
    assert await shared.get("k", 2, NOW + timedelta(milliseconds=900), read) == "read 2"
    assert await shared.get("k", 2, NOW + timedelta(seconds=2), read) == "read 3"
    assert await shared.get("other", 2, NOW + timedelta(seconds=2), read) == "read 4"
    assert await shared.get("k", None, NOW + timedelta(seconds=2), read) == "read 5"
    assert await shared.get("k", 2, NOW + timedelta(seconds=2), read) == "read 3"
    assert await shared.get("k", 2, NOW, read) == "read 6"  # a clock set back: read again


async def test_a_failure_reaches_those_waiting_but_not_later_callers() -> None:
    shared: Shared[str] = Shared()
    read = Reads()
    read.gate.clear()
    read.fail = LookupError("gone")
    first = asyncio.create_task(shared.get("k", 1, NOW, read))
    await asyncio.sleep(0)
    second = asyncio.create_task(shared.get("k", 1, NOW, read))
    await asyncio.sleep(0)
    read.gate.set()
    for task in (first, second):
        with pytest.raises(LookupError):
            await task
    assert read.calls == 1
    read.fail = None
    assert await shared.get("k", 1, NOW, read) == "read 2"


async def test_a_cancelled_reader_leaves_the_read_to_those_waiting() -> None:
    shared: Shared[str] = Shared()
    read = Reads()
    read.gate.clear()
    first = asyncio.create_task(shared.get("k", 1, NOW, read))
    await asyncio.sleep(0)
    second = asyncio.create_task(shared.get("k", 1, NOW, read))
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.sleep(0)
    read.gate.set()
    assert await second == "read 2"
    with pytest.raises(asyncio.CancelledError):
        await first
    # A waiter cancelled itself: the read goes on for the others.
    read.gate.clear()
    reader = asyncio.create_task(shared.get("j", 1, NOW, read))
    await asyncio.sleep(0)
    waiter = asyncio.create_task(shared.get("j", 1, NOW, read))
    await asyncio.sleep(0)
    waiter.cancel()
    read.gate.set()
    assert await reader == "read 3"
    with pytest.raises(asyncio.CancelledError):
        await waiter


async def test_only_the_newest_keys_are_kept() -> None:
    shared: Shared[str] = Shared(size=2)
    read = Reads()
    for key in ("a", "b", "c"):
        await shared.get(key, 1, NOW, read)
    assert await shared.get("c", 1, NOW, read) == "read 3"
    assert await shared.get("a", 1, NOW, read) == "read 4"  # dropped: read again
    assert read.calls == 4
