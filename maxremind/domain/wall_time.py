"""Turning local wall-clock times into instants, with one rule for DST edges.

Events are planned in wall time ("10:00 in Berlin"); messages are sent at instants.
Twice a year a wall time maps to no instant or to two of them, and every part of
maxremind converts the same way:

* a time in a spring-forward **gap** (02:30 on the day Berlin jumps 02:00 → 03:00)
  is shifted forward by the length of the gap: 02:30 becomes 03:30 summer time.
  Adjustment ``"gap_shifted"``.
* a time in a fall-back **fold** (01:30 on the day New York repeats 01:00-02:00)
  takes the first of its two instants, the one still on summer time.
  Adjustment ``"fold_first"``.
* any other time has exactly one instant. Adjustment ``"none"``.

Both are what ``fold=0`` means for ``zoneinfo`` (PEP 495: use the offset in force
*before* the transition); reading the ``fold=1`` offset as well only tells which case
applied, so the organizer can be shown it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

Adjustment = Literal["none", "gap_shifted", "fold_first"]


def resolve_local(wall: datetime, tz: ZoneInfo) -> tuple[datetime, Adjustment]:
    """The aware UTC instant of the naive wall time ``wall`` in ``tz``, and which rule applied.

    :raises ValueError: ``wall`` is not naive.
    """
    if wall.tzinfo is not None:
        raise ValueError(f"expected a naive wall time, got {wall.isoformat()}")
    if wall.fold:
        wall = wall.replace(fold=0)
    # ZoneInfo reads the offset straight from naive wall fields and ``fold``; this is
    # several times cheaper than attaching the zone, and expansion does it per occurrence.
    offset = tz.utcoffset(wall)
    other = tz.utcoffset(wall.replace(fold=1))
    if offset is None or other is None:
        raise ValueError(f"{tz} gives no UTC offset for {wall.isoformat()}")
    at = (wall - offset).replace(tzinfo=UTC)
    if offset == other:
        return at, "none"
    # The two readings differ only at a transition: in a fold the earlier one
    # (fold=0) has the larger offset, in a gap the smaller one.
    if offset > other:
        return at, "fold_first"
    return at, "gap_shifted"


def to_wall(instant: datetime, tz: ZoneInfo) -> datetime:
    """The naive wall time in ``tz`` at the aware ``instant``.

    :raises ValueError: ``instant`` is naive.
    """
    if instant.tzinfo is None:
        raise ValueError(f"expected an aware instant, got naive {instant.isoformat()}")
    return instant.astimezone(tz).replace(tzinfo=None)
