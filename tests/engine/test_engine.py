"""The engine end to end on a real SQLite file with a fixed clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    DeliveryStatus,
    Event,
    EventKind,
    EventStatus,
    NewEvent,
    QuietHoursSpec,
    ReminderSpec,
    ReminderTarget,
)
from maxremind.maxapi.errors import Forbidden, LimiterUnavailable, ServerError
from maxremind.services.events import EventRejected

from .conftest import Env

TEAM = (AudienceEntry(AudienceKind.TEAM),)


def spec(env: Env, **kw: object) -> NewEvent:
    values: dict[str, object] = {
        "team_id": env.team_id,
        "organizer_id": env.owner,
        "title": "Планёрка",
        "start_local": datetime(2026, 11, 26, 10, 0),  # tomorrow 10:00 MSK = 07:00 UTC
        "timezone": "Europe/Moscow",
        "audience": TEAM,
        "reminders": (ReminderSpec(offset=timedelta(hours=1)),),
    }
    values.update(kw)
    return NewEvent(**values)  # type: ignore[arg-type]


async def test_one_reminder_reaches_everyone_once_at_due_time(env: Env) -> None:
    await env.events.create(spec(env))
    await env.run_until(datetime.fromisoformat("2026-11-26T05:59:00+00:00"))
    assert env.sender.sent == []
    await env.run_until(datetime.fromisoformat("2026-11-26T06:00:00+00:00"))
    recipients = sorted(s.user_id for s in env.sender.sent if s.user_id)
    assert recipients == sorted([env.owner, *env.members])
    assert "🔔 Планёрка" in env.sender.to(env.members[0])[0]
    assert "чт, 26 ноября, 10:00 МСК" in env.sender.to(env.members[0])[0]
    await env.run_until(datetime.fromisoformat("2026-11-26T08:00:00+00:00"))
    assert len(env.sender.sent) == 6  # nothing twice


async def test_person_in_two_groups_gets_one_message(env: Env) -> None:
    a = await env.storage.create_group(env.team_id, "A")
    b = await env.storage.create_group(env.team_id, "B")
    await env.storage.add_to_group(a.id, env.members[:3])
    await env.storage.add_to_group(b.id, env.members[2:])
    tag = await env.storage.create_tag(env.team_id, "водитель")
    await env.storage.tag_members(tag.id, [env.members[2]])
    audience = (
        AudienceEntry(AudienceKind.GROUP, a.id),
        AudienceEntry(AudienceKind.GROUP, b.id),
        AudienceEntry(AudienceKind.TAG, tag.id),
    )
    await env.events.create(spec(env, audience=audience))
    await env.run_until(datetime.fromisoformat("2026-11-26T06:00:00+00:00"))
    assert sorted(s.user_id for s in env.sender.sent) == sorted(env.members)


async def test_weekly_meeting_keeps_local_time_and_plans_a_rolling_horizon(env: Env) -> None:
    event = await env.events.create(
        spec(
            env,
            start_local=datetime(2026, 11, 30, 10, 0),
            rrule="FREQ=WEEKLY;BYDAY=MO",
            timezone="Europe/Berlin",
        )
    )
    occurrences = await env.storage.list_occurrences(event.id)
    assert len(occurrences) == 5  # 35 days ahead
    assert all(o.local_start.hour == 10 for o in occurrences)
    assert occurrences[0].starts_at.hour == 9  # CET = UTC+1
    env.clock.advance(days=30)
    await env.run()
    assert len(await env.storage.list_occurrences(event.id)) >= 9


async def test_quiet_hours_hold_a_reminder_until_they_end(env: Env) -> None:
    sleeper = env.members[0]
    await env.storage.update_user(sleeper, quiet_hours=QuietHoursSpec("22:00", "08:00"))
    # Event at 12:00 MSK tomorrow, reminder 13 h before = 23:00 MSK tonight.
    await env.events.create(
        spec(
            env,
            start_local=datetime(2026, 11, 26, 12, 0),
            reminders=(ReminderSpec(offset=timedelta(hours=13)),),
        )
    )
    await env.run_until(datetime.fromisoformat("2026-11-25T20:00:00+00:00"))
    assert sleeper not in [s.user_id for s in env.sender.sent]
    assert env.members[1] in [s.user_id for s in env.sender.sent]
    await env.run_until(datetime.fromisoformat("2026-11-26T05:00:00+00:00"))  # 08:00 MSK
    assert len(env.sender.to(sleeper)) == 1


async def test_urgent_events_ignore_quiet_hours(env: Env) -> None:
    sleeper = env.members[0]
    await env.storage.update_user(sleeper, quiet_hours=QuietHoursSpec("22:00", "08:00"))
    await env.events.create(
        spec(
            env,
            urgent=True,
            start_local=datetime(2026, 11, 26, 12, 0),
            reminders=(ReminderSpec(offset=timedelta(hours=13)),),
        )
    )
    await env.run_until(datetime.fromisoformat("2026-11-25T20:00:00+00:00"))
    assert len(env.sender.to(sleeper)) == 1


async def test_escalation_ladder_nudges_only_the_silent_and_tells_the_organizer(env: Env) -> None:
    reminders = (
        ReminderSpec(offset=timedelta(days=1) - timedelta(hours=2)),
        ReminderSpec(offset=timedelta(hours=3), target=ReminderTarget.UNANSWERED),
        ReminderSpec(offset=timedelta(hours=1), target=ReminderTarget.ORGANIZER_SUMMARY),
    )
    event = await env.events.create(spec(env, confirm_required=True, reminders=reminders))
    await env.run()
    assert len(env.sender.sent) == 6
    assert env.sender.sent[0].body.attachments  # ✅ / ❌ / ⏰ buttons
    assert env.sender.sent[0].body.format is None  # plain text: shown as typed
    occurrence = (await env.storage.list_occurrences(event.id))[0]
    await env.storage.set_confirmation(
        occurrence.id, env.members[0], Answer.YES, comment="", at=env.clock()
    )
    await env.storage.set_confirmation(
        occurrence.id, env.members[1], Answer.NO, comment="", at=env.clock()
    )
    await env.run_until(datetime.fromisoformat("2026-11-26T04:00:00+00:00"))
    nudged = [s.user_id for s in env.sender.sent[6:]]
    assert sorted(nudged) == sorted([env.owner, *env.members[2:]])
    await env.run_until(datetime.fromisoformat("2026-11-26T06:00:00+00:00"))
    summary = env.sender.to(env.owner)[-1]
    assert (
        "📋" in summary
        and "✅ Будут (1): Участник 1" in summary
        and "❌ Не смогут (1): Участник 2" in summary
    )
    assert "❔ Нет ответа (4)" in summary


async def test_quorum_stops_the_nudges(env: Env) -> None:
    reminders = (
        ReminderSpec(offset=timedelta(hours=3), target=ReminderTarget.UNANSWERED),
        ReminderSpec(offset=timedelta(hours=1), target=ReminderTarget.ORGANIZER_SUMMARY),
    )
    event = await env.events.create(spec(env, confirm_required=True, quorum=2, reminders=reminders))
    occurrence = (await env.storage.list_occurrences(event.id))[0]
    for uid in env.members[:2]:
        await env.storage.set_confirmation(
            occurrence.id, uid, Answer.YES, comment="", at=env.clock()
        )
    await env.run_until(datetime.fromisoformat("2026-11-26T06:00:00+00:00"))
    assert len(env.sender.sent) == 1 and env.sender.sent[0].user_id == env.owner
    assert "Кворум набран: 2 из 2" in (env.sender.sent[0].body.text or "")
    jobs = await env.storage.list_jobs(occurrence.id)
    assert jobs[0].skip_reason == "quorum reached"


async def test_stopped_bot_marks_unreachable_and_reports_once(env: Env) -> None:
    gone = env.members[0]
    env.sender.fail[gone] = Forbidden("dialog.denied", status=403, code="dialog.denied")
    event = await env.events.create(spec(env))
    await env.run_until(datetime.fromisoformat("2026-11-26T06:05:00+00:00"))
    assert not (await env.storage.get_user(gone)).reachable
    reports = [t for t in env.sender.to(env.owner) if "⚠️" in t]
    assert len(reports) == 1 and "Участник 1" in reports[0]
    occurrence = (await env.storage.list_occurrences(event.id))[0]
    ledger = {
        d.recipient_id: d
        for d in await env.storage.list_deliveries(occurrence.id)
        if d.kind.value == "reminder"
    }
    assert ledger[gone].status is DeliveryStatus.UNREACHABLE and ledger[gone].attempts == 1


async def test_transient_errors_back_off_and_then_succeed(env: Env) -> None:
    flaky = env.members[0]
    env.sender.fail[flaky] = ServerError("boom", status=503)
    await env.events.create(spec(env))
    await env.run_until(datetime.fromisoformat("2026-11-26T06:00:00+00:00"))
    assert env.sender.to(flaky) == []
    del env.sender.fail[flaky]
    await env.run_until(datetime.fromisoformat("2026-11-26T06:10:00+00:00"))
    assert len(env.sender.to(flaky)) == 1


async def test_catch_up_sends_useful_late_reminders_once_labelled_delayed(env: Env) -> None:
    reminders = (ReminderSpec(offset=timedelta(hours=5)), ReminderSpec(offset=timedelta(hours=3)))
    await env.events.create(spec(env, reminders=reminders))
    # The service is down from before the first step until after the second.
    env.clock.now = datetime.fromisoformat("2026-11-26T05:30:00+00:00")
    await env.run()
    texts = env.sender.to(env.members[0])
    assert len(texts) == 1 and "задержалось" in texts[0]


async def test_catch_up_skips_reminders_of_events_that_are_over_and_tells_the_organizer(
    env: Env,
) -> None:
    event = await env.events.create(spec(env, rrule="FREQ=DAILY", title="Зарядка"))
    env.clock.now = datetime.fromisoformat("2026-11-29T12:00:00+00:00")
    await env.run()
    member_texts = env.sender.to(env.members[0])
    assert member_texts == []  # three missed mornings, none worth sending now
    summaries = [t for t in env.sender.to(env.owner) if "недоступен" in t]
    assert len(summaries) == 1 and summaries[0].count("Зарядка") == 4
    await env.run_until(datetime.fromisoformat("2026-11-30T06:00:00+00:00"))
    assert len(env.sender.to(env.members[0])) == 1  # the next one is on time again
    assert event.id


async def test_editing_an_event_keeps_sent_history_and_replans(env: Env) -> None:
    event = await env.events.create(
        spec(
            env,
            reminders=(
                ReminderSpec(offset=timedelta(hours=20)),
                ReminderSpec(offset=timedelta(hours=1)),
            ),
        )
    )
    await env.run_until(datetime.fromisoformat("2026-11-25T11:00:00+00:00"))
    assert len(env.sender.sent) == 6
    await env.events.update(
        event.id,
        spec(
            env,
            title="Планёрка (перенос)",
            start_local=datetime(2026, 11, 26, 11, 0),
            reminders=(
                ReminderSpec(offset=timedelta(hours=20)),
                ReminderSpec(offset=timedelta(hours=1)),
            ),
        ),
        actor_id=env.owner,
    )
    await env.run_until(datetime.fromisoformat("2026-11-26T09:00:00+00:00"))
    # Moved within a day of its start: told at once that it changed (calendar apps lag),
    # then the 20-hour and the 1-hour steps of the moved occurrence, once each.
    texts = env.sender.to(env.members[0])
    assert len(texts) == 4 and "перенос" in texts[-1] and "11:00" in texts[-1]
    assert "Изменилось время или место" in texts[1] and "11:00" in texts[1]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"start_local": datetime(2026, 11, 20, 10, 0)}, "in_the_past"),
        ({"rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"}, "never_fires"),
        ({"reminders": (ReminderSpec(offset=timedelta(days=400)),)}, "offset_too_long"),
        ({"audience": ()}, "empty_audience"),
        ({"audience": (AudienceEntry(AudienceKind.GROUP, 4242),)}, "audience_gone"),
        ({"title": "  "}, "empty_title"),
    ],
)
async def test_bad_events_are_refused_and_nothing_is_saved(
    env: Env, changes: dict[str, object], reason: str
) -> None:
    with pytest.raises(EventRejected) as exc:
        await env.events.create(spec(env, **changes))
    assert exc.value.reason == reason
    assert await env.storage.list_events(team_id=env.team_id) == []


async def test_deleted_group_flags_the_event_without_breaking_the_engine(env: Env) -> None:
    group = await env.storage.create_group(env.team_id, "G")
    await env.storage.add_to_group(group.id, env.members)
    event = await env.events.create(
        spec(env, audience=(AudienceEntry(AudienceKind.GROUP, group.id),))
    )
    other = await env.events.create(spec(env, title="Другое"))
    await env.storage.delete_group(group.id)
    await env.run_until(datetime.fromisoformat("2026-11-26T06:00:00+00:00"))
    assert (await env.storage.get_event(event.id)).status.value == "flagged"
    texts = env.sender.to(env.owner)
    assert any("приостановлено" in t for t in texts)
    assert any("Другое" in t for t in env.sender.to(env.members[0]))
    assert other.id


async def test_announcement_goes_out_right_away(env: Env) -> None:
    await env.events.create(
        spec(env, kind=EventKind.ANNOUNCEMENT, title="Офис закрыт", reminders=())
    )
    await env.run()
    assert len(env.sender.sent) == 6 and "📣 Офис закрыт" in (env.sender.sent[0].body.text or "")
    # Written in MAX's markdown (the web previews it so); reminders stay plain text.
    assert {m.body.format for m in env.sender.sent} == {"markdown"}


async def test_large_audience_is_expanded_early_enough(env: Env) -> None:
    from maxremind.domain.models import Role
    from maxremind.engine.planner import fanout_lead

    for i in range(3000):
        await env.storage.upsert_user(10_000 + i, name=f"U{i}", username=None)
        await env.storage.add_member(env.team_id, 10_000 + i, Role.MEMBER)
    event = await env.events.create(spec(env))
    occurrence = (await env.storage.list_occurrences(event.id))[0]
    job = (await env.storage.list_jobs(occurrence.id))[0]
    # 3006 messages at 30/s take ~100 s: expansion starts ~50 s before due time.
    assert job.due_at - job.expand_at == fanout_lead(3006, 30)
    assert timedelta(seconds=49) < job.due_at - job.expand_at < timedelta(seconds=51)
    assert fanout_lead(100, 30) == timedelta(0)


async def test_reminder_due_in_quiet_hours_that_outlast_the_event_goes_just_before_they_begin(
    env: Env,
) -> None:
    sleeper = env.members[0]
    await env.storage.update_user(sleeper, quiet_hours=QuietHoursSpec("22:00", "08:00"))
    # Event at 07:30 MSK tomorrow, reminder 1 h before = 06:30, inside quiet hours that end
    # only at 08:00: it must go the evening before, at 21:59 MSK (18:59 UTC).
    await env.events.create(spec(env, start_local=datetime(2026, 11, 26, 7, 30)))
    await env.run_until(datetime.fromisoformat("2026-11-25T18:58:00+00:00"))
    assert env.sender.to(sleeper) == []
    await env.run_until(datetime.fromisoformat("2026-11-25T18:59:00+00:00"))
    assert len(env.sender.to(sleeper)) == 1
    assert env.sender.to(env.members[1]) == []  # everyone else still at due time
    await env.run_until(datetime.fromisoformat("2026-11-26T03:30:00+00:00"))
    assert len(env.sender.to(env.members[1])) == 1 and len(env.sender.to(sleeper)) == 1


async def test_changing_quiet_hours_replans_planned_reminders(env: Env) -> None:
    from maxremind.services.teams import TeamService

    await env.events.create(spec(env, start_local=datetime(2026, 11, 26, 7, 30)))
    await TeamService(env.storage, env.events).set_user_quiet(
        env.members[0], QuietHoursSpec("22:00", "08:00")
    )
    await env.run_until(datetime.fromisoformat("2026-11-25T18:59:00+00:00"))
    assert len(env.sender.to(env.members[0])) == 1


async def test_a_batch_reads_shared_rows_once_however_many_sends_run_at_once(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """40 concurrent sends of one reminder must not each load its event, occurrence,
    team and answers (they used to: every one missed the cache before the first load
    finished — six queries per delivery)."""
    import asyncio
    from collections import Counter

    from maxremind.domain.models import Role

    for i in range(200):
        await env.storage.upsert_user(20_000 + i, name=f"U{i}", username=None)
        await env.storage.add_member(env.team_id, 20_000 + i, Role.MEMBER)
    await env.events.create(spec(env))
    await env.run_until(datetime.fromisoformat("2026-11-26T05:59:00+00:00"))

    calls: Counter[str] = Counter()
    for name in ("get_event", "get_occurrence", "get_team", "list_confirmations", "get_user"):
        original = getattr(env.storage, name)

        def counted(*args: object, _name: str = name, _original: object = original) -> object:
            calls[_name] += 1
            return _original(*args)  # type: ignore[operator]

        monkeypatch.setattr(env.storage, name, counted)
    send = env.sender.send_message

    async def slow_send(*args: object, **kwargs: object) -> object:
        await asyncio.sleep(0)  # as a real request does: the other sends start meanwhile
        return await send(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(env.sender, "send_message", slow_send)
    env.clock.now = datetime.fromisoformat("2026-11-26T06:00:00+00:00")
    await env.run()
    assert len(env.sender.sent) == 206
    # Expansion and the send batch each read these once, not once per delivery.
    assert max(calls.values()) <= 2, calls


async def held_reminder(env: Env) -> tuple[int, Event]:
    """An event whose reminder waits in the ledger for a member's quiet hours to end
    (08:00 MSK); returns that member and the event, at 23:00 MSK the evening before."""
    sleeper = env.members[0]
    await env.storage.update_user(sleeper, quiet_hours=QuietHoursSpec("22:00", "08:00"))
    event = await env.events.create(
        spec(
            env,
            start_local=datetime(2026, 11, 26, 12, 0),
            reminders=(ReminderSpec(offset=timedelta(hours=13)),),
        )
    )
    await env.run_until(datetime.fromisoformat("2026-11-25T20:00:00+00:00"))
    return sleeper, event


async def test_cancelling_an_event_stops_reminders_already_in_the_ledger(env: Env) -> None:
    """A reminder held by quiet hours (already a delivery, no longer a job) must not
    reach anyone once the event is cancelled; the ledger says why."""
    sleeper, event = await held_reminder(env)
    assert env.sender.to(sleeper) == []  # held until 08:00 MSK
    await env.events.cancel(event.id, actor_id=env.owner)
    await env.run_until(datetime.fromisoformat("2026-11-26T09:00:00+00:00"))
    assert env.sender.to(sleeper) == []
    (occurrence,) = await env.storage.list_occurrences(event.id)
    held = [
        d for d in await env.storage.list_deliveries(occurrence.id) if d.recipient_id == sleeper
    ]
    assert [(d.status, d.skip_reason) for d in held] == [
        (DeliveryStatus.SKIPPED, "occurrence cancelled")
    ]


async def test_a_reminder_claimed_as_its_event_is_cancelled_is_skipped_not_sent(env: Env) -> None:
    sleeper, event = await held_reminder(env)
    # The event is cancelled between the claim and the send: its held delivery is
    # still in the ledger when the dispatcher composes it.
    await env.storage.set_event_status(event.id, EventStatus.CANCELLED, "cancelled")
    await env.run_until(datetime.fromisoformat("2026-11-26T09:00:00+00:00"))
    assert env.sender.to(sleeper) == []
    (occurrence,) = await env.storage.list_occurrences(event.id)
    (held,) = [
        d for d in await env.storage.list_deliveries(occurrence.id) if d.recipient_id == sleeper
    ]
    assert held.status is DeliveryStatus.SKIPPED


async def test_people_already_reminded_are_told_once_when_the_event_is_cancelled(
    env: Env,
) -> None:
    from maxremind.domain.models import Language

    english = env.members[1]
    await env.storage.update_user(english, language=Language.EN)
    event = await env.events.create(spec(env))  # reminder at 06:00 UTC, start 07:00 UTC
    await env.run_until(datetime.fromisoformat("2026-11-26T06:00:00+00:00"))
    assert len(env.sender.sent) == 6
    env.sender.sent.clear()
    cancellation = await env.events.cancel(event.id, actor_id=env.owner)
    assert cancellation.notified == 5  # everyone reminded but the organizer who cancels
    await env.run()
    assert sorted(s.user_id for s in env.sender.sent) == sorted(env.members)
    assert env.sender.to(env.members[0]) == [
        "❌ Отменено: Планёрка\n🕒 чт, 26 ноября, 10:00 МСК\nНапоминание об этом больше не придёт."
    ]
    assert env.sender.to(english)[0].startswith("❌ Cancelled: Планёрка")
    # Cancelling again tells nobody a second time.
    again = await env.events.cancel(event.id, actor_id=env.owner)
    await env.run_until(datetime.fromisoformat("2026-11-26T08:00:00+00:00"))
    assert again.notified == 0 and len(env.sender.sent) == 5


async def test_a_rounds_reads_go_to_the_writer_and_others_to_the_readers(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine reads mostly what it has just written: on the writer's connection
    (whose cache holds it), not on a reader's (whose cache every commit drops)."""
    event = await env.events.create(spec(env))
    reads: list[bool] = []
    original = env.storage._reader  # type: ignore[attr-defined]

    def recording(*, snapshot: bool, writer: bool) -> object:
        reads.append(writer)
        return original(snapshot=snapshot, writer=writer)

    monkeypatch.setattr(env.storage, "_reader", recording)
    await env.run_until(datetime.fromisoformat("2026-11-26T06:01:00+00:00"))
    assert len(env.sender.sent) == len(env.members) + 1
    assert len(reads) > 10 and all(reads), reads
    reads.clear()
    assert (await env.storage.get_event(event.id)).title == "Планёрка"  # as a page would
    assert reads == [False]


