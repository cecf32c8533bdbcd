"""Contract of the insights port, on every adapter: the grouped ledger read, who came,
statistics settings, digest subscriptions and the checklists due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from maxremind.domain.models import Answer, DeliveryStatus, NewDelivery, RecipientKind, Role
from maxremind.storage import InvalidValue, NotFound, Storage
from maxremind.storage.ports.insights import (
    FAILED,
    PENDING,
    SKIPPED,
    UNREACHABLE,
    AttendanceDue,
    InsightSettingsRow,
)
from tests.services.insights_ledger import (
    ANNA,
    BORIS,
    CHAT,
    CLARA,
    DMITRI,
    EVA,
    OLGA,
    SINCE,
    UNTIL,
    build,
    utc,
)


def ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


async def test_the_ledger_packed_per_recipient_and_date(storage: Storage) -> None:
    built = await build(storage)
    ledger = await storage.insight_ledger(built.team_id, since=SINCE, until=UNTIL)
    assert [o.occurrence_id for o in ledger.occurrences] == built.occ[1:]
    occ1, occ2, occ3 = ledger.occurrences
    assert (occ1.event_title, occ1.quorum, occ1.timezone) == ("Training", 2, "Europe/Berlin")
    assert occ1.local_start == datetime(2026, 3, 26, 18, 0)
    # Each recipient's first reminder MAX accepted (or the code of how the best of them
    # ended), and the times of the later ones.
    assert occ1.people == {
        ANNA: ms(utc(26, 9)),
        BORIS: ms(utc(26, 9)),
        CLARA: UNREACHABLE,
        DMITRI: ms(utc(26, 9)),
    }
    assert occ1.later == {BORIS: (ms(utc(26, 13)),), DMITRI: (ms(utc(26, 13)),)}
    assert occ1.chats == {}
    assert occ1.answers == {ANNA: "yes", BORIS: "yes", DMITRI: "no"}
    assert occ1.answered_at == {
        ANNA: ms(utc(26, 9, 10)),
        BORIS: ms(utc(26, 13, 30)),
        DMITRI: ms(utc(26, 14)),
    }
    assert occ1.came == {ANNA: True, BORIS: False}
    assert occ2.people == {
        ANNA: ms(utc(29, 8)),
        BORIS: ms(utc(29, 8)),
        CLARA: UNREACHABLE,
        DMITRI: FAILED,
    }
    assert occ2.later == {BORIS: (ms(utc(29, 12)),)}
    assert occ2.chats == {CHAT: ms(utc(29, 8))}
    # Eva answered from the chat: an answer without reminders of her own
    assert occ2.answers == {ANNA: "maybe", EVA: "yes"}
    assert occ2.answered_at == {ANNA: ms(utc(29, 8, 20)), EVA: ms(utc(29, 9))}
    assert occ2.came == {}
    assert set(occ3.people) == {ANNA, BORIS, DMITRI} and set(occ3.answers) == {ANNA, BORIS}
    one_event = await storage.insight_ledger(
        built.team_id, since=SINCE, until=UNTIL, event_id=built.other_event_id
    )
    assert one_event.occurrences == ()
    nothing = await storage.insight_ledger(999_999, since=SINCE, until=UNTIL)
    assert nothing.occurrences == ()


async def test_the_best_of_a_recipients_reminders_and_the_order_of_their_times(
    storage: Storage,
) -> None:
    """More than two reminders for one person, accepted out of order; pending, failed and
    skipped ones: the first time and the later ones in order, else the best code
    (unreachable, failed, pending, skipped), whatever order the rows are read in."""
    built = await build(storage)
    occ = built.occ[3]
    sent = [utc(29, 20), utc(29, 18), utc(29, 19)]
    rows = [(f"x:{i}", CLARA, at, "sent") for i, at in enumerate(sent)] + [
        ("x:f", OLGA, utc(29, 18), "failed"),
        ("x:p", OLGA, utc(29, 18), "pending"),
        ("x:s", OLGA, utc(29, 18), "skipped"),
        ("x:s2", EVA, utc(29, 18), "skipped"),
        ("x:p2", EVA, utc(29, 18), "pending"),
        ("x:s3", 106, utc(29, 18), "skipped"),
    ]
    await storage.upsert_user(106, name="Fyodor", username=None)
    await storage.add_deliveries(
        [
            NewDelivery(key, RecipientKind.USER, who, due_at=at, send_at=at, occurrence_id=occ)
            for key, who, at, _ in rows
        ]
    )
    await storage.skip_deliveries([key for key, *_, how in rows if how == "skipped"], "gone")
    claimed = await storage.claim_deliveries(
        now=utc(29, 21), owner="t", lease_until=utc(29, 23), limit=100
    )
    assert {d.key for d in claimed} == {key for key, *_, how in rows if how != "skipped"}
    for key, _, at, how in rows:  # the "pending" ones stay claimed: being sent
        if how == "sent":
            await storage.record_sent(key, owner="t", max_message_id=f"m:{key}", sent_at=at)
        elif how == "failed":
            await storage.record_failure(
                key, owner="t", error="x", status=DeliveryStatus.FAILED, retry_at=None
            )
    (row,) = [
        o
        for o in (await storage.insight_ledger(built.team_id, since=SINCE, until=UNTIL)).occurrences
        if o.occurrence_id == occ
    ]
    first, *rest = sorted(ms(at) for at in sent)
    assert (row.people[CLARA], row.later[CLARA]) == (first, tuple(rest))
    assert (row.people[OLGA], row.people[EVA], row.people[106]) == (FAILED, PENDING, SKIPPED)
    assert OLGA not in row.later and EVA not in row.later


async def test_who_came_marks(storage: Storage) -> None:
    built = await build(storage)
    occ = built.occ[3]
    at = utc(30, 8)
    assert await storage.attendance_of(occ) == {}
    assert await storage.set_attendance(occ, ANNA, True, marked_by=OLGA, at=at)
    assert not await storage.set_attendance(occ, ANNA, True, marked_by=OLGA, at=at)
    assert await storage.set_attendance(occ, ANNA, False, marked_by=OLGA, at=at)
    assert await storage.attendance_of(occ) == {ANNA: False}
    assert await storage.set_attendance(occ, ANNA, None, marked_by=OLGA, at=at)
    assert not await storage.set_attendance(occ, ANNA, None, marked_by=OLGA, at=at)
    assert await storage.attendance_of(occ) == {}
    with pytest.raises(NotFound):
        await storage.set_attendance(987_654, ANNA, True, marked_by=OLGA, at=at)


async def test_settings_default_and_change(storage: Storage) -> None:
    built = await build(storage)
    team = built.team_id
    assert await storage.get_insight_settings(team) == InsightSettingsRow(team)
    at = utc(30, 8)
    changed = await storage.set_insight_settings(team, digest_weekday=4, at=at)
    assert changed == InsightSettingsRow(team, True, 4, 540)
    changed = await storage.set_insight_settings(
        team, member_stats=False, digest_minute=1050, at=at
    )
    assert changed == InsightSettingsRow(team, False, 4, 1050)
    assert await storage.get_insight_settings(team) == changed
    with pytest.raises(InvalidValue):
        await storage.set_insight_settings(team, digest_weekday=7, at=at)
    with pytest.raises(InvalidValue):
        await storage.set_insight_settings(team, digest_minute=1440, at=at)
    with pytest.raises(NotFound):
        await storage.set_insight_settings(999_999, member_stats=False, at=at)


async def test_digest_subscriptions_end_when_the_member_leaves(storage: Storage) -> None:
    built = await build(storage)
    team = built.team_id
    at = utc(30, 8)
    assert await storage.digest_teams() == []
    assert await storage.set_digest_subscription(team, EVA, True, at=at)
    assert not await storage.set_digest_subscription(team, EVA, True, at=at)
    assert await storage.set_digest_subscription(team, BORIS, True, at=at + timedelta(hours=1))
    await storage.set_insight_settings(team, digest_weekday=2, digest_minute=600, at=at)
    (found,) = await storage.digest_teams()
    assert (found.team_id, found.timezone, found.digest_weekday, found.digest_minute) == (
        team,
        "Europe/Berlin",
        2,
        600,
    )
    assert found.subscribers == ((BORIS, at + timedelta(hours=1)), (EVA, at))
    await storage.remove_member(team, BORIS)
    assert await storage.digest_subscribers(team) == [EVA]
    assert await storage.set_digest_subscription(team, EVA, False, at=at)
    assert await storage.digest_subscribers(team) == []
    with pytest.raises(NotFound):
        await storage.set_digest_subscription(team, DMITRI, True, at=at)  # left the team
    # a team's owner is a member too; the defaults apply without a settings row
    await storage.set_digest_subscription(team, OLGA, True, at=at)
    assert (await storage.get_member(team, OLGA)).role is Role.OWNER


async def test_checklists_due_after_dates_someone_said_yes_to(storage: Storage) -> None:
    built = await build(storage)
    due = await storage.attendance_due(ended_after=utc(20, 0), ended_before=utc(30, 0))
    # occ0 (Anna yes), occ1 (Anna, Boris yes), occ2 (Eva yes), occ3 (Anna yes); by end
    assert due == [
        AttendanceDue(built.occ[0], built.event_id, OLGA, utc(20, 17)),
        AttendanceDue(built.occ[1], built.event_id, OLGA, utc(26, 17)),
        AttendanceDue(built.occ[2], built.event_id, OLGA, utc(29, 16)),
        AttendanceDue(built.occ[3], built.event_id, OLGA, utc(29, 22, 30)),
    ]
    later = await storage.attendance_due(ended_after=utc(29, 17), ended_before=utc(31, 0))
    assert [d.occurrence_id for d in later] == [built.occ[3]]
    await storage.change_confirmation(
        built.occ[3], ANNA, Answer.NO, comment="", at=datetime(2026, 3, 29, 23, tzinfo=UTC)
    )
    assert await storage.attendance_due(ended_after=utc(29, 17), ended_before=utc(31, 0)) == []
