"""The one notion of "now" in maxremind.

Code that needs the current moment takes a ``Clock`` (default `utcnow`) instead of calling
``datetime.now`` itself, so tests pass a fixed or stepping clock and every layer agrees on
the zone: a clock returns an aware datetime, in UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
"""A zero-argument callable returning the current moment as an aware datetime."""


def utcnow() -> datetime:
    """The current moment, aware, in UTC."""
    return datetime.now(UTC)
