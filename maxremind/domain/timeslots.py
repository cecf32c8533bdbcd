"""Pieces of a time expression: clock times and day references, cut out of normalized text.

Each ``take_*`` function finds one piece in a `Remainder`, removes it and returns what it
means; whatever is left at the end must be filler words or the expression is not understood.

Clock-time rules (also summarized in `maxremind.domain.timeparse`):

* "10:00", "в 18.30", "5pm", "в 7 вечера", "в 3 часа дня", "полдень"/"noon" are exact.
* A bare hour needs "в"/"at"/"к"/"by" or "часов" ("в 9", "at 9", "9 часов"), except a
  lone trailing number after a day ("завтра 9"), handled by the caller.
* A one-digit hour 1–6 with no marker ("в 3", "at 5:30") is ambiguous: 03:00 or 15:00.
  Hours 0 and 7–23, and any hour written with two digits ("03:00"), are 24-hour times.
* "утра"/"am": 12 → 0. "дня": 1–6 → +12. "вечера"/"pm": 1–11 → +12. "ночи": 9–11 → +12,
  12 → 0. "утром" 09:00, "днем"/"afternoon" 14:00, "вечером"/"evening" 19:00.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .timetypes import Lang, TimeParseError
from .timewords import FILLERS, MONTH, WEEKDAY, bounded, month_number, weekday_number


class Remainder:
    """The part of the text not explained yet; parsers cut what they understand out of it."""

    def __init__(self, text: str) -> None:
        self.text = text

    def take(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        m = pattern.search(self.text)
        if m is not None:
            self.text = f"{self.text[: m.start()]} {self.text[m.end() :]}"
        return m

    def leftover(self) -> list[str]:
        return [w for w in self.text.split() if w not in FILLERS]


@dataclass(frozen=True, slots=True)
class ClockTime:
    hour: int
    minute: int = 0
    ambiguous: bool = False
    """True when the hour might also mean hour + 12 (see module docstring)."""

    def readings(self) -> list[ClockTime]:
        if not self.ambiguous:
            return [self]
        return [ClockTime(self.hour, self.minute), ClockTime(self.hour + 12, self.minute)]


_PREP = r"(?:(?:в|во|at|к|by)\s+)?"
_MER = r"(?P<mer>am|pm|утра|дня|вечера|ночи)"
_HOUR_WORD = r"(?:\s*(?:часов|часа|час|ч|oclock))"

_NOON = bounded(_PREP + r"(?P<word>полдень|полночь|noon|midday|midnight)")
_COLON = bounded(_PREP + rf"(?P<h>\d{{1,2}}):(?P<m>\d{{2}})(?:{_HOUR_WORD}?\s*{_MER})?")
# "в 18.30" is a time only after a preposition; "25.12" alone is a date.
_DOTTED = bounded(rf"(?:в|во|at|к|by)\s+(?P<h>[01]?\d|2[0-3])\.(?P<m>[0-5]\d)(?:\s*{_MER})?")
_WITH_MER = bounded(_PREP + rf"(?P<h>\d{{1,2}}){_HOUR_WORD}?\s*{_MER}")
_PART = bounded(r"(?:(?:in\s+the|this)\s+)?(?P<part>утром|днем|вечером|morning|afternoon|evening)")
_BARE = bounded(rf"(?:в|во|at|к|by)\s+(?P<h>\d{{1,2}}){_HOUR_WORD}?")
_HOURS = bounded(r"(?P<h>\d{1,2})\s*(?:часов|часа|час|oclock)")

_PARTS = {"утром": 9, "morning": 9, "днем": 14, "afternoon": 14, "вечером": 19, "evening": 19}


def _meridiem(hour: int, mer: str) -> int | None:
    if mer in ("am", "утра"):
        return 0 if hour == 12 else hour if hour <= 12 else None
    if mer == "ночи":
        return 0 if hour == 12 else hour + 12 if 9 <= hour <= 11 else hour if hour <= 8 else None
    if mer == "дня":
        return hour + 12 if 1 <= hour <= 6 else hour if hour <= 18 else None
    # "pm" / "вечера"
    return hour + 12 if 1 <= hour <= 11 else hour if 12 <= hour <= 23 else None


def _clock(hour_text: str, minute_text: str | None, mer: str | None) -> ClockTime:
    hour, minute = int(hour_text), int(minute_text or 0)
    if mer is not None:
        converted = _meridiem(hour, mer)
        if converted is None:
            raise TimeParseError("not_understood", f"{hour} {mer} is not a time")
        hour = converted
    if hour > 23 or minute > 59:
        raise TimeParseError("not_understood", f"{hour}:{minute:02} is not a time")
    ambiguous = mer is None and len(hour_text) == 1 and 1 <= hour <= 6
    return ClockTime(hour, minute, ambiguous)


def take_exact_time(rem: Remainder) -> ClockTime | None:
    """Take a clock time that cannot be mistaken for a date or a span."""
    if m := rem.take(_NOON):
        return ClockTime(12 if m["word"] in ("полдень", "noon", "midday") else 0)
    for pattern in (_COLON, _DOTTED, _WITH_MER):
        if m := rem.take(pattern):
            return _clock(m["h"], m.groupdict().get("m"), m["mer"])
    if m := rem.take(_PART):
        return ClockTime(_PARTS[m["part"]])
    return None


def take_bare_time(rem: Remainder) -> ClockTime | None:
    """Take "в 9" / "at 9" / "9 часов"; call after dates so "в 25 декабря" stays a date."""
    for pattern in (_BARE, _HOURS):
        if m := rem.take(pattern):
            return _clock(m["h"], None, None)
    return None


def take_lone_hour(rem: Remainder) -> ClockTime | None:
    """Read a single leftover number as an hour ("завтра 9"); only if nothing else is left."""
    left = rem.leftover()
    if len(left) == 1 and re.fullmatch(r"\d{1,2}", left[0]) and int(left[0]) <= 23:
        rem.text = ""
        return _clock(left[0], None, None)
    return None


# --- days ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DateRef:
    day: int
    month: int
    year: int | None = None


@dataclass(slots=True)
class DayRef:
    """Everything the text said about the day; the caller checks the parts agree."""

    date: DateRef | None = None
    shift: int | None = None
    """Days from today: 0 today, 1 tomorrow, -1 yesterday."""
    weekday: int | None = None
    next_week: bool = False
    month_day: int | None = None

    def __bool__(self) -> bool:
        return any(x is not None for x in (self.date, self.shift, self.weekday, self.month_day))


_YEAR_SUFFIX = r"(?:\s+(?P<y>\d{4})(?:\s+(?:г|года?))?)?"
_DAY_SUFFIX = r"(?:-?(?:го|е|ое)|st|nd|rd|th)?"
_ISO = bounded(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
_DAY_MONTH = bounded(
    rf"(?:the\s+)?(?P<d>\d{{1,2}}){_DAY_SUFFIX}\s+(?:of\s+)?(?P<mon>{MONTH}){_YEAR_SUFFIX}"
)
_MONTH_DAY = bounded(rf"(?P<mon>{MONTH})\s+(?:the\s+)?(?P<d>\d{{1,2}}){_DAY_SUFFIX}{_YEAR_SUFFIX}")
_NUMERIC = bounded(r"(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?:[./](?P<y>\d{4}|\d{2}))?")
_SHIFT_WORDS = {
    "позавчера": -2,
    "вчера": -1,
    "yesterday": -1,
    "сегодня": 0,
    "today": 0,
    "завтра": 1,
    "tomorrow": 1,
    "послезавтра": 2,
}
_SHIFT = bounded(
    r"(?P<w>послезавтра|позавчера|сегодня|завтра|вчера|today|tomorrow|yesterday)"
    r"|(?P<dat>(?:the\s+)?day\s+after\s+tomorrow)"
)
_CHISLO = bounded(
    r"(?P<d>\d{1,2})(?:-?(?:го|е|ое))?\s+числа|(?:the\s+)?(?P<e>\d{1,2})(?:st|nd|rd|th)"
)
_WEEKDAY = bounded(
    r"(?:(?:в|во|on)\s+)?(?:(?:this|эт(?:от|у|о))\s+|(?P<next>следующ\w+|next)\s+)?"
    rf"(?P<wd>{WEEKDAY})"
)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) + 2000 if len(text) == 2 else int(text)


def _numeric_date(m: re.Match[str], lang: Lang) -> DateRef:
    first, second = int(m["a"]), int(m["b"])
    month_first = m["sep"] == "/" and lang == "en"
    day, month = (second, first) if month_first else (first, second)
    if month > 12 >= day:  # "25/12" typed by an en user is still unambiguous
        day, month = month, day
    return DateRef(day, month, _year(m["y"]))


def take_day(rem: Remainder, lang: Lang) -> DayRef:
    """Take at most one date, one relative day word, one weekday and one "N числа"."""
    ref = DayRef()
    if m := rem.take(_ISO):
        ref.date = DateRef(int(m["d"]), int(m["m"]), int(m["y"]))
    elif m := rem.take(_DAY_MONTH) or rem.take(_MONTH_DAY):
        ref.date = DateRef(int(m["d"]), month_number(m["mon"]), _year(m["y"]))
    elif m := rem.take(_NUMERIC):
        ref.date = _numeric_date(m, lang)
    if m := rem.take(_SHIFT):
        ref.shift = 2 if m["dat"] else _SHIFT_WORDS[m["w"]]
    if m := rem.take(_WEEKDAY):
        ref.weekday = weekday_number(m["wd"])
        ref.next_week = m["next"] is not None
    if ref.date is None and (m := rem.take(_CHISLO)):
        ref.month_day = int(m["d"] or m["e"])
    return ref
