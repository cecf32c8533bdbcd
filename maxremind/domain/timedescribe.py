"""Rules in words: "FREQ=WEEKLY;BYDAY=MO" → "каждый понедельник" / "every Monday".

A rule is read with `Recurrence.from_rrule`, the one parser of RRULE text, so what is
described is exactly what storage and expansion accept: what `maxremind.domain.timerecur`
produces plus the common shapes of imported rules (``BYDAY=WE;BYSETPOS=2``, ``COUNT``,
``UNTIL``). A rule `Recurrence` rejects, or one there are no words for, is returned as its
own text rather than described wrongly.

One imported shape is read more kindly than `Recurrence` reads it: ``FREQ=DAILY`` with a
``BYDAY`` list and no interval fires on exactly the days a weekly rule on those days does,
so it is described as that weekly rule ("по будням").
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from .rrule import Freq, Recurrence, RecurrenceError
from .timefmt import MONTHS_EN, MONTHS_RU_GENITIVE
from .timetypes import Lang
from .timewords import plural_ru

_WORKWEEK = (0, 1, 2, 3, 4)
_WEEKEND = (5, 6)
_DAILY = re.compile(r"(?i)\bFREQ\s*=\s*DAILY\b")

# Russian weekday forms: gender, accusative ("каждую среду"), dative plural ("по средам"),
# and the ordinal adjective endings by gender.
_RU_DAY_ACC = ("понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье")
_RU_DAY_DAT_PL = (
    "понедельникам", "вторникам", "средам", "четвергам", "пятницам", "субботам", "воскресеньям",
)  # fmt: skip
_RU_GENDER = ("m", "m", "f", "m", "f", "f", "n")
_RU_EVERY = {"m": "каждый", "f": "каждую", "n": "каждое"}
_RU_ORD_END = {"m": "й", "f": "ю", "n": "е"}
_RU_LAST = {"m": "последний", "f": "последнюю", "n": "последнее"}
_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}
_EN_ORD = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}


def _read(text: str) -> Recurrence | None:
    try:
        return Recurrence.from_rrule(text)
    except RecurrenceError:
        pass
    if not _DAILY.search(text):
        return None
    # Daily on some weekdays, every day = weekly on those weekdays, every week.
    try:
        rule = Recurrence.from_rrule(_DAILY.sub("FREQ=WEEKLY", text))
    except RecurrenceError:
        return None
    return rule if rule.weekdays and rule.interval == 1 else None


def describe_rrule(rrule: str | Recurrence, lang: Lang = "ru", *, at: time | None = None) -> str:
    """Say a rule in words; ``at`` appends the clock time ("… в 10:00" / "… at 10:00").

    ``rrule`` is RRULE text or a `Recurrence`; text that cannot be said comes back as is
    (a `Recurrence` that cannot be said comes back as its ``to_rrule()``).
    """
    rule = rrule if isinstance(rrule, Recurrence) else _read(rrule)
    text = None if rule is None else (_ru(rule) if lang == "ru" else _en(rule))
    if rule is None or text is None:
        return rrule if isinstance(rrule, str) else rrule.to_rrule()
    if at is not None:
        text += f" в {at:%H:%M}" if lang == "ru" else f" at {at:%H:%M}"
    if rule.count is not None:
        n = rule.count
        text += f", {n} {plural_ru(n, 'раз', 'раза', 'раз')}" if lang == "ru" else f", {n} times"
    if rule.until is not None:
        until = _day_of(rule.until).strftime("%d.%m.%Y")
        text += f", до {until}" if lang == "ru" else f", until {until}"
    return text


def _day_of(until: date | datetime) -> date:
    """The day ``UNTIL`` names as written (a ``...Z`` bound is not moved to another zone)."""
    return until.date() if isinstance(until, datetime) else until


def _days(rule: Recurrence) -> tuple[int, ...]:
    return tuple(day.number for day in rule.weekdays)


# --- Russian ------------------------------------------------------------------------------


def _ru_every(n: int, one: str, forms: tuple[str, str, str]) -> str:
    return one if n == 1 else f"раз в {n} {plural_ru(n, *forms)}"


def _ru_days(days: tuple[int, ...]) -> str:
    if days == _WORKWEEK:
        return "по будням"
    if days == _WEEKEND:
        return "по выходным"
    names = [_RU_DAY_DAT_PL[d] for d in days]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} и {names[-1]}"
    return f"по {listed}"


def _ru(rule: Recurrence) -> str | None:
    n = rule.interval
    days = _days(rule)
    if rule.freq is Freq.WEEKLY and days:
        if n == 1 and len(days) == 1:
            day = days[0]
            return f"{_RU_EVERY[_RU_GENDER[day]]} {_RU_DAY_ACC[day]}"
        if n == 1:
            return _ru_days(days)
        return f"{_ru_every(n, '', ('неделю', 'недели', 'недель'))} {_ru_days(days)}"
    if rule.freq is Freq.DAILY:
        return _ru_every(n, "каждый день", ("день", "дня", "дней"))
    if rule.freq is Freq.WEEKLY:
        return _ru_every(n, "каждую неделю", ("неделю", "недели", "недель"))
    if rule.freq is Freq.MONTHLY:
        head = _ru_every(n, "каждый месяц", ("месяц", "месяца", "месяцев"))
        if rule.nth_weekday is not None:
            day, pos = rule.nth_weekday.weekday.number, rule.nth_weekday.n
            gender = _RU_GENDER[day]
            if pos < -1:
                return None  # "the second to last" has no short Russian form here
            nth = _RU_LAST[gender] if pos == -1 else f"{pos}-{_RU_ORD_END[gender]}"
            what = f"{nth} {_RU_DAY_ACC[day]} месяца"
            return f"{_RU_EVERY[gender]} {what}" if n == 1 else f"{head}, в {what}"
        if rule.month_day == -1:
            return f"{head} в последний день"
        if rule.month_day is not None and rule.month_day < -1:
            return None
        return head if rule.month_day is None else f"{head} {rule.month_day}-го числа"
    head = _ru_every(n, "каждый год", ("год", "года", "лет"))
    if rule.month is None or rule.month_day is None or rule.month_day < 0:
        return head if rule.month is None else None
    return f"{head} {rule.month_day} {MONTHS_RU_GENITIVE[rule.month - 1]}"


# --- English ------------------------------------------------------------------------------


def _en_every(n: int, unit: str) -> str:
    if n == 1:
        return f"every {unit}"
    return f"every other {unit}" if n == 2 else f"every {n} {unit}s"


def _en_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _en_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return str(n) + _EN_SUFFIXES.get(n % 10, "th")


def _en(rule: Recurrence) -> str | None:
    n = rule.interval
    day_numbers = _days(rule)
    if rule.freq is Freq.WEEKLY and day_numbers:
        if day_numbers == _WORKWEEK:
            days = "weekday"
        elif day_numbers == _WEEKEND:
            days = "weekend"
        else:
            days = _en_list([_EN_DAYS[d] for d in day_numbers])
        if n == 1:
            return f"every {days}"
        return f"every other {days}" if n == 2 else f"every {n} weeks on {days}"
    if rule.freq is Freq.DAILY:
        return _en_every(n, "day")
    if rule.freq is Freq.WEEKLY:
        return _en_every(n, "week")
    if rule.freq is Freq.MONTHLY:
        head = "monthly" if n == 1 else _en_every(n, "month")
        if rule.nth_weekday is not None:
            pos = rule.nth_weekday.n
            if pos < -1:
                return None
            day = _EN_DAYS[rule.nth_weekday.weekday.number]
            what = f"{_EN_ORD.get(pos, _en_suffix(pos))} {day}"
            return f"every {what} of the month" if n == 1 else f"{head} on the {what}"
        if rule.month_day == -1:
            return f"{head} on the last day"
        if rule.month_day is None:
            return _en_every(n, "month")
        return None if rule.month_day < -1 else f"{head} on the {_en_suffix(rule.month_day)}"
    head = _en_every(n, "year")
    if rule.month is None or rule.month_day is None or rule.month_day < 0:
        return head if rule.month is None else None
    return f"{head} on {rule.month_day} {MONTHS_EN[rule.month - 1]}"
