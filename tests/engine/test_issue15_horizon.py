"""Dates beyond the planner's horizon (issue 15): stored at once, so people see, list
and cancel them; their steps are planned when they come into the horizon."""

from __future__ import annotations

from datetime import datetime, timedelta

from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    EventKind,
    JobStatus,
    NewEvent,
    ReminderSpec,
)
from maxremind.engine.planner import HORIZON

from .conftest import START, Env


def personal(env: Env, start_local: datetime, **kw: object) -> NewEvent:
    values: dict[str, object] = {
        "team_id": None,
        "organizer_id": env.owner,
        "title": "Продлить паспорт",
        "start_local": start_local,
        "timezone": "Europe/Moscow",
        "kind": EventKind.REMINDER,
        "audience": (AudienceEntry(AudienceKind.MEMBER, env.owner),),
        "reminders": (ReminderSpec(offset=timedelta(0)),),
    }
    values.update(kw)
    return NewEvent(**values)  # type: ignore[arg-type]


async def test_far_dates_are_stored_at_once_and_planned_when_they_come_near(env: Env) -> None:
    now_local = datetime(2026, 11, 25, 12, 0)  # START in Moscow
    for days in (40, 183, 365):
        event = await env.events.create(personal(env, now_local + timedelta(days=days)))
        (occurrence,) = await env.storage.list_occurrences(event.id)
        assert occurrence.starts_at == START + timedelta(days=days)
        # Nothing is due yet: its step waits for the horizon.
        assert await env.storage.list_jobs(occurrence.id) == []
    forty = (await env.storage.list_events(organizer_id=env.owner))[0]
    (occurrence,) = await env.storage.list_occurrences(forty.id)
    # Within REPLAN_MARGIN of the horizon's end the event is planned again: the step
    # is a job well before it is due.
    env.clock.advance(days=29)
    await env.run()
    (job,) = await env.storage.list_jobs(occurrence.id)
    assert job.status is JobStatus.PLANNED and job.due_at == occurrence.starts_at
    await env.run_until(occurrence.starts_at - timedelta(minutes=1), step=timedelta(hours=6))
    assert env.sender.sent == []
    await env.run_until(occurrence.starts_at + timedelta(minutes=1))
    assert [text.splitlines()[0] for text in env.sender.to(env.owner)] == ["🔔 Продлить паспорт"]


async def test_a_yearly_date_is_there_and_a_long_offset_reaches_into_the_horizon(
    env: Env,
) -> None:
    yearly = await env.events.create(
        personal(env, datetime(2027, 3, 15, 10, 0), rrule="FREQ=YEARLY")
    )
    dates = await env.storage.list_occurrences(yearly.id)
    assert [o.local_start for o in dates] == [datetime(2027, 3, 15, 10, 0)]
    # An event 50 days ahead with a step 3 weeks before: that step is due within the
    # horizon, so it is planned now (and not found late when the date comes near).
    start = START + timedelta(days=50)
    event = await env.events.create(
        personal(
            env,
            datetime(2027, 1, 14, 12, 0),
            reminders=(ReminderSpec(offset=timedelta(weeks=3)), ReminderSpec(timedelta(0))),
        )
    )
    (occurrence,) = await env.storage.list_occurrences(event.id)
    assert occurrence.starts_at == start
    (job,) = await env.storage.list_jobs(occurrence.id)
    assert job.due_at == start - timedelta(weeks=3) <= START + HORIZON
