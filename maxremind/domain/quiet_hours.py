"""Quiet hours: when a member does not want messages, and when a reminder goes instead.

The rule, from the spec:

* A reminder due inside the member's quiet hours waits until they end.
* Unless the quiet hours end at or after the event's start: then a reminder arriving
  as the event begins is too late to act on, so it goes at the **last minute before
  that quiet period began** (quiet hours 22:00-08:00, reminder due at 23:30 for an
  event at 07:00 → sent at 21:59 the evening before). This is earlier than planned;
  if the engine places it after 21:59 has passed, the send time is in the past and
  the dispatcher sends it at once, which is still better than after the event.
* Urgent events ignore quiet hours.

Everything is computed in the member's local wall time and converted with the rule in
``maxremind.domain.wall_time``, so on a DST night "until 08:00" means 08:00 on the
member's clock, however many hours the night really has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from maxremind.domain.models import QuietHoursSpec
from maxremind.domain.wall_time import resolve_local, to_wall

PlacementReason = Literal[
    "urgent",
    "no_quiet_hours",
    "outside_quiet_hours",
    "held_until_quiet_end",
    "sent_before_quiet_start",
]

_ONE_DAY = timedelta(days=1)
_LAST_MINUTE = timedelta(minutes=1)
_BOUNDS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Local times ``[start, end)``; crossing midnight when ``start > end``; none if equal."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("quiet hours are local wall times, without a time zone")

    @property
    def is_empty(self) -> bool:
        return self.start == self.end

    def contains(self, clock: time) -> bool:
        """Whether the local time of day ``clock`` falls inside the quiet hours."""
        if self.is_empty:
            return False
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    def period_around(self, wall: datetime) -> tuple[datetime, datetime]:
        """The local start and end of the quiet period that contains ``wall``.

        :raises ValueError: ``wall`` is not inside the quiet hours.
        """
        if not self.contains(wall.time()):
            raise ValueError(f"{wall.isoformat()} is outside the quiet hours {self}")
        day = wall.date()
        if self.start > self.end and wall.time() < self.end:
            day -= _ONE_DAY  # the period began the evening before
        begin = datetime.combine(day, self.start)
        end_day = day + _ONE_DAY if self.start > self.end else day
        return begin, datetime.combine(end_day, self.end)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def parse_quiet_hours(text: str) -> QuietHours:
    """Parse ``"22:00-08:00"`` (24-hour clock; equal bounds mean no quiet hours).

    :raises ValueError: with a message saying what is wrong.
    """
    match = _BOUNDS.match(text)
    if match is None:
        raise ValueError(f"quiet hours look like 22:00-08:00, got {text!r}")
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    return QuietHours(_clock(start_h, start_m, text), _clock(end_h, end_m, text))


# Words that switch quiet hours off, in both languages.
QUIET_OFF_WORDS = frozenset({"off", "выкл", "выключить", "нет", "no", "none", "сброс", "reset"})


def quiet_spec(text: str) -> QuietHoursSpec | None:
    """What a person typed for quiet hours, as stored: ``"22:00-08:00"`` → spec; empty
    text, an off word or equal bounds → None (no quiet hours).  The bot and the web
    read it the same way.

    :raises ValueError: with a message saying what is wrong.
    """
    cleaned = text.strip()
    if not cleaned or cleaned.casefold() in QUIET_OFF_WORDS:
        return None
    quiet = parse_quiet_hours(cleaned)
    if quiet.is_empty:
        return None
    return QuietHoursSpec(f"{quiet.start:%H:%M}", f"{quiet.end:%H:%M}")


def _clock(hour: int, minute: int, text: str) -> time:
    if hour > 23:
        raise ValueError(f"hours go from 00 to 23, got {hour} in {text!r}")
    if minute > 59:
        raise ValueError(f"minutes go from 00 to 59, got {minute} in {text!r}")
    return time(hour, minute)


@dataclass(frozen=True, slots=True)
class Placement:
    """When to send. ``held`` means delayed to the end of quiet hours (a ``held`` delivery)."""

    send_at: datetime
    held: bool
    reason: PlacementReason


def place_send_time(
    due: datetime,
    *,
    event_start: datetime | None,
    quiet: QuietHours | None,
    tz: ZoneInfo,
    urgent: bool,
) -> Placement:
    """Where a reminder due at the instant ``due`` is sent, given the member's quiet hours.

    ``tz`` is the member's zone; ``event_start`` (an instant) is None for reminders that
    have no event to be late for, which then always wait.

    :raises ValueError: ``due`` or ``event_start`` is naive.
    """
    if due.tzinfo is None:
        raise ValueError(f"due must be aware, got {due.isoformat()}")
    if event_start is not None and event_start.tzinfo is None:
        raise ValueError(f"event_start must be aware, got {event_start.isoformat()}")
    if urgent:
        return Placement(due, held=False, reason="urgent")
    if quiet is None or quiet.is_empty:
        return Placement(due, held=False, reason="no_quiet_hours")
    wall = to_wall(due, tz)
    if not quiet.contains(wall.time()):
        return Placement(due, held=False, reason="outside_quiet_hours")
    begin, end = quiet.period_around(wall)
    end_at = _first_instant_after(end, tz, due)
    if event_start is None or end_at < event_start:
        return Placement(end_at, held=True, reason="held_until_quiet_end")
    begin_at, _ = resolve_local(begin, tz)
    return Placement(begin_at - _LAST_MINUTE, held=False, reason="sent_before_quiet_start")


def _first_instant_after(wall: datetime, tz: ZoneInfo, floor: datetime) -> datetime:
    at, adjustment = resolve_local(wall, tz)
    if at > floor or adjustment != "fold_first":
        return at
    # Quiet hours ending inside a repeated hour, with the reminder due on the second
    # pass: the first reading of the end is already over, the second one is the end.
    return wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
