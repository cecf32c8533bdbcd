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
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from maxremind.domain.models import Answer
from maxremind.storage import NotFound, Storage
from maxremind.storage.ports.insights import AskedRow, InsightLedger

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


class _Pair(NamedTuple):
    """One person asked about one occurrence (times in ms since the epoch)."""

    occurrence_id: int
    week: date  # Monday of the occurrence's local start, in the team's zone
    user_id: int
    first_sent_ms: int | None
    answer: str | None
    wait_s: float | None
    nudges: int
    came: bool | None


def _reach(rows: Sequence[AskedRow]) -> Reach:
    delivered = unreachable = failed = pending = 0
    for r in rows:
        if r.deliveries == 0:
            continue
        if r.sent:
            delivered += 1
        elif r.unreachable:
            unreachable += 1
        elif r.failed:
            failed += 1
        elif r.pending:
            pending += 1
    return Reach(delivered + unreachable + failed, delivered, unreachable, failed, pending)


def _pairs(occurrence_id: int, week: date, rows: Sequence[AskedRow]) -> list[_Pair]:
    chat_first = min(
        (r.first_sent_ms for r in rows if r.recipient_kind == "chat" and r.first_sent_ms),
        default=None,
    )
    pairs: list[_Pair] = []
    for r in rows:
        if r.recipient_kind != "user" or (r.sent == 0 and r.answer is None):
            continue  # a chat, or a person never reached who never answered: not asked
        first = r.first_sent_ms if r.deliveries else chat_first
        wait = None
        answered = r.answered_ms
        if r.answer is not None and answered is not None and first is not None:
            wait = (answered - first) / 1000 if answered >= first else None
        counted = r.sent_before_answer if r.answer is not None else r.sent
        pairs.append(
            _Pair(
                occurrence_id,
                week,
                r.recipient_id,
                first,
                r.answer,
                wait,
                max(0, counted - 1),
                r.came,
            )
        )
    return pairs


def _answers(pairs: Iterable[_Pair]) -> Answers:
    yes = no = maybe = none = 0
    for p in pairs:
        if p.answer == "yes":
            yes += 1
        elif p.answer == "no":
            no += 1
        elif p.answer == "maybe":
            maybe += 1
        else:
            none += 1
    return Answers(yes, no, maybe, none)


def _attendance(pairs: Iterable[_Pair]) -> Attendance:
    marked = came = 0
    for p in pairs:
        if p.answer == "yes" and p.came is not None:
            marked += 1
            came += p.came
    return Attendance(marked, came, marked - came)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _waits(pairs: Iterable[_Pair]) -> Durations:
    return durations(p.wait_s for p in pairs if p.wait_s is not None)


