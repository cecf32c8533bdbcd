"""The bytes of three feeds (a person's, a team's, a group's), pinned: a team with series
in three zones (weekly, monthly, daily with COUNT re-anchored from a start before the
covered years, UNTIL), skipped days, a date cancelled by a narrower rule, a cancelled
stored date, a moved date, a cancelled event, answers by the owner and by others,
alarms (the organizer's summary step has none), a quick personal reminder, names that
need quoting, texts that need escaping and folding, and an old one-off event left out.

Everything the bytes depend on is fixed: the clock, and the events' ``created_at`` and
``updated_at`` (set on the file after seeding, each its own).  A change to how feeds are
read or written must leave these files as they are; after an intended change of the
output, write them anew with ``MAXREMIND_WRITE_PINNED=1 pytest <this file>`` and read
the diff."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from maxremind.domain.feeds import FeedKind
from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    EventKind,
    EventStatus,
    Language,
    NewEvent,
    OccurrenceIn,
    ReminderSpec,
    ReminderTarget,
)
from maxremind.domain.wall_time import resolve_local
from maxremind.services.calendar import CalendarService
from tests.engine.conftest import START, Env

PINNED = Path(__file__).parent / "fixtures" / "feeds"
TEAM = (AudienceEntry(AudienceKind.TEAM),)
STEPS = (
    ReminderSpec(offset=timedelta(days=1)),
    ReminderSpec(offset=timedelta(hours=1)),
    ReminderSpec(offset=timedelta(hours=1), target=ReminderTarget.UNANSWERED),
    ReminderSpec(offset=timedelta(minutes=30), target=ReminderTarget.ORGANIZER_SUMMARY),
)


def event(env: Env, **kw: object) -> NewEvent:
    values: dict[str, object] = {
        "team_id": env.team_id,
        "organizer_id": env.owner,
        "title": "Планёрка",
        "start_local": datetime(2026, 10, 5, 10, 0),
        "timezone": "Europe/Moscow",
        "duration": timedelta(minutes=45),
        "audience": TEAM,
        "reminders": STEPS,
        "confirm_required": True,
    }
    values.update(kw)
    return NewEvent(**values)  # type: ignore[arg-type]


async def seed(env: Env, path: Path) -> tuple[int, int]:
    """The data set; returns the group's id and the member whose feeds are read."""
    storage, me, other, third = env.storage, env.members[0], env.members[1], env.members[2]
    await storage.upsert_user(other, name='Анна "Аня", ведущая; зал', username=None)
    await storage.update_user(third, language=Language.EN)
    group = await storage.create_group(env.team_id, "Водители")
    await storage.add_to_group(group.id, [me, other])

    # Planned two months back, then again now: dates behind us with answers.
    env.clock.now = START - timedelta(days=60)
    created = []

    async def make(spec: NewEvent) -> int:
        made = await storage.create_event(spec)
        await env.planner.plan_event(made.id)
        created.append(made.id)
        return made.id

    weekly = await make(
        event(
            env,
            title="Планёрка отдела продаж: итоги недели, планы; вопросы — в конце",
            rrule="FREQ=WEEKLY;BYDAY=MO,WE",
            exdates=("2026-10-14", "2026-12-02"),
            place="Переговорная 3, этаж 2",
            description="Повестка:\n1) итоги, 2) планы;\\ и прочее",
        )
    )
    berlin = await make(
        event(
            env,
            title="Daily stand-up",
            start_local=datetime(2024, 10, 1, 9, 15),
            timezone="Europe/Berlin",
            rrule="FREQ=DAILY;COUNT=900",
            duration=timedelta(minutes=15),
            audience=(AudienceEntry(AudienceKind.GROUP, group.id),),
        )
    )
    new_york = await make(
        event(
            env,
            organizer_id=me,
            title="Созвон с филиалом в Нью-Йорке о поставках оборудования на весь следующий"
            " квартал",
            start_local=datetime(2026, 10, 2, 2, 30),
            timezone="America/New_York",
            rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;UNTIL=20270301",
            duration=None,
            audience=(AudienceEntry(AudienceKind.MEMBER, other),),
        )
    )
    monthly = await make(
        event(
            env,
            title="Инвентаризация",
            start_local=datetime(2026, 10, 13, 18, 0),
            rrule="FREQ=MONTHLY;BYDAY=2TU",
            duration=timedelta(hours=2, minutes=30),
            reminders=(ReminderSpec(offset=timedelta(days=2)),),
        )
    )
    soon = await make(
        event(
            env,
            title="Разовая встреча",
            start_local=datetime(2026, 12, 3, 15, 0),
            audience=(AudienceEntry(AudienceKind.MEMBER, me),),
            reminders=(),
        )
    )
    called_off = await make(event(env, title="Отменено", start_local=datetime(2026, 12, 10, 11, 0)))
    await make(event(env, title="Давно прошло", start_local=datetime(2024, 5, 1, 10, 0)))
    narrowed = await make(
        event(env, title="Зарядка", start_local=datetime(2026, 10, 1, 7, 0), rrule="FREQ=DAILY")
    )
    quick = await storage.create_event(
        NewEvent(
            team_id=None,
            organizer_id=me,
            title="Позвонить маме",
            start_local=datetime(2026, 11, 28, 19, 0),
            timezone="Asia/Yekaterinburg",
            kind=EventKind.REMINDER,
            reminders=(ReminderSpec(offset=timedelta(0)),),
        )
    )
    await env.planner.plan_event(quick.id)
    created.append(quick.id)

    # Answers on dates behind us and ahead.
    for event_id, picks in (
        (weekly, [(0, me, Answer.YES), (0, other, Answer.NO), (3, me, Answer.MAYBE)]),
        (berlin, [(1, other, Answer.YES)]),
        (new_york, [(2, other, Answer.MAYBE)]),
        (monthly, [(0, third, Answer.NO)]),
    ):
        dates = await storage.list_occurrences(event_id)
        for index, who, answer in picks:
            await storage.set_confirmation(dates[index].id, who, answer, comment="", at=env.clock())
    env.clock.now = START
    for event_id in created:
        await env.planner.plan_event(event_id)
    dates = await storage.list_occurrences(weekly)
    ahead = [d for d in dates if d.starts_at >= START]
    await storage.set_confirmation(ahead[1].id, me, Answer.NO, comment="", at=env.clock())
    await storage.set_confirmation(ahead[1].id, third, Answer.YES, comment="", at=env.clock())
    (single,) = await storage.list_occurrences(soon)
    await storage.set_confirmation(single.id, me, Answer.MAYBE, comment="", at=env.clock())
    await storage.set_confirmation(single.id, other, Answer.YES, comment="", at=env.clock())

    # A stored date the rule still makes, cancelled (an EXDATE); one moved two hours
    # later beyond the planner's horizon (an override); the weekend dropped from a daily
    # rule (the dates left behind are cancelled but no longer the rule's).
    cancel_one = [d for d in dates if d.starts_at >= START][2]
    keep = [d.id for d in dates if d.starts_at >= START and d.id != cancel_one.id]
    await storage.cancel_occurrences(weekly, after=START, keep=keep)
    wall = datetime(2027, 1, 18, 10, 0)
    at = resolve_local(wall, ZoneInfo("Europe/Moscow"))[0]
    await storage.upsert_occurrences(weekly, [OccurrenceIn(at + timedelta(hours=2), wall)])
    spec = event(
        env,
        title="Зарядка",
        start_local=datetime(2026, 10, 1, 7, 0),
        rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    )
    await storage.update_event(narrowed, spec)
    await env.planner.plan_event(narrowed)
    await storage.set_event_status(called_off, EventStatus.CANCELLED, "cancelled")
    await storage.cancel_occurrences(called_off, after=START)
    await storage.update_event(
        monthly,
        event(
            env,
            title="Инвентаризация склада",
            start_local=datetime(2026, 10, 13, 18, 0),
            rrule="FREQ=MONTHLY;BYDAY=2TU",
            place="Склад №2",
            duration=timedelta(hours=2, minutes=30),
            reminders=(ReminderSpec(offset=timedelta(days=2)),),
        ),
    )

    # Each event its own creation and change instants (whole seconds and not).
    base = int((START - timedelta(days=90)).timestamp() * 1000)
    with sqlite3.connect(path) as db:
        for event_id in created:
            db.execute(
                "UPDATE events SET created_at = ?, updated_at = ? WHERE id = ?",
                (
                    base + event_id * 3_600_000 + event_id * 7,
                    base + event_id * 86_400_000 + event_id * 61_013,
                    event_id,
                ),
            )
    return group.id, me


async def feeds(env: Env, path: Path) -> dict[str, bytes]:
    group_id, me = await seed(env, path)
    calendar = CalendarService(env.storage, clock=env.clock)
    links = {
        "personal": await calendar.link(me, FeedKind.PERSONAL),
        "team": await calendar.link(env.owner, FeedKind.TEAM, team_id=env.team_id),
        "group": await calendar.link(me, FeedKind.GROUP, group_id=group_id),
        "personal-en": await calendar.link(env.members[2], FeedKind.PERSONAL),
    }
    return {name: (await calendar.serve(link.token)).body for name, link in links.items()}


async def test_feeds_render_to_the_pinned_bytes(env: Env, tmp_path: Path) -> None:
    rendered = await feeds(env, tmp_path / "engine.db")
    if os.environ.get("MAXREMIND_WRITE_PINNED") == "1":
        PINNED.mkdir(exist_ok=True)
        for name, body in rendered.items():
            (PINNED / f"{name}.ics").write_bytes(body)
    for name, body in rendered.items():
        assert body == (PINNED / f"{name}.ics").read_bytes(), name
