"""Recurrence grammar: "каждый будний день", "по понедельникам и средам", "every other
Thursday", "каждую вторую среду месяца", "monthly on the 15th", "каждый год 25 декабря".

Reading rules:

* A weekday with "второй"/"other"/"second" but without "месяца"/"of the month" means every
  other week ("каждый второй четверг" = ``FREQ=WEEKLY;INTERVAL=2;BYDAY=TH``); with
  "месяца"/"of the month" it is the n-th weekday of the month (``FREQ=MONTHLY;BYDAY=2WE``).
* Weekday sets, including "по будням" and "по выходным", are ``FREQ=WEEKLY;BYDAY=...``.
* "в выходные" alone is this weekend, not a rule, so it is not read here.
* A rule that names no day gets one from its first occurrence, so every stored rule
  describes itself: "каждую неделю в 10" on a Wednesday after 10:00 → ``BYDAY=TH``.

What is read is a `maxremind.domain.rrule.Recurrence`, the one rule model storage and
expansion use too; its ``to_rrule`` writes the RRULE text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from .rrule import Freq, NthWeekday, Recurrence, Weekday
from .timeslots import DateRef, Remainder, take_day
from .timetypes import Lang, TimeParseError
from .timewords import (
    MONTH,
    NUMBER,
    ORDINAL,
    WEEKDAY,
    WEEKDAY_LIST,
    WEEKDAY_PLURAL_EN,
    bounded,
    number_value,
    ordinal_value,
    weekday_number,
    weekday_numbers,
)

_DAYS: tuple[Weekday, ...] = tuple(Weekday)  # index = date.weekday()


def _weekdays(numbers: tuple[int, ...]) -> tuple[Weekday, ...]:
    return tuple(_DAYS[n] for n in numbers)


@dataclass(frozen=True, slots=True)
class RecurSpec:
    """A rule while it is being read: the `Recurrence` so far, plus what only the parser
    needs. The RRULE text always comes from ``rule.to_rrule()``; there is no second model."""

    rule: Recurrence
    default_hour: int | None = None
    """The clock hour implied by "каждое утро"/"every evening" when no time is given."""

    def to_rrule(self) -> str:
        return self.rule.to_rrule()

    def refine(self, **changes: Any) -> RecurSpec:
        """The spec with its rule changed; an impossible rule raises `RecurrenceError`."""
        return replace(self, rule=replace(self.rule, **changes))


def _spec(
    freq: Freq,
    *,
    interval: int = 1,
    weekdays: tuple[int, ...] = (),
    nth: int | None = None,
    default_hour: int | None = None,
    month_day: int | None = None,
) -> RecurSpec:
    nth_weekday = NthWeekday(_DAYS[weekdays[0]], nth) if nth is not None else None
    rule = Recurrence(
        freq,
        interval=interval,
        weekdays=() if nth is not None else _weekdays(weekdays),
        nth_weekday=nth_weekday,
        month_day=month_day,
    )
    return RecurSpec(rule, default_hour)


_EVERY = r"(?:кажд\w+|every|each)"
_OTHER = r"(?:other|second|втор(?:ой|ую|ое))"
_OF_MONTH = r"(?:of\s+)?(?:the\s+|every\s+|each\s+|каждого\s+)?(?:месяца|month)"


def _chislo(group: str) -> str:
    return rf"(?P<{group}>\d{{1,2}})(?:-?(?:го|е|ое))?\s+(?:числа|число)"


# Keyed by the first letter of the unit word: день/сутки, недели, месяц, год/лет, days...
_D, _W, _M, _Y = Freq.DAILY, Freq.WEEKLY, Freq.MONTHLY, Freq.YEARLY
_UNITS = {"д": _D, "с": _D, "н": _W, "м": _M, "г": _Y, "л": _Y, "d": _D, "w": _W, "m": _M, "y": _Y}
_WORD_FREQ = {"ежедневно": _D, "daily": _D, "еженедельно": _W, "weekly": _W}
_WORD_FREQ |= {"ежемесячно": _M, "monthly": _M, "ежегодно": _Y}
_WORD_FREQ |= {"yearly": _Y, "annually": _Y}

_WEEKDAYS_HEAD = bounded(
    rf"(?:(?:{_EVERY}|по|в)\s+)?будн\w*(?:\s+(?:день|дни|дням))?|{_EVERY}\s+weekday"
    r"|(?:on\s+)?weekdays"
)
_WEEKENDS_HEAD = bounded(
    rf"(?:{_EVERY}|по)\s+выходн\w*(?:\s+(?:день|дни|дням))?|{_EVERY}\s+weekend"
    r"|(?:on\s+)?(?:the\s+)?weekends"
)
_NTH_HEAD = bounded(
    rf"(?:{_EVERY}\s+|(?:on\s+)?the\s+|во?\s+)?(?P<ord>{ORDINAL})\s+(?P<wd>{WEEKDAY})\s+{_OF_MONTH}"
)
_LAST_DAY = (
    r"(?:последн\w+\s+(?:день|число)\s+месяца|last\s+day\s+of\s+(?:the\s+|every\s+|each\s+)?month)"
)
_MONTHDAY_HEAD = bounded(
    rf"кажд\w+\s+{_chislo('d')}|{_chislo('c')}\s+каждого\s+месяца"
    rf"|(?:on\s+)?the\s+(?P<e>\d{{1,2}})(?:st|nd|rd|th)?\s+of\s+(?:every|each)\s+month"
    rf"|(?:{_EVERY}\s+|во?\s+|on\s+the\s+|the\s+)?(?P<last>{_LAST_DAY})"
)
# Only the "every" word is consumed; the date itself is read by `take_day` afterwards.
_YEARDATE_HEAD = bounded(
    rf"{_EVERY}(?=\s+(?:the\s+)?\d{{1,2}}(?:-?(?:го|е|ое)|st|nd|rd|th)?\s+(?:of\s+)?{MONTH}"
    rf"|\s+{MONTH}\s+\d)"
)
_PART_HEAD = bounded(rf"{_EVERY}\s+(?P<part>утро|вечер|morning|evening)")
_UNIT_HEAD = bounded(
    rf"(?:{_EVERY}|раз\s+в)\s+(?:(?P<n>\d{{1,3}}|{NUMBER}|{_OTHER})\s+)?"
    r"(?P<unit>день|дня|дней|сутки|суток|недел\w*|месяц\w*|год\w*|лет|days?|weeks?|months?|years?)"
)
_WEEKDAY_HEAD = bounded(
    rf"(?:{_EVERY}|по)\s+(?:(?P<other>{_OTHER})\s+)?(?P<wds>{WEEKDAY_LIST})"
    rf"|(?:on\s+)?(?P<plural>{WEEKDAY_PLURAL_EN}(?:(?:\s+(?:and|&))?\s+{WEEKDAY_PLURAL_EN})*)"
)
_WORD_HEAD = bounded(r"(?P<word>" + "|".join(_WORD_FREQ) + ")")

_WEEKDAYS_MOD = bounded(rf"(?:(?:в|во|on|по)\s+)?(?P<wds>{WEEKDAY_LIST})")
_NTH_MOD = bounded(
    rf"(?:(?:во?|on\s+the|the|on)\s+)?(?P<ord>{ORDINAL})\s+(?P<wd>{WEEKDAY})(?:\s+{_OF_MONTH})?"
)
_MONTHDAY_MOD = bounded(
    rf"(?:во?\s+)?{_chislo('d')}|(?:on\s+)?(?:the\s+)?(?P<e>\d{{1,2}})(?:st|nd|rd|th)"
    rf"|(?:во?\s+|on\s+the\s+|the\s+)?(?P<last>{_LAST_DAY})"
)


def _count(text: str) -> int:
    if re.fullmatch(_OTHER, text):
        return 2
    value = number_value(text)
    if value.denominator != 1 or not 1 <= value <= 999:
        raise TimeParseError("not_understood", f"not a repeat interval: {text}")
    return int(value)


def take_recurrence_head(rem: Remainder) -> RecurSpec | None:
    """Take the words that make the expression a rule; None when it is a one-off."""
    if rem.take(_WEEKDAYS_HEAD):
        return _spec(Freq.WEEKLY, weekdays=(0, 1, 2, 3, 4))
    if rem.take(_WEEKENDS_HEAD):
        return _spec(Freq.WEEKLY, weekdays=(5, 6))
    if m := rem.take(_NTH_HEAD):
        wd = (weekday_number(m["wd"]),)
        return _spec(Freq.MONTHLY, weekdays=wd, nth=ordinal_value(m["ord"]))
    if m := rem.take(_MONTHDAY_HEAD):
        day = m["d"] or m["c"] or m["e"]
        return _spec(Freq.MONTHLY, month_day=_month_day(day) if day else -1)
    if rem.take(_YEARDATE_HEAD):
        return _spec(Freq.YEARLY)
    if m := rem.take(_PART_HEAD):
        return _spec(Freq.DAILY, default_hour=9 if m["part"] in ("утро", "morning") else 19)
    if m := rem.take(_UNIT_HEAD):
        return _spec(_UNITS[m["unit"][0]], interval=_count(m["n"]) if m["n"] else 1)
    if m := rem.take(_WEEKDAY_HEAD):
        days = weekday_numbers(m["wds"] or m["plural"])
        return _spec(Freq.WEEKLY, interval=2 if m["other"] else 1, weekdays=days)
    if m := rem.take(_WORD_HEAD):
        return _spec(_WORD_FREQ[m["word"]])
    return None


def _month_day(text: str) -> int:
    day = int(text)
    if not 1 <= day <= 31:
        raise TimeParseError("not_understood", "no such day of the month")
    return day


def _take_redundant_head(rem: Remainder, rule: Recurrence) -> None:
    """Drop a second head that only repeats the first: "еженедельно по понедельникам",
    "каждый день по будням"; a conflicting one is left for the leftover check to reject."""
    for pattern in (_WORD_HEAD, _UNIT_HEAD):
        m = pattern.search(rem.text)
        if m is None:
            continue
        freq = _WORD_FREQ[m["word"]] if pattern is _WORD_HEAD else _UNITS[m["unit"][0]]
        plain = pattern is _WORD_HEAD or m["n"] is None
        if plain and (freq == rule.freq or (freq is Freq.DAILY and rule.weekdays)):
            rem.take(pattern)


def take_recurrence_details(rem: Remainder, spec: RecurSpec, lang: Lang) -> RecurSpec:
    """Take the day parts that refine a rule: weekdays, "15 числа", "25 декабря"."""
    rule = spec.rule
    _take_redundant_head(rem, rule)
    if rule.freq is Freq.WEEKLY and not rule.weekdays:
        if m := rem.take(_WEEKDAYS_MOD):
            return spec.refine(weekdays=_weekdays(weekday_numbers(m["wds"])))
    elif rule.freq is Freq.MONTHLY and rule.month_day is None and rule.nth_weekday is None:
        if m := rem.take(_NTH_MOD):
            nth = NthWeekday(_DAYS[weekday_number(m["wd"])], ordinal_value(m["ord"]))
            return spec.refine(nth_weekday=nth)
        if m := rem.take(_MONTHDAY_MOD):
            return spec.refine(month_day=-1 if m["last"] else _month_day(m["d"] or m["e"]))
    elif rule.freq is Freq.YEARLY:
        day = take_day(rem, lang)
        if day.date is not None and day.date.year is None and not day.shift and day.weekday is None:
            return _with_year_date(spec, day.date)
        if day:
            raise TimeParseError("not_understood", "a yearly rule takes a day and a month")
    return spec


def _with_year_date(spec: RecurSpec, ref: DateRef) -> RecurSpec:
    try:
        date(2024, ref.month, ref.day)  # a leap year admits every real day
    except ValueError:
        raise TimeParseError("not_understood", "no such day of the year") from None
    return spec.refine(month=ref.month, month_day=ref.day)


def _anchor(rule: Recurrence, first: date) -> Recurrence:
    """Name the day a rule implies, so the stored rule describes itself."""
    if rule.freq is Freq.WEEKLY and not rule.weekdays:
        return replace(rule, weekdays=(Weekday.of(first),))
    if rule.freq is Freq.MONTHLY and rule.month_day is None and rule.nth_weekday is None:
        return replace(rule, month_day=first.day)
    if rule.freq is Freq.YEARLY and rule.month is None:
        return replace(rule, month=first.month, month_day=first.day)
    return rule


def first_occurrence(
    spec: RecurSpec, at: time | None, *, now: datetime, tz: ZoneInfo
) -> tuple[str, datetime]:
    """Return the rule body and its first occurrence at or after ``now``.

    With ``at`` None the rule is all-day and the occurrence is a local midnight on or
    after today. Series start on the first day the clock time is still ahead, so
    "каждые 3 дня в 10" at 14:00 starts tomorrow rather than three days later.
    """
    local_now = now.astimezone(tz).replace(tzinfo=None)
    if at is None:
        start = datetime.combine(local_now.date(), time(0))
    else:
        start = datetime.combine(local_now.date(), at)
        if start < local_now:
            start += timedelta(days=1)
    body = _anchor(spec.rule, start.date()).to_rrule()
    occurrence = rrulestr(body, dtstart=start).after(start, inc=True)
    if occurrence is None:  # pragma: no cover - every rule we build repeats forever
        raise TimeParseError("not_understood", "the rule never occurs")
    return body, occurrence.replace(tzinfo=tz)
