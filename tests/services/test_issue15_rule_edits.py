"""Editing a repeat rule so that a date drops out: those already reminded of that date
are told it no longer takes place, through the ledger, each in their own language."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from maxremind.domain.models import DeliveryKind, DeliveryStatus, Language, OccurrenceStatus
from tests.engine.conftest import Env
from tests.engine.test_engine import spec

THURSDAYS = "FREQ=WEEKLY;BYDAY=TH"
FRIDAYS = "FREQ=WEEKLY;BYDAY=FR"


async def test_a_date_dropped_by_a_rule_edit_is_announced_to_those_reminded(env: Env) -> None:
    await env.storage.update_user(env.members[1], language=Language.EN)
    event = await env.events.create(spec(env, rrule=THURSDAYS))
    first = (await env.storage.list_occurrences(event.id))[0]
    await env.run_until(first.starts_at - timedelta(minutes=30))  # the 1 h reminder went out
    assert env.sender.to(env.members[0])

    await env.events.update(
        event.id,
        spec(env, rrule=FRIDAYS, start_local=datetime(2026, 11, 27, 10, 0)),
        actor_id=env.owner,
    )

    assert (await env.storage.get_occurrence(first.id)).status is OccurrenceStatus.CANCELLED
    notices = [
        d for d in await env.storage.list_deliveries(first.id) if d.kind is DeliveryKind.CANCELLED
    ]
    assert {d.recipient_id for d in notices} == set(env.members)  # not the one who edited
    assert all(json.loads(d.payload) == {"dropped": True} for d in notices)
    assert all(d.status is DeliveryStatus.PLANNED for d in notices)

    await env.run()
    russian = env.sender.to(env.members[0])[-1]
    assert "Этой даты больше нет: Планёрка" in russian and "26 ноября" in russian
    assert "Расписание события изменили" in russian and "не состоится" in russian
    english = env.sender.to(env.members[1])[-1]
    assert "This date is off: Планёрка" in english and "no longer takes place" in english
    assert "26 November" in english or "Nov" in english
    # The later Thursdays were reminded of nobody yet: nobody hears about them.
    total = len(env.sender.sent)
    await env.run()
    assert len(env.sender.sent) == total


async def test_a_date_whose_time_moved_is_not_announced_as_dropped(env: Env) -> None:
    event = await env.events.create(
        spec(env, rrule=THURSDAYS, reminders=(), start_local=datetime(2026, 11, 26, 10, 0))
    )
    first = (await env.storage.list_occurrences(event.id))[0]
    await env.run_until(first.starts_at - timedelta(minutes=5))
    env.sender.sent.clear()
    await env.events.update(
        event.id,
        spec(env, rrule=THURSDAYS, reminders=(), start_local=datetime(2026, 11, 26, 11, 0)),
        actor_id=env.owner,
    )
    notices = [
        d for d in await env.storage.list_deliveries(first.id) if d.kind is DeliveryKind.CANCELLED
    ]
    assert notices == []


async def test_a_rule_edit_before_any_reminder_tells_nobody(env: Env) -> None:
    event = await env.events.create(spec(env, rrule=THURSDAYS))
    dates = await env.storage.list_occurrences(event.id)
    await env.events.update(
        event.id,
        spec(env, rrule=FRIDAYS, start_local=datetime(2026, 11, 27, 10, 0)),
        actor_id=env.owner,
    )
    for date in dates:
        assert (await env.storage.get_occurrence(date.id)).status is OccurrenceStatus.CANCELLED
        kinds = {d.kind for d in await env.storage.list_deliveries(date.id)}
        assert DeliveryKind.CANCELLED not in kinds


async def test_a_one_off_event_moved_to_another_day_is_not_a_dropped_date(env: Env) -> None:
    event = await env.events.create(spec(env))
    first = (await env.storage.list_occurrences(event.id))[0]
    await env.run_until(first.starts_at - timedelta(minutes=30))
    await env.events.update(
        event.id, spec(env, start_local=datetime(2026, 11, 28, 10, 0)), actor_id=env.owner
    )
    kinds = {d.kind for d in await env.storage.list_deliveries(first.id)}
    assert DeliveryKind.CANCELLED not in kinds  # a move, not a repeat rule losing a date
