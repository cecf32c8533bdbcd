"""The recurrence rules maxremind supports, and their RFC 5545 RRULE text form.

A deliberately small subset of RFC 5545, enough for team schedules:

* ``DAILY``, every ``INTERVAL`` days;
* ``WEEKLY`` on a set of weekdays (``BYDAY=MO,WE``; the start's weekday if none);
* ``MONTHLY`` on a day of the month (``BYMONTHDAY=15``, ``-1`` = the last day) or on
  the n-th weekday (``BYDAY=2TU``, ``BYDAY=-1FR``, or the equivalent
  ``BYDAY=TU;BYSETPOS=2``); the start's day of month if neither;
* ``YEARLY`` on a month and day (``BYMONTH=2;BYMONTHDAY=29``; the start's if neither);
* bounded by ``UNTIL`` or ``COUNT`` (never both, as RFC 5545 requires).

As RFC 5545 says, a date that does not exist is skipped, not moved: a monthly rule on
the 31st fires only in months with 31 days, a yearly one on 29 February only in leap
years. Anything outside the subset is rejected with a ``RecurrenceError`` naming the
part, rather than being half-understood.

Skipped dates (``exdates``) are not part of an RRULE body (RFC 5545 keeps them in a
separate EXDATE property), so ``to_rrule`` leaves them out and storage keeps them apart.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from maxremind.domain.wall_time import resolve_local


class RecurrenceError(ValueError):
    """A recurrence rule is malformed, unsupported, or never fires."""


class Freq(StrEnum):
    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"
    YEARLY = "YEARLY"


class Weekday(StrEnum):
    MO = "MO"
    TU = "TU"
    WE = "WE"
    TH = "TH"
    FR = "FR"
    SA = "SA"
    SU = "SU"

    @property
    def number(self) -> int:
        """Monday is 0, as in ``date.weekday()``."""
        return _WEEKDAY_NUMBER[self]

    @classmethod
    def of(cls, day: date) -> Weekday:
        return _WEEKDAY_ORDER[day.weekday()]


_WEEKDAY_ORDER: tuple[Weekday, ...] = tuple(Weekday)
_WEEKDAY_NUMBER = {day: number for number, day in enumerate(_WEEKDAY_ORDER)}


@dataclass(frozen=True, slots=True)
class NthWeekday:
    """The ``n``-th ``weekday`` of a month: ``n`` is 1..5, or -1..-5 counting from the end."""

    weekday: Weekday
    n: int

    def __post_init__(self) -> None:
        if self.n == 0 or not -5 <= self.n <= 5:
            raise RecurrenceError(f"the weekday ordinal must be 1..5 or -1..-5, got {self.n}")

    def __str__(self) -> str:
        return f"{self.n}{self.weekday}"


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A supported recurrence rule; see the module docstring for what each field means.

    ``until`` is inclusive: a ``date`` is the last local day, a naive ``datetime`` the last
    local wall time, an aware ``datetime`` the last instant (the RFC 5545 ``...Z`` form).
    """

    freq: Freq
    interval: int = 1
    weekdays: tuple[Weekday, ...] = ()
    month_day: int | None = None
    nth_weekday: NthWeekday | None = None
    month: int | None = None
    until: date | datetime | None = None
    count: int | None = None
    exdates: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        # Values read back from storage may be plain strings; take them, or say why not.
        try:
            object.__setattr__(self, "freq", Freq(self.freq))
            object.__setattr__(self, "weekdays", tuple(Weekday(day) for day in self.weekdays))
        except ValueError as error:
            raise RecurrenceError(str(error)) from None
        if self.interval < 1:
            raise RecurrenceError(f"INTERVAL must be at least 1, got {self.interval}")
        if self.count is not None and self.count < 1:
            raise RecurrenceError(f"COUNT must be at least 1, got {self.count}")
        if self.count is not None and self.until is not None:
            raise RecurrenceError("a rule has COUNT or UNTIL, not both")
        self._check_parts()
        # One spelling per rule, so equal rules compare equal and format identically.
        object.__setattr__(self, "weekdays", tuple(sorted(self.weekdays, key=_weekday_number)))
        object.__setattr__(self, "exdates", frozenset(self.exdates))

    def _check_parts(self) -> None:
        if self.weekdays and self.freq is not Freq.WEEKLY:
            raise RecurrenceError(f"a list of weekdays needs FREQ=WEEKLY, not {self.freq}")
        if len(set(self.weekdays)) != len(self.weekdays):
            raise RecurrenceError("BYDAY lists a weekday twice")
        if self.nth_weekday is not None and self.freq is not Freq.MONTHLY:
            raise RecurrenceError(f"an n-th weekday needs FREQ=MONTHLY, not {self.freq}")
        if self.month_day is not None:
            if self.freq not in (Freq.MONTHLY, Freq.YEARLY):
                raise RecurrenceError(f"BYMONTHDAY needs FREQ=MONTHLY or YEARLY, not {self.freq}")
            if self.month_day == 0 or not -31 <= self.month_day <= 31:
                raise RecurrenceError(f"BYMONTHDAY must be 1..31 or -31..-1, got {self.month_day}")
            if self.nth_weekday is not None:
                raise RecurrenceError("a monthly rule has BYMONTHDAY or an n-th weekday, not both")
        if self.month is not None:
            if self.freq is not Freq.YEARLY:
                raise RecurrenceError(f"BYMONTH needs FREQ=YEARLY, not {self.freq}")
            if not 1 <= self.month <= 12:
                raise RecurrenceError(f"BYMONTH must be 1..12, got {self.month}")
        if self.freq is Freq.YEARLY and (self.month is None) != (self.month_day is None):
            raise RecurrenceError(
                "a yearly rule has both BYMONTH and BYMONTHDAY, or neither (then the start's)"
            )
        if self.month is not None and self.month_day is not None:
            longest = calendar.monthrange(2000, self.month)[1]  # 2000 is leap: Feb has 29
            if abs(self.month_day) > longest:
                raise RecurrenceError(
                    f"never fires: month {self.month} never has a day {self.month_day}"
                )

    def to_rrule(self, tz: ZoneInfo | None = None) -> str:
        """The RRULE body (no ``RRULE:`` prefix, no DTSTART, no EXDATE).

        With ``tz``, a local ``until`` is written as the UTC instant RFC 5545 asks for when
        DTSTART carries a time zone (``UNTIL=20270101T000000Z``); without it, as stored.
        """
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.weekdays:
            parts.append("BYDAY=" + ",".join(self.weekdays))
        if self.nth_weekday is not None:
            parts.append(f"BYDAY={self.nth_weekday}")
        if self.month is not None:
            parts.append(f"BYMONTH={self.month}")
        if self.month_day is not None:
            parts.append(f"BYMONTHDAY={self.month_day}")
        if self.until is not None:
            parts.append("UNTIL=" + _format_until(self.until, tz))
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        return ";".join(parts)

    @classmethod
    def from_rrule(cls, text: str, exdates: AbstractSet[date] = frozenset()) -> Recurrence:
        """Parse an RRULE body (an ``RRULE:`` prefix is allowed).

        :raises RecurrenceError: malformed, unsupported, or statically never fires.
        """
        return _parse_cached(text.strip()).with_exdates(exdates)

    def with_exdates(self, exdates: AbstractSet[date]) -> Recurrence:
        """The same rule with more skipped dates."""
        if not exdates:
            return self
        return replace(self, exdates=self.exdates | exdates)


