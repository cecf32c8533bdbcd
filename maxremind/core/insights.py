"""Insights: how reliably a team answers and shows up, computed from the delivery ledger
and the answers (no second copy of either).

Shared by the insights service (pages, /stats) and the engine (the weekly digest).  The
rules, which the service tests check against hand computations:

* Only events that ask for confirmation count.  An occurrence belongs to a window by its
  start; cancelled dates are left out.
* A person is **asked** about an occurrence when MAX accepted at least one reminder for
  them, or when they answered (from a chat, say).  ``none`` = asked without an answer.
* **Time to answer** = the answer's time (when it was last given) less the first
  reminder MAX accepted for that person (a chat answerer: the first reminder the chat
  got).  An answer given before any reminder counts as answered, but not in the times.
  Median: the middle value (the mean of the two middle ones); p90: nearest rank, the
  smallest value with at least 90 % of values at or below it.
* **Nudges** of a person: the reminders accepted after their first one, up to their
  answer (all of them when they never answered).
* **Reach**, per recipient (people and chats): ``delivered`` MAX accepted one of its
  reminders, else ``unreachable`` (stopped the bot / chat gone), else ``failed`` (gave up
  after errors), else ``pending``; ``sent`` = we tried = the first three.
* **Members who left** keep their history: their asks and answers stay in every total
  and they are listed as ``former``.  A group filter takes the people in it now.
* **Weeks** start on Monday 00:00 in the team's zone (zoneinfo: a DST week is a week of
  167 or 169 hours, bucketed by local dates); an occurrence goes to the week of its local
  start date.  **Weekday and hour** are those of each person's first reminder in the
  team's zone.
* Who came: of the people whose answer is yes, those with a mark; a **no-show** is a
  "yes" marked as did not come.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from maxremind.domain.models import Answer
from maxremind.storage import NotFound, Storage
from maxremind.storage.ports.insights import (
    FAILED,
    PENDING,
    SKIPPED,
    UNREACHABLE,
    InsightLedger,
    OccurrenceRow,
)

__all__ = [
    "MAX_WEEKS",
    "Answers",
    "Attendance",
    "Checklist",
    "ChecklistRow",
    "Computed",
    "Durations",
    "MemberInsight",
    "OccurrenceInsight",
    "Reach",
    "SlotBucket",
    "Totals",
    "WeekBucket",
    "compute",
    "durations",
    "load",
    "load_checklist",
    "median",
    "p90",
    "rate",
]

# Weekly buckets shown at most (a window of years is cut to its last weeks).
MAX_WEEKS = 260


def rate(part: int, whole: int) -> float | None:
    """``part / whole``, or None when there is nothing to divide by."""
    return part / whole if whole else None


def median(sorted_values: Sequence[float]) -> float | None:
    n = len(sorted_values)
    if n == 0:
        return None
    mid = n // 2
    if n % 2:
        return float(sorted_values[mid])
    return (sorted_values[mid - 1] + sorted_values[mid]) / 2


def p90(sorted_values: Sequence[float]) -> float | None:
    n = len(sorted_values)
    if n == 0:
        return None
    return float(sorted_values[max(0, math.ceil(0.9 * n) - 1)])


@dataclass(frozen=True)
class Durations:
    """Times to answer, in seconds."""

    count: int = 0
    median_s: float | None = None
    p90_s: float | None = None


def durations(values: Iterable[float]) -> Durations:
    ordered = sorted(values)
    return Durations(len(ordered), median(ordered), p90(ordered))


@dataclass(frozen=True)
class Reach:
    """Recipients (people and chats) of an occurrence's reminders, each counted once."""

    sent: int = 0  # we tried: delivered + unreachable + failed
    delivered: int = 0
    unreachable: int = 0
    failed: int = 0
    pending: int = 0

    def __add__(self, other: Reach) -> Reach:
        return Reach(
            self.sent + other.sent,
            self.delivered + other.delivered,
            self.unreachable + other.unreachable,
            self.failed + other.failed,
            self.pending + other.pending,
        )


