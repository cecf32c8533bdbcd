"""The fleet-lock contract: one holder at a time; a dead holder frees it at once."""

from __future__ import annotations

import asyncio

from maxremind.storage import Storage, open_storage
from tests.storage.kit import NOW


async def test_one_holder_at_a_time_and_free_again_after(storage: Storage) -> None:
    async with storage.fleet_lock("polling") as first:
        assert first is not None and first.name == "polling"
        async with storage.fleet_lock("polling") as second:
            assert second is None  # another task of this process holds it
        async with storage.fleet_lock("inbox") as other:
            assert other is not None  # names are independent
    async with storage.fleet_lock("polling") as again:
        assert again is not None and not again.lost.is_set()


async def test_a_second_process_waits_its_turn_and_takes_over_from_a_dead_holder(
    storage: Storage,
) -> None:
    if storage.dialect == "sqlite":
        return  # one process owns a SQLite file: there is no second one
    url = storage.url  # type: ignore[attr-defined]
    async with open_storage(url) as other:
        async with storage.fleet_lock("polling") as held:
            assert held is not None
            async with other.fleet_lock("polling") as refused:
                assert refused is None
        async with other.fleet_lock("polling") as taken:
            assert taken is not None
        # A holder whose connection dies (kill -9, a network cut) frees the lock, and
        # is told so.
        import asyncpg

        async with storage.fleet_lock("polling") as held:
            assert held is not None
            admin = await asyncpg.connect(url)
            try:
                await admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = 'maxremind lock polling'"
                )
            finally:
                await admin.close()
            await asyncio.wait_for(held.lost.wait(), 5)
            async with other.fleet_lock("polling") as taken:
                assert taken is not None


async def test_an_update_is_taken_by_one_handler_only(storage: Storage) -> None:
    await storage.inbox_add([("k1", "message_created", "{}")], at=NOW)
    (item,) = await storage.inbox_pending(10)
    async with storage.unit_of_work():
        assert await storage.inbox_take(item.id)
        await storage.inbox_done(item.id, at=NOW)
    async with storage.unit_of_work():
        assert not await storage.inbox_take(item.id)  # done already
    if storage.dialect == "sqlite":
        return
    # Two processes at once: the second skips the row the first is handling.
    await storage.inbox_add([("k2", "message_created", "{}")], at=NOW)
    (item,) = await storage.inbox_pending(10)
    async with open_storage(storage.url) as other:  # type: ignore[attr-defined]
        inside = asyncio.Event()
        release = asyncio.Event()

        async def first() -> None:
            async with storage.unit_of_work():
                assert await storage.inbox_take(item.id)
                inside.set()
                await release.wait()
                await storage.inbox_done(item.id, at=NOW)

        task = asyncio.create_task(first())
        await inside.wait()
        async with other.unit_of_work():
            assert not await other.inbox_take(item.id)
        release.set()
        await task
