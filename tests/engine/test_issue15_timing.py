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
    ReminderTarget,
)
from maxremind.services.teams import TeamService

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


# --- a step already past when its event is saved (short notice) ----------------------------

SHORT = (
    ReminderSpec(offset=timedelta(days=1)),  # due 10:00 today, two hours before it is made
    ReminderSpec(offset=timedelta(hours=1)),
    ReminderSpec(offset=timedelta(hours=23), target=ReminderTarget.ORGANIZER_SUMMARY),
)


async def test_a_step_past_when_the_event_is_made_says_short_notice_not_outage(env: Env) -> None:
    await env.storage.update_user(env.members[1], language=Language.EN)
    # Made at 12:00 MSK for tomorrow 10:00: "1 day before" was due at 10:00 today.
    event = await env.events.create(spec(env, reminders=SHORT, confirm_required=True))
    await env.run()
    (now_ru,) = env.sender.to(env.members[0])
    assert "ℹ️ Событие назначено меньше чем за 1 день до начала, поэтому напоминание" in now_ru
    assert "⚠️" not in now_ru and "недоступен" not in now_ru
    (now_en,) = env.sender.to(env.members[1])
    assert "ℹ️ The event was scheduled less than 1 day before the start" in now_en
    # The organizer is in the audience: one reminder, and no summary of nobody's answers.
    assert [t.splitlines()[0] for t in env.sender.to(env.owner)] == ["🔔 Планёрка"]
    jobs = await env.storage.list_jobs((await env.storage.list_occurrences(event.id))[0].id)
    summary = next(j for j in jobs if j.target is ReminderTarget.ORGANIZER_SUMMARY)
    assert summary.skip_reason == "nothing to sum up: nobody has been reminded yet"
    # The step an hour before goes as usual, without a note.
    await env.run_until(datetime.fromisoformat("2026-11-26T06:00:00+00:00"), timedelta(hours=1))
    later = env.sender.to(env.members[0])[1]
    assert "ℹ️" not in later and "⚠️" not in later


async def test_a_team_may_skip_steps_past_when_the_event_is_made(env: Env) -> None:
    people = TeamService(env.storage, env.events)
    await people.set_team_short_notice(env.team_id, env.owner, skip=True)
    await env.events.create(spec(env, reminders=SHORT, confirm_required=True))
    await env.run()
    assert env.sender.sent == []
    await env.run_until(datetime.fromisoformat("2026-11-26T06:00:00+00:00"), timedelta(hours=1))
    assert len(env.sender.to(env.members[0])) == 1  # the hour-before step


async def test_a_summary_due_before_anyone_was_reminded_is_not_sent(env: Env) -> None:
    steps = (
        ReminderSpec(offset=timedelta(hours=1)),
        ReminderSpec(offset=timedelta(hours=2), target=ReminderTarget.ORGANIZER_SUMMARY),
    )
    await env.events.create(spec(env, reminders=steps, confirm_required=True))
    await env.run_until(datetime.fromisoformat("2026-11-26T06:00:00+00:00"), timedelta(minutes=30))
    assert not any(t.startswith("📋") for t in env.sender.to(env.owner))


async def test_a_step_missed_while_down_still_says_so(env: Env) -> None:
    await env.events.create(spec(env, reminders=(ReminderSpec(offset=timedelta(hours=3)),)))
    env.clock.now = datetime.fromisoformat("2026-11-26T05:30:00+00:00")  # due 04:00, down
    await env.run()
    (late,) = env.sender.to(env.members[0])
    assert "⚠️ Напоминание задержалось: сервис был недоступен." in late and "ℹ️" not in late


async def test_a_move_to_short_notice_is_still_told_when_the_team_skips_such_steps(
    env: Env,
) -> None:
    await TeamService(env.storage, env.events).set_team_short_notice(
        env.team_id, env.owner, skip=True
    )
    day = (ReminderSpec(offset=timedelta(days=1)),)
    event = await env.events.create(
        spec(env, start_local=datetime(2026, 11, 27, 10, 0), reminders=day)
    )
    await env.run()
    assert env.sender.sent == []
    # Moved to tomorrow 10:00: its "1 day before" step is past and skipped, so the
    # change itself is what people hear about.
    await env.events.update(event.id, spec(env, reminders=day), actor_id=env.owner)
    await env.run()
    (told,) = env.sender.to(env.members[0])
    assert "✏️ Изменилось время или место" in told and "чт, 26 ноября, 10:00 МСК" in told
