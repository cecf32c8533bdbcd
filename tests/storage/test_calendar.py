"""The calendar port's contract for the reads that build a feed: which events a scope
holds (and whom they invite), each as the few fields a file shows, under the same names
and with the same values as the whole event; their dates and answers; the fingerprint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from maxremind.domain.feeds import FeedKind, FeedScope
from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    EventKind,
    EventStatus,
    OccurrenceIn,
    ReminderSpec,
    ReminderTarget,
)
from maxremind.storage import Storage
from maxremind.storage.ports.calendar import FeedEvent, FeedReminder
from tests.storage.kit import NOW, new_event, team_with_people

SINCE = datetime(2026, 1, 1, tzinfo=UTC)


async def test_a_feed_reads_the_fields_it_shows_as_the_event_has_them(storage: Storage) -> None:
    team_id, users = await team_with_people(storage)
    event = await storage.create_event(
        new_event(
            team_id,
            users[0],
            title="Планёрка, отдел; продаж",
            description="Повестка:\nитоги",
            place="Зал 2",
            duration=timedelta(minutes=45),
            exdates=("2026-12-08", "2026-12-15"),
            reminders=(
                ReminderSpec(offset=timedelta(hours=1)),
                ReminderSpec(at=NOW + timedelta(days=3), target=ReminderTarget.ALL),
                ReminderSpec(offset=timedelta(days=1), target=ReminderTarget.UNANSWERED),
                ReminderSpec(offset=timedelta(0), target=ReminderTarget.ORGANIZER_SUMMARY),
            ),
        )
    )
    bare = await storage.create_event(
        new_event(team_id, users[1], rrule=None, reminders=(), start_local=datetime(2026, 12, 2))
    )
    rows = await storage.feed_events(FeedScope(FeedKind.TEAM, team_id=team_id), since=SINCE)
    assert [row.event.id for row in rows] == [event.id, bare.id]
    for row in rows:
        whole = await storage.get_event(row.event.id)
        for name in FeedEvent._fields:
            if name != "reminders":
                assert getattr(row.event, name) == getattr(whole, name), name
        assert row.event.reminders == tuple(
            FeedReminder(r.offset, r.target) for r in whole.reminders if r.offset is not None
        )
    assert rows[0].event.reminders == (
        FeedReminder(timedelta(hours=1), ReminderTarget.ALL),
        FeedReminder(timedelta(days=1), ReminderTarget.UNANSWERED),
        FeedReminder(timedelta(0), ReminderTarget.ORGANIZER_SUMMARY),
    )
    assert rows[0].sequence == 0 and not rows[0].invited  # a team feed invites nobody

    await storage.update_event(
        event.id, new_event(team_id, users[0], place="Зал 3", reminders=())
    )  # the place moved: a new version
    (row, _) = await storage.feed_events(FeedScope(FeedKind.TEAM, team_id=team_id), since=SINCE)
    assert row.sequence == 1 and row.event.reminders == () and row.event.place == "Зал 3"


async def test_scopes_hold_what_reaches_them_and_leave_out_what_is_over(storage: Storage) -> None:
    team_id, users = await team_with_people(storage, 4)
    me, other, organizer = users[1], users[2], users[0]
    group = await storage.create_group(team_id, "Водители")
    await storage.add_to_group(group.id, [me])

    async def make(**kw: object) -> int:
        return (await storage.create_event(new_event(team_id, organizer, **kw))).id

    whole_team = await make()
    my_group = await make(audience=(AudienceEntry(AudienceKind.GROUP, group.id),))
    them = await make(audience=(AudienceEntry(AudienceKind.MEMBER, other),))
    mine = (
        await storage.create_event(
            new_event(team_id, me, audience=(AudienceEntry(AudienceKind.MEMBER, other),))
        )
    ).id
    quick = (
        await storage.create_event(
            new_event(None, me, kind=EventKind.REMINDER, audience=(), rrule=None)
        )
    ).id
    old = await make(rrule=None, start_local=datetime(2025, 12, 30, 10, 0))
    slack = await make(rrule=None, start_local=datetime(2025, 12, 31, 10, 0))  # zones differ
    called_off = await make()
    await storage.set_event_status(called_off, EventStatus.CANCELLED, "cancelled")
    await make(kind=EventKind.ANNOUNCEMENT, rrule=None)

    def ids(rows: list) -> list[int]:  # type: ignore[type-arg]
        return [row.event.id for row in rows]

    personal = await storage.feed_events(FeedScope(FeedKind.PERSONAL, user_id=me), since=SINCE)
    assert {row.event.id: row.invited for row in personal} == {
        whole_team: True,
        my_group: True,
        mine: False,  # organized, not invited
        quick: False,
        slack: True,
        called_off: True,  # cancelled after the feed's start: shown as cancelled
    }
    assert ids(personal) == sorted(ids(personal))
    team = await storage.feed_events(FeedScope(FeedKind.TEAM, team_id=team_id), since=SINCE)
    assert ids(team) == [whole_team, my_group, them, mine, slack, called_off]
    assert old not in ids(team)
    in_group = await storage.feed_events(
        FeedScope(FeedKind.GROUP, team_id=team_id, group_id=group.id), since=SINCE
    )
    assert ids(in_group) == [my_group]
    later = datetime.now(UTC) + timedelta(days=1)  # cancelled before this start: gone
    assert called_off not in ids(
        await storage.feed_events(FeedScope(FeedKind.TEAM, team_id=team_id), since=later)
    )


async def test_dates_answers_and_the_fingerprint(storage: Storage) -> None:
    team_id, users = await team_with_people(storage)
    me, other = users[1], users[2]
    event = await storage.create_event(new_event(team_id, users[0]))
    scope = FeedScope(FeedKind.PERSONAL, user_id=me)
    first = await storage.feed_fingerprint(scope, since=SINCE)
    starts = [datetime(2026, 12, d, 7, 0, tzinfo=UTC) for d in (1, 8, 15)]
    dates = await storage.upsert_occurrences(
        event.id, [OccurrenceIn(at, at.replace(hour=10, tzinfo=None)) for at in starts]
    )
    assert await storage.feed_occurrences([event.id], since=starts[1]) == dates[1:]
    assert await storage.feed_occurrences([], since=SINCE) == []

    await storage.set_confirmation(dates[1].id, me, Answer.YES, comment="", at=NOW)
    await storage.set_confirmation(dates[1].id, other, Answer.NO, comment="", at=NOW)
    answers = await storage.feed_answers([event.id], since=SINCE)
    assert [(a.occurrence_id, a.user_id, a.answer) for a in answers] == [
        (dates[1].id, me, Answer.YES),
        (dates[1].id, other, Answer.NO),
    ]
    (mine,) = await storage.feed_answers([event.id], since=SINCE, user_id=me)
    assert mine.user_id == me
    assert await storage.feed_answers([event.id], since=starts[2]) == []

    answered = await storage.feed_fingerprint(scope, since=SINCE)
    assert answered != first
    await storage.set_confirmation(dates[1].id, other, Answer.YES, comment="", at=NOW)
    assert await storage.feed_fingerprint(scope, since=SINCE) == answered  # not my answer
    await storage.cancel_occurrences(event.id, after=starts[2])
    cancelled = await storage.feed_fingerprint(scope, since=SINCE)
    assert cancelled != answered
    await storage.update_event(event.id, new_event(team_id, users[0], title="Иначе"))
    assert await storage.feed_fingerprint(scope, since=SINCE) != cancelled