async def test_an_unreachable_fleet_limiter_pauses_sending_without_using_up_attempts(
    env: Env,
) -> None:
    # Redis (the fleet's rate limiter) is down for an hour: nothing can be sent, and no
    # delivery may run out of attempts or fail because of it.
    for uid in [env.owner, *env.members]:
        env.sender.fail[uid] = LimiterUnavailable("the limiter's Redis did not answer")
    event = await env.events.create(spec(env))  # reminder due tomorrow 06:00 UTC
    until = datetime.fromisoformat("2026-11-26T06:40:00+00:00")
    await env.run_until(until, step=timedelta(minutes=1))
    assert env.sender.sent == []
    waiting = [
        d
        for occ in await env.storage.list_occurrences(event.id)
        for d in await env.storage.list_deliveries(occ.id)
        if d.kind.value == "reminder"
    ]
    assert waiting and all(
        d.status is DeliveryStatus.PLANNED and d.attempts == 0 for d in waiting
    ), waiting
    env.sender.fail.clear()  # Redis is back
    await env.run_until(env.clock.now + timedelta(minutes=1))
    assert all(len(env.sender.to(uid)) >= 1 for uid in env.members)


async def test_a_process_whose_heartbeat_is_late_does_not_send_what_others_may_take(
    env: Env,
) -> None:
    healthy = False
    env.dispatcher.sending.may_send = lambda: healthy
    event = await env.events.create(spec(env))
    await env.run_until(datetime.fromisoformat("2026-11-26T06:05:00+00:00"))
    assert env.sender.sent == []
    for occ in await env.storage.list_occurrences(event.id):
        for d in await env.storage.list_deliveries(occ.id):
            assert d.status is DeliveryStatus.PLANNED and d.attempts == 0, d
    healthy = True
    await env.run_until(env.clock.now + timedelta(minutes=1))
    assert all(len(env.sender.to(uid)) == 1 for uid in env.members)