def _weeks(
    pairs: Sequence[_Pair], tz: ZoneInfo, since: datetime, until: datetime
) -> tuple[WeekBucket, ...]:
    first = week_start(since.astimezone(tz).date())
    # ``until`` is exclusive: its own week counts only if the window reaches into it.
    last = week_start((until - timedelta(microseconds=1)).astimezone(tz).date())
    if last < first:
        return ()
    count = min(MAX_WEEKS, (last - first).days // 7 + 1)
    first = last - timedelta(weeks=count - 1)
    grouped: dict[date, list[_Pair]] = defaultdict(list)
    for p in pairs:
        grouped[p.week].append(p)
    weeks = []
    for i in range(count):
        start = first + timedelta(weeks=i)
        found = grouped.get(start, [])
        answered = sum(1 for p in found if p.answer is not None)
        weeks.append(WeekBucket(start, len(found), answered, _waits(found)))
    return tuple(weeks)


def _slots(pairs: Sequence[_Pair], tz: ZoneInfo) -> tuple[SlotBucket, ...]:
    # A fan-out sends many reminders in the same minute: its local weekday and hour once.
    local: dict[int, tuple[int, int]] = {}
    grouped: dict[tuple[int, int], list[_Pair]] = defaultdict(list)
    for p in pairs:
        if p.first_sent_ms is None:
            continue
        minute = p.first_sent_ms // 60_000
        cell = local.get(minute)
        if cell is None:
            at = datetime.fromtimestamp(minute * 60, tz)
            cell = local[minute] = (at.weekday(), at.hour)
        grouped[cell].append(p)
    slots = []
    for (weekday, hour), found in sorted(grouped.items()):
        answered = sum(1 for p in found if p.answer is not None)
        slots.append(SlotBucket(weekday, hour, len(found), answered, _waits(found)))
    return tuple(slots)


def _members(
    pairs: Sequence[_Pair], names: Mapping[int, str], current: frozenset[int]
) -> tuple[MemberInsight, ...]:
    grouped: dict[int, list[_Pair]] = defaultdict(list)
    for p in pairs:
        grouped[p.user_id].append(p)
    members = []
    for user_id, found in grouped.items():
        answers = _answers(found)
        attendance = _attendance(found)
        waits = sorted(p.wait_s for p in found if p.wait_s is not None)
        members.append(
            MemberInsight(
                user_id=user_id,
                name=names.get(user_id, str(user_id)),
                former=user_id not in current,
                asked=answers.asked,
                answered=answers.answered,
                yes=answers.yes,
                no=answers.no,
                maybe=answers.maybe,
                median_s=median(waits),
                marked_yes=attendance.marked,
                no_shows=attendance.no_show,
            )
        )
    members.sort(key=lambda m: (m.answer_rate or 0.0, m.name.casefold(), m.user_id))
    return tuple(members)


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
    only = None if people is None else frozenset(people)
    by_occurrence: dict[int, list[AskedRow]] = defaultdict(list)
    for row in ledger.asked:
        by_occurrence[row.occurrence_id].append(row)
    all_pairs: list[_Pair] = []
    insights: list[OccurrenceInsight] = []
    for occ in ledger.occurrences:
        rows = by_occurrence.get(occ.occurrence_id, [])
        local = occ.starts_at.astimezone(tz)
        # A chat's first reminder times its answerers' answers, so chats are read even
        # when only some people are counted.
        pairs = _pairs(occ.occurrence_id, week_start(local.date()), rows)
        if only is not None:
            pairs = [p for p in pairs if p.user_id in only]
            rows = [r for r in rows if r.recipient_kind == "user" and r.recipient_id in only]
        all_pairs += pairs
        answers = _answers(pairs)
        insights.append(
            OccurrenceInsight(
                event_id=occ.event_id,
                event_title=occ.event_title,
                occurrence_id=occ.occurrence_id,
                starts_at=occ.starts_at,
                local_start=local.replace(tzinfo=None),
                reach=_reach(rows),
                answers=answers,
                time_to_answer=_waits(pairs),
                quorum=occ.quorum,
                quorum_met=None if not occ.quorum else answers.yes >= occ.quorum,
                nudges=sum(p.nudges for p in pairs),
                answered_after_nudge=sum(1 for p in pairs if p.answer is not None and p.nudges > 0),
                attendance=_attendance(pairs),
            )
        )
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
        time_to_answer=_waits(all_pairs),
        quorum_checked=sum(1 for o in insights if o.quorum_met is not None),
        quorum_met=sum(1 for o in insights if o.quorum_met),
        nudges=sum(o.nudges for o in insights),
        attendance=attendance,
    )
    members = _members(all_pairs, names, frozenset(current_members))
    silent = tuple(m for m in members if not m.former and m.asked and not m.answered)
    quiet_ids = {m.user_id for m in silent}
    return Computed(
        totals=totals,
        occurrences=tuple(reversed(insights)),
        members=members,
        weeks=_weeks(all_pairs, tz, since, until),
        slots=_slots(all_pairs, tz),
        silent=silent,
        silent_dates=len({p.occurrence_id for p in all_pairs if p.user_id in quiet_ids}),
    )


def asked_people(ledger: InsightLedger) -> list[int]:
    """Everybody the ledger's rows name as a person (to look their names up)."""
    return sorted({r.recipient_id for r in ledger.asked if r.recipient_kind == "user"})


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
