"""The one clock: aware UTC, and any zero-argument callable of the same shape fits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from maxremind.domain.clock import Clock, utcnow


def test_utcnow_is_aware_utc_and_current() -> None:
    before = datetime.now(UTC)
    now = utcnow()
    assert now.tzinfo is UTC and now.utcoffset() == timedelta(0)
    assert before <= now <= datetime.now(UTC)


def test_a_fixed_clock_is_a_clock() -> None:
    fixed = datetime(2026, 11, 25, 11, tzinfo=UTC)
    clocks: list[Clock] = [utcnow, lambda: fixed]
    assert clocks[1]() == fixed