def _weekday_number(day: Weekday) -> int:
    return day.number


def _format_until(until: date | datetime, tz: ZoneInfo | None) -> str:
    if isinstance(until, datetime):
        if until.tzinfo is not None:
            return until.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        if tz is None:
            return until.strftime("%Y%m%dT%H%M%S")
        return resolve_local(until, tz)[0].strftime("%Y%m%dT%H%M%SZ")
    if tz is None:
        return until.strftime("%Y%m%d")
    # The whole last day is included, so its final second is the bound.
    last_second = datetime.combine(until, time(23, 59, 59))
    return resolve_local(last_second, tz)[0].strftime("%Y%m%dT%H%M%SZ")


_SUPPORTED_PARTS = frozenset(
    {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYSETPOS", "BYMONTHDAY", "BYMONTH", "WKST"}
)
_KNOWN_UNSUPPORTED = frozenset({"BYSECOND", "BYMINUTE", "BYHOUR", "BYYEARDAY", "BYWEEKNO"})
_BYDAY_ITEM = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL = re.compile(r"^(\d{8})(?:T(\d{6})(Z?))?$")


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> Recurrence:
    return _parse(text)


def _parse(text: str) -> Recurrence:
    body = text[6:] if text.upper().startswith("RRULE:") else text
    parts = _split_parts(body)
    freq_text = parts.pop("FREQ", None)
    if freq_text is None:
        raise RecurrenceError("an RRULE needs FREQ")
    try:
        freq = Freq(freq_text)
    except ValueError:
        raise RecurrenceError(
            f"FREQ={freq_text} is not supported; use DAILY, WEEKLY, MONTHLY or YEARLY"
        ) from None
    interval = _int_part(parts, "INTERVAL")
    count = _int_part(parts, "COUNT")
    until = _parse_until(parts.pop("UNTIL")) if "UNTIL" in parts else None
    month = _int_part(parts, "BYMONTH")
    month_day = _int_part(parts, "BYMONTHDAY")
    setpos = _int_part(parts, "BYSETPOS")
    weekdays, nth = _parse_byday(freq, parts.pop("BYDAY", None), setpos)
    wkst = parts.pop("WKST", "MO")
    if wkst not in Weekday.__members__:
        raise RecurrenceError(f"WKST must be a weekday (MO..SU), got {wkst!r}")
    # The week start matters only for weekly rules that skip weeks.
    if wkst != "MO" and freq is Freq.WEEKLY and interval not in (None, 1):
        raise RecurrenceError(f"WKST={wkst} is not supported; weeks start on Monday (WKST=MO)")
    if parts:
        raise RecurrenceError(f"{', '.join(sorted(parts))} is not supported")
    return Recurrence(
        freq=freq,
        interval=1 if interval is None else interval,
        weekdays=weekdays,
        month_day=month_day,
        nth_weekday=nth,
        month=month,
        until=until,
        count=count,
    )


def _split_parts(body: str) -> dict[str, str]:
    if not body:
        raise RecurrenceError("the RRULE is empty")
    parts: dict[str, str] = {}
    for item in body.split(";"):
        name, sep, value = item.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not sep or not name or not value:
            raise RecurrenceError(f"expected NAME=VALUE in the RRULE, got {item!r}")
        if name in parts:
            raise RecurrenceError(f"{name} appears twice in the RRULE")
        if name in _KNOWN_UNSUPPORTED:
            raise RecurrenceError(f"{name} is not supported: rules repeat at the start's time")
        if name not in _SUPPORTED_PARTS:
            raise RecurrenceError(f"{name} is not supported")
        parts[name] = value
    return parts


def _int_part(parts: dict[str, str], name: str) -> int | None:
    value = parts.pop(name, None)
    if value is None:
        return None
    if "," in value:
        raise RecurrenceError(f"{name} with several values is not supported: {value}")
    try:
        return int(value)
    except ValueError:
        raise RecurrenceError(f"{name} must be a whole number, got {value!r}") from None


def _parse_until(value: str) -> date | datetime:
    match = _UNTIL.match(value)
    if match is None:
        raise RecurrenceError(f"UNTIL must be YYYYMMDD or YYYYMMDDTHHMMSS[Z], got {value!r}")
    day, clock, utc = match.groups()
    try:
        if clock is None:
            return datetime.strptime(day, "%Y%m%d").date()
        parsed = datetime.strptime(day + clock, "%Y%m%d%H%M%S")
    except ValueError:
        raise RecurrenceError(f"UNTIL is not a real date or time: {value!r}") from None
    return parsed.replace(tzinfo=UTC) if utc else parsed


def _parse_byday(
    freq: Freq, value: str | None, setpos: int | None
) -> tuple[tuple[Weekday, ...], NthWeekday | None]:
    if value is None:
        if setpos is not None:
            raise RecurrenceError("BYSETPOS needs BYDAY with one weekday")
        return (), None
    items: list[tuple[int | None, Weekday]] = []
    for item in value.split(","):
        match = _BYDAY_ITEM.match(item)
        if match is None:
            raise RecurrenceError(f"BYDAY items look like MO, 2TU or -1FR, got {item!r}")
        ordinal, day = match.groups()
        items.append((int(ordinal) if ordinal else None, Weekday(day)))
    if freq is Freq.WEEKLY:
        if setpos is not None or any(n is not None for n, _ in items):
            raise RecurrenceError("a weekly BYDAY lists plain weekdays (MO,WE), no ordinals")
        return tuple(day for _, day in items), None
    if freq is not Freq.MONTHLY:
        raise RecurrenceError(f"BYDAY is supported with WEEKLY and MONTHLY, not {freq}")
    if len(items) != 1:
        raise RecurrenceError("a monthly BYDAY names one weekday (2TU, -1FR)")
    ordinal, day = items[0]
    if ordinal is not None and setpos is not None:
        raise RecurrenceError("give the ordinal in BYDAY (2TU) or in BYSETPOS, not both")
    n = ordinal if ordinal is not None else setpos
    if n is None:
        raise RecurrenceError(
            "a monthly BYDAY needs an ordinal: BYDAY=2TU or BYDAY=TU;BYSETPOS=2 (2nd Tuesday)"
        )
    return (), NthWeekday(day, n)


def parse_exdates(values: Iterable[str]) -> frozenset[date]:
    """Skipped local dates from their ISO form (``2026-05-01``), as storage keeps them.

    :raises RecurrenceError: a value is not an ISO date.
    """
    days: set[date] = set()
    for value in values:
        try:
            days.add(date.fromisoformat(value))
        except ValueError:
            raise RecurrenceError(
                f"a skipped date must look like 2026-05-01, got {value!r}"
            ) from None
    return frozenset(days)
