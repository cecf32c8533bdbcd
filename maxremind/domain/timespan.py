"""Spans of time: "через 2 часа 30 минут", reminder offsets ("за 1 день, за 15 минут")
and event durations ("1.5 h", "2h30m").

Rules worth knowing:

* Terms of one span may follow each other with or without spaces or "и"/"and":
  "1 час 30 минут", "2h30m", "1 hour and 30 minutes" are one span of 90 minutes.
* In an offset list, items are separated by commas/semicolons or by a repeated "за";
  "за 2 часа и за 10 минут" is two offsets, "1h, 10m" too.
* As offsets, a month counts as 30 days and a year as 365 days (an offset is a fixed
  `timedelta`); anything above 365 days is refused with reason ``"too_far"``.
* Text longer than `MAX_TIME_TEXT` characters is refused (``"not_understood"``) before any
  regex runs, so a pasted essay costs nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction

from .timetypes import PARSE_WORK, Lang, TimeParseError
from .timewords import FULL_UNIT_WORDS, NUMBER, UNIT, normalize, number_value, unit_kind

MAX_OFFSET = timedelta(days=365)

_DIGITS = r"\d+(?:\.\d+)?"
_TERM = re.compile(
    r"(?:"
    r"пол-?(?P<half_ru>часа|минуты|дня|недели|месяца|года)"
    r"|half\s+(?:an?\s+)?(?P<half_en>hour|minute|day|week|month|year)"
    rf"|(?:(?P<num>{_DIGITS})\s*|(?P<word>{NUMBER})\s+)?(?P<unit>{UNIT})"
    r")(?![^\W\d_])"
)
_TERM_SEP = re.compile(r"\s*(?:(?:и|and)\s+)?")
_HALF_UNITS = {"часа": "hour", "минуты": "minute", "дня": "day", "недели": "week"}
_HALF_UNITS |= {"месяца": "month", "года": "year"}


@dataclass(frozen=True, slots=True)
class Span:
    """A calendar-aware amount of time.

    Months and years stay symbolic so "через месяц" lands on the same day number;
    ``clock`` holds hours and minutes, which are added in absolute time (DST-safe).
    ``has_clock`` tells "через 0 минут" (a clock span) from "через 0 дней".
    """

    years: int = 0
    months: int = 0
    days: int = 0
    clock: timedelta = timedelta(0)
    has_clock: bool = False

    def as_timedelta(self) -> timedelta:
        return timedelta(days=self.years * 365 + self.months * 30 + self.days) + self.clock


# No real span has a term this large (a billion minutes is 1,900 years); larger numbers
# would overflow `timedelta` and escape as OverflowError instead of a TimeParseError.
_MAX_TERM = 10**9


def _add_term(span: Span, unit: str, value: Fraction) -> Span:
    if value > _MAX_TERM:
        raise TimeParseError("too_far", "the number is too large for a span of time")
    years, months, days, clock = span.years, span.months, span.days, span.clock
    has_clock = span.has_clock
    if unit == "year":
        if value.denominator == 1:
            years += int(value)
            value = Fraction(0)
        unit, value = "month", value * 12
    if unit == "month":
        if value.denominator != 1:
            raise TimeParseError("not_understood", "a fraction of a month is not a whole span")
        months += int(value)
    elif unit in ("week", "day"):
        total_days = value * 7 if unit == "week" else value
        whole = int(total_days)
        days += whole
        clock += timedelta(days=float(total_days - whole))
    else:
        clock += (
            timedelta(hours=float(value)) if unit == "hour" else timedelta(minutes=float(value))
        )
        has_clock = True
    return Span(years, months, days, clock, has_clock)


def scan_span(s: str, pos: int = 0) -> tuple[Span, int] | None:
    """Read consecutive span terms from ``s[pos:]``; return the span and where it ended."""
    span = Span()
    end = pos
    count = 0
    while True:
        sep = _TERM_SEP.match(s, end) if count else None
        start = sep.end() if sep else end
        m = _TERM.match(s, start)
        if m is None:
            break
        if m["half_ru"] or m["half_en"]:
            unit = _HALF_UNITS[m["half_ru"]] if m["half_ru"] else m["half_en"]
            value = Fraction(1, 2)
        else:
            unit_word = m["unit"]
            if m["num"] is None and m["word"] is None and unit_word not in FULL_UNIT_WORDS:
                break
            unit = unit_kind(unit_word)
            raw = m["num"] or m["word"]
            value = number_value(raw) if raw else Fraction(1)
        span = _add_term(span, unit, value)
        end = m.end()
        count += 1
    return (span, end) if count else None


def _parse_full_span(text: str) -> Span | None:
    found = scan_span(text)
    if found is None or found[1] != len(text):
        return None
    return found[0]


# --- offsets ------------------------------------------------------------------------------

_ZERO_OFFSET = re.compile(
    r"(?:в\s+)?(?:момент\s+)?(?:начала|начало|события)|в\s+начале|вовремя|сразу|0"
    r"|(?:at\s+)?(?:the\s+)?(?:start|beginning)|on\s+time|at\s+the\s+time|at\s+once"
)
_OFFSET_NOISE = re.compile(
    r"(?<!\w)(?:за|до|раньше|заранее|перед|before|prior(?:\s+to)?|ahead|earlier|early|in\s+advance)(?!\w)"
)
# "за -5 минут": normalizing would drop the minus, so a number after one is refused first.
_NEGATIVE_ITEM = re.compile(r"(?:^|[\s,;])[-−–—]\s*\d")
_ITEM_SPLIT = re.compile(r"\s*(?:,|(?<!\w)(?:и|and)(?!\w))\s*|\s+(?=за(?!\w))")


def parse_offsets(text: str, lang: Lang = "ru") -> list[timedelta]:
    """Parse a list of reminder offsets: "за 1 день, за 15 минут", "1h, 10m", "at start".

    Returns the distinct offsets, largest first. ``lang`` is accepted for symmetry; both
    languages are always understood.

    :raises TimeParseError: ``"empty"``, ``"not_understood"`` (also for text longer than
        `MAX_TIME_TEXT`), ``"too_far"`` (> 365 days) or ``"negative"`` ("за -5 минут").
    """
    del lang
    PARSE_WORK.admit(text)
    if _NEGATIVE_ITEM.search(text):
        raise TimeParseError("negative", "an offset cannot be negative")
    s = normalize(text, keep_commas=True)
    items = [item.strip() for item in _ITEM_SPLIT.split(s)]
    items = [item for item in items if item and item != ","]
    if not items:
        raise TimeParseError("empty", "no offsets given")
    found: set[timedelta] = set()
    for item in items:
        if _ZERO_OFFSET.fullmatch(item):
            found.add(timedelta(0))
            continue
        core = " ".join(_OFFSET_NOISE.sub(" ", item).split())
        span = _parse_full_span(core) if core else None
        if span is None:
            raise TimeParseError("not_understood", f"not an offset: {item!r}")
        offset = span.as_timedelta()
        if offset > MAX_OFFSET:
            raise TimeParseError("too_far", "an offset may be at most 365 days")
        found.add(offset)
    return sorted(found, reverse=True)


# --- durations ----------------------------------------------------------------------------

_CLOCK_DURATION = re.compile(r"(\d{1,3}):([0-5]\d)")
_DURATION_NOISE = re.compile(r"(?<!\w)(?:на|for|в\s+течение|длительностью|duration)(?!\w)")


def parse_duration(text: str, lang: Lang = "ru") -> timedelta:
    """Parse an event length: "1 час", "90 минут", "1.5 h", "2h30m", "полчаса", "1:30".

    Months and years are refused (an event lasting "a month" is better as all-day dates).

    :raises TimeParseError: ``"empty"``, ``"not_understood"`` (also for zero, or for text
        longer than `MAX_TIME_TEXT`) or ``"too_far"`` (> 365 days).
    """
    del lang
    PARSE_WORK.admit(text)
    s = " ".join(_DURATION_NOISE.sub(" ", normalize(text)).split())
    if not s:
        raise TimeParseError("empty", "no duration given")
    clock = _CLOCK_DURATION.fullmatch(s)
    if clock:
        result = timedelta(hours=int(clock[1]), minutes=int(clock[2]))
    else:
        span = _parse_full_span(s)
        if span is None or span.years or span.months:
            raise TimeParseError("not_understood", f"not a duration: {text!r}")
        result = span.as_timedelta()
    if result <= timedelta(0):
        raise TimeParseError("not_understood", "a duration must be positive")
    if result > MAX_OFFSET:
        raise TimeParseError("too_far", "a duration may be at most 365 days")
    return result
