"""Insights, number by number, against hand computations on the ledger of
``insights_ledger.py`` (a Berlin team over the week DST began, a member who left).

Times to answer (seconds) in the window, from the table there:
occ1 600 (Anna), 16200 (Boris), 18000 (Dmitri); occ2 1200 (Anna), 3600 (Eva, from the
chat); occ3 300 (Anna), 3600 (Boris).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from maxremind.core.insights import Answers, Attendance, Durations, Reach
from maxremind.domain.models import Answer, Language, Role
from maxremind.services.errors import PermissionDenied
from maxremind.services.insights import InsightsRefused, InsightsService
from maxremind.storage import Storage
from tests.pg import ADAPTERS, adapter_storage
from tests.services.insights_ledger import (
    ANNA,
    BORIS,
    CLARA,
    DMITRI,
    EVA,
    NOW,
    OLGA,
    SINCE,
    UNTIL,
    Built,
    build,
)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=ADAPTERS)
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    """Every number on both adapters (Postgres when MAXREMIND_TEST_POSTGRES_URL is set)."""
    async with adapter_storage(request.param, tmp_path / "insights.db") as store:
        yield store


@pytest.fixture
async def built(storage: Storage) -> Built:
    return await build(storage)


@pytest.fixture
def service(storage: Storage) -> InsightsService:
    return InsightsService(storage, clock=Clock(NOW))


async def test_each_date_of_the_window_number_by_number(
    service: InsightsService, built: Built
) -> None:
    got = await service.team(built.team_id, OLGA, since=SINCE, until=UNTIL)
    # newest first; occ0 is before the window, the newsletter asks for nothing
    assert [o.occurrence_id for o in got.occurrences] == [built.occ[3], built.occ[2], built.occ[1]]
    occ3, occ2, occ1 = got.occurrences

    assert occ1.reach == Reach(sent=4, delivered=3, unreachable=1, failed=0, pending=0)
    assert occ1.answers == Answers(yes=2, no=1, maybe=0, none=0)
    assert occ1.time_to_answer == Durations(3, 16200.0, 18000.0)
    assert (occ1.quorum, occ1.quorum_met) == (2, True)
    assert (occ1.nudges, occ1.answered_after_nudge) == (2, 2)
    assert occ1.attendance == Attendance(marked=2, came=1, no_show=1)
    assert occ1.local_start == datetime(2026, 3, 26, 18, 0)

    # Clara unreachable, Dmitri failed, the chat delivered; Eva answered from the chat
    assert occ2.reach == Reach(sent=5, delivered=3, unreachable=1, failed=1, pending=0)
    assert occ2.answers == Answers(yes=1, no=0, maybe=1, none=1)
    assert occ2.time_to_answer == Durations(2, 2400.0, 3600.0)
    assert occ2.quorum_met is False
    assert (occ2.nudges, occ2.answered_after_nudge) == (1, 0)
    assert occ2.attendance == Attendance()
    assert occ2.local_start == datetime(2026, 3, 29, 18, 0)  # CEST, one hour more than CET

    assert occ3.reach == Reach(sent=3, delivered=3)
    assert occ3.answers == Answers(yes=1, no=1, maybe=0, none=1)
    assert occ3.time_to_answer == Durations(2, 1950.0, 3600.0)
    assert occ3.quorum_met is False
    assert occ3.local_start == datetime(2026, 3, 30, 0, 30)


async def test_totals_of_the_window(service: InsightsService, built: Built) -> None:
    totals = (await service.team(built.team_id, OLGA, since=SINCE, until=UNTIL)).totals
    assert (totals.occurrences, totals.events) == (3, 1)
    assert totals.reach == Reach(sent=12, delivered=9, unreachable=2, failed=1, pending=0)
    assert totals.answers == Answers(yes=4, no=2, maybe=1, none=2)
    assert totals.answers.rate == pytest.approx(7 / 9)
    assert totals.answers.yes_rate == pytest.approx(4 / 7)
    # [300, 600, 1200, 3600, 3600, 16200, 18000]: the 4th; p90 the 7th (ceil 6.3)
    assert totals.time_to_answer == Durations(7, 3600.0, 18000.0)
    assert (totals.quorum_checked, totals.quorum_met) == (3, 1)
    assert totals.nudges == 3
    assert totals.attendance == Attendance(marked=2, came=1, no_show=1)


async def test_weeks_start_on_monday_in_the_team_zone_across_dst(
    service: InsightsService, built: Built
) -> None:
    got = await service.team(built.team_id, OLGA, since=SINCE, until=UNTIL)
    assert [w.week_start for w in got.weeks] == [date(2026, 3, 23), date(2026, 3, 30)]
    first, second = got.weeks
    # occ1 and occ2; occ3 is Sunday in UTC but Monday 00:30 in Berlin: the next week
    assert (first.asked, first.answered) == (6, 5)
    assert first.time_to_answer == Durations(5, 3600.0, 18000.0)
    assert (second.asked, second.answered) == (3, 2)
    assert second.rate == pytest.approx(2 / 3)
    assert second.time_to_answer == Durations(2, 1950.0, 3600.0)


async def test_weekday_and_hour_of_the_first_reminder_in_the_team_zone(
    service: InsightsService, built: Built
) -> None:
    got = await service.team(built.team_id, OLGA, since=SINCE, until=UNTIL)
    cells = {(s.weekday, s.hour): (s.asked, s.answered) for s in got.slots}
    # 09:00 UTC Thursday = 10:00 CET; 08:00 UTC Sunday = 10:00 CEST (after the change);
    # 16:00 UTC Sunday = 18:00 CEST.  Anna's own zone (Vladivostok) does not matter.
    assert cells == {(3, 10): (3, 3), (6, 10): (3, 2), (6, 18): (3, 2)}
    sunday_morning = next(s for s in got.slots if (s.weekday, s.hour) == (6, 10))
    assert sunday_morning.time_to_answer == Durations(2, 2400.0, 3600.0)


async def test_members_with_the_one_who_left(service: InsightsService, built: Built) -> None:
    got = await service.team(built.team_id, OLGA, since=SINCE, until=UNTIL)
    members = {m.user_id: m for m in got.members}
    assert CLARA not in members  # never reached, never answered: never asked
    assert [m.user_id for m in got.members] == [DMITRI, BORIS, ANNA, EVA]  # lowest rate first

    anna = members[ANNA]
    assert (anna.asked, anna.answered, anna.yes, anna.no, anna.maybe) == (3, 3, 2, 0, 1)
    assert anna.answer_rate == 1.0
    assert anna.yes_rate == pytest.approx(2 / 3)
    assert anna.median_s == 600.0  # [300, 600, 1200]
    assert (anna.marked_yes, anna.no_shows, anna.no_show_rate) == (1, 0, 0.0)

    boris = members[BORIS]
    assert (boris.asked, boris.answered, boris.yes, boris.no) == (3, 2, 1, 1)
    assert boris.median_s == 9900.0  # (3600 + 16200) / 2
    assert (boris.marked_yes, boris.no_shows, boris.no_show_rate) == (1, 1, 1.0)

    dmitri = members[DMITRI]
    assert dmitri.former and dmitri.name == "Dmitri"
    assert (dmitri.asked, dmitri.answered, dmitri.no, dmitri.median_s) == (2, 1, 1, 18000.0)
    assert dmitri.yes_rate == 0.0
    assert dmitri.no_show_rate is None  # never said yes

    eva = members[EVA]
    assert (eva.asked, eva.answered, eva.yes, eva.median_s) == (1, 1, 1, 3600.0)
    assert not eva.former


async def test_a_group_counts_the_people_in_it_now(service: InsightsService, built: Built) -> None:
    got = await service.team(built.team_id, OLGA, since=SINCE, until=UNTIL, group_id=built.group_id)
    assert got.totals.answers == Answers(yes=3, no=1, maybe=1, none=1)
    assert {m.user_id for m in got.members} == {ANNA, BORIS}
    # chats are left out of a group's reach
    assert got.totals.reach == Reach(sent=6, delivered=6)


async def test_one_event_over_its_dates(service: InsightsService, built: Built) -> None:
    got = await service.event(built.event_id, OLGA, since=SINCE, until=UNTIL)
    assert got.title == "Training" and got.quorum == 2
    assert got.totals.answers == Answers(yes=4, no=2, maybe=1, none=2)
    assert len(got.occurrences) == 3
    other = await service.event(built.other_event_id, OLGA, since=SINCE, until=UNTIL)
    assert other.empty and other.totals.answers.rate is None


async def test_the_default_window_is_twelve_weeks_to_now(
    service: InsightsService, built: Built
) -> None:
    got = await service.team(built.team_id, OLGA)
    # to the next whole minute, so that asks within a minute share one read
    assert got.until == NOW + timedelta(minutes=1)
    assert got.since == got.until - timedelta(weeks=12)
    assert got.totals.occurrences == 4  # occ0 too
    assert len(got.weeks) == 13  # the partial weeks at both ends included
    assert got.weeks[-1].week_start == date(2026, 4, 6)


async def test_a_team_with_no_events_has_empty_numbers(storage: Storage) -> None:
    await storage.upsert_user(1, name="Solo", username=None)
    team = await storage.create_team(
        "Empty", timezone="Europe/Moscow", language=Language.RU, created_by=1
    )
    await storage.add_member(team.id, 1, Role.OWNER)
    got = await InsightsService(storage, clock=Clock(NOW)).team(team.id, 1)
    assert got.empty and got.occurrences == () and got.members == () and got.slots == ()
    assert got.totals.answers.rate is None and got.totals.time_to_answer == Durations()
    assert all(w.asked == 0 and w.rate is None for w in got.weeks)
    summary = await InsightsService(storage, clock=Clock(NOW)).summary(team.id, 1)
    assert summary.me.asked == 0 and summary.me.answer_rate is None and summary.worst == ()


async def test_who_sees_what(service: InsightsService, built: Built) -> None:
    with pytest.raises(PermissionDenied) as denied:
        await service.team(built.team_id, ANNA)
    assert denied.value.needed is Role.ORGANIZER
    with pytest.raises(PermissionDenied) as denied:
        await service.team(built.team_id, DMITRI)  # left the team
    assert denied.value.needed is Role.MEMBER
    assert (await service.team(built.team_id, EVA)).members  # organizers see everyone
    mine = await service.member(built.team_id, ANNA, since=SINCE, until=UNTIL)
    assert (mine.user_id, mine.asked, mine.answered) == (ANNA, 3, 3)
    with pytest.raises(PermissionDenied):
        await service.member(built.team_id, ANNA, BORIS)
    boris = await service.member(built.team_id, EVA, BORIS, since=SINCE, until=UNTIL)
    assert boris.median_s == 9900.0
    # Eva's own numbers: her answer from the chat is timed from the chat's reminder
    eva = await service.member(built.team_id, EVA, since=SINCE, until=UNTIL)
    assert (eva.asked, eva.answered, eva.median_s) == (1, 1, 3600.0)
    with pytest.raises(PermissionDenied):
        await service.event(built.event_id, BORIS)


async def test_the_owner_turns_per_member_statistics_off(
    service: InsightsService, built: Built
) -> None:
    with pytest.raises(PermissionDenied) as denied:
        await service.set_member_stats(built.team_id, EVA, False)
    assert denied.value.needed is Role.OWNER
    settings = await service.set_member_stats(built.team_id, OLGA, False)
    assert not settings.member_stats
    got = await service.team(built.team_id, EVA, since=SINCE, until=UNTIL)
    assert got.members == () and got.members_hidden
    assert got.totals.answers.answered == 7  # the team's numbers stay
    with pytest.raises(InsightsRefused) as refused:
        await service.member(built.team_id, EVA, BORIS)
    assert refused.value.reason == "member_stats_off"
    mine = await service.member(built.team_id, BORIS, since=SINCE, until=UNTIL)
    assert mine.asked == 3  # one's own numbers stay visible
    summary = await service.summary(built.team_id, OLGA)
    assert summary.worst == () and summary.members_hidden


async def test_stats_summary_for_an_organizer_and_for_a_member(
    service: InsightsService, built: Built
) -> None:
    # the last 28 days to 6 April 12:00 UTC take occ0 in as well
    organizer = await service.summary(built.team_id, OLGA)
    assert organizer.sees_team and organizer.totals is not None
    assert organizer.totals.occurrences == 4
    assert organizer.totals.answers == Answers(yes=5, no=2, maybe=1, none=2)
    # Dmitri (1 of 2) left; Boris answered 2 of 3; Anna and Eva all
    assert [m.user_id for m in organizer.worst] == [BORIS]
    member = await service.summary(built.team_id, ANNA)
    assert not member.sees_team and member.totals is None and member.worst == ()
    assert (member.me.asked, member.me.answered, member.me.yes) == (4, 4, 3)


async def test_who_came_checklist(service: InsightsService, built: Built, storage: Storage) -> None:
    checklist = await service.checklist(built.occ[1], OLGA)
    assert [(r.name, r.came) for r in checklist.rows] == [("Anna", True), ("Boris", False)]
    again = await service.mark(built.occ[1], OLGA, BORIS, True)
    assert again.came == 2
    assert (await service.mark(built.occ[1], OLGA, BORIS, True)).came == 2  # idempotent
    assert not await storage.set_attendance(
        built.occ[1], BORIS, True, marked_by=OLGA, at=NOW
    )  # nothing changed
    toggled = await service.toggle(built.occ[1], OLGA, ANNA)
    assert [(r.name, r.came) for r in toggled.rows] == [("Anna", False), ("Boris", True)]
    cleared = await service.mark(built.occ[1], OLGA, ANNA, None)
    assert cleared.rows[0].came is None and cleared.marked == 1
    with pytest.raises(InsightsRefused) as refused:
        await service.mark(built.occ[1], OLGA, DMITRI, True)  # said no
    assert refused.value.reason == "not_yes"
    with pytest.raises(PermissionDenied):
        await service.checklist(built.occ[1], EVA)  # an organizer, not of this event
    # a date that has not started has no checklist yet
    early = InsightsService(storage, clock=Clock(datetime(2026, 3, 26, 16, 0, tzinfo=UTC)))
    with pytest.raises(InsightsRefused) as refused:
        await early.checklist(built.occ[1], OLGA)
    assert refused.value.reason == "not_started"
    # the marks feed the members' no-shows
    got = await service.team(built.team_id, OLGA, since=SINCE, until=UNTIL)
    assert got.totals.attendance == Attendance(marked=1, came=1, no_show=0)


async def test_digest_settings_and_subscriptions(service: InsightsService, built: Built) -> None:
    settings = await service.settings(built.team_id, EVA)
    assert (settings.digest_weekday, settings.digest_time) == (0, time(9, 0))
    assert settings.can_subscribe and not settings.subscribed
    assert not settings.can_change_privacy and not settings.can_change_digest_time
    with pytest.raises(PermissionDenied):
        await service.subscribe_digest(built.team_id, ANNA, True)
    assert (await service.subscribe_digest(built.team_id, EVA, True)).subscribed
    with pytest.raises(PermissionDenied):
        await service.set_digest_time(built.team_id, EVA, 4, time(17, 30))
    changed = await service.set_digest_time(built.team_id, OLGA, 4, time(17, 30))
    assert (changed.digest_weekday, changed.digest_time) == (4, time(17, 30))
    with pytest.raises(InsightsRefused):
        await service.set_digest_time(built.team_id, OLGA, 7, time(17, 30))
    assert not (await service.subscribe_digest(built.team_id, EVA, False)).subscribed


async def test_numbers_are_shared_until_something_is_written(
    service: InsightsService, built: Built, storage: Storage
) -> None:
    first = await service.team(built.team_id, OLGA, since=SINCE, until=UNTIL)
    shared = await service.team(built.team_id, EVA, since=SINCE, until=UNTIL)
    # (where other processes write too, as on Postgres, nothing is shared)
    assert (shared is first) == (storage.generation() is not None)
    # Boris answers occ2 after all: a write, so the next ask reads again
    await storage.set_confirmation(
        built.occ[2], BORIS, Answer.NO, comment="", at=datetime(2026, 3, 29, 13, tzinfo=UTC)
    )
    again = await service.team(built.team_id, OLGA, since=SINCE, until=UNTIL)
    assert again is not first
    assert again.totals.answers == Answers(yes=4, no=3, maybe=1, none=1)
    with pytest.raises(PermissionDenied):  # the rule is checked before anything is shared
        await service.team(built.team_id, ANNA, since=SINCE, until=UNTIL)
