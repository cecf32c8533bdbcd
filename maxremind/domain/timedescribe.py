"""RRULE bodies in words: "FREQ=WEEKLY;BYDAY=MO" → "каждый понедельник" / "every Monday".

Covers what `maxremind.domain.timerecur` produces plus the common shapes of imported rules
(``BYDAY=WE;BYSETPOS=2``, ``FREQ=DAILY;BYDAY=MO,...``, ``COUNT``, ``UNTIL``). Anything else
is returned as the rule text itself rather than described wrongly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from .timefmt import MONTHS_EN, MONTHS_RU_GENITIVE
from .timetypes import Lang
from .timewords import plural_ru

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WORKWEEK = (0, 1, 2, 3, 4)
_WEEKEND = (5, 6)
_KNOWN_KEYS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "COUNT"}
_KNOWN_KEYS |= {"UNTIL", "WKST"}

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


@dataclass(frozen=True, slots=True)
class _Rule:
    freq: str
    interval: int
    days: tuple[int, ...]
    nth: int | None
    monthday: int | None
    month: int | None
    count: int | None
    until: str | None


def _parse(body: str) -> _Rule | None:
    body = body.strip().removeprefix("RRULE:")
    try:
        parts = dict(item.split("=", 1) for item in body.upper().split(";") if item)
    except ValueError:
        return None
    if not parts.keys() <= _KNOWN_KEYS or "FREQ" not in parts:
        return None
    days: list[int] = []
    positions: set[int] = set()
    for item in filter(None, parts.get("BYDAY", "").split(",")):
        m = re.fullmatch(r"([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)", item)
        if m is None:
            return None
        days.append(_DAYS.index(m[2]))
        if m[1]:
            positions.add(int(m[1]))
    if "BYSETPOS" in parts:
        positions.add(int(parts["BYSETPOS"]))
    if len(positions) > 1 or (positions and len(days) != 1):
        return None
    try:
        return _Rule(
            freq=parts["FREQ"],
            interval=int(parts.get("INTERVAL", "1")),
            days=tuple(sorted(set(days))),
            nth=positions.pop() if positions else None,
            monthday=int(parts["BYMONTHDAY"]) if "BYMONTHDAY" in parts else None,
            month=int(parts["BYMONTH"]) if "BYMONTH" in parts else None,
            count=int(parts["COUNT"]) if "COUNT" in parts else None,
            until=parts.get("UNTIL"),
        )
    except ValueError:
        return None


def describe_rrule(rrule: str, lang: Lang = "ru", *, at: time | None = None) -> str:
    """Say a rule in words; ``at`` appends the clock time ("… в 10:00" / "… at 10:00")."""
    rule = _parse(rrule)
    text = None if rule is None else (_ru(rule) if lang == "ru" else _en(rule))
    if rule is None or text is None:
        return rrule
    if at is not None:
        text += f" в {at:%H:%M}" if lang == "ru" else f" at {at:%H:%M}"
    if rule.count is not None:
        n = rule.count
        text += f", {n} {plural_ru(n, 'раз', 'раза', 'раз')}" if lang == "ru" else f", {n} times"
    if rule.until:
        until = f"{rule.until[6:8]}.{rule.until[4:6]}.{rule.until[:4]}"
        text += f", до {until}" if lang == "ru" else f", until {until}"
    return text


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


def _ru(rule: _Rule) -> str | None:
    n = rule.interval
    if rule.freq in ("DAILY", "WEEKLY") and rule.nth is None and rule.days:
        if n == 1 and len(rule.days) == 1:
            day = rule.days[0]
            return f"{_RU_EVERY[_RU_GENDER[day]]} {_RU_DAY_ACC[day]}"
        if n == 1:
            return _ru_days(rule.days)
        unit = ("день", "дня", "дней") if rule.freq == "DAILY" else ("неделю", "недели", "недель")
        return f"{_ru_every(n, '', unit)} {_ru_days(rule.days)}"
    if rule.days and rule.freq != "MONTHLY":
        return None
    if rule.freq == "DAILY":
        return _ru_every(n, "каждый день", ("день", "дня", "дней"))
    if rule.freq == "WEEKLY":
        return _ru_every(n, "каждую неделю", ("неделю", "недели", "недель"))
    if rule.freq == "MONTHLY":
        head = _ru_every(n, "каждый месяц", ("месяц", "месяца", "месяцев"))
        if rule.nth is not None:
            day = rule.days[0]
            gender = _RU_GENDER[day]
            nth = _RU_LAST[gender] if rule.nth == -1 else f"{rule.nth}-{_RU_ORD_END[gender]}"
            what = f"{nth} {_RU_DAY_ACC[day]} месяца"
            return f"{_RU_EVERY[gender]} {what}" if n == 1 else f"{head}, в {what}"
        if rule.days:
            return None
        if rule.monthday == -1:
            return f"{head} в последний день"
        return head if rule.monthday is None else f"{head} {rule.monthday}-го числа"
    if rule.freq == "YEARLY":
        head = _ru_every(n, "каждый год", ("год", "года", "лет"))
        if rule.month is None or rule.monthday is None:
            return head if rule.month is None and rule.monthday is None else None
        return f"{head} {rule.monthday} {MONTHS_RU_GENITIVE[rule.month - 1]}"
    return None


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


def _en(rule: _Rule) -> str | None:
    n = rule.interval
    if rule.freq in ("DAILY", "WEEKLY") and rule.nth is None and rule.days:
        if rule.days == _WORKWEEK:
            days = "weekday"
        elif rule.days == _WEEKEND:
            days = "weekend"
        else:
            days = _en_list([_EN_DAYS[d] for d in rule.days])
        if n == 1:
            return f"every {days}"
        return f"every other {days}" if n == 2 else f"every {n} weeks on {days}"
    if rule.days and rule.freq != "MONTHLY":
        return None
    if rule.freq == "DAILY":
        return _en_every(n, "day")
    if rule.freq == "WEEKLY":
        return _en_every(n, "week")
    if rule.freq == "MONTHLY":
        head = "monthly" if n == 1 else _en_every(n, "month")
        if rule.nth is not None:
            what = f"{_EN_ORD.get(rule.nth, _en_suffix(rule.nth))} {_EN_DAYS[rule.days[0]]}"
            return f"every {what} of the month" if n == 1 else f"{head} on the {what}"
        if rule.days:
            return None
        if rule.monthday == -1:
            return f"{head} on the last day"
        return (
            _en_every(n, "month")
            if rule.monthday is None
            else f"{head} on the {_en_suffix(rule.monthday)}"
        )
    if rule.freq == "YEARLY":
        head = _en_every(n, "year")
        if rule.month is None or rule.monthday is None:
            return head if rule.month is None and rule.monthday is None else None
        return f"{head} on {rule.monthday} {MONTHS_EN[rule.month - 1]}"
    return None
