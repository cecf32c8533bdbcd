"""What the web shows: the dashboard, the events list, an event's page, and the preview
of an event form before it is saved.

Read models only; nothing here writes.  Lists come from the overview port's grouped
queries (a page costs a handful of statements whatever its size).  Who may see what is
:mod:`maxremind.services.agenda`'s rule, reused and never restated:

* a team's admins and owner see (and manage) every event of the team
  (``AgendaService.manages_team``); anybody else sees the events they organize and the
  active ones they are invited to — in lists the port's ``viewer_id`` filter, the SQL
  twin of the audience rule, pinned to it by the storage contract tests;
* an event's page is shown when ``AgendaService.visible_event`` allows it, or, for an
  event no longer active (cancelled, on hold), to someone who may manage it;
* counts, the roster, the ledger and the answers over time are for those who may
  manage the event (the bot shows rosters only to them as well); an invited member
  sees the event, its dates and their own answer.

The preview runs the planner's and the dispatcher's own rules (``domain.recurrence``,
``domain.escalation.due_before``, ``domain.quiet_hours.place_send_time`` and the
member clock of ``core.audience``) on a spec that is not saved.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from maxremind.core.audience import Resolved, member_clock, resolve_audience
from maxremind.domain.clock import Clock, utcnow
from maxremind.domain.escalation import due_before
from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    Confirmation,
    DeliveryStatus,
    Event,
    EventKind,
    EventStatus,
    NewEvent,
    Occurrence,
    OccurrenceStatus,
    ReminderSpec,
    ReminderTarget,
    Role,
    Team,
    User,
)
from maxremind.domain.quiet_hours import PlacementReason, parse_quiet_hours, place_send_time
from maxremind.domain.recurrence import RecurrenceError, expand
from maxremind.domain.rrule import parse_exdates
from maxremind.domain.wall_time import to_wall
from maxremind.domain.zones import UnknownTimezone, zone_named
from maxremind.services.agenda import AgendaService, Roster, role_manages_team
from maxremind.services.events import EventRejected, PermissionDenied, unsaved_event
from maxremind.services.sharing import Shared
from maxremind.storage import NotFound, Storage
from maxremind.storage.ports.overview import (
    AudienceSize,
    EventSummary,
    FanOut,
    LedgerRow,
    OccurrenceCounts,
)

__all__ = [
    "DASHBOARD_DAYS",
    "AnswerPoint",
    "AudienceChange",
    "Counts",
    "Dashboard",
    "EventDetail",
    "EventFilters",
    "EventRow",
    "EventSummary",
    "FanOut",
    "LedgerRow",
    "OverviewService",
    "Page",
    "Person",
    "Preview",
    "PreviewBucket",
    "PreviewOccurrence",
    "PreviewReminder",
    "PreviewSend",
    "Problem",
    "ProblemKind",
    "UpcomingItem",
]

DASHBOARD_DAYS = 14
UPCOMING_LIMIT = 30
# A fan-out is "in flight" when its deliveries go out now or within this.
FANOUT_WINDOW = timedelta(minutes=5)
# Failed sends older than this are no longer a problem to show.
PROBLEMS_SINCE = timedelta(days=7)
PROBLEMS_LIMIT = 50
MAX_PER_PAGE = 200
MAX_PREVIEW = 50
# Dates shown on an event's page for picking: from this long ago on.
DATES_BACK = timedelta(days=90)
_FAR = timedelta(days=3660)
_NOBODY = AudienceSize(0, 0)

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list; ``page`` counts from 1."""

    items: tuple[T, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class Counts:
    """One occurrence at a glance: reminder deliveries by status, and the answers.

    ``audience`` is how many people and chats the event reaches now (``people`` of
    them people); ``no_answer`` are the people who have not answered (the roster's
    silent ones).  Answers given from a linked chat count in yes/no/maybe too.
    """

    audience: int
    people: int
    planned: int
    held: int
    claimed: int
    sent: int
    failed: int
    unreachable: int
    skipped: int
    reached: int  # distinct recipients who got at least one reminder
    yes: int
    no: int
    maybe: int
    no_answer: int

    @property
    def answered(self) -> int:
        return self.yes + self.no + self.maybe

    @property
    def pending(self) -> int:
        """Deliveries still to go out (planned, held by quiet hours, being sent)."""
        return self.planned + self.held + self.claimed


def _counts(size: AudienceSize, found: OccurrenceCounts | None) -> Counts:
    c = found or OccurrenceCounts()
    return Counts(
        audience=size.total,
        people=size.people,
        planned=c.planned,
        held=c.held,
        claimed=c.claimed,
        sent=c.sent,
        failed=c.failed,
        unreachable=c.unreachable,
        skipped=c.skipped,
        reached=c.reached,
        yes=c.yes,
        no=c.no,
        maybe=c.maybe,
        no_answer=max(0, size.people - c.people_answered),
    )


@dataclass(frozen=True)
class UpcomingItem:
    """One date on the dashboard; ``counts`` only for those who may manage the event."""

    event: EventSummary
    occurrence_id: int
    starts_at: datetime
    local_start: datetime  # in the event's zone
    adjustment: str
    can_manage: bool
    my_answer: Answer | None
    counts: Counts | None


class ProblemKind(StrEnum):
    UNREACHABLE_MEMBER = "unreachable_member"  # stopped the bot
    FAILED_DELIVERY = "failed_delivery"  # gave up after errors
    EMPTY_AUDIENCE = "empty_audience"  # an active event that reaches nobody
    EVENT_ON_HOLD = "event_on_hold"  # flagged: its audience is gone
    CHAT_REMOVED = "chat_removed"  # the bot was removed from a chat the team used


@dataclass(frozen=True)
class Problem:
    """Something that needs attention.  ``subject`` is what it is about (a person's
    name, an event's title, a chat's title); ``detail`` the reason or error, if known."""

    kind: ProblemKind
    team_id: int | None
    subject: str
    detail: str | None = None
    at: datetime | None = None
    event_id: int | None = None
    occurrence_id: int | None = None
    user_id: int | None = None
    chat_id: int | None = None


@dataclass(frozen=True)
class Dashboard:
    """``problems`` come first on the page; ``sees_all``: the viewer is an admin or
    the owner and sees every event of the team."""

    team_id: int
    viewer_id: int
    now: datetime
    sees_all: bool
    problems: tuple[Problem, ...]
    upcoming: tuple[UpcomingItem, ...]
    fanouts: tuple[FanOut, ...]


@dataclass(frozen=True)
class EventFilters:
    """Filters of the events list; ``status`` None means every status."""

    text: str | None = None
    kind: EventKind | None = None
    status: EventStatus | None = EventStatus.ACTIVE
    starts_from: datetime | None = None
    starts_to: datetime | None = None
    organizer_id: int | None = None


@dataclass(frozen=True)
class EventRow:
    """An event in the list; ``counts`` are its next date's (managers only)."""

    event: EventSummary
    audience: int
    can_manage: bool
    my_answer: Answer | None
    counts: Counts | None


@dataclass(frozen=True)
class AnswerPoint:
    """Answers that count given up to ``at`` (each person's latest answer, by when
    they gave it), for the chart."""

    at: datetime
    yes: int
    no: int
    maybe: int


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str | None  # None: not a known user


@dataclass(frozen=True)
class AudienceChange:
    """Who joined or left the audience since the date's reminders were planned;
    ``planned`` is how many people they were planned for."""

    planned: int
    joined: tuple[Person, ...]
    left: tuple[Person, ...]


@dataclass(frozen=True)
class EventDetail:
    """An event's page.  ``occurrence`` is the date shown (the one asked for, else the
    next, else the latest); the management parts are None for other viewers."""

    event: Event
    occurrence: Occurrence | None
    dates: tuple[Occurrence, ...]  # from 90 days ago on, cancelled ones included
    can_manage: bool
    invited: bool
    my_answer: Answer | None
    audience: int
    counts: Counts | None
    roster: Roster | None
    ledger: Page[LedgerRow] | None
    timeline: tuple[AnswerPoint, ...] | None
    changes: AudienceChange | None


@dataclass(frozen=True)
class PreviewBucket:
    """People of the audience who share a clock: zone and quiet hours."""

    timezone: str
    quiet_hours: str | None
    people: int


@dataclass(frozen=True)
class PreviewSend:
    """When a reminder reaches one bucket: ``local_send`` on their clock; ``moved``
    when quiet hours moved it (``reason`` says how, as the engine's placement does)."""

    timezone: str
    quiet_hours: str | None
    people: int
    send_at: datetime
    local_send: datetime
    moved: bool
    reason: PlacementReason
    dst_change: bool  # a UTC-offset change on the day in the event's or their zone


@dataclass(frozen=True)
class PreviewReminder:
    offset: timedelta | None
    at: datetime | None
    target: ReminderTarget
    due_at: datetime
    local_due: datetime  # in the event's zone
    past: bool  # due before now: the engine would skip it
    sends: tuple[PreviewSend, ...]


@dataclass(frozen=True)
class PreviewOccurrence:
    starts_at: datetime
    local_start: datetime
    adjustment: str  # "gap_shifted" / "fold_first" when a DST edge moved it
    dst_change: bool  # the event's zone changes its UTC offset on that local date
    reminders: tuple[PreviewReminder, ...]


@dataclass(frozen=True)
class Preview:
    """The next dates of an unsaved event and when each reminder reaches whom.

    ``people`` can be messaged; ``unreachable`` are in the audience but cannot be
    (stopped the bot, never started it); ``missing`` entries name a group, tag or chat
    that is gone.  Chats get each reminder at its due time.
    """

    timezone: str
    people: int
    unreachable: int
    chats: int
    missing: tuple[AudienceEntry, ...]
    buckets: tuple[PreviewBucket, ...]
    occurrences: tuple[PreviewOccurrence, ...] = field(default_factory=tuple)


def _timeline(answers: Sequence[Confirmation], audience: Resolved) -> tuple[AnswerPoint, ...]:
    """Answers over time: the running counts after each moment someone answered, of the
    answers that count (the audience's, as the roster counts them)."""
    counted = audience.counted({c.user_id: c.answer for c in answers})
    points: list[AnswerPoint] = []
    tally = {Answer.YES: 0, Answer.NO: 0, Answer.MAYBE: 0}
    for given in sorted(answers, key=lambda c: (c.answered_at, c.user_id)):
        if given.user_id not in counted:
            continue
        tally[given.answer] += 1
        point = AnswerPoint(
            given.answered_at, tally[Answer.YES], tally[Answer.NO], tally[Answer.MAYBE]
        )
        if points and points[-1].at == given.answered_at:
            points[-1] = point
        else:
            points.append(point)
    return tuple(points)


class OverviewService:
    def __init__(self, storage: Storage, *, clock: Clock = utcnow) -> None:
        self.storage = storage
        self.clock = clock
        self.agenda = AgendaService(storage, clock=clock)
        self._dashboards: Shared[Dashboard] = Shared()
        # Who joined or left since a date was planned: only counted writes (planning,
        # the audience) change it, never the delivery ledger's progress, and it is
        # small, so it is kept longer and for more dates than a page's counts.
        self._audience_changes: Shared[AudienceChange | None] = Shared(
            window=timedelta(minutes=1), size=2048
        )

    async def _sees_all(self, team_id: int, user_id: int) -> bool:
        """Whether the viewer sees every event of the team.

        :raises PermissionDenied: not a member of the team.
        """
        try:
            member = await self.storage.get_member(team_id, user_id)
        except NotFound:
            raise PermissionDenied(Role.MEMBER) from None
        return role_manages_team(member.role)

    # --- dashboard -------------------------------------------------------------------

    async def dashboard(self, user_id: int, team_id: int) -> Dashboard:
        """The team's next 14 days as the viewer may see them, fan-outs going out now,
        and problems first.  :raises PermissionDenied: not a member of the team.

        The page and its live numbers are asked for again and again (every open tab
        polls): a viewer's dashboard read while nothing was written since is shared
        (:mod:`maxremind.services.sharing`), for up to a second."""
        generation = self.storage.generation()
        now = self.clock()
        return await self._dashboards.get(
            (team_id, user_id), generation, now, lambda: self._dashboard(user_id, team_id, now)
        )

    async def _dashboard(self, user_id: int, team_id: int, now: datetime) -> Dashboard:
        sees_all = await self._sees_all(team_id, user_id)
        viewer = None if sees_all else user_id
        upcoming = await self.storage.upcoming_occurrences(
            [team_id],
            after=now,
            before=now + timedelta(days=DASHBOARD_DAYS),
            viewer_id=viewer,
            limit=UPCOMING_LIMIT,
        )
        managed = [u for u in upcoming if sees_all or u.event.organizer_id == user_id]
        counts = await self._counts_for([(u.event.id, u.occurrence_id) for u in managed])
        answers = await self.storage.answers_of(user_id, [u.occurrence_id for u in upcoming])
        items = tuple(
            UpcomingItem(
                event=u.event,
                occurrence_id=u.occurrence_id,
                starts_at=u.starts_at,
                local_start=u.local_start,
                adjustment=u.adjustment,
                can_manage=sees_all or u.event.organizer_id == user_id,
                my_answer=answers.get(u.occurrence_id),
                counts=counts.get(u.occurrence_id),
            )
            for u in upcoming
        )
        fanouts = await self.storage.fanouts(
            [team_id], due_before=now + FANOUT_WINDOW, viewer_id=viewer
        )
        return Dashboard(
            team_id=team_id,
            viewer_id=user_id,
            now=now,
            sees_all=sees_all,
            problems=await self._problems(team_id, user_id, sees_all, now),
            upcoming=items,
            fanouts=tuple(f for f in fanouts if sees_all or f.organizer_id == user_id),
        )

    async def _counts_for(self, pairs: Sequence[tuple[int, int]]) -> dict[int, Counts]:
        """Counts per occurrence id, for (event id, occurrence id) pairs."""
        if not pairs:
            return {}
        sizes = await self.storage.audience_sizes(sorted({event_id for event_id, _ in pairs}))
        found = await self.storage.occurrence_counts([occ for _, occ in pairs])
        return {
            occ: _counts(sizes.get(event_id, _NOBODY), found.get(occ)) for event_id, occ in pairs
        }

    async def _problems(
        self, team_id: int, user_id: int, sees_all: bool, now: datetime
    ) -> tuple[Problem, ...]:
        found = await self.storage.problems(
            [team_id],
            now=now,
            since=now - PROBLEMS_SINCE,
            organizer_id=None if sees_all else user_id,
            limit=PROBLEMS_LIMIT,
        )
        problems: list[Problem] = []
        for e in found.empty_audiences:
            on_hold = e.status is EventStatus.FLAGGED
            problems.append(
                Problem(
                    ProblemKind.EVENT_ON_HOLD if on_hold else ProblemKind.EMPTY_AUDIENCE,
                    e.team_id,
                    e.title,
                    detail=e.status_reason,
                    event_id=e.event_id,
                )
            )
        problems += [
            Problem(
                ProblemKind.FAILED_DELIVERY,
                d.team_id,
                d.event_title,
                detail=d.error,
                at=d.at,
                event_id=d.event_id,
                occurrence_id=d.occurrence_id,
                user_id=d.recipient_id if d.recipient_kind.value == "user" else None,
                chat_id=d.recipient_id if d.recipient_kind.value == "chat" else None,
            )
            for d in found.failed_deliveries
        ]
        problems += [
            Problem(
                ProblemKind.UNREACHABLE_MEMBER,
                m.team_id,
                m.name,
                detail=m.reason,
                user_id=m.user_id,
            )
            for m in found.unreachable_members
        ]
        problems += [
            Problem(ProblemKind.CHAT_REMOVED, c.team_id, c.title, at=c.at, chat_id=c.chat_id)
            for c in found.chats_removed
        ]
        return tuple(problems)

    # --- events list -----------------------------------------------------------------

    async def events(
        self,
        user_id: int,
        team_id: int,
        filters: EventFilters | None = None,
        page: int = 1,
        per_page: int = 50,
    ) -> Page[EventRow]:
        """The team's events the viewer may see, filtered, one page (from 1).

        :raises PermissionDenied: not a member of the team.
        """
        sees_all = await self._sees_all(team_id, user_id)
        filters = filters or EventFilters()
        page = max(1, page)
        per_page = min(max(1, per_page), MAX_PER_PAGE)
        found, total = await self.storage.search_events(
            [team_id],
            now=self.clock(),
            text=filters.text,
            kind=filters.kind,
            status=filters.status,
            starts_from=filters.starts_from,
            starts_to=filters.starts_to,
            organizer_id=filters.organizer_id,
            viewer_id=None if sees_all else user_id,
            limit=per_page,
            offset=(page - 1) * per_page,
        )
        sizes = await self.storage.audience_sizes([e.id for e in found])

        def manages(e: EventSummary) -> bool:
            return sees_all or e.organizer_id == user_id

        counts = await self._counts_for(
            [
                (e.id, e.next_occurrence_id)
                for e in found
                if e.next_occurrence_id is not None and manages(e)
            ]
        )
        answers = await self.storage.answers_of(
            user_id, [e.next_occurrence_id for e in found if e.next_occurrence_id is not None]
        )
        rows = tuple(
            EventRow(
                event=e,
                audience=sizes.get(e.id, _NOBODY).total,
                can_manage=manages(e),
                my_answer=None
                if e.next_occurrence_id is None
                else answers.get(e.next_occurrence_id),
                counts=None if e.next_occurrence_id is None else counts.get(e.next_occurrence_id),
            )
            for e in found
        )
        return Page(rows, total, page, per_page)

    # --- one event -------------------------------------------------------------------

    async def event_detail(
        self,
        user_id: int,
        event_id: int | str,
        occurrence_id: int | str | None = None,
        *,
        page: int = 1,
        per_page: int = 50,
        status: DeliveryStatus | None = None,
        names: int | None = None,
    ) -> EventDetail | None:
        """An event's page, or None when the viewer may not see it (or the date asked
        for is not one of its dates).  ``page``/``per_page``/``status`` page and filter
        the ledger of the date shown; ``names``: the roster names at most this many
        people per answer (its id lists hold everybody)."""
        sight = await self.agenda.sight(event_id, user_id)
        # Seen as agenda says; an event no longer active only by those who manage it.
        if sight is None or not (sight.visible or sight.can_manage):
            return None
        event, can_manage, invited, audience = (
            sight.event,
            sight.can_manage,
            sight.invited,
            sight.audience,
        )
        now = self.clock()
        dates = tuple(await self.storage.list_occurrences(event.id, after=now - DATES_BACK))
        try:
            occurrence = await self._date_shown(event, dates, occurrence_id, now)
        except _NotItsDate:
            return None
        # One resolution of the audience serves the size, the roster and the changes.
        size = AudienceSize(len(audience.users), len(audience.chats))
        my_answer = None
        answers: list[Confirmation] = []
        if occurrence is not None and can_manage:
            # The date's answers, read once: the roster, the timeline and the viewer's own.
            answers = await self.storage.list_confirmations(occurrence.id)
            my_answer = next((c.answer for c in answers if c.user_id == user_id), None)
        elif occurrence is not None:
            my_answer = await self.agenda.answer_of(occurrence.id, user_id)
        detail = EventDetail(
            event=event,
            occurrence=occurrence,
            dates=dates,
            can_manage=can_manage,
            invited=invited,
            my_answer=my_answer,
            audience=size.total,
            counts=None,
            roster=None,
            ledger=None,
            timeline=None,
            changes=None,
        )
        if not can_manage or occurrence is None:
            return detail
        per_page = min(max(1, per_page), MAX_PER_PAGE)
        page = max(1, page)
        rows, total = await self.storage.ledger(
            occurrence_id=occurrence.id, status=status, limit=per_page, offset=(page - 1) * per_page
        )
        found = await self.storage.occurrence_counts([occurrence.id])
        return replace(
            detail,
            counts=_counts(size, found.get(occurrence.id)),
            roster=await self.agenda.roster(
                event, occurrence, audience=audience, names=names, answers=answers
            ),
            ledger=Page(tuple(rows), total, page, per_page),
            timeline=_timeline(answers, audience),
            changes=await self._audience_changes.get(
                occurrence.id,
                self.storage.generation(),
                now,
                lambda: self._changes(occurrence.id, audience.user_set),
            ),
        )

    async def _date_shown(
        self,
        event: Event,
        dates: Sequence[Occurrence],
        occurrence_id: int | str | None,
        now: datetime,
    ) -> Occurrence | None:
        """The date asked for, else the next planned one, else the latest one.

        :raises _NotItsDate: the date asked for is not one of the event's.
        """
        if occurrence_id is not None:
            try:
                occurrence = await self.storage.get_occurrence(int(occurrence_id))
            except (NotFound, ValueError):
                raise _NotItsDate from None
            if occurrence.event_id != event.id:
                raise _NotItsDate
            return occurrence
        ahead = [o for o in dates if o.starts_at >= now and o.status is OccurrenceStatus.PLANNED]
        if ahead:
            return ahead[0]
        past = await self.storage.list_occurrences(event.id, before=now)
        return past[-1] if past else (dates[0] if dates else None)

    async def _changes(self, occurrence_id: int, people: Collection[int]) -> AudienceChange | None:
        """People who joined or left since the date's member-facing steps were planned
        (None when it has none)."""
        jobs = [
            j
            for j in await self.storage.list_jobs(occurrence_id)
            if j.target is not ReminderTarget.ORGANIZER_SUMMARY
        ]
        if not jobs:
            return None
        planned = set().union(*(j.planned_recipients for j in jobs))
        current = people if isinstance(people, frozenset) else frozenset(people)
        joined, left = sorted(current - planned), sorted(planned - current)
        known = await self.storage.get_users([*joined, *left])

        def named(ids: list[int]) -> tuple[Person, ...]:
            return tuple(Person(i, known[i].name if i in known else None) for i in ids)

        return AudienceChange(len(planned), named(joined), named(left))

    # --- preview ---------------------------------------------------------------------

    async def preview(self, spec: NewEvent, *, count: int = 5) -> Preview:
        """The next ``count`` dates of an unsaved event and, for each reminder, when it
        reaches each (zone, quiet hours) bucket of the audience.

        :raises EventRejected: ``bad_timezone`` or ``never_fires`` (a malformed rule).
        """
        try:
            tz = zone_named(spec.timezone)
        except UnknownTimezone:
            raise EventRejected("bad_timezone", spec.timezone[:64]) from None
        now = self.clock()
        start_local, rrule = spec.start_local, spec.rrule
        if spec.kind is EventKind.ANNOUNCEMENT:
            # Sent when saved (EventService.create does the same).
            start_local, rrule = to_wall(now, tz).replace(microsecond=0), None
        try:
            times = expand(
                start_local,
                tz,
                rrule,
                parse_exdates(spec.exdates),
                after=now - timedelta(seconds=1),
                before=now + _FAR,
                limit=min(max(0, count), MAX_PREVIEW),
            )
        except (RecurrenceError, ValueError) as exc:
            raise EventRejected("never_fires", str(exc)) from None
        event = unsaved_event(spec, now)
        resolved = await resolve_audience(self.storage, event)
        team = await self._team(spec.team_id)
        users = await self.storage.get_users(resolved.users)
        reachable = [u for u in users.values() if u.reachable]
        buckets: dict[tuple[str, str | None], int] = {}
        for user in reachable:
            zone, quiet = member_clock(user, team, event)
            key = (zone, None if quiet is None else str(quiet))
            buckets[key] = buckets.get(key, 0) + 1
        organizer = await self._organizer_clock(spec.organizer_id, team, event)
        reminders = list(spec.reminders)
        if spec.kind is EventKind.ANNOUNCEMENT or not reminders:
            # The planner's rule: one message at the start.
            reminders = [ReminderSpec(offset=timedelta(0))]
        occurrences = []
        for t in times:
            event_dst = _offset_changes(tz, t.local.date())
            steps = []
            for reminder in reminders:
                due = (
                    due_before(t.at, reminder.offset, tz)
                    if reminder.offset is not None
                    else reminder.at
                )
                assert due is not None
                targets: dict[tuple[str, str | None], int] = buckets
                if reminder.target is ReminderTarget.ORGANIZER_SUMMARY:
                    # To the organizer at due time; quiet hours do not hold a summary.
                    targets = {(organizer, None): 1}
                sends = tuple(
                    _send(due, t.at, zone, quiet, people, spec.urgent, event_dst, summary=(
                        reminder.target is ReminderTarget.ORGANIZER_SUMMARY
                    ))
                    for (zone, quiet), people in sorted(targets.items(), key=_bucket_order)
                )  # fmt: skip
                steps.append(
                    PreviewReminder(
                        offset=reminder.offset,
                        at=reminder.at,
                        target=reminder.target,
                        due_at=due,
                        local_due=to_wall(due, tz),
                        past=due < now,
                        sends=sends,
                    )
                )
            occurrences.append(
                PreviewOccurrence(t.at, t.local, t.adjustment, event_dst, tuple(steps))
            )
        return Preview(
            timezone=spec.timezone,
            people=len(reachable),
            unreachable=len(resolved.users) - len(reachable),
            chats=len(resolved.chats),
            missing=tuple(resolved.missing),
            buckets=tuple(
                PreviewBucket(zone, quiet, people)
                for (zone, quiet), people in sorted(buckets.items(), key=_bucket_order)
            ),
            occurrences=tuple(occurrences),
        )

    async def _team(self, team_id: int | None) -> Team | None:
        if team_id is None:
            return None
        try:
            return await self.storage.get_team(team_id)
        except NotFound:
            return None

    async def _organizer_clock(self, organizer_id: int, team: Team | None, event: Event) -> str:
        try:
            user: User = await self.storage.get_user(organizer_id)
        except NotFound:
            return team.timezone if team else event.timezone
        return member_clock(user, team, event)[0]


class _NotItsDate(Exception):
    """An event's page was asked for a date of another event (or none at all)."""


def _bucket_order(item: tuple[tuple[str, str | None], int]) -> tuple[str, str]:
    (zone, quiet), _ = item
    return zone, quiet or ""


def _send(
    due: datetime,
    starts_at: datetime,
    zone: str,
    quiet: str | None,
    people: int,
    urgent: bool,
    event_dst: bool,
    *,
    summary: bool,
) -> PreviewSend:
    member_tz = ZoneInfo(zone)
    placement = place_send_time(
        due,
        event_start=starts_at,
        quiet=None if quiet is None or summary else parse_quiet_hours(quiet),
        tz=member_tz,
        urgent=urgent,
    )
    local_send = to_wall(placement.send_at, member_tz)
    dst = (
        event_dst
        or _offset_changes(member_tz, to_wall(starts_at, member_tz).date())
        or _offset_changes(member_tz, local_send.date())
    )
    return PreviewSend(
        timezone=zone,
        quiet_hours=quiet,
        people=people,
        send_at=placement.send_at,
        local_send=local_send,
        moved=placement.send_at != due,
        reason=placement.reason,
        dst_change=dst,
    )


def _offset_changes(tz: ZoneInfo, day: date) -> bool:
    """Whether ``tz`` has a different UTC offset at the end of ``day`` than at its start."""
    start = datetime.combine(day, time())
    return tz.utcoffset(start) != tz.utcoffset(start + timedelta(days=1))
