"""The web's read models on a real SQLite file with a fixed clock: who sees what on the
dashboard, the events list and an event's page, hand-computed counts, and the preview
of an unsaved event across time zones, quiet hours and a DST date."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    DeliveryStatus,
    EventKind,
    EventStatus,
    QuietHoursSpec,
    ReminderSpec,
    ReminderTarget,
    Role,
)
from maxremind.maxapi.errors import Forbidden, ServerError
from maxremind.services.agenda import AgendaService
from maxremind.services.events import EventRejected, PermissionDenied
from maxremind.services.overview import (
    EventFilters,
    OverviewService,
    ProblemKind,
)
from tests.engine.conftest import Env
from tests.engine.test_engine import spec

OUTSIDER = 900
# The reminders of events created below (tomorrow 10:00 MSK = 07:00 UTC, an hour
# before) are due at 06:00 UTC.
DUE = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def entries(kind: AudienceKind, *refs: int) -> tuple[AudienceEntry, ...]:
    return tuple(AudienceEntry(kind, r) for r in refs)


async def three_events(env: Env) -> tuple[int, int, int]:
    """A: the whole team, by the owner; B: only member 102, organized by 101 (an
    organizer); C: a group of 103 and 104, by the owner."""
    organizer = env.members[0]
    await env.storage.set_member_role(env.team_id, organizer, Role.ORGANIZER)
    group = await env.storage.create_group(env.team_id, "Склад")
    await env.storage.add_to_group(group.id, env.members[2:4])
    a = await env.events.create(spec(env, title="Общее", confirm_required=True))
    b = await env.events.create(
        spec(
            env,
            title="Разговор",
            organizer_id=organizer,
            audience=entries(AudienceKind.MEMBER, env.members[1]),
        )
    )
    c = await env.events.create(
        spec(
            env,
            title="Склад",
            start_local=datetime(2026, 11, 27, 10, 0),
            audience=entries(AudienceKind.GROUP, group.id),
        )
    )
    return a.id, b.id, c.id


async def test_dashboard_counts_and_who_sees_what(env: Env) -> None:
    a, b, c = await three_events(env)
    overview = OverviewService(env.storage, clock=env.clock)
    agenda = AgendaService(env.storage, clock=env.clock)
    occ_a = (await env.storage.list_occurrences(a))[0].id
    m101, m102, m103, m104, m105 = env.members
    for who, answer in ((m101, Answer.YES), (m102, Answer.NO), (m103, Answer.MAYBE)):
        await env.storage.set_confirmation(occ_a, who, answer, comment="", at=env.clock())
    await env.run_until(DUE)

    board = await overview.dashboard(env.owner, env.team_id)
    assert board.sees_all and board.now == DUE
    assert [(u.event.id, u.event.title) for u in board.upcoming] == [
        (a, "Общее"),
        (b, "Разговор"),
        (c, "Склад"),
    ]
    first = board.upcoming[0]
    assert first.occurrence_id == occ_a and first.can_manage
    assert first.local_start == datetime(2026, 11, 26, 10, 0)
    counts = first.counts
    assert counts is not None
    # Six people (the owner and five members), all reminded at 06:00; three answered.
    assert (counts.audience, counts.people, counts.sent, counts.reached) == (6, 6, 6, 6)
    assert (counts.yes, counts.no, counts.maybe, counts.no_answer) == (1, 1, 1, 3)
    assert (counts.pending, counts.failed, counts.unreachable) == (0, 0, 0)
    b_counts = board.upcoming[1].counts
    assert b_counts is not None and (b_counts.audience, b_counts.sent, b_counts.no_answer) == (
        1,
        1,
        1,
    )
    # C is the day after: its reminder is not due yet.
    c_counts = board.upcoming[2].counts
    assert c_counts is not None and (c_counts.audience, c_counts.sent, c_counts.pending) == (
        2,
        0,
        0,
    )

    # A plain member sees what they are invited to, with their own answer and no counts.
    mine = await overview.dashboard(m102, env.team_id)
    assert not mine.sees_all
    assert [(u.event.id, u.my_answer, u.counts, u.can_manage) for u in mine.upcoming] == [
        (a, Answer.NO, None, False),
        (b, None, None, False),
    ]
    assert mine.problems == () and mine.fanouts == ()
    # An organizer (the role) sees the events they organize or are invited to; counts
    # only for their own.  C is neither: the agenda's rule hides it from them.
    org = await overview.dashboard(m101, env.team_id)
    assert [(u.event.id, u.counts is not None) for u in org.upcoming] == [(a, False), (b, True)]
    assert [u.event.id for u in (await overview.dashboard(m104, env.team_id)).upcoming] == [a, c]
    # The dashboard agrees with AgendaService.visible_event for everybody.
    for viewer in [env.owner, *env.members]:
        seen = {u.event.id for u in (await overview.dashboard(viewer, env.team_id)).upcoming}
        assert seen == {
            e for e in (a, b, c) if await agenda.visible_event(e, viewer) is not None
        }, viewer
    with pytest.raises(PermissionDenied):
        await overview.dashboard(OUTSIDER, env.team_id)
    assert m105 in env.members


async def test_a_dashboard_is_shared_until_a_write_or_a_second_later(env: Env) -> None:
    a, _, _ = await three_events(env)
    overview = OverviewService(env.storage, clock=env.clock)
    occ_a = (await env.storage.list_occurrences(a))[0].id
    board = await overview.dashboard(env.owner, env.team_id)
    again = await asyncio.gather(*(overview.dashboard(env.owner, env.team_id) for _ in range(3)))
    assert all(b is board for b in again)  # nothing written: one read for all
    assert (await overview.dashboard(env.members[1], env.team_id)) is not board  # per viewer
    await env.storage.set_confirmation(occ_a, env.members[1], Answer.YES, comment="", at=DUE)
    after = await overview.dashboard(env.owner, env.team_id)
    assert after is not board
    first = after.upcoming[0].counts
    assert first is not None and first.yes == 1  # the write shows at once
    env.clock.advance(seconds=1)
    assert (await overview.dashboard(env.owner, env.team_id)) is not after
    # Inside a unit of work its own uncommitted writes count, and nothing is shared.
    async with env.storage.unit_of_work():
        await env.storage.set_confirmation(occ_a, env.members[2], Answer.NO, comment="", at=DUE)
        inside = await overview.dashboard(env.owner, env.team_id)
        counts = inside.upcoming[0].counts
        assert counts is not None and counts.no == 1
        assert (await overview.dashboard(env.owner, env.team_id)) is not inside


async def test_fanout_in_flight_and_problems_first(env: Env) -> None:
    a, b, _ = await three_events(env)
    overview = OverviewService(env.storage, clock=env.clock)
    m101, m102, _, _, m105 = env.members
    env.sender.fail[m102] = ServerError("boom", status=503)  # retried a few seconds later
    env.sender.fail[m105] = Forbidden("dialog.denied", status=403, code="dialog.denied")
    await env.run_until(DUE)

    board = await overview.dashboard(env.owner, env.team_id)
    (flight,) = [f for f in board.fanouts if f.event_id == a]
    # A went to six: four sent, 102 waits for a retry, 105 stopped the bot.
    assert (flight.total, flight.sent, flight.pending, flight.failed) == (6, 4, 1, 1)
    assert flight.due_at == DUE and flight.target is ReminderTarget.ALL
    # B's only recipient is 102 too: in flight, and its organizer sees it.
    (b_flight,) = [f for f in board.fanouts if f.event_id == b]
    assert (b_flight.total, b_flight.sent, b_flight.pending) == (1, 0, 1)
    org = await overview.dashboard(m101, env.team_id)
    assert [f.event_id for f in org.fanouts] == [b]
    assert (await overview.dashboard(m102, env.team_id)).fanouts == ()

    kinds = [(p.kind, p.subject, p.user_id) for p in board.problems]
    assert (ProblemKind.UNREACHABLE_MEMBER, "Участник 5", m105) in kinds
    detail = await overview.event_detail(env.owner, a)
    assert detail is not None and detail.counts is not None
    assert (detail.counts.unreachable, detail.counts.planned, detail.counts.sent) == (1, 1, 4)

    del env.sender.fail[m102]
    env.clock.advance(seconds=30)
    await env.run()
    board = await overview.dashboard(env.owner, env.team_id)
    assert board.fanouts == ()


async def test_problems_empty_audience_and_removed_chat(env: Env) -> None:
    overview = OverviewService(env.storage, clock=env.clock)
    organizer = env.members[0]
    await env.storage.set_member_role(env.team_id, organizer, Role.ORGANIZER)
    group = await env.storage.create_group(env.team_id, "Ночная смена")
    await env.storage.add_to_group(group.id, [env.members[4]])
    lonely = await env.events.create(
        spec(
            env,
            title="Ночная",
            organizer_id=organizer,
            audience=entries(AudienceKind.GROUP, group.id),
        )
    )
    await env.storage.remove_from_group(group.id, [env.members[4]])
    await env.storage.upsert_chat(-10, title="Общий чат", chat_type="chat", added_by=env.owner)
    await env.storage.link_chat(-10, env.team_id, None)
    await env.storage.deactivate_chat(-10)
    await env.storage.add_audit(
        team_id=env.team_id,
        actor_id=None,
        action="chat.unlink",
        subject="chat:-10",
        at=env.clock(),
    )
    board = await overview.dashboard(env.owner, env.team_id)
    assert [(p.kind, p.subject, p.event_id, p.chat_id) for p in board.problems] == [
        (ProblemKind.EMPTY_AUDIENCE, "Ночная", lonely.id, None),
        (ProblemKind.CHAT_REMOVED, "Общий чат", None, -10),
    ]
    # The organizer sees the problem of their own event, nothing of the team's.
    theirs = await overview.dashboard(organizer, env.team_id)
    assert [(p.kind, p.event_id) for p in theirs.problems] == [
        (ProblemKind.EMPTY_AUDIENCE, lonely.id)
    ]
    assert (await overview.dashboard(env.members[1], env.team_id)).problems == ()


async def test_events_list_pages_filters_and_visibility(env: Env) -> None:
    a, b, c = await three_events(env)
    overview = OverviewService(env.storage, clock=env.clock)
    later = await env.events.create(
        spec(env, title="Отчёт за месяц", start_local=datetime(2026, 12, 20, 10, 0))
    )
    occ_a = (await env.storage.list_occurrences(a))[0].id
    await env.storage.set_confirmation(occ_a, env.members[1], Answer.YES, comment="", at=DUE)

    page = await overview.events(env.owner, env.team_id, per_page=3)
    assert [r.event.id for r in page.items] == [a, b, c]
    assert (page.total, page.pages, page.page) == (4, 2, 1)
    assert [r.audience for r in page.items] == [6, 1, 2]
    assert all(r.can_manage and r.counts is not None for r in page.items)
    assert page.items[0].counts is not None and page.items[0].counts.yes == 1
    second = await overview.events(env.owner, env.team_id, page=2, per_page=3)
    assert [r.event.id for r in second.items] == [later.id] and second.total == 4

    found = await overview.events(env.owner, env.team_id, EventFilters(text="ОТЧЕТ"))
    assert [r.event.id for r in found.items] == [later.id]
    window = EventFilters(starts_from=DUE, starts_to=datetime(2026, 11, 27, tzinfo=UTC))
    assert [r.event.id for r in (await overview.events(env.owner, env.team_id, window)).items] == [
        a,
        b,
    ]

    member = await overview.events(env.members[1], env.team_id)
    assert [(r.event.id, r.my_answer, r.counts) for r in member.items] == [
        (a, Answer.YES, None),
        (b, None, None),
        (later.id, None, None),
    ]
    await env.events.cancel(c, actor_id=env.owner)
    cancelled = EventFilters(status=EventStatus.CANCELLED)
    assert [
        r.event.id for r in (await overview.events(env.owner, env.team_id, cancelled)).items
    ] == [c]
    # A cancelled event stays with whoever may manage it, not with those invited.
    assert (await overview.events(env.members[2], env.team_id, cancelled)).items == ()
    assert [
        r.event.id
        for r in (
            await overview.events(
                env.owner, env.team_id, EventFilters(status=None, kind=EventKind.EVENT)
            )
        ).items
    ] == [a, b, later.id, c]
    with pytest.raises(PermissionDenied):
        await overview.events(OUTSIDER, env.team_id)


async def test_event_page_for_managers_and_members(env: Env) -> None:
    a, b, c = await three_events(env)
    overview = OverviewService(env.storage, clock=env.clock)
    m101, m102, m103, m104, m105 = env.members
    occ_c = (await env.storage.list_occurrences(c))[0]
    # C was planned for 103 and 104; then 104 leaves the group and 105 joins it.
    group = (await env.storage.list_groups(env.team_id))[0]
    await env.storage.remove_from_group(group.id, [m104])
    await env.storage.add_to_group(group.id, [m105])
    first, second = DUE, DUE + timedelta(minutes=30)
    await env.storage.set_confirmation(occ_c.id, m103, Answer.YES, comment="", at=first)
    await env.storage.set_confirmation(occ_c.id, m105, Answer.NO, comment="", at=second)
    await env.storage.set_confirmation(occ_c.id, m104, Answer.YES, comment="", at=second)
    env.clock.now = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    await env.run()

    assert await overview.event_detail(m101, c) is None  # neither invited nor managing
    assert await overview.event_detail(OUTSIDER, c) is None
    seen = await overview.event_detail(m103, c)
    assert seen is not None and seen.invited and not seen.can_manage
    assert seen.my_answer is Answer.YES and seen.occurrence == occ_c
    assert (seen.roster, seen.counts, seen.ledger, seen.timeline, seen.changes) == (
        None,
        None,
        None,
        None,
        None,
    )

    page = await overview.event_detail(env.owner, c, page=1, per_page=1)
    assert page is not None and page.can_manage and not page.invited
    assert page.occurrence == occ_c and page.audience == 2
    assert page.roster is not None
    assert (page.roster.yes, page.roster.no, page.roster.silent) == (
        ["Участник 3"],
        ["Участник 5"],
        [],
    )
    assert page.counts is not None
    # 104's answer no longer counts: they left the audience.
    assert (page.counts.yes, page.counts.no, page.counts.no_answer, page.counts.sent) == (
        1,
        1,
        0,
        2,
    )
    assert page.ledger is not None and page.ledger.total == 3 and len(page.ledger.items) == 1
    everyone = await overview.event_detail(env.owner, c, per_page=10)
    assert everyone is not None and everyone.ledger is not None
    rows = {(r.recipient_name, r.status, r.skip_reason, r.note) for r in everyone.ledger.items}
    assert rows == {
        ("Участник 3", DeliveryStatus.SENT, None, None),
        ("Участник 5", DeliveryStatus.SENT, None, "joined the audience after planning"),
        ("Участник 4", DeliveryStatus.SKIPPED, "left the audience after planning", None),
    }
    assert page.timeline is not None
    assert [(p.at, p.yes, p.no, p.maybe) for p in page.timeline] == [
        (first, 1, 0, 0),
        (second, 1, 1, 0),
    ]
    assert page.changes is not None and page.changes.planned == 2
    assert [(p.user_id, p.name) for p in page.changes.joined] == [(m105, "Участник 5")]
    assert [(p.user_id, p.name) for p in page.changes.left] == [(m104, "Участник 4")]
    assert [o.id for o in page.dates] == [occ_c.id]
    assert (page.roster.yes_ids, page.roster.no_ids, page.roster.silent_ids) == (
        [m103],
        [m105],
        [],
    )
    # A page names only the first people of each answer; the id lists hold everybody.
    named = await overview.event_detail(env.owner, c, names=0)
    assert named is not None and named.roster is not None
    assert (named.roster.yes, named.roster.no) == ([], [])
    assert (named.roster.yes_ids, named.roster.no_ids) == ([m103], [m105])
    assert named.counts == page.counts and named.audience == page.audience

    # A date of another event is not this page's; a cancelled event stays with its managers.
    occ_a = (await env.storage.list_occurrences(a))[0]
    assert await overview.event_detail(env.owner, c, occ_a.id) is None
    assert await overview.event_detail(env.owner, c, "nope") is None
    await env.events.cancel(b, actor_id=m101)
    assert await overview.event_detail(m102, b) is None
    gone = await overview.event_detail(m101, b)
    assert gone is not None and gone.event.status is EventStatus.CANCELLED and gone.can_manage


async def test_preview_across_zones_quiet_hours_and_dst(env: Env) -> None:
    """A weekly Sunday 10:00 in Berlin from 2027-03-21; on 2027-03-28 Berlin moves to
    summer time (Moscow does not), so the same event comes an hour earlier for Moscow."""
    overview = OverviewService(env.storage, clock=env.clock)
    m101, m102, _, _, m105 = env.members
    await env.storage.update_user(
        m101, timezone="Europe/Berlin", quiet_hours=QuietHoursSpec("22:00", "09:00")
    )
    await env.storage.update_user(m102, quiet_hours=QuietHoursSpec("08:00", "12:00"))
    await env.storage.set_user_reachable(m105, False, "stopped the bot")
    weekly = spec(
        env,
        title="Воскресная",
        start_local=datetime(2027, 3, 21, 10, 0),
        timezone="Europe/Berlin",
        rrule="FREQ=WEEKLY;BYDAY=SU",
        reminders=(
            ReminderSpec(offset=timedelta(days=1)),
            ReminderSpec(offset=timedelta(hours=2)),
            ReminderSpec(offset=timedelta(hours=1), target=ReminderTarget.ORGANIZER_SUMMARY),
        ),
    )
    preview = await overview.preview(weekly, count=2)
    assert (preview.people, preview.unreachable, preview.chats) == (5, 1, 0)
    assert [(b.timezone, b.quiet_hours, b.people) for b in preview.buckets] == [
        ("Europe/Berlin", "22:00-09:00", 1),
        ("Europe/Moscow", None, 3),  # the owner, 103 and 104 on the team's clock
        ("Europe/Moscow", "08:00-12:00", 1),
    ]
    one, two = preview.occurrences
    assert (one.starts_at, one.dst_change) == (datetime(2027, 3, 21, 9, 0, tzinfo=UTC), False)
    assert (two.starts_at, two.dst_change) == (datetime(2027, 3, 28, 8, 0, tzinfo=UTC), True)
    assert two.local_start == datetime(2027, 3, 28, 10, 0) and two.adjustment == "none"

    def sends(step: object) -> list[tuple[str, datetime, bool, str, bool]]:
        return [
            (s.quiet_hours or s.timezone, s.local_send, s.moved, s.reason, s.dst_change)
            for s in step.sends  # type: ignore[attr-defined]
        ]

    day_before, two_hours, summary = one.reminders
    # The day before at 10:00 Berlin (09:00 UTC): 12:00 in Moscow, just past 08-12.
    assert day_before.due_at == datetime(2027, 3, 20, 9, 0, tzinfo=UTC)
    assert sends(day_before) == [
        ("22:00-09:00", datetime(2027, 3, 20, 10, 0), False, "outside_quiet_hours", False),
        ("Europe/Moscow", datetime(2027, 3, 20, 12, 0), False, "no_quiet_hours", False),
        ("08:00-12:00", datetime(2027, 3, 20, 12, 0), False, "outside_quiet_hours", False),
    ]
    # Two hours before (07:00 UTC): 08:00 in Berlin is quiet until 09:00, which is still
    # before the start: held.  10:00 in Moscow is quiet until 12:00, after the start:
    # sent the minute before the quiet hours begin, 07:59.
    assert two_hours.due_at == datetime(2027, 3, 21, 7, 0, tzinfo=UTC)
    assert sends(two_hours) == [
        ("22:00-09:00", datetime(2027, 3, 21, 9, 0), True, "held_until_quiet_end", False),
        ("Europe/Moscow", datetime(2027, 3, 21, 10, 0), False, "no_quiet_hours", False),
        ("08:00-12:00", datetime(2027, 3, 21, 7, 59), True, "sent_before_quiet_start", False),
    ]
    assert two_hours.sends[0].send_at == datetime(2027, 3, 21, 8, 0, tzinfo=UTC)
    assert two_hours.sends[2].send_at == datetime(2027, 3, 21, 4, 59, tzinfo=UTC)
    # The summary goes to the organizer on their clock, quiet hours or not.
    assert summary.target is ReminderTarget.ORGANIZER_SUMMARY
    assert sends(summary) == [
        ("Europe/Moscow", datetime(2027, 3, 21, 11, 0), False, "no_quiet_hours", False)
    ]
    assert summary.sends[0].people == 1

    day_before, two_hours, _ = two.reminders
    # The day before is still winter time in Berlin: 09:00 UTC again.
    assert day_before.due_at == datetime(2027, 3, 27, 9, 0, tzinfo=UTC)
    # On the switch day 08:00 Berlin is 06:00 UTC: 09:00 in Moscow, an hour earlier
    # than the week before, and every send that day is flagged.
    assert two_hours.due_at == datetime(2027, 3, 28, 6, 0, tzinfo=UTC)
    assert two_hours.local_due == datetime(2027, 3, 28, 8, 0)
    assert sends(two_hours) == [
        ("22:00-09:00", datetime(2027, 3, 28, 9, 0), True, "held_until_quiet_end", True),
        ("Europe/Moscow", datetime(2027, 3, 28, 9, 0), False, "no_quiet_hours", True),
        ("08:00-12:00", datetime(2027, 3, 28, 7, 59), True, "sent_before_quiet_start", True),
    ]
    assert two_hours.sends[0].send_at == datetime(2027, 3, 28, 7, 0, tzinfo=UTC)
    assert not any(r.past for o in preview.occurrences for r in o.reminders)

    # Urgent events ignore quiet hours; a member-only event in Moscow sees no DST at all.
    urgent = await overview.preview(replace(weekly, urgent=True), count=1)
    assert [s.reason for s in urgent.occurrences[0].reminders[1].sends] == ["urgent"] * 3
    moscow = await overview.preview(
        spec(
            env,
            start_local=datetime(2027, 3, 28, 10, 0),
            audience=entries(AudienceKind.MEMBER, env.members[2]),
        )
    )
    (only,) = moscow.occurrences
    assert not only.dst_change and not only.reminders[0].sends[0].dst_change
    # A member in Berlin flags the date even for an event on Moscow time.
    berlin = await overview.preview(
        spec(
            env,
            start_local=datetime(2027, 3, 28, 10, 0),
            audience=entries(AudienceKind.MEMBER, m101),
        )
    )
    assert not berlin.occurrences[0].dst_change
    assert berlin.occurrences[0].reminders[0].sends[0].dst_change

    for zone in ("Mars/Olympus", "Europe", "x" * 3000):  # a folder of the zone database too
        with pytest.raises(EventRejected) as bad_zone:
            await overview.preview(spec(env, timezone=zone))
        assert bad_zone.value.reason == "bad_timezone"
    with pytest.raises(EventRejected) as bad_rule:
        await overview.preview(spec(env, rrule="FREQ=SOMETIMES"))
    assert bad_rule.value.reason == "never_fires"


async def test_preview_of_an_announcement_and_a_missing_group(env: Env) -> None:
    overview = OverviewService(env.storage, clock=env.clock)
    group = await env.storage.create_group(env.team_id, "Временная")
    await env.storage.delete_group(group.id)
    note = spec(
        env,
        kind=EventKind.ANNOUNCEMENT,
        audience=(AudienceEntry(AudienceKind.TEAM), *entries(AudienceKind.GROUP, group.id)),
    )
    preview = await overview.preview(note)
    (now,) = preview.occurrences
    # Sent at once: one message at the start, which is now (to the second).
    assert now.starts_at == env.clock() and len(now.reminders) == 1
    assert now.reminders[0].due_at == env.clock()
    assert preview.missing == entries(AudienceKind.GROUP, group.id)
    assert preview.people == 6
    assert await overview.preview(note, count=0) == replace(preview, occurrences=())


async def test_event_page_sees_a_write_from_the_next_request(env: Env) -> None:
    """Names and who joined or left since planning are kept between views while nothing
    is written; a rename and a change of the audience show from the next view."""
    _, _, c = await three_events(env)
    overview = OverviewService(env.storage, clock=env.clock)
    _, _, m103, m104, m105 = env.members
    env.clock.now = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    await env.run()
    page = await overview.event_detail(env.owner, c)
    assert page is not None and page.changes is not None and page.roster is not None
    assert (page.changes.joined, page.changes.left) == ((), ())
    assert page.roster.silent == ["Участник 3", "Участник 4"]
    again = await overview.event_detail(env.owner, c)
    assert again is not None and again.changes == page.changes

    await env.storage.upsert_user(m103, name="Переименован", username=None)
    group = (await env.storage.list_groups(env.team_id))[0]
    await env.storage.add_to_group(group.id, [m105])
    after = await overview.event_detail(env.owner, c)
    assert after is not None and after.changes is not None and after.roster is not None
    assert [p.user_id for p in after.changes.joined] == [m105]
    assert sorted(after.roster.silent) == ["Переименован", "Участник 4", "Участник 5"]
    assert m104 in after.roster.silent_ids

    # The event itself is shared between views too: a cancellation shows at once.
    await env.events.cancel(c, actor_id=env.owner)
    gone = await overview.event_detail(env.owner, c)
    assert gone is not None and gone.event.status is EventStatus.CANCELLED
