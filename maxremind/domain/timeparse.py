"""Natural-language time expressions (Russian first, English second) → `When`.

``parse_when("завтра в 9", now=..., tz=..., lang="ru")`` returns the moment (or the first
occurrence of a rule) the user meant. No I/O; "now" is always passed in; the only global
state is the ``PARSE_WORK`` counter.

Text longer than ``MAX_TIME_TEXT`` characters is refused up front, so a parse costs a
bounded amount of work whatever is pasted; ``PARSE_WORK`` counts what was parsed.

How choices are made (the bot echoes the result, so these must be predictable):

* **Time only** ("в 9", "at 7pm", "в полдень"): today if that moment is not past, otherwise
  tomorrow.
* **Ambiguous hours**: a one-digit hour 1–6 without "утра/дня/вечера/ночи/am/pm" ("в 3",
  "at 5:30") may be morning or afternoon. If exactly one reading is still ahead it wins
  ("сегодня в 3" at 14:00 → 15:00); otherwise `TimeParseError` with reason
  ``"ambiguous"`` and both readings, morning first, in ``candidates``/``alternatives``.
  Hours 0 and 7–23 and two-digit hours ("03:00") are read on the 24-hour clock.
* **Weekdays**: "в пятницу" is the nearest Friday from today; the same weekday as today
  means today only if a clock time is given and still ahead, otherwise a week later.
  "в следующий вторник" / "next Tuesday" is the Tuesday of next calendar week (Mon–Sun).
* **Dates without a year** ("25.12", "1 января"): this year if not past, else next year
  (29.02 moves to the next leap year). Today's date with a clock time already past is
  reason ``"past"``: a typo is likelier than a wish for next year.
* **Past**: explicit dates with a year in the past, "вчера", "сегодня в 10:00" at 14:00
  → reason ``"past"``.
* **Numeric dates**: "25.12" is day.month in both languages; "12/25" is month/day for
  ``lang="en"`` and day/month for ``"ru"`` (either way, a first number > 12 is a day).
  "в 18.30" (after "в"/"at") is a time, not a date.
* **Relative**: "через 2 часа"/"in 20 minutes" add absolute time; "через 3 дня" keeps the
  clock time (``time_given`` false) unless one is given ("через 3 дня в 10").
* **Date only** → ``all_day`` with ``start`` at local midnight; the bot picks the hour.
* Rules and their readings are in `maxremind.domain.timerecur`; clock-time details in
  `maxremind.domain.timeslots`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from .timerecur import RecurSpec, first_occurrence, take_recurrence_details, take_recurrence_head
from .timeslots import (
    ClockTime,
    DayRef,
    Remainder,
    take_bare_time,
    take_day,
    take_exact_time,
    take_lone_hour,
)
from .timespan import Span, parse_duration, parse_offsets, scan_span
from .timetypes import MAX_TIME_TEXT, PARSE_WORK, Lang, TimeParseError, When
from .timewords import normalize

__all__ = [
    "MAX_TIME_TEXT",
    "PARSE_WORK",
    "Lang",
    "TimeParseError",
    "When",
    "parse_duration",
    "parse_offsets",
    "parse_when",
]

_RELATIVE = re.compile(r"(?<!\w)(?:через|спустя|in)\s+")
# "через -5 минут": normalizing would drop the minus and read it as +5, so look first.
_NEGATIVE_RELATIVE = re.compile(r"(?<!\w)(?:через|спустя|in)\s+[-−–—]\s*\d", re.IGNORECASE)
_UTC = ZoneInfo("UTC")
_MAX_YEARS_AHEAD = 8  # enough to reach the next 29 February


def parse_when(text: str, *, now: datetime, tz: ZoneInfo, lang: Lang = "ru") -> When:
    """Understand a reminder time such as "завтра в 9" or "every Monday at 10".

    :param now: the current moment, timezone-aware (any zone).
    :param tz: the user's zone; ``start`` is returned in it.
    :raises TimeParseError: reason ``"empty"``, ``"not_understood"`` (also for text longer
        than `MAX_TIME_TEXT`, refused before any regex runs), ``"past"``,
        ``"ambiguous"`` (with ``candidates`` and ``alternatives``), ``"negative"``
        ("через -5 минут") or ``"no_such_date"`` ("30 февраля", with ``day_month``).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    PARSE_WORK.admit(text)
    if _NEGATIVE_RELATIVE.search(text):
        raise TimeParseError("negative", "a relative time cannot be negative")
    text = normalize(text)
    if not text:
        raise TimeParseError("empty", "no time given")
    rem = Remainder(text)
    try:
        spec = take_recurrence_head(rem)
        span = None if spec else _take_relative(rem)
        clock = take_exact_time(rem)
        day = DayRef()
        if spec:
            spec = take_recurrence_details(rem, spec, lang)
        else:
            day = take_day(rem, lang)
        clock = clock or take_bare_time(rem)
        if clock is None and (spec or day):
            clock = take_lone_hour(rem)
    except (KeyError, ValueError, OverflowError) as exc:
        if isinstance(exc, TimeParseError):
            raise
        raise TimeParseError("not_understood", str(exc)) from exc
    if rem.leftover() or not (spec or span or day or clock):
        raise TimeParseError("not_understood", f"cannot read a time in {text!r}")
    return _choose(spec, span, day, clock, now.astimezone(tz), tz)


