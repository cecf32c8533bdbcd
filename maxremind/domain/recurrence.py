"""Occurrences of an event: the rule runs on local wall time, then each time becomes an instant.

A weekly 10:00 meeting in Berlin stays at 10:00 Berlin time through the DST switches;
only its UTC instant moves. So the rule (see ``maxremind.domain.rrule``) is expanded on
naive wall times with ``dateutil.rrule``, and every wall time is then converted by the
one rule in ``maxremind.domain.wall_time``:

* a wall time in a spring-forward gap is shifted forward by the gap length
  (02:30 on 2026-03-29 in Europe/Berlin → 03:30 CEST), ``adjustment="gap_shifted"``;
* a wall time in a fall-back fold takes the first, earlier instant
  (01:30 on 2026-11-01 in America/New_York → 05:30 UTC), ``adjustment="fold_first"``.

The organizer is shown ``adjustment``; ``local`` keeps the time as planned.

Conventions:

* Windows are ``after < at <= before``, so adjacent windows never share or lose an
  occurrence and ``next_occurrence(after=previous.at)`` moves on.
* ``start_local`` anchors the rule, as DTSTART does; like ``dateutil`` (and unlike some
  calendar apps) it is an occurrence only if the rule matches it. Services store the
  first matching time as the start, which ``check_fires`` returns.
* ``COUNT`` counts the rule's occurrences from the true start, before skipped dates
  are removed (RFC 5545: EXDATE applies to the generated set), so ``COUNT=5`` with one
  skipped date fires four times.
* Wall times have whole-second precision; microseconds are dropped.

Expansion does not replay an old rule from its start: it jumps to a whole number of
periods (days, weeks, months, years of ``INTERVAL``) before the window, which keeps
``INTERVAL`` aligned, and counts what ``COUNT`` used up in between arithmetically.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import rrule as du

from maxremind.domain.rrule import (
    Freq,
    NthWeekday,
    Recurrence,
    RecurrenceError,
    Weekday,
    parse_exdates,
)
from maxremind.domain.wall_time import Adjustment, resolve_local, to_wall

__all__ = [
    "Adjustment",
    "Freq",
    "NthWeekday",
    "OccurrenceTime",
    "Recurrence",
    "RecurrenceError",
    "Weekday",
    "check_fires",
    "expand",
    "next_occurrence",
    "parse_exdates",
    "resolve_local",
]


@dataclass(frozen=True, slots=True)
class OccurrenceTime:
    local: datetime  # naive wall time as planned, even if it fell into a gap
    at: datetime  # aware UTC instant
    adjustment: Adjustment


# Wall times near datetime.max cannot be converted to UTC in every zone.
_LAST_WALL = datetime(9999, 12, 30)
# A wall time and its instant differ by at most ~26 hours in any zone; windows are
# widened by this much in wall time and then cut exactly on instants.
_SLACK = timedelta(days=2)
_DU_WEEKDAY = (du.MO, du.TU, du.WE, du.TH, du.FR, du.SA, du.SU)


def expand(
    start_local: datetime,
    tz: ZoneInfo,
    rrule: str | Recurrence | None,
    exdates: AbstractSet[date] = frozenset(),
    *,
    after: datetime,
    before: datetime,
    limit: int | None = None,
) -> list[OccurrenceTime]:
    """Occurrences with ``after < at <= before``, in order, at most ``limit`` of them.

    ``rrule`` None means a one-off event at ``start_local``.

    :raises RecurrenceError: ``rrule`` is malformed or unsupported.
    :raises ValueError: ``start_local`` is aware, or ``after``/``before`` are naive.
    """
    stop_wall = _wall_near(before, tz, _SLACK)
    found: list[OccurrenceTime] = []
    if limit is not None and limit <= 0:
        return found
    for occurrence in _occurrences(start_local, tz, rrule, exdates, after, stop_wall):
        if occurrence.at > before:
            continue
        found.append(occurrence)
        if limit is not None and len(found) >= limit:
            break
    return found


def next_occurrence(
    start_local: datetime,
    tz: ZoneInfo,
    rrule: str | Recurrence | None,
    exdates: AbstractSet[date] = frozenset(),
    *,
    after: datetime,
) -> OccurrenceTime | None:
    """The first occurrence strictly after the instant ``after``, or None if the rule is over.

    :raises RecurrenceError: ``rrule`` is malformed or unsupported.
    """
    return next(iter(_occurrences(start_local, tz, rrule, exdates, after, _LAST_WALL)), None)


def check_fires(
    start_local: datetime,
    tz: ZoneInfo,
    rrule: str | Recurrence | None,
    exdates: AbstractSet[date] = frozenset(),
) -> OccurrenceTime:
    """The first occurrence; call it when an event is saved.

    :raises RecurrenceError: the rule is malformed, unsupported, or never fires (for
        example UNTIL before the start, or 29 February every 4 years from 2025).
    """
    rule = _as_rule(rrule)
    wall = _naive_start(start_local)
    if rule is not None and rule.until is not None and _until_wall(rule.until, tz) < wall:
        raise RecurrenceError(f"never fires: UNTIL {rule.until} is before the start {wall}")
    at, _ = resolve_local(wall, tz)
    first = next_occurrence(wall, tz, rule, exdates, after=at - timedelta(seconds=1))
    if first is None:
        raise RecurrenceError("never fires: no date matches the rule after the start")
    return first


def _as_rule(rrule: str | Recurrence | None) -> Recurrence | None:
    if rrule is None or isinstance(rrule, Recurrence):
        return rrule
    return Recurrence.from_rrule(rrule)


def _naive_start(start_local: datetime) -> datetime:
    if start_local.tzinfo is not None:
        raise ValueError(f"start_local must be a naive wall time, got {start_local.isoformat()}")
    return start_local.replace(microsecond=0)


def _occurrences(
    start_local: datetime,
    tz: ZoneInfo,
    rrule: str | Recurrence | None,
    exdates: AbstractSet[date],
    after: datetime,
    stop_wall: datetime,
) -> Iterator[OccurrenceTime]:
    """Occurrences after the instant ``after`` whose wall time is at most ``stop_wall``."""
    if after.tzinfo is None:
        raise ValueError(f"after must be an aware instant, got {after.isoformat()}")
    rule = _as_rule(rrule)
    start = _naive_start(start_local)
    skipped = exdates if rule is None else rule.exdates | exdates
    until_at = rule.until if rule is not None and isinstance(rule.until, datetime) else None
    if until_at is not None and until_at.tzinfo is None:
        until_at = None  # a local bound, already applied to the wall times
    previous: datetime | None = None
    walls = [start] if rule is None else _walls(rule, start, tz, _wall_near(after, tz, -_SLACK))
    for wall in walls:
        if wall > stop_wall:
            return
        at, adjustment = resolve_local(wall, tz)
        if until_at is not None and at > until_at:
            return
        # A zone that skips a whole day (Pacific/Apia, 2011) maps two wall times to
        # one instant; the first one wins, so instants stay strictly increasing.
        if previous is not None and at <= previous:
            continue
        previous = at
        if at > after and wall.date() not in skipped:
            yield OccurrenceTime(local=wall, at=at, adjustment=adjustment)


def _wall_near(instant: datetime, tz: ZoneInfo, slack: timedelta) -> datetime:
    """The wall time at ``instant`` moved by ``slack``, kept inside the representable range
    (callers may well pass ``datetime.min``/``max`` to mean "no bound")."""
    try:
        return min(to_wall(instant, tz) + slack, _LAST_WALL)
    except OverflowError:
        return _LAST_WALL if instant.year > 5000 else datetime.min


def _walls(rule: Recurrence, start: datetime, tz: ZoneInfo, target: datetime) -> Iterator[datetime]:
    """The rule's wall times from about ``target`` on (from ``start`` if that is later)."""
    anchor, used = _fast_forward(rule, start, target)
    count = None if rule.count is None else rule.count - used
    if count is not None and count <= 0:
        return iter(())
    until = _LAST_WALL if rule.until is None else min(_until_wall(rule.until, tz), _LAST_WALL)
    if rule.freq is Freq.DAILY:
        return _daily(anchor, timedelta(days=rule.interval), count, until)
    # dateutil refuses COUNT and UNTIL together (RFC 5545); a COUNT rule ends anyway.
    bound: dict[str, Any] = {"until": until} if count is None else {"count": count}
    return iter(du.rrule(dtstart=anchor, **bound, **_dateutil_parts(rule, start)))


