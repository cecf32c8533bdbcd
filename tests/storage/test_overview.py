"""The overview port's contract: aggregated reads for pages, and its audience rule
agreeing with ``core.audience.resolve_audience`` on every kind of audience."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from maxremind.core.audience import resolve_audience
from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    DeliveryKind,
    DeliveryStatus,
    EventKind,
    EventStatus,
    Language,
    NewDelivery,
    NewJob,
    OccurrenceIn,
    RecipientKind,
    ReminderTarget,
    Role,
    delivery_key,
)
from maxremind.storage import Storage
from tests.storage.kit import NOW, new_event, team_with_people

OUTSIDER = 4242
LEASE = NOW + timedelta(minutes=5)


async def occurrence_at(storage: Storage, event_id: int, at: datetime) -> int:
    (occ,) = await storage.upsert_occurrences(
        event_id, [OccurrenceIn(at, at.replace(tzinfo=None) + timedelta(hours=3))]
    )
    return occ.id


async def test_audience_rule_matches_resolve_audience(storage: Storage) -> None:
    team_id, users = await team_with_people(storage, 6)
    owner = users[0]
    await storage.upsert_user(OUTSIDER, name="Чужой", username=None)
    group = await storage.create_group(team_id, "Склад")
    await storage.add_to_group(group.id, users[1:3])
    doomed = await storage.create_group(team_id, "Уйдёт")
    await storage.add_to_group(doomed.id, [users[4]])
    tag = await storage.create_tag(team_id, "водитель")
    await storage.tag_members(tag.id, users[2:4])
    for chat_id, title in ((-1, "Общий"), (-2, "Старый")):
        await storage.upsert_chat(chat_id, title=title, chat_type="chat", added_by=owner)
        await storage.link_chat(chat_id, team_id, None)
    await storage.deactivate_chat(-2)

    def aud(*entries: tuple[AudienceKind, int | None]) -> tuple[AudienceEntry, ...]:
        return tuple(AudienceEntry(k, r) for k, r in entries)

    audiences = [
        aud((AudienceKind.TEAM, None)),
        aud((AudienceKind.GROUP, group.id)),
        aud((AudienceKind.TAG, tag.id), (AudienceKind.MEMBER, users[4])),
        aud((AudienceKind.GROUP, group.id), (AudienceKind.TAG, tag.id)),  # 1002 twice
        aud((AudienceKind.MEMBER, users[5])),  # leaves the team below
        aud((AudienceKind.CHAT, -1), (AudienceKind.MEMBER, users[1])),
        aud((AudienceKind.CHAT, -2)),  # the bot was removed: nobody
        aud((AudienceKind.GROUP, doomed.id)),  # deleted below: nobody
        aud((AudienceKind.TEAM, None), (AudienceKind.CHAT, -1)),
        aud((AudienceKind.MEMBER, OUTSIDER)),  # never a member
    ]
    events = [
        await storage.create_event(new_event(team_id, users[i % 2], audience=a))
        for i, a in enumerate(audiences)
    ]
    cancelled = await storage.create_event(new_event(team_id, users[1], audience=audiences[0]))
    await storage.set_event_status(cancelled.id, EventStatus.CANCELLED)
    events.append(await storage.get_event(cancelled.id))
    personal = [
        await storage.create_event(new_event(None, users[3], kind=EventKind.REMINDER, audience=a))
        for a in (aud((AudienceKind.MEMBER, users[3])), aud((AudienceKind.TEAM, None)))
    ]
    await storage.remove_member(team_id, users[5])
    await storage.delete_group(doomed.id)
    events = [await storage.get_event(e.id) for e in events]

    everyone = [*users, OUTSIDER]
    occurrences = {}
    for event in [*events, *personal]:
        occ = await occurrence_at(storage, event.id, NOW + timedelta(days=1))
        occurrences[event.id] = occ
        for i, uid in enumerate(everyone):
            answer = (Answer.YES, Answer.NO, Answer.MAYBE)[i % 3]
            await storage.set_confirmation(occ, uid, answer, comment="", at=NOW)

    sizes = await storage.audience_sizes([e.id for e in [*events, *personal]] + [999_999])
    counts = await storage.occurrence_counts(list(occurrences.values()))
    for event in [*events, *personal]:
        resolved = await resolve_audience(storage, event)
        size = sizes[event.id]
        assert await storage.audience_people(event.id) == sorted(resolved.users)
        assert (size.people, size.chats) == (len(resolved.users), len(resolved.chats))
        assert size.total == resolved.size, event.audience
        stored = {
            c.user_id: c.answer for c in await storage.list_confirmations(occurrences[event.id])
        }
        counted = resolved.counted(stored)
        got = counts[occurrences[event.id]]
        assert (got.yes, got.no, got.maybe) == (
            sum(a is Answer.YES for a in counted.values()),
            sum(a is Answer.NO for a in counted.values()),
            sum(a is Answer.MAYBE for a in counted.values()),
        ), event.audience
        assert got.people_answered == len(set(stored) & set(resolved.users))
    assert 999_999 not in sizes
    assert await storage.audience_people(999_999) == []
    # Hand-checked: the team (6 people, one left) is 5; group + tag is 1001..1003.
    assert [sizes[e.id].total for e in events[:4]] == [5, 2, 3, 3]
    assert sizes[events[6].id].total == 0 and sizes[events[7].id].total == 0
    assert (sizes[events[8].id].people, sizes[events[8].id].chats) == (5, 1)  # team and chat

    for viewer in everyone:
        found, total = await storage.search_events([team_id], now=NOW, viewer_id=viewer, limit=100)
        expected = set()
        for event in events:
            resolved = await resolve_audience(storage, event)
            invited = event.status is EventStatus.ACTIVE and viewer in resolved.users
            if event.organizer_id == viewer or invited:
                expected.add(event.id)
        assert {e.id for e in found} == expected, viewer
        assert total == len(expected)
        upcoming = await storage.upcoming_occurrences(
            [team_id], after=NOW, before=NOW + timedelta(days=2), viewer_id=viewer, limit=100
        )
        active = {e.id for e in events if e.status is EventStatus.ACTIVE}
        assert {u.event.id for u in upcoming} == expected & active
    # Personal reminders belong to no team: a team's lists never show them.
    found, _ = await storage.search_events([team_id], now=NOW, limit=100)
    assert {e.id for e in found} == {e.id for e in events}


async def test_search_filters_order_and_pages(storage: Storage) -> None:
    team_id, users = await team_with_people(storage)
    other_team, _ = await team_with_people_in(storage)
    e1 = await storage.create_event(new_event(team_id, users[0], title="Планёрка"))
    e2 = await storage.create_event(
        new_event(team_id, users[1], title="Отчёт", place="Склад №1", rrule=None)
    )
    e3 = await storage.create_event(new_event(team_id, users[0], title="Без дат"))
    e4 = await storage.create_event(
        new_event(team_id, users[0], title="Объявление", kind=EventKind.ANNOUNCEMENT)
    )
    await storage.create_event(new_event(other_team, users[0], title="Планёрка чужая"))
    first = await occurrence_at(storage, e1.id, NOW + timedelta(days=1))
    await occurrence_at(storage, e2.id, NOW - timedelta(days=1))
    second = await occurrence_at(storage, e2.id, NOW + timedelta(days=3))
    await occurrence_at(storage, e4.id, NOW + timedelta(days=2))
    await storage.cancel_occurrences(e4.id, after=NOW)
    fourth = await occurrence_at(storage, e4.id, NOW + timedelta(days=5))

    found, total = await storage.search_events([team_id], now=NOW, limit=10)
    assert [e.id for e in found] == [e1.id, e2.id, e4.id, e3.id] and total == 4
    assert [e.next_occurrence_id for e in found] == [first, second, fourth, None]
    assert found[0].next_starts_at == NOW + timedelta(days=1)
    assert found[0].next_local_start == datetime(2026, 11, 26, 15, 0)
    assert found[0].organizer_name == "User 0" and found[1].organizer_id == users[1]
    assert found[1].place == "Склад №1" and found[1].rrule is None
    assert found[3].next_starts_at is None and found[3].next_local_start is None

    page, total = await storage.search_events([team_id], now=NOW, limit=2, offset=1)
    assert [e.id for e in page] == [e2.id, e4.id] and total == 4
    beyond, total = await storage.search_events([team_id], now=NOW, limit=2, offset=10)
    assert beyond == [] and total == 4

    async def ids(**kw: object) -> list[int]:
        found, total = await storage.search_events([team_id], now=NOW, limit=10, **kw)  # type: ignore[arg-type]
        assert total == len(found)
        return [e.id for e in found]

    assert await ids(text="ПЛАНЕ") == [e1.id]  # any case, ё = е
    assert await ids(text="  склад ") == [e2.id]  # the place too
    assert await ids(text="нет такого") == []
    assert await ids(kind=EventKind.ANNOUNCEMENT) == [e4.id]
    assert await ids(organizer_id=users[1]) == [e2.id]
    window = {"starts_from": NOW + timedelta(days=2), "starts_to": NOW + timedelta(days=4)}
    assert await ids(**window) == [e2.id]
    assert await ids(starts_to=NOW + timedelta(days=2)) == [e1.id]
    # From a later start the next date moves on: e4's first date is after day 4.
    assert await ids(starts_from=NOW + timedelta(days=4)) == [e4.id]
    await storage.set_event_status(e3.id, EventStatus.CANCELLED)
    assert await ids(status=EventStatus.CANCELLED) == [e3.id]
    assert await ids(status=EventStatus.ACTIVE, text="е") == [e1.id, e2.id, e4.id]
    assert await ids(text="о", status=EventStatus.ACTIVE, kind=EventKind.EVENT) == [e2.id]

    soon = await storage.upcoming_occurrences(
        [team_id], after=NOW, before=NOW + timedelta(days=6), limit=2
    )
    assert [(u.event.id, u.occurrence_id) for u in soon] == [(e1.id, first), (e2.id, second)]
    assert soon[0].local_start == datetime(2026, 11, 26, 15, 0)
    assert soon[0].adjustment == "none"


async def team_with_people_in(storage: Storage) -> tuple[int, list[int]]:
    team = await storage.create_team(
        "Другая", timezone="Europe/Moscow", language=Language.EN, created_by=None
    )
    user = await storage.upsert_user(2000, name="Другой", username=None)
    await storage.add_member(team.id, user.user_id, Role.OWNER)
    return team.id, [user.user_id]


async def fan_out(storage: Storage) -> tuple[int, int, int, list[int], int]:
    """An event, its occurrence tomorrow, one expanded job to three people and a chat,
    and a summary to the organizer; returns ids (team, event, occurrence, users, job)."""
    team_id, users = await team_with_people(storage)
    await storage.upsert_chat(-5, title="Чат склада", chat_type="chat", added_by=users[0])
    event = await storage.create_event(new_event(team_id, users[0]))
    occ = await occurrence_at(storage, event.id, NOW + timedelta(days=1))
    key = f"{occ}:all:o3600"
    await storage.add_jobs(
        [NewJob(key, occ, event.reminders[0].id, ReminderTarget.ALL, NOW, NOW, tuple(users))]
    )
    (job,) = await storage.list_jobs(occ)

    def one(kind: RecipientKind, rid: int, at: datetime, dk: DeliveryKind) -> NewDelivery:
        return NewDelivery(
            delivery_key(key, kind, rid) + dk.value, kind, rid, due_at=at, send_at=at, kind=dk,
            job_id=job.id, occurrence_id=occ,
        )  # fmt: skip

    deliveries = [one(RecipientKind.USER, u, NOW, DeliveryKind.REMINDER) for u in users]
    deliveries.append(
        one(RecipientKind.CHAT, -5, NOW + timedelta(minutes=1), DeliveryKind.REMINDER)
    )
    deliveries.append(one(RecipientKind.USER, users[0], NOW, DeliveryKind.SUMMARY))
    await storage.finish_job(job.id, deliveries=deliveries, expected_finish=NOW)
    return team_id, event.id, occ, users, job.id


async def test_counts_fanouts_and_the_ledger(storage: Storage) -> None:
    team_id, event_id, occ, users, job_id = await fan_out(storage)
    claimed = await storage.claim_deliveries(now=NOW, owner="w", lease_until=LEASE, limit=2)
    by_user = {d.recipient_id: d for d in claimed}
    assert set(by_user) <= {*users}
    sent, lost = (by_user[u] for u in sorted(by_user))
    await storage.record_sent(sent.key, owner="w", max_message_id="m1", sent_at=NOW)
    await storage.record_failure(
        lost.key, owner="w", error="403", status=DeliveryStatus.UNREACHABLE, retry_at=None
    )
    # A second reminder step to the one already reached is one more delivery, same person.
    await storage.add_deliveries(
        [
            NewDelivery(
                f"nudge:{sent.recipient_id}", RecipientKind.USER, sent.recipient_id,
                due_at=NOW, send_at=NOW, occurrence_id=occ, status=DeliveryStatus.SENT,
            )
        ]
    )  # fmt: skip
    await storage.set_confirmation(occ, users[1], Answer.YES, comment="", at=NOW)
    await storage.set_confirmation(occ, users[2], Answer.MAYBE, comment="", at=NOW)

    counts = await storage.occurrence_counts([occ, 999])
    assert set(counts) == {occ}
    got = counts[occ]
    # Reminders only (the summary is not one): 1 sent + 1 nudge, 1 unreachable,
    # 1 person and the chat still planned (the summary delivery is not counted).
    assert (got.sent, got.unreachable, got.planned, got.claimed, got.reached) == (2, 1, 2, 0, 1)
    assert (got.yes, got.no, got.maybe, got.answered, got.deliveries) == (1, 0, 1, 2, 5)
    assert got.people_answered == 2

    (flight,) = await storage.fanouts([team_id], due_before=NOW + timedelta(minutes=2))
    assert (flight.job_id, flight.event_id, flight.occurrence_id) == (job_id, event_id, occ)
    assert (flight.total, flight.sent, flight.pending, flight.failed, flight.held) == (
        5,
        1,
        3,
        1,
        0,
    )
    assert flight.target is ReminderTarget.ALL and flight.event_title == "Планёрка"
    assert await storage.fanouts([team_id + 100], due_before=NOW + timedelta(minutes=2)) == []
    # Only a chat due later is left once the people are done: not yet "now".
    rest = await storage.claim_deliveries(now=NOW, owner="w", lease_until=LEASE, limit=10)
    for d in rest:
        await storage.record_sent(d.key, owner="w", max_message_id=None, sent_at=NOW)
    assert await storage.fanouts([team_id], due_before=NOW + timedelta(seconds=30)) == []
    assert len(await storage.fanouts([team_id], due_before=NOW + timedelta(minutes=2))) == 1

    rows, total = await storage.ledger(occurrence_id=occ, limit=3)
    assert total == 6 and len(rows) == 3
    everything, _ = await storage.ledger(event_id=event_id, limit=50)
    assert len(everything) == 6
    assert [r.delivery_id for r in everything[:3]] == [r.delivery_id for r in rows]
    names = {r.recipient_name for r in everything}
    assert names == {"User 0", "User 1", "User 2", "Чат склада"}
    chat = next(r for r in everything if r.recipient_kind is RecipientKind.CHAT)
    assert chat.send_at == NOW + timedelta(minutes=1) and chat.status is DeliveryStatus.PLANNED
    assert chat.occurrence_starts_at == NOW + timedelta(days=1)
    failed, total = await storage.ledger(
        occurrence_id=occ, status=DeliveryStatus.UNREACHABLE, limit=10
    )
    assert total == 1 and failed[0].last_error == "403" and failed[0].attempts == 1
    assert failed[0].job_id == job_id and failed[0].kind is DeliveryKind.REMINDER
    empty, total = await storage.ledger(event_id=event_id, limit=10, offset=10)
    assert empty == [] and total == 6
    with pytest.raises(ValueError, match="not both"):
        await storage.ledger(occurrence_id=occ, event_id=event_id, limit=1)
    with pytest.raises(ValueError, match="not both"):
        await storage.ledger(limit=1)

    assert await storage.answers_of(users[1], [occ, 999]) == {occ: Answer.YES}
    assert await storage.answers_of(users[0], [occ]) == {}


async def test_problems(storage: Storage) -> None:
    team_id, event_id, occ, users, _ = await fan_out(storage)
    now = datetime.now(UTC)  # failures are stamped with the real time
    await storage.set_user_reachable(users[2], False, "stopped the bot")
    (claim, *_) = await storage.claim_deliveries(now=NOW, owner="w", lease_until=LEASE, limit=1)
    await storage.record_failure(
        claim.key, owner="w", error="500 from MAX", status=DeliveryStatus.FAILED, retry_at=None
    )
    empty_group = await storage.create_group(team_id, "Пустая")
    lonely = await storage.create_event(
        new_event(team_id, users[1], audience=(AudienceEntry(AudienceKind.GROUP, empty_group.id),))
    )
    await occurrence_at(storage, lonely.id, NOW + timedelta(days=2))
    past = await storage.create_event(
        new_event(team_id, users[1], audience=(AudienceEntry(AudienceKind.GROUP, empty_group.id),))
    )
    await occurrence_at(storage, past.id, NOW - timedelta(days=2))  # nothing ahead: no problem
    held = await storage.create_event(new_event(team_id, users[0]))
    await storage.set_event_status(held.id, EventStatus.FLAGGED, "audience_gone")
    for chat_id in (-7, -8, -9):
        await storage.upsert_chat(chat_id, title=f"Чат {chat_id}", chat_type="chat", added_by=None)
    await storage.link_chat(-7, team_id, None)
    await storage.deactivate_chat(-7)  # unlinked: found through the audit entry
    await storage.add_audit(
        team_id=team_id, actor_id=None, action="chat.unlink", subject="chat:-7", at=now
    )
    named = await storage.create_event(
        new_event(team_id, users[0], audience=(AudienceEntry(AudienceKind.CHAT, -8),))
    )
    await storage.deactivate_chat(-8)  # named by an event
    await storage.deactivate_chat(-9)  # never served this team

    found = await storage.problems([team_id], now=NOW, since=now - timedelta(hours=1))
    assert [(m.user_id, m.name, m.reason) for m in found.unreachable_members] == [
        (users[2], "User 2", "stopped the bot")
    ]
    (failure,) = found.failed_deliveries
    assert (failure.event_id, failure.occurrence_id, failure.error) == (
        event_id,
        occ,
        "500 from MAX",
    )
    assert failure.recipient_id == claim.recipient_id and failure.recipient_name is not None
    # ``named`` reaches nobody either, but has no date ahead.
    assert [(e.event_id, e.status) for e in found.empty_audiences] == [
        (lonely.id, EventStatus.ACTIVE),
        (held.id, EventStatus.FLAGGED),
    ]
    assert found.empty_audiences[1].status_reason == "audience_gone"
    assert named.id not in {e.event_id for e in found.empty_audiences}
    assert {(c.chat_id, c.team_id) for c in found.chats_removed} == {(-7, team_id), (-8, team_id)}

    later = await storage.problems([team_id], now=NOW, since=now + timedelta(hours=1))
    assert later.failed_deliveries == ()
    assert {c.chat_id for c in later.chats_removed} == {-8}  # the audit entry is old now
    # An organizer sees the problems of the events they organize, nothing else.
    theirs = await storage.problems(
        [team_id], now=NOW, since=now - timedelta(hours=1), organizer_id=users[1]
    )
    assert [e.event_id for e in theirs.empty_audiences] == [lonely.id]
    assert theirs.failed_deliveries == () and theirs.unreachable_members == ()
    assert theirs.chats_removed == ()
    assert await storage.problems([], now=NOW, since=now) == type(found)()


async def test_sent_per_hour_and_last_update(storage: Storage) -> None:
    assert await storage.last_update_at() is None
    assert await storage.sent_per_hour(since=NOW - timedelta(days=1)) == {}
    _, users = await team_with_people(storage, 4)
    event = await storage.create_event(new_event(None, users[0]))
    occ = await occurrence_at(storage, event.id, NOW + timedelta(days=1))
    times = [
        NOW - timedelta(days=2),  # before the window
        NOW - timedelta(hours=2, minutes=50),
        NOW - timedelta(hours=2, minutes=5),
        NOW - timedelta(minutes=1),
    ]
    later = NOW + timedelta(hours=1)
    await storage.add_deliveries(
        [
            NewDelivery(
                f"h{i}", RecipientKind.USER, users[i], due_at=at, send_at=at, occurrence_id=occ
            )
            for i, at in enumerate(times)
        ]
        + [NewDelivery("later", RecipientKind.USER, users[0], later, later, occurrence_id=occ)]
    )
    claimed = await storage.claim_deliveries(now=NOW, owner="w", lease_until=LEASE, limit=10)
    assert sorted(d.key for d in claimed) == ["h0", "h1", "h2", "h3"]
    for i, at in enumerate(times):
        await storage.record_sent(f"h{i}", owner="w", max_message_id=None, sent_at=at)
    hours = await storage.sent_per_hour(since=NOW - timedelta(days=1))
    assert hours == {
        datetime(2026, 11, 25, 9, 0, tzinfo=UTC): 2,
        datetime(2026, 11, 25, 11, 0, tzinfo=UTC): 1,
    }
    await storage.inbox_add([("k1", "message_created", "{}")], at=NOW - timedelta(minutes=3))
    await storage.inbox_add([("k2", "bot_started", "{}")], at=NOW - timedelta(minutes=1))
    assert await storage.last_update_at() == NOW - timedelta(minutes=1)
