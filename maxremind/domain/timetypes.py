"""Value types shared by the time parser and formatter: `When` and `TimeParseError`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Lang = Literal["ru", "en"]

Reason = Literal["empty", "not_understood", "past", "ambiguous", "too_far"]
"""Machine-readable failure reasons; the bot maps each one to a localized hint."""


@dataclass(frozen=True, slots=True)
class When:
    """What the user meant by a time expression.

    ``start`` is aware and in the user's zone. For a recurring expression ``rrule`` holds an
    RFC 5545 RRULE body (no DTSTART) and ``start`` is its first occurrence at or after "now",
    so storing ``start`` as DTSTART reproduces the same series.

    ``all_day`` is set when only a day was named ("в понедельник", "1 января"); ``start`` is
    then that day's local midnight. ``time_given`` says whether the text fixed a clock time
    (an explicit time, a part of day, or an offset in minutes/hours); "через 3 дня" keeps the
    current clock time but leaves ``time_given`` false so the bot may ask for one.
    """

    start: datetime
    rrule: str | None = None
    all_day: bool = False
    time_given: bool = True

    @property
    def recurring(self) -> bool:
        return self.rrule is not None


class TimeParseError(ValueError):
    """A time expression could not be turned into a `When` (or an offset/duration).

    ``reason`` is one of `Reason`. For ``"ambiguous"`` the readings are in ``candidates``
    (start datetimes, for buttons) and ``alternatives`` (the full `When` of each reading,
    in the same order), so the bot can ask and then use the chosen one directly.
    """

    def __init__(
        self,
        reason: Reason,
        message: str = "",
        *,
        candidates: Sequence[datetime] = (),
        alternatives: Sequence[When] = (),
    ) -> None:
        super().__init__(message or reason)
        self.reason: Reason = reason
        self.candidates: list[datetime] = list(candidates)
        self.alternatives: list[When] = list(alternatives)
