"""Editing and cancelling from two places at once: the version check on update, and
cancelling one date of a repeating event (the planner drops its steps, it never comes back,
whoever was reminded of it is told)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from maxremind.domain.models import (
    DeliveryKind,
    DeliveryStatus,
    EventStatus,
    JobStatus,
    OccurrenceStatus,
    Role,
)
from maxremind.services.errors import EditConflict, EventRejected, NotFound, PermissionDenied
from tests.engine.conftest import Env
from tests.engine.test_engine import spec

WEEKLY = "FREQ=WEEKLY;BYDAY=TH"


async def test_update_with_the_current_version_saves(env: Env) -> None:
    event = await env.events.create(spec(env))
    saved = await env.events.update(
        event.id,
        spec(env, title="Новое"),
        actor_id=env.owner,
        expected_updated_at=event.updated_at,
    )
    assert saved.title == "Новое"
    assert saved.updated_at >= event.updated_at


async def test_update_from_a_stale_version_is_a_conflict_and_saves_nothing(env: Env) -> None:
    event = await env.events.create(spec(env))
    first = await env.events.update(
        event.id, spec(env, title="Первый"), actor_id=env.owner, expected_updated_at=None
    )
    stale = replace(event, updated_at=event.updated_at - timedelta(seconds=1))
    with pytest.raises(EditConflict) as caught:
        await env.events.update(
            event.id,
            spec(env, title="Второй"),
            actor_id=env.owner,
            expected_updated_at=stale.updated_at,
        )
    assert caught.value.event.title == "Первый"
    stored = await env.storage.get_event(event.id)
    assert stored.title == "Первый"
    assert stored.updated_at == first.updated_at


async def test_cancel_one_date_keeps_the_others_and_drops_its_steps(env: Env) -> None:
    event = await env.events.create(spec(env, rrule=WEEKLY))
    dates = await env.storage.list_occurrences(event.id)
    assert len(dates) >= 3
    doomed, kept = dates[1], dates[2]
    assert [j.status for j in await env.storage.list_jobs(doomed.id)] == [JobStatus.PLANNED]

    result = await env.events.cancel_occurrence(event.id, doomed.id, actor_id=env.owner)

    assert result.event.status is EventStatus.ACTIVE
    assert result.event.exdates == (doomed.local_start.date().isoformat(),)
    assert (await env.storage.get_occurrence(doomed.id)).status is OccurrenceStatus.CANCELLED
    assert await env.storage.list_jobs(doomed.id) == []
    assert (await env.storage.get_occurrence(kept.id)).status is OccurrenceStatus.PLANNED
    assert len(await env.storage.list_jobs(kept.id)) == 1
    await env.planner.plan_event(event.id)  # re-planning does not bring the date back
    assert (await env.storage.get_occurrence(doomed.id)).status is OccurrenceStatus.CANCELLED
    assert await env.storage.list_jobs(doomed.id) == []


async def test_cancel_one_date_tells_those_already_reminded(env: Env) -> None:
    event = await env.events.create(spec(env, rrule=WEEKLY))
    first = (await env.storage.list_occurrences(event.id))[0]
    await env.run_until(first.starts_at - timedelta(minutes=30))  # the 1 h reminder went out
    assert env.sender.to(env.members[0])

    result = await env.events.cancel_occurrence(event.id, first.id, actor_id=env.owner)

    notices = [
        d for d in await env.storage.list_deliveries(first.id) if d.kind is DeliveryKind.CANCELLED
    ]
    assert result.notified == len(env.members) == len(notices)  # everyone but the owner
    assert {d.recipient_id for d in notices} == set(env.members)
    assert all(d.status is DeliveryStatus.PLANNED for d in notices)


async def test_cancel_the_date_of_a_one_off_event_cancels_the_event(env: Env) -> None:
    event = await env.events.create(spec(env))
    only = (await env.storage.list_occurrences(event.id))[0]
    result = await env.events.cancel_occurrence(event.id, only.id, actor_id=env.owner)
    assert result.event.status is EventStatus.CANCELLED
    assert (await env.storage.get_occurrence(only.id)).status is OccurrenceStatus.CANCELLED


async def test_cancel_one_date_refuses_strangers_past_and_foreign_dates(env: Env) -> None:
    event = await env.events.create(spec(env, rrule=WEEKLY))
    other = await env.events.create(spec(env, title="Другое", rrule=WEEKLY))
    dates = await env.storage.list_occurrences(event.id)
    with pytest.raises(PermissionDenied):
        await env.events.cancel_occurrence(event.id, dates[0].id, actor_id=env.members[0])
    await env.storage.set_member_role(env.team_id, env.members[1], Role.ADMIN)
    await env.events.cancel_occurrence(event.id, dates[0].id, actor_id=env.members[1])
    with pytest.raises(EventRejected) as twice:
        await env.events.cancel_occurrence(event.id, dates[0].id, actor_id=env.owner)
    assert twice.value.reason == "occurrence_over"
    foreign = (await env.storage.list_occurrences(other.id))[0]
    with pytest.raises(NotFound):
        await env.events.cancel_occurrence(event.id, foreign.id, actor_id=env.owner)
    env.clock.now = dates[1].starts_at + timedelta(minutes=1)
    with pytest.raises(EventRejected):
        await env.events.cancel_occurrence(event.id, dates[1].id, actor_id=env.owner)
    assert (await env.storage.get_occurrence(dates[2].id)).status is OccurrenceStatus.PLANNED


async def test_a_zone_folder_or_a_huge_name_is_refused_not_a_crash(env: Env) -> None:
    for zone in ("Europe", "Etc", "Europe/" + "x" * 3000):
        with pytest.raises(EventRejected) as refused:
            await env.events.create(spec(env, timezone=zone))
        assert refused.value.reason == "bad_timezone"