@dataclass(frozen=True)
class Answers:
    yes: int = 0
    no: int = 0
    maybe: int = 0
    none: int = 0

    @property
    def answered(self) -> int:
        return self.yes + self.no + self.maybe

    @property
    def asked(self) -> int:
        return self.answered + self.none

    @property
    def rate(self) -> float | None:
        return rate(self.answered, self.asked)

    @property
    def yes_rate(self) -> float | None:
        return rate(self.yes, self.answered)

    def __add__(self, other: Answers) -> Answers:
        return Answers(
            self.yes + other.yes,
            self.no + other.no,
            self.maybe + other.maybe,
            self.none + other.none,
        )


@dataclass(frozen=True)
class Attendance:
    """Of the "yes" people, those with a who-came mark."""

    marked: int = 0
    came: int = 0
    no_show: int = 0

    def __add__(self, other: Attendance) -> Attendance:
        return Attendance(
            self.marked + other.marked, self.came + other.came, self.no_show + other.no_show
        )


@dataclass(frozen=True)
class OccurrenceInsight:
    event_id: int
    event_title: str
    occurrence_id: int
    starts_at: datetime
    local_start: datetime  # naive, in the team's zone
    reach: Reach
    answers: Answers
    time_to_answer: Durations
    quorum: int | None
    quorum_met: bool | None  # None: the event has no quorum
    nudges: int
    answered_after_nudge: int
    attendance: Attendance


@dataclass(frozen=True)
class MemberInsight:
    user_id: int
    name: str
    former: bool  # no longer a member of the team
    asked: int = 0
    answered: int = 0
    yes: int = 0
    no: int = 0
    maybe: int = 0
    median_s: float | None = None
    marked_yes: int = 0  # "yes" answers with a who-came mark
    no_shows: int = 0

    @property
    def answer_rate(self) -> float | None:
        return rate(self.answered, self.asked)

    @property
    def yes_rate(self) -> float | None:
        return rate(self.yes, self.answered)

    @property
    def no_show_rate(self) -> float | None:
        return rate(self.no_shows, self.marked_yes)


@dataclass(frozen=True)
class WeekBucket:
    week_start: date  # Monday, in the team's zone
    asked: int
    answered: int
    time_to_answer: Durations

    @property
    def rate(self) -> float | None:
        return rate(self.answered, self.asked)


@dataclass(frozen=True)
class SlotBucket:
    weekday: int  # 0 = Monday, of the first reminder in the team's zone
    hour: int
    asked: int
    answered: int
    time_to_answer: Durations

    @property
    def rate(self) -> float | None:
        return rate(self.answered, self.asked)


@dataclass(frozen=True)
class Totals:
    occurrences: int = 0
    events: int = 0
    reach: Reach = field(default_factory=Reach)
    answers: Answers = field(default_factory=Answers)
    time_to_answer: Durations = field(default_factory=Durations)
    quorum_checked: int = 0
    quorum_met: int = 0
    nudges: int = 0
    attendance: Attendance = field(default_factory=Attendance)


@dataclass(frozen=True)
class Computed:
    totals: Totals
    occurrences: tuple[OccurrenceInsight, ...]  # newest first
    members: tuple[MemberInsight, ...]  # lowest answer rate first, then by name
    weeks: tuple[WeekBucket, ...]  # oldest first, every week of the window
    slots: tuple[SlotBucket, ...]  # by weekday and hour, only those with someone asked
    # Current members who were asked and answered nothing, and how many dates (distinct
    # occurrences) they were asked about between them.
    silent: tuple[MemberInsight, ...] = ()
    silent_dates: int = 0


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


class _Tally:
    """Counts of a bucket (a week, a weekday-hour cell): asked, answered, the times."""

    __slots__ = ("answered", "asked", "waits")

    def __init__(self) -> None:
        self.asked = 0
        self.answered = 0
        self.waits: list[float] = []