def _daily(
    anchor: datetime, step: timedelta, count: int | None, until: datetime
) -> Iterator[datetime]:
    # Same result as dateutil's DAILY, at a fraction of the cost: this is the rule the
    # planner expands most, for many events at once.
    wall = anchor
    left = count
    while wall <= until and (left is None or left > 0):
        yield wall
        if until - wall < step:
            return
        wall += step
        left = None if left is None else left - 1


def _until_wall(until: date | datetime, tz: ZoneInfo) -> datetime:
    """The latest wall time ``until`` allows (generous for an instant; cut on instants later)."""
    if isinstance(until, datetime):
        if until.tzinfo is None:
            return until
        return to_wall(until, tz) + _SLACK
    return datetime.combine(until, time.max)


def _dateutil_parts(rule: Recurrence, start: datetime) -> dict[str, Any]:
    # Every BY part is spelled out from the true start, because dateutil would otherwise
    # take the missing ones from the fast-forwarded anchor.
    parts: dict[str, Any] = {"interval": rule.interval, "wkst": du.MO}
    if rule.freq is Freq.DAILY:
        parts["freq"] = du.DAILY
    elif rule.freq is Freq.WEEKLY:
        parts["freq"] = du.WEEKLY
        days = rule.weekdays or (Weekday.of(start.date()),)
        parts["byweekday"] = [_DU_WEEKDAY[day.number] for day in days]
    elif rule.freq is Freq.MONTHLY:
        parts["freq"] = du.MONTHLY
        if rule.nth_weekday is not None:
            nth = rule.nth_weekday
            parts["byweekday"] = [_DU_WEEKDAY[nth.weekday.number](nth.n)]
        else:
            parts["bymonthday"] = rule.month_day or start.day
    else:
        parts["freq"] = du.YEARLY
        parts["bymonth"] = rule.month or start.month
        parts["bymonthday"] = rule.month_day or start.day
    return parts


