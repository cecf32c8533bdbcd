"""Quiet hours: parsing, membership, and where a reminder is placed around them."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from maxremind.domain.quiet_hours import (
    Placement,
    QuietHours,
    parse_quiet_hours,
    place_send_time,
)

BERLIN = ZoneInfo("Europe/Berlin")
MOSCOW = ZoneInfo("Europe/Moscow")  # UTC+3 all year
NIGHT = QuietHours(time(22), time(8))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def msk(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=MOSCOW).astimezone(UTC)


def place(
    due: datetime,
    *,
    event_start: datetime | None = None,
    quiet: QuietHours | None = NIGHT,
    tz: ZoneInfo = MOSCOW,
    urgent: bool = False,
) -> Placement:
    return place_send_time(due, event_start=event_start, quiet=quiet, tz=tz, urgent=urgent)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22:00-08:00", QuietHours(time(22), time(8))),
        ("7:30 - 9:05", QuietHours(time(7, 30), time(9, 5))),
        ("23:00–07:00", QuietHours(time(23), time(7))),
        ("00:00-00:00", QuietHours(time(0), time(0))),
    ],
)
def test_parse_quiet_hours(text: str, expected: QuietHours) -> None:
    assert parse_quiet_hours(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "look like 22:00-08:00"),
        ("22-08", "look like 22:00-08:00"),
        ("22:00", "look like 22:00-08:00"),
        ("24:00-08:00", "hours go from 00 to 23"),
        ("22:00-08:60", "minutes go from 00 to 59"),
    ],
)
def test_parse_quiet_hours_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_quiet_hours(text)


def test_quiet_hours_print_as_they_parse() -> None:
    assert str(parse_quiet_hours("7:05-9:00")) == "07:05-09:00"


@pytest.mark.parametrize(
    ("clock", "inside"),
    [
        (time(21, 59), False),
        (time(22), True),
        (time(0), True),
        (time(7, 59), True),
        (time(8), False),
    ],
)
def test_quiet_hours_across_midnight(clock: time, inside: bool) -> None:
    assert NIGHT.contains(clock) is inside


def test_quiet_hours_within_a_day_and_empty() -> None:
    lunch = QuietHours(time(13), time(14))
    assert lunch.contains(time(13, 30))
    assert not lunch.contains(time(14))
    assert not QuietHours(time(8), time(8)).contains(time(8))
    assert QuietHours(time(8), time(8)).is_empty


def test_reminder_outside_quiet_hours_goes_as_planned() -> None:
    assert place(msk(2026, 5, 4, 12)) == Placement(
        msk(2026, 5, 4, 12), False, "outside_quiet_hours"
    )


def test_late_evening_reminder_waits_until_morning() -> None:
    placed = place(msk(2026, 5, 4, 23, 30), event_start=msk(2026, 5, 5, 12))
    assert placed == Placement(msk(2026, 5, 5, 8), True, "held_until_quiet_end")


def test_early_morning_reminder_waits_until_quiet_hours_end_that_morning() -> None:
    placed = place(msk(2026, 5, 5, 6), event_start=msk(2026, 5, 5, 10))
    assert placed == Placement(msk(2026, 5, 5, 8), True, "held_until_quiet_end")


def test_reminder_without_event_always_waits() -> None:
    assert place(msk(2026, 5, 5, 6)).send_at == msk(2026, 5, 5, 8)


def test_event_during_quiet_hours_gets_the_reminder_the_evening_before() -> None:
    placed = place(msk(2026, 5, 4, 23, 30), event_start=msk(2026, 5, 5, 7))
    assert placed == Placement(msk(2026, 5, 4, 21, 59), False, "sent_before_quiet_start")
    morning = place(msk(2026, 5, 5, 6), event_start=msk(2026, 5, 5, 7, 30))
    assert morning.send_at == msk(2026, 5, 4, 21, 59)


def test_event_starting_as_quiet_hours_end_counts_as_too_late() -> None:
    placed = place(msk(2026, 5, 5, 7), event_start=msk(2026, 5, 5, 8))
    assert placed.reason == "sent_before_quiet_start"


def test_urgent_event_ignores_quiet_hours() -> None:
    placed = place(msk(2026, 5, 4, 23, 30), event_start=msk(2026, 5, 5, 7), urgent=True)
    assert placed == Placement(msk(2026, 5, 4, 23, 30), False, "urgent")


def test_no_or_empty_quiet_hours_change_nothing() -> None:
    due = msk(2026, 5, 4, 23, 30)
    assert place(due, quiet=None) == Placement(due, False, "no_quiet_hours")
    assert place(due, quiet=QuietHours(time(9), time(9))).reason == "no_quiet_hours"


def test_quiet_hours_use_the_members_zone() -> None:
    due = utc(2026, 5, 4, 20, 30)  # 23:30 in Moscow, 22:30 in Berlin
    assert place(due, tz=MOSCOW).send_at == utc(2026, 5, 5, 5)  # 08:00 MSK
    assert place(due, tz=BERLIN).send_at == utc(2026, 5, 5, 6)  # 08:00 CEST


def test_spring_forward_night_in_berlin_ends_at_eight_on_the_clock() -> None:
    due = utc(2026, 3, 28, 22)  # 23:00 CET
    assert place(due, tz=BERLIN).send_at == utc(2026, 3, 29, 6)  # 08:00 CEST


def test_fall_back_night_in_berlin_ends_at_eight_on_the_clock() -> None:
    due = utc(2026, 10, 24, 21)  # 23:00 CEST
    assert place(due, tz=BERLIN).send_at == utc(2026, 10, 25, 7)  # 08:00 CET


def test_quiet_hours_ending_in_the_skipped_hour_end_after_it() -> None:
    quiet = QuietHours(time(22), time(2, 30))
    due = utc(2026, 3, 29, 0)  # 01:00 CET
    assert place(due, quiet=quiet, tz=BERLIN).send_at == utc(2026, 3, 29, 1, 30)  # 03:30 CEST


def test_quiet_hours_ending_in_the_repeated_hour_end_on_the_second_pass() -> None:
    quiet = QuietHours(time(22), time(2, 30))
    first_pass = place(utc(2026, 10, 25, 0, 15), quiet=quiet, tz=BERLIN)  # 02:15 CEST
    assert first_pass.send_at == utc(2026, 10, 25, 0, 30)  # 02:30 CEST
    second_pass = place(utc(2026, 10, 25, 1, 15), quiet=quiet, tz=BERLIN)  # 02:15 CET
    assert second_pass.send_at == utc(2026, 10, 25, 1, 30)  # 02:30 CET


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        place(datetime(2026, 5, 4, 23))
    with pytest.raises(ValueError, match="aware"):
        place(msk(2026, 5, 4, 23), event_start=datetime(2026, 5, 5, 7))


def test_quiet_hours_are_local_times_without_zone() -> None:
    with pytest.raises(ValueError, match="without a time zone"):
        QuietHours(time(22, tzinfo=UTC), time(8))
