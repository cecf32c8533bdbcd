"""Contract of the insights port, on every adapter: the grouped ledger read, who came,
statistics settings, digest subscriptions and the checklists due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from maxremind.domain.models import Answer, Role
from maxremind.storage import InvalidValue, NotFound, Storage
from maxremind.storage.ports.insights import AttendanceDue, InsightSettingsRow
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


async def test_the_ledger_grouped_per_recipient_and_date(storage: Storage) -> None:
    built = await build(storage)
    ledger = await storage.insight_ledger(built.team_id, since=SINCE, until=UNTIL)
    assert [o.occurrence_id for o in ledger.occurrences] == built.occ[1:]
    first = ledger.occurrences[0]
    assert (first.event_title, first.quorum, first.timezone) == ("Training", 2, "Europe/Berlin")
    assert first.local_start == datetime(2026, 3, 26, 18, 0)
    rows = {(r.occurrence_id, r.recipient_kind, r.recipient_id): r for r in ledger.asked}
    assert list(ledger.asked) == sorted(
        ledger.asked,
        key=lambda r: (built.occ.index(r.occurrence_id), r.recipient_kind, r.recipient_id),
    )
    occ1, occ2 = built.occ[1], built.occ[2]
    boris = rows[(occ1, "user", BORIS)]
    assert (boris.deliveries, boris.sent, boris.sent_before_answer) == (2, 2, 2)
    assert boris.first_sent_ms == ms(utc(26, 9))
    assert (boris.answer, boris.answered_ms, boris.came) == ("yes", ms(utc(26, 13, 30)), False)
    anna = rows[(occ1, "user", ANNA)]
    assert (anna.sent, anna.sent_before_answer, anna.came) == (1, 1, True)
    clara = rows[(occ1, "user", CLARA)]
    assert (clara.sent, clara.unreachable, clara.answer, clara.first_sent_ms) == (0, 1, None, None)
    dmitri = rows[(occ2, "user", DMITRI)]
    assert (dmitri.failed, dmitri.sent) == (1, 0)
    chat = rows[(occ2, "chat", CHAT)]
    assert (chat.sent, chat.first_sent_ms, chat.answer) == (1, ms(utc(29, 8)), None)
    # Eva answered from the chat: a row without deliveries
    eva = rows[(occ2, "user", EVA)]
    assert (eva.deliveries, eva.sent, eva.answer, eva.answered_ms) == (0, 0, "yes", ms(utc(29, 9)))
    boris2 = rows[(occ2, "user", BORIS)]
    assert (boris2.sent, boris2.sent_before_answer, boris2.answer) == (2, 2, None)
    one_event = await storage.insight_ledger(
        built.team_id, since=SINCE, until=UNTIL, event_id=built.other_event_id
    )
    assert one_event.occurrences == () and one_event.asked == ()
    nothing = await storage.insight_ledger(999_999, since=SINCE, until=UNTIL)
    assert nothing.occurrences == ()


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
