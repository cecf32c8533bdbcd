"""Value types shared by the time parser and formatter: `When` and `TimeParseError`, plus the
input bound every public parser enforces and the counter that shows the bound holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Lang = Literal["ru", "en"]

MAX_TIME_TEXT = 200
"""Longest text, in characters, that `parse_when`, `parse_offsets` and `parse_duration` read.

A real time expression or offset list is a few dozen characters; refusing longer text
(reason ``"not_understood"``) before any regex runs keeps the cost of one parse bounded no
matter what a user pastes into a dialog."""

Reason = Literal[
    "empty", "not_understood", "past", "ambiguous", "too_far", "negative", "no_such_date"
]
"""Machine-readable failure reasons; the bot maps each one to a localized hint.
``negative`` is a relative time or offset below zero ("через -5 минут"); ``no_such_date``
a calendar date that does not exist ("30 февраля", with ``day_month`` set)."""


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
    in the same order), so the bot can ask and then use the chosen one directly. For
    ``"no_such_date"`` ``day_month`` is the (day, month) typed, so the answer can name it.
    """

    def __init__(
        self,
        reason: Reason,
        message: str = "",
        *,
        candidates: Sequence[datetime] = (),
        alternatives: Sequence[When] = (),
        day_month: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(message or reason)
        self.reason: Reason = reason
        self.day_month = day_month
        self.candidates: list[datetime] = list(candidates)
        self.alternatives: list[When] = list(alternatives)


class ParseWork:
    """How much text reached the regex-driven parsers since the last `reset`.

    A cheap, process-wide instrumentation point: tests read it to prove that splitting a
    long ``/remind`` text costs a constant amount of parsing, and an operator may read it
    to see parsing load. ``calls`` counts calls of the public parsers, refused ones too;
    ``chars`` counts the characters of the calls that got past `MAX_TIME_TEXT` (only
    those run regexes). Not thread-safe by design: the bot runs on one event loop.
    """

    __slots__ = ("calls", "chars")

    def __init__(self) -> None:
        self.calls = 0
        self.chars = 0

    def reset(self) -> None:
        self.calls = 0
        self.chars = 0

    def admit(self, text: str) -> None:
        """Count one parse of ``text``; refuse it if it is longer than `MAX_TIME_TEXT`.

        :raises TimeParseError: ``"not_understood"`` for text that is too long.
        """
        self.calls += 1
        if len(text) > MAX_TIME_TEXT:
            raise TimeParseError(
                "not_understood", f"a time is at most {MAX_TIME_TEXT} characters long"
            )
        self.chars += len(text)


PARSE_WORK = ParseWork()
"""The one counter `parse_when`, `parse_offsets` and `parse_duration` report to."""
