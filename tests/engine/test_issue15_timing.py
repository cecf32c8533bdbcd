"""Reminders that come at another time than planned say when and why (issue 15): quiet
hours moved them earlier or later; a quick reminder one wrote for oneself is not moved."""

from __future__ import annotations

from datetime import datetime, timedelta

from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    EventKind,
    Language,
    NewEvent,
    QuietHoursSpec,
    ReminderSpec,
)

from .conftest import Env

TEAM = (AudienceEntry(AudienceKind.TEAM),)


def spec(env: Env, **kw: object) -> NewEvent:
    values: dict[str, object] = {
        "team_id": env.team_id,
        "organizer_id": env.owner,
        "title": "Планёрка",
        "start_local": datetime(2026, 11, 26, 10, 0),
        "timezone": "Europe/Moscow",
        "audience": TEAM,
        "reminders": (ReminderSpec(offset=timedelta(hours=1)),),
    }
    values.update(kw)
    return NewEvent(**values)  # type: ignore[arg-type]


async def test_a_reminder_sent_early_for_quiet_hours_says_so(env: Env) -> None:
    sleeper, awake = env.members[0], env.members[1]
    await env.storage.update_user(sleeper, quiet_hours=QuietHoursSpec("22:00", "08:00"))
    await env.storage.update_user(awake, language=Language.EN)
    await env.storage.update_user(env.members[2], language=Language.EN)
    await env.storage.update_user(env.members[2], quiet_hours=QuietHoursSpec("22:00", "08:00"))
    # Event at 07:30 MSK, reminder 1 h before = 06:30, inside quiet hours lasting past it.
    await env.events.create(spec(env, start_local=datetime(2026, 11, 26, 7, 30)))
    await env.run_until(datetime.fromisoformat("2026-11-25T18:59:00+00:00"))  # 21:59 MSK
    (early,) = env.sender.to(sleeper)
    assert (
        "🌙 Пришло раньше: по плану — чт, 26 ноября, 06:30 МСК, но тогда у вас тихие часы"
        " (22:00-08:00)." in early
    )
    (early_en,) = env.sender.to(env.members[2])
    assert "🌙 Sent early: it was due Thu, 26 November, 06:30 MSK, during your quiet hours" in (
        early_en
    )
    await env.run_until(datetime.fromisoformat("2026-11-26T03:30:00+00:00"))
    (on_time,) = env.sender.to(awake)
    assert "🌙" not in on_time and "⚠️" not in on_time


async def test_a_reminder_held_by_quiet_hours_says_so(env: Env) -> None:
    sleeper = env.members[0]
    await env.storage.update_user(sleeper, quiet_hours=QuietHoursSpec("22:00", "08:00"))
    # Event at 12:00 MSK tomorrow, reminder 13 h before = 23:00 MSK tonight: held to 08:00.
    await env.events.create(
        spec(
            env,
            start_local=datetime(2026, 11, 26, 12, 0),
            reminders=(ReminderSpec(offset=timedelta(hours=13)),),
        )
    )
    await env.run_until(datetime.fromisoformat("2026-11-26T05:00:00+00:00"), timedelta(minutes=10))
    (held,) = env.sender.to(sleeper)
    assert (
        "🌙 Пришло позже: по плану — ср, 25 ноября, 23:00 МСК, но тогда у вас были тихие часы"
        " (22:00-08:00)." in held
    )
    assert "🌙" not in env.sender.to(env.members[1])[0]


async def test_ones_own_quick_reminder_ignores_ones_quiet_hours(env: Env) -> None:
    me = env.members[0]
    await env.storage.update_user(me, quiet_hours=QuietHoursSpec("22:00", "08:00"))
    # Written at 12:00 MSK for 23:30 tonight (inside one's own quiet hours).
    own = NewEvent(
        team_id=None,
        organizer_id=me,
        title="Позвонить в Токио",
        start_local=datetime(2026, 11, 25, 23, 30),
        timezone="Europe/Moscow",
        kind=EventKind.REMINDER,
        audience=(AudienceEntry(AudienceKind.MEMBER, me),),
        reminders=(ReminderSpec(offset=timedelta(0)),),
    )
    await env.events.create(own)
    await env.run_until(datetime.fromisoformat("2026-11-25T20:29:00+00:00"), timedelta(minutes=5))
    assert env.sender.to(me) == []  # not at 21:59, as quiet hours would have it
    await env.run_until(datetime.fromisoformat("2026-11-25T20:30:00+00:00"))
    (sent,) = env.sender.to(me)
    assert sent.startswith("🔔 Позвонить в Токио") and "🌙" not in sent