def _take_relative(rem: Remainder) -> Span | None:
    for m in _RELATIVE.finditer(rem.text):
        found = scan_span(rem.text, m.end())
        if found is not None:
            span, end = found
            rem.text = f"{rem.text[: m.start()]} {rem.text[end:]}"
            return span
    return None


def _choose(
    spec: RecurSpec | None,
    span: Span | None,
    day: DayRef,
    clock: ClockTime | None,
    now: datetime,
    tz: ZoneInfo,
) -> When:
    """Resolve every reading of the clock time; keep those not in the past."""
    readings: list[ClockTime | None] = list(clock.readings()) if clock else [None]
    found: list[When] = []
    past: TimeParseError | None = None
    for reading in readings:
        try:
            if spec is not None:
                found.append(_resolve_rule(spec, reading, now, tz))
            else:
                found.append(_resolve_once(span, day, reading, now, tz))
        except TimeParseError as exc:
            if exc.reason != "past":
                raise
            past = exc
        except (ValueError, OverflowError) as exc:
            raise TimeParseError("not_understood", str(exc)) from exc
    if not found:
        assert past is not None
        raise past
    if len(found) > 1:
        raise TimeParseError(
            "ambiguous",
            "the hour may be morning or evening",
            candidates=[w.start for w in found],
            alternatives=found,
        )
    return found[0]


def _resolve_rule(spec: RecurSpec, clock: ClockTime | None, now: datetime, tz: ZoneInfo) -> When:
    at: time | None = None
    if clock is not None:
        at = time(clock.hour, clock.minute)
    elif spec.default_hour is not None:
        at = time(spec.default_hour)
    body, first = first_occurrence(spec, at, now=now, tz=tz)
    return When(_settle(first, tz), body, all_day=at is None, time_given=at is not None)


def _resolve_once(
    span: Span | None, day: DayRef, clock: ClockTime | None, now: datetime, tz: ZoneInfo
) -> When:
    today = now.date()
    if span is not None:
        if day or (clock and span.has_clock):
            raise TimeParseError("not_understood", "a relative time cannot be combined with a day")
        moved = now.replace(tzinfo=None) + relativedelta(
            years=span.years, months=span.months, days=span.days
        )
        if clock is not None:
            return When(_at(moved.date(), clock, tz))
        # Aware arithmetic in one zone is wall-clock arithmetic; hours must be absolute.
        start = _settle(moved.replace(tzinfo=tz), tz).astimezone(_UTC) + span.clock
        return When(start.astimezone(tz), time_given=span.has_clock)

    if not day:
        assert clock is not None
        start = _at(today, clock, tz)
        return When(start if start >= now else _at(today + timedelta(days=1), clock, tz))

    target = _day(day, clock, now, tz)
    if clock is None:
        if target < today:
            raise TimeParseError("past", "that day has passed")
        return When(_at(target, None, tz), all_day=True, time_given=False)
    start = _at(target, clock, tz)
    if start < now:
        raise TimeParseError("past", "that time has passed")
    return When(start)


def _day(day: DayRef, clock: ClockTime | None, now: datetime, tz: ZoneInfo) -> date:
    """The one date all the day parts agree on."""
    today = now.date()
    named: list[date] = []
    if day.date is not None:
        named.append(_date_of(day.date.day, day.date.month, day.date.year, today))
    if day.shift is not None:
        named.append(today + timedelta(days=day.shift))
    if day.month_day is not None:
        named.append(_next_month_day(day.month_day, today))
    if named:
        if any(d != named[0] for d in named) or (
            day.weekday is not None and named[0].weekday() != day.weekday
        ):
            raise TimeParseError("not_understood", "the day parts disagree")
        return named[0]
    assert day.weekday is not None
    if day.next_week:
        return today + timedelta(days=7 - today.weekday() + day.weekday)
    ahead = (day.weekday - today.weekday()) % 7
    if ahead == 0 and (clock is None or _at(today, clock, tz) < now):
        ahead = 7
    return today + timedelta(days=ahead)


def _date_of(day: int, month: int, year: int | None, today: date) -> date:
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            raise _no_such_date(day, month) from None
    for y in range(today.year, today.year + _MAX_YEARS_AHEAD + 1):
        try:
            candidate = date(y, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise _no_such_date(day, month)


def _no_such_date(day: int, month: int) -> TimeParseError:
    """ "30 февраля" is a date that does not exist; "45.13" is not a date at all."""
    if 1 <= month <= 12 and 1 <= day <= 31:
        return TimeParseError(
            "no_such_date", f"no such date: {day}.{month}", day_month=(day, month)
        )
    return TimeParseError("not_understood", f"not a date: {day}.{month}")


def _next_month_day(day: int, today: date) -> date:
    first = today.replace(day=1)
    for months in range(13):
        try:
            candidate = (first + relativedelta(months=months)).replace(day=day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise TimeParseError("not_understood", f"no such day of the month: {day}")


def _at(day: date, clock: ClockTime | None, tz: ZoneInfo) -> datetime:
    wall = time(clock.hour, clock.minute) if clock else time(0)
    return _settle(datetime.combine(day, wall, tzinfo=tz), tz)


def _settle(dt: datetime, tz: ZoneInfo) -> datetime:
    """Move a wall time that falls in a DST gap forward to one that exists."""
    return dt.astimezone(_UTC).astimezone(tz)
