"""The state port's contract, for every adapter (Redis when MAXREMIND_TEST_REDIS_URL is set)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from maxremind.state.base import StateStore
from maxremind.state.memory import MemoryState
from maxremind.state.sqlite import StorageState
from maxremind.storage import open_storage

REDIS_URL = os.environ.get("MAXREMIND_TEST_REDIS_URL", "")


@pytest.fixture(params=["memory", "sqlite", "redis"])
async def state(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StateStore]:
    if request.param == "memory":
        yield MemoryState()
    elif request.param == "sqlite":
        async with open_storage(f"sqlite:///{tmp_path / 's.db'}") as storage:
            yield StorageState(storage)
    else:
        if not REDIS_URL:
            pytest.skip("MAXREMIND_TEST_REDIS_URL is not set")
        from maxremind.state.redis import RedisState

        store = RedisState(REDIS_URL, prefix=f"test:{uuid.uuid4().hex}:")
        yield store
        await store.close()


async def test_roundtrip_and_delete(state: StateStore) -> None:
    assert (await state.load("u1")).value is None
    await state.save(
        "u1", {"dialog": "event", "step": "when", "title": "Планёрка"}, timedelta(minutes=5)
    )
    loaded = await state.load("u1")
    assert (
        loaded.value == {"dialog": "event", "step": "when", "title": "Планёрка"}
        and not loaded.expired
    )
    await state.delete("u1")
    assert (await state.load("u1")).value is None
    await state.delete("u1")  # no error


async def test_expiry_is_reported_once(state: StateStore) -> None:
    await state.save("u2", {"x": 1}, timedelta(seconds=1))
    await asyncio.sleep(1.2)
    first = await state.load("u2")
    assert first.value is None and first.expired
    second = await state.load("u2")
    assert second.value is None and not second.expired


async def test_state_survives_reopening_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    async with open_storage(url) as storage:
        await StorageState(storage).save("u3", {"step": 2}, timedelta(minutes=1))
    async with open_storage(url) as storage:
        assert (await StorageState(storage).load("u3")).value == {"step": 2}


async def test_saving_again_restarts_the_timeout(state: StateStore) -> None:
    await state.save("u4", {"step": 1}, timedelta(seconds=1))
    await asyncio.sleep(0.6)
    await state.save("u4", {"step": 2}, timedelta(seconds=1))
    await asyncio.sleep(0.6)
    loaded = await state.load("u4")
    assert loaded.value == {"step": 2} and not loaded.expired


async def test_a_deleted_value_is_not_reported_as_expired(state: StateStore) -> None:
    await state.save("u5", {"step": 1}, timedelta(seconds=1))
    await state.delete("u5")
    await asyncio.sleep(1.2)
    loaded = await state.load("u5")
    assert loaded.value is None and not loaded.expired


async def test_processes_share_state_and_an_expiry_is_reported_once() -> None:
    """Scale mode: a dialog begun through one process goes on through another, and when
    it times out only one of them tells the person."""
    if not REDIS_URL:
        pytest.skip("MAXREMIND_TEST_REDIS_URL is not set")
    from maxremind.state.redis import RedisState

    prefix = f"test:{uuid.uuid4().hex}:"
    one, other = RedisState(REDIS_URL, prefix=prefix), RedisState(REDIS_URL, prefix=prefix)
    try:
        await one.save("u6", {"dialog": "event", "step": "when"}, timedelta(seconds=1))
        assert (await other.load("u6")).value == {"dialog": "event", "step": "when"}
        await asyncio.sleep(1.2)
        seen = await asyncio.gather(*(s.load("u6") for s in (one, other, one, other)))
        assert [s.expired for s in seen].count(True) == 1
        assert all(s.value is None for s in seen)
    finally:
        await one.close()
        await other.close()
