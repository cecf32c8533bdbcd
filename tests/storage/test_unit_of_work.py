"""The unit-of-work contract: several calls of one task, across ports, as one transaction."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from maxremind.domain.models import Answer, DeliveryStatus, Language, Role
from maxremind.storage import AlreadyExists, NotFound, Storage
from tests.storage.kit import NOW, an_occurrence, deliveries_for, new_event


class Boom(Exception):
    pass


async def _write_every_concern(storage: Storage, occ_id: int, users: list[int]) -> int:
    """One write per port inside the caller's unit of work; returns the new team's id."""
    await storage.upsert_user(5001, name="Новый", username="novy")  # directory
    team = await storage.create_team(
        "Склад", timezone="Europe/Moscow", language=Language.RU, created_by=5001
    )
    await storage.create_event(new_event(team.id, 5001))  # schedule
    await storage.add_deliveries(deliveries_for(occ_id, None, users, NOW, "uow"))  # ledger
    await storage.set_confirmation(occ_id, users[1], Answer.YES, comment="", at=NOW)
    await storage.set_value("uow", "1")  # intake
    await storage.outbox_add(['{"reply": 1}'], inbox_id=None, at=NOW)
    await storage.add_audit(  # audit
        team_id=team.id, actor_id=5001, action="team.create", subject="Склад", at=NOW
    )
    return team.id


async def test_unit_of_work_commits_writes_of_every_port_together(storage: Storage) -> None:
    _, users, occ_id, _ = await an_occurrence(storage)
    async with storage.unit_of_work():
        team_id = await _write_every_concern(storage, occ_id, users)
        # Reads inside the block see its own uncommitted writes.
        assert (await storage.get_team(team_id)).name == "Склад"
        assert await storage.get_value("uow") == "1"
    assert (await storage.get_user(5001)).name == "Новый"
    assert len(await storage.list_events(team_id=team_id)) == 1
    assert len(await storage.list_deliveries(occ_id)) == len(users)
    assert await storage.get_confirmation(occ_id, users[1]) is not None
    assert await storage.get_value("uow") == "1"
    assert len(await storage.outbox_pending(10)) == 1
    assert [e.action for e in await storage.list_audit(team_id)] == ["team.create"]


async def test_unit_of_work_rolls_back_writes_of_every_port_on_error(storage: Storage) -> None:
    _, users, occ_id, _ = await an_occurrence(storage)
    team_ids: list[int] = []

    async def fail() -> None:
        async with storage.unit_of_work():
            team_ids.append(await _write_every_concern(storage, occ_id, users))
            raise Boom

    with pytest.raises(Boom):
        await fail()
    team_id = team_ids[0]
    with pytest.raises(NotFound):
        await storage.get_user(5001)
    with pytest.raises(NotFound):
        await storage.get_team(team_id)
    assert await storage.list_events(team_id=team_id) == []
    assert await storage.list_deliveries(occ_id) == []
    assert await storage.get_confirmation(occ_id, users[1]) is None
    assert await storage.get_value("uow") is None
    assert await storage.outbox_pending(10) == []
    assert await storage.list_audit(team_id) == []
    # The writer is clean afterwards: the next write commits on its own.
    await storage.set_value("after", "ok")
    assert await storage.get_value("after") == "ok"


async def test_after_commit_runs_after_commit_and_never_on_rollback(storage: Storage) -> None:
    calls: list[str] = []
    async with storage.unit_of_work():
        await storage.set_value("k", "v")
        storage.after_commit(lambda: calls.append("committed"))
        assert calls == []
    assert calls == ["committed"]

    async def fail() -> None:
        async with storage.unit_of_work():
            await storage.set_value("k", "w")
            storage.after_commit(lambda: calls.append("rolled back"))
            raise Boom

    with pytest.raises(Boom):
        await fail()
    assert calls == ["committed"]

    storage.after_commit(lambda: calls.append("outside"))  # no unit open: runs at once
    assert calls == ["committed", "outside"]


async def test_failing_after_commit_callback_does_not_undo_or_stop_others(
    storage: Storage,
) -> None:
    calls: list[str] = []

    def broken() -> None:
        raise RuntimeError("callback bug")

    async with storage.unit_of_work():
        await storage.set_value("k", "v")
        storage.after_commit(broken)
        storage.after_commit(lambda: calls.append("second"))
    assert calls == ["second"]
    assert await storage.get_value("k") == "v"


async def _hold_unit_open(storage: Storage, written: asyncio.Event, release: asyncio.Event) -> None:
    async with storage.unit_of_work():
        await storage.set_value("held", "uncommitted")
        written.set()
        await release.wait()


async def test_read_from_another_task_is_not_blocked_by_an_open_unit(storage: Storage) -> None:
    await storage.set_value("held", "committed")
    team = await storage.create_team(
        "A", timezone="Europe/Moscow", language=Language.EN, created_by=None
    )
    written, release = asyncio.Event(), asyncio.Event()
    holder = asyncio.create_task(_hold_unit_open(storage, written, release))
    await written.wait()
    try:
        # The write transaction is open and holds the writer; reads finish anyway and
        # see the last commit, not the unit's uncommitted write.
        assert await asyncio.wait_for(storage.get_value("held"), 5) == "committed"
        assert (await asyncio.wait_for(storage.get_team(team.id), 5)).name == "A"
        assert not holder.done()
    finally:
        release.set()
        await holder
    assert await storage.get_value("held") == "uncommitted"


async def test_write_from_another_task_waits_for_an_open_unit(storage: Storage) -> None:
    written, release = asyncio.Event(), asyncio.Event()
    holder = asyncio.create_task(_hold_unit_open(storage, written, release))
    await written.wait()
    other = asyncio.create_task(storage.set_value("other", "x"))
    await asyncio.sleep(0.2)
    assert not other.done()
    release.set()
    await asyncio.wait_for(asyncio.gather(holder, other), 5)
    assert await storage.get_value("other") == "x"
    assert await storage.get_value("held") == "uncommitted"


async def test_nested_unit_joins_the_open_one(storage: Storage) -> None:
    calls: list[str] = []

    async def outer_fails() -> None:
        async with storage.unit_of_work():
            async with storage.unit_of_work():
                await storage.set_value("inner", "1")
                storage.after_commit(lambda: calls.append("inner"))
            # The inner block ended but nothing is committed until the outer one is.
            assert await asyncio.create_task(storage.get_value("inner")) is None
            raise Boom

    with pytest.raises(Boom):
        await outer_fails()
    assert await storage.get_value("inner") is None
    assert calls == []

    async def inner_fails() -> None:
        async with storage.unit_of_work():
            await storage.set_value("inner", "2")
            storage.after_commit(lambda: calls.append("failed inner"))
            raise Boom

    async with storage.unit_of_work():
        await storage.set_value("outer", "1")
        with pytest.raises(Boom):
            await inner_fails()
        storage.after_commit(lambda: calls.append("outer"))
    # A failed inner block undoes only its own writes and callbacks.
    assert await storage.get_value("outer") == "1"
    assert await storage.get_value("inner") is None
    assert calls == ["outer"]


async def test_method_that_raises_inside_a_unit_undoes_only_itself(storage: Storage) -> None:
    team = await storage.create_team(
        "A", timezone="Europe/Moscow", language=Language.EN, created_by=None
    )
    await storage.create_group(team.id, "Склад")
    async with storage.unit_of_work():
        await storage.set_value("before", "1")
        with pytest.raises(AlreadyExists):
            await storage.create_group(team.id, "склад")
        with pytest.raises(NotFound):
            await storage.delete_team(424242)
        await storage.create_group(team.id, "Офис")
    assert await storage.get_value("before") == "1"
    assert [g.name for g in await storage.list_groups(team.id)] == ["Офис", "Склад"]


async def test_cancelled_unit_rolls_back_and_leaves_storage_usable(storage: Storage) -> None:
    written, release = asyncio.Event(), asyncio.Event()
    holder = asyncio.create_task(_hold_unit_open(storage, written, release))
    await written.wait()
    holder.cancel()
    with pytest.raises(asyncio.CancelledError):
        await holder
    assert await storage.get_value("held") is None
    async with storage.unit_of_work():
        await storage.set_value("next", "1")
    assert await storage.get_value("next") == "1"


async def test_many_tasks_with_units_and_reads_all_finish_and_read_their_writes(
    storage: Storage,
) -> None:
    async def worker(n: int) -> None:
        for round_ in range(5):
            async with storage.unit_of_work():
                await storage.set_value(f"w{n}", str(round_))
                assert await storage.get_value(f"w{n}") == str(round_)
            # Committed: a read on a reader connection sees it at once.
            assert await storage.get_value(f"w{n}") == str(round_)
            await storage.set_value(f"plain{n}", str(round_))
            assert await storage.get_value(f"plain{n}") == str(round_)

    await asyncio.wait_for(asyncio.gather(*(worker(n) for n in range(12))), 30)


# --- writer_reads: the engine's reads go where its writes go ------------------------------


async def test_writer_reads_see_commits_and_never_another_tasks_open_unit(
    storage: Storage,
) -> None:
    await storage.set_value("held", "committed")
    written, release = asyncio.Event(), asyncio.Event()
    holder = asyncio.create_task(_hold_unit_open(storage, written, release))
    await written.wait()
    with storage.writer_reads():
        # Started inside the block, so it reads the same way (it copies the context).
        read = asyncio.create_task(storage.get_value("held"))
    await asyncio.sleep(0.2)
    # Whether it waits for the unit (SQLite) or not: never the uncommitted value.
    assert not read.done() or read.result() == "committed"
    release.set()
    await asyncio.wait_for(holder, 5)
    assert await asyncio.wait_for(read, 5) in ("committed", "uncommitted")
    with storage.writer_reads():
        assert await storage.get_value("held") == "uncommitted"


async def test_unit_of_work_inside_writer_reads_reads_its_own_writes(storage: Storage) -> None:
    team = await storage.create_team(
        "A", timezone="Europe/Moscow", language=Language.EN, created_by=None
    )
    with storage.writer_reads():
        async with storage.unit_of_work():
            await storage.set_value("k", "in the unit")
            # The unit's own transaction answers, not the writer's lock (which the unit
            # holds: this would never return).
            assert await storage.get_value("k") == "in the unit"
            assert (await storage.get_team(team.id)).name == "A"
        assert await storage.get_value("k") == "in the unit"


async def test_writer_reads_of_several_statements_and_failed_reads_leave_storage_usable(
    storage: Storage,
) -> None:
    event_id, _, occ_id, reminder_id = await an_occurrence(storage)
    with storage.writer_reads():
        assert reminder_id in [r.id for r in (await storage.get_event(event_id)).reminders]
        with pytest.raises(NotFound):
            await storage.get_event(424242)
        with pytest.raises(NotFound):
            await storage.get_team(424242)
        # A failed read left no transaction open: writes and reads go on.
        await storage.set_value("after", "1")
        assert await storage.get_value("after") == "1"
        assert len(await storage.list_deliveries(occ_id)) == 0
    assert await storage.get_value("after") == "1"


async def test_writer_reads_end_with_the_block(storage: Storage) -> None:
    written, release = asyncio.Event(), asyncio.Event()
    with storage.writer_reads():
        pass
    holder = asyncio.create_task(_hold_unit_open(storage, written, release))
    await written.wait()
    try:
        # Outside the block reads are not held up by the open unit (as before it).
        assert await asyncio.wait_for(storage.get_value("held"), 5) is None
    finally:
        release.set()
        await holder


async def test_generation_changes_when_a_write_ends_and_is_none_inside_a_unit(
    storage: Storage,
) -> None:
    if storage.dialect != "sqlite":
        pytest.skip("shared databases never vouch (the test below)")
    first = storage.generation()
    assert first is not None
    await storage.get_value("nothing")  # reads leave it
    assert storage.generation() == first
    await storage.set_value("g", "1")
    second = storage.generation()
    assert second is not None and second != first
    with pytest.raises(NotFound):  # a write that fails ends too
        await storage.add_member(424242, 424242, Role.MEMBER)
    third = storage.generation()
    assert third is not None and third != second

    seen: list[int | None] = []
    inside = asyncio.Event()
    go_on = asyncio.Event()

    async def unit() -> None:
        async with storage.unit_of_work():
            await storage.set_value("g", "2")
            seen.append(storage.generation())  # its own reads see uncommitted writes
            inside.set()
            await go_on.wait()

    task = asyncio.create_task(unit())
    await inside.wait()
    assert seen == [None]
    assert storage.generation() == third  # others: nothing has ended yet
    go_on.set()
    await task
    assert storage.generation() not in (None, third)


async def test_generation_vouches_for_shared_reads_only_where_this_object_is_the_only_writer(
    storage: Storage,
) -> None:
    # SQLite: one process owns the file, so the count of its writes says whether a read
    # is still current.  Postgres: other processes write too, so it must never vouch.
    first = storage.generation()
    await storage.set_value("g", "1")
    if storage.dialect == "sqlite":
        assert first is not None and storage.generation() not in (None, first)
    else:
        assert first is None and storage.generation() is None


async def test_generation_ignores_the_ledger_moving_deliveries_along(storage: Storage) -> None:
    # A fan-out records tens of sends a second; counting them would end every shared
    # read (a session, a role) that they cannot change.  Planning deliveries counts.
    if storage.dialect != "sqlite":
        pytest.skip("shared databases never vouch")
    _, users, occ_id, rem_id = await an_occurrence(storage)
    before = storage.generation()
    await storage.add_deliveries(deliveries_for(occ_id, rem_id, users, NOW))
    planned = storage.generation()
    assert planned not in (None, before)
    lease = NOW + timedelta(minutes=1)
    claimed = await storage.claim_deliveries(now=NOW, owner="me", lease_until=lease, limit=5)
    assert len(claimed) == 3
    first, second, third = (d.key for d in claimed)
    await storage.extend_leases([first, second, third], owner="me", lease_until=lease)
    await storage.record_sent_many([(first, "mid-1", NOW)], owner="me")
    await storage.record_sent(second, owner="me", max_message_id="mid-2", sent_at=NOW)
    await storage.release_claim(third, owner="me", retry_at=NOW)
    (again,) = await storage.claim_deliveries(now=NOW, owner="me", lease_until=lease, limit=5)
    await storage.record_failure(
        again.key, owner="me", error="blocked", status=DeliveryStatus.FAILED, retry_at=None
    )
    assert storage.generation() == planned
    await storage.set_value("g", "1")
    assert storage.generation() not in (None, planned)