def _fast_forward(rule: Recurrence, start: datetime, target: datetime) -> tuple[datetime, int]:
    """A dtstart at or before ``target`` that begins a period of the rule, and how many
    occurrences the rule had before it (only computed for COUNT rules)."""
    if target <= start:
        return start, 0
    k = rule.interval
    if rule.freq is Freq.DAILY:
        periods = (target.date() - start.date()).days // k
        return start + timedelta(days=periods * k), periods
    if rule.freq is Freq.WEEKLY:
        return _fast_forward_weekly(rule, start, target)
    if rule.freq is Freq.MONTHLY:
        month0 = start.year * 12 + start.month - 1
        periods = (target.year * 12 + target.month - 1 - month0) // k
        if periods <= 0:
            return start, 0
        month = month0 + periods * k
        anchor = datetime.combine(date(month // 12, month % 12 + 1, 1), start.time())
        indexes = (month0 + p * k for p in range(periods))
        return anchor, _count_dated(rule, start, ((i // 12, i % 12 + 1) for i in indexes))
    periods = (target.year - start.year) // k
    if periods <= 0:
        return start, 0
    anchor = datetime.combine(date(start.year + periods * k, 1, 1), start.time())
    month = rule.month or start.month
    years = ((start.year + p * k, month) for p in range(periods))
    return anchor, _count_dated(rule, start, years)


def _fast_forward_weekly(
    rule: Recurrence, start: datetime, target: datetime
) -> tuple[datetime, int]:
    monday = start.date() - timedelta(days=start.weekday())
    periods = (target.date() - monday).days // 7 // rule.interval
    if periods <= 0:
        return start, 0
    anchor = datetime.combine(monday + timedelta(weeks=periods * rule.interval), start.time())
    days = rule.weekdays or (Weekday.of(start.date()),)
    first_week = sum(1 for day in days if day.number >= start.weekday())
    return anchor, first_week + (periods - 1) * len(days)


def _count_dated(rule: Recurrence, start: datetime, months: Iterable[tuple[int, int]]) -> int:
    """How many of these (year, month) periods hold an occurrence at or after the start."""
    if rule.count is None:
        return 0
    used = 0
    for year, month in months:
        day = _day_in_month(rule, start, year, month)
        if day is not None and day >= start.date():
            used += 1
            if used >= rule.count:
                break  # the rule is over; more counting changes nothing
    return used


def _day_in_month(rule: Recurrence, start: datetime, year: int, month: int) -> date | None:
    """The rule's day in that month, or None where it does not exist (the 31st of April)."""
    length = calendar.monthrange(year, month)[1]
    nth = rule.nth_weekday
    if nth is not None:
        first = (nth.weekday.number - date(year, month, 1).weekday()) % 7 + 1
        last = length - (date(year, month, length).weekday() - nth.weekday.number) % 7
        day = first + 7 * (nth.n - 1) if nth.n > 0 else last + 7 * (nth.n + 1)
    else:
        wanted = rule.month_day or start.day
        day = wanted if wanted > 0 else length + wanted + 1
    return date(year, month, day) if 1 <= day <= length else None