class _Person:
    """One person's counts over the window (asked: the answers and the silences)."""

    __slots__ = (
        "marked_yes",
        "maybe",
        "no",
        "no_shows",
        "silent_on",
        "waits",
        "yes",
    )

    def __init__(self) -> None:
        self.yes = self.no = self.maybe = self.marked_yes = self.no_shows = 0
        self.waits: list[float] = []
        self.silent_on: list[int] = []  # occurrences asked about and not answered


class _Counter:
    """Everything :func:`compute` counts, one occurrence at a time.

    This is the hot loop of a year's statistics (a hundred thousand deliveries): one
    pass over each occurrence's recipients and one over its answers, the week and the
    weekday-hour cell found per date and per reminder minute rather than per person.
    """

    def __init__(self, tz: ZoneInfo, only: frozenset[int] | None) -> None:
        self.tz = tz
        self.only = only
        self.people: defaultdict[int, _Person] = defaultdict(_Person)
        self.weeks: defaultdict[date, _Tally] = defaultdict(_Tally)
        self.cells: defaultdict[tuple[int, int], _Tally] = defaultdict(_Tally)
        self._by_minute: dict[int, _Tally] = {}

    def _cell(self, first_ms: int) -> _Tally:
        """The weekday-hour cell of a first reminder, in the team's zone (a fan-out
        sends many in the same minute: each minute is placed once)."""
        minute = first_ms // 60_000
        found = self._by_minute.get(minute)
        if found is None:
            at = datetime.fromtimestamp(minute * 60, self.tz)
            found = self._by_minute[minute] = self.cells[at.weekday(), at.hour]
        return found

    def occurrence(self, occ: OccurrenceRow) -> OccurrenceInsight:
        only = self.only
        persons = self.people
        by_minute = self._by_minute
        local = occ.starts_at.astimezone(self.tz)
        week = self.weeks[week_start(local.date())]
        people, answered_at, later = occ.people, occ.answered_at, occ.later
        if only is not None:
            people = {k: v for k, v in people.items() if k in only}
            answered_at = {k: v for k, v in answered_at.items() if k in only}
        # Reach: how each recipient's reminders ended.
        firsts = list(people.values())
        if only is None:  # chats too
            firsts += occ.chats.values()
        unreachable = firsts.count(UNREACHABLE)
        failed = firsts.count(FAILED)
        pending = firsts.count(PENDING)
        delivered = len(firsts) - unreachable - failed - pending - firsts.count(SKIPPED)
        # The people asked (MAX accepted a reminder) who did not answer.
        none = nudges = 0
        for user_id in people.keys() - answered_at.keys():
            first = people[user_id]
            if first < 0:
                continue
            none += 1
            more = later.get(user_id)
            if more is not None:
                nudges += len(more)
            persons[user_id].silent_on.append(occ.occurrence_id)
            cell = by_minute.get(first // 60_000) or self._cell(first)
            cell.asked += 1
        # A chat's first reminder times its answerers' answers, so chats are read even
        # when only some people are counted.
        chat_first = min((t for t in occ.chats.values() if t > 0), default=None)
        # The answers.
        yes = no = maybe = after_nudge = marked = came = 0
        waits: list[float] = []
        marks, answers = occ.came, occ.answers
        for user_id, at in answered_at.items():
            answer = answers[user_id]
            first_ms = people.get(user_id)
            counted = 0
            if first_ms is None:  # answered from a chat
                first_ms = chat_first
            elif first_ms < 0:
                first_ms = None
            elif first_ms <= at and (more := later.get(user_id)) is not None:
                counted = 1 + bisect_right(more, at)
            person = persons[user_id]
            if counted > 1:
                nudges += counted - 1
                after_nudge += 1
            if answer == "yes":
                yes += 1
                person.yes += 1
                mark = marks.get(user_id)
                if mark is not None:
                    marked += 1
                    person.marked_yes += 1
                    if mark:
                        came += 1
                    else:
                        person.no_shows += 1
            elif answer == "no":
                no += 1
                person.no += 1
            else:
                maybe += 1
                person.maybe += 1
            if first_ms is not None:
                cell = by_minute.get(first_ms // 60_000) or self._cell(first_ms)
                cell.asked += 1
                cell.answered += 1
                if at >= first_ms:
                    wait = (at - first_ms) / 1000
                    waits.append(wait)
                    person.waits.append(wait)
                    cell.waits.append(wait)
        waits.sort()
        got = Answers(yes, no, maybe, none)
        week.asked += got.asked
        week.answered += got.answered
        week.waits += waits
        return OccurrenceInsight(
            event_id=occ.event_id,
            event_title=occ.event_title,
            occurrence_id=occ.occurrence_id,
            starts_at=occ.starts_at,
            local_start=local.replace(tzinfo=None),
            reach=Reach(delivered + unreachable + failed, delivered, unreachable, failed, pending),
            answers=got,
            time_to_answer=Durations(len(waits), median(waits), p90(waits)),
            quorum=occ.quorum,
            quorum_met=None if not occ.quorum else yes >= occ.quorum,
            nudges=nudges,
            answered_after_nudge=after_nudge,
            attendance=Attendance(marked, came, marked - came),
        )


def _weeks(
    tallies: Mapping[date, _Tally], tz: ZoneInfo, since: datetime, until: datetime
) -> tuple[WeekBucket, ...]:
    first = week_start(since.astimezone(tz).date())
    # ``until`` is exclusive: its own week counts only if the window reaches into it.
    last = week_start((until - timedelta(microseconds=1)).astimezone(tz).date())
    if last < first:
        return ()
    count = min(MAX_WEEKS, (last - first).days // 7 + 1)
    first = last - timedelta(weeks=count - 1)
    weeks = []
    empty = _Tally()
    for i in range(count):
        start = first + timedelta(weeks=i)
        found = tallies.get(start, empty)
        waits = found.waits  # sorted
        times = Durations(len(waits), median(waits), p90(waits))
        weeks.append(WeekBucket(start, found.asked, found.answered, times))
    return tuple(weeks)


def compute(
    ledger: InsightLedger,
    *,
    tz: ZoneInfo,
    since: datetime,
    until: datetime,
    names: Mapping[int, str],
    current_members: Iterable[int],
    people: Iterable[int] | None = None,
) -> Computed:
    """Every number of a window, from one read of the ledger.

    ``names`` names the people asked; ``current_members`` tells former members apart;
    ``people``, when given, keeps only those people (a group) and leaves chats out.
    """
    counter = _Counter(tz, None if people is None else frozenset(people))
    insights = [counter.occurrence(occ) for occ in ledger.occurrences]
    # A week's times are its dates' sorted times one after another, and the window's
    # its weeks': sorting such runs is merging them.
    waits: list[float] = []
    for _, tally in sorted(counter.weeks.items()):
        tally.waits.sort()
        waits += tally.waits
    reach = Reach()
    answers = Answers()
    attendance = Attendance()
    for o in insights:
        reach += o.reach
        answers += o.answers
        attendance += o.attendance
    totals = Totals(
        occurrences=len(insights),
        events=len({o.event_id for o in insights}),
        reach=reach,
        answers=answers,
        time_to_answer=durations(waits),
        quorum_checked=sum(1 for o in insights if o.quorum_met is not None),
        quorum_met=sum(1 for o in insights if o.quorum_met),
        nudges=sum(o.nudges for o in insights),
        attendance=attendance,
    )
    current = frozenset(current_members)
    members = sorted(
        (
            MemberInsight(
                user_id=user_id,
                name=names.get(user_id, str(user_id)),
                former=user_id not in current,
                asked=p.yes + p.no + p.maybe + len(p.silent_on),
                answered=p.yes + p.no + p.maybe,
                yes=p.yes,
                no=p.no,
                maybe=p.maybe,
                median_s=median(sorted(p.waits)),
                marked_yes=p.marked_yes,
                no_shows=p.no_shows,
            )
            for user_id, p in counter.people.items()
        ),
        key=lambda m: (m.answer_rate or 0.0, m.name.casefold(), m.user_id),
    )
    silent = tuple(m for m in members if not m.former and m.asked and not m.answered)
    silent_dates = {o for m in silent for o in counter.people[m.user_id].silent_on}
    return Computed(
        totals=totals,
        occurrences=tuple(reversed(insights)),
        members=tuple(members),
        weeks=_weeks(counter.weeks, tz, since, until),
        slots=tuple(
            SlotBucket(weekday, hour, t.asked, t.answered, durations(t.waits))
            for (weekday, hour), t in sorted(counter.cells.items())
        ),
        silent=silent,
        silent_dates=len(silent_dates),
    )


def asked_people(ledger: InsightLedger) -> list[int]:
    """Everybody the ledger names as a person (to look their names up)."""
    found: set[int] = set()
    for occ in ledger.occurrences:
        found.update(occ.people)
        found.update(occ.answers)
    return sorted(found)


async def load(
    storage: Storage,
    team_id: int,
    tz: ZoneInfo,
    since: datetime,
    until: datetime,
    *,
    event_id: int | None = None,
    group_id: int | None = None,
    people: Iterable[int] | None = None,
) -> Computed:
    """Read a window of the team's ledger and compute it (see :func:`compute`), for
    everybody, the people in ``group_id`` now, or just ``people``.

    :raises NotFound: ``group_id`` is not a group of the team.
    """
    if group_id is not None:
        group = await storage.get_group(group_id)
        if group.team_id != team_id:
            raise NotFound(f"group {group_id}")
        people = await storage.list_group_members(group_id)
    ledger = await storage.insight_ledger(team_id, since=since, until=until, event_id=event_id)
    return compute(
        ledger,
        tz=tz,
        since=since,
        until=until,
        names=await storage.user_names(asked_people(ledger)),
        current_members=await storage.member_ids(team_id),
        people=people,
    )


@dataclass(frozen=True)
class ChecklistRow:
    user_id: int
    name: str
    came: bool | None  # None: not marked yet
    former: bool  # no longer in the team


@dataclass(frozen=True)
class Checklist:
    """Who said yes to a date, and who of them came (the organizer's marks)."""

    event_id: int
    event_title: str
    team_id: int | None
    occurrence_id: int
    starts_at: datetime
    local_start: datetime  # naive, in the event's zone
    timezone: str  # the event's
    rows: tuple[ChecklistRow, ...]  # by name

    @property
    def came(self) -> int:
        return sum(1 for r in self.rows if r.came)

    @property
    def marked(self) -> int:
        return sum(1 for r in self.rows if r.came is not None)


async def load_checklist(storage: Storage, occurrence_id: int) -> Checklist:
    """The checklist of a date: the people whose answer is yes now, with their marks.

    :raises NotFound: no such date.
    """
    occurrence = await storage.get_occurrence(occurrence_id)
    event = await storage.get_event(occurrence.event_id)
    yes = [
        c.user_id for c in await storage.list_confirmations(occurrence_id) if c.answer is Answer.YES
    ]
    marks = await storage.attendance_of(occurrence_id)
    names = await storage.user_names(yes)
    current = set(await storage.member_ids(event.team_id)) if event.team_id is not None else set()
    rows = sorted(
        (
            ChecklistRow(uid, names.get(uid, str(uid)), marks.get(uid), uid not in current)
            for uid in yes
        ),
        key=lambda r: (r.name.casefold(), r.user_id),
    )
    return Checklist(
        event_id=event.id,
        event_title=event.title,
        team_id=event.team_id,
        occurrence_id=occurrence_id,
        starts_at=occurrence.starts_at,
        local_start=occurrence.local_start,
        timezone=event.timezone,
        rows=tuple(rows),
    )
