"""Reminder offsets and event durations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from maxremind.domain.timeparse import TimeParseError, parse_duration, parse_offsets

M = timedelta(minutes=1)
H = timedelta(hours=1)
D = timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("за 1 день, за 15 минут", [D, 15 * M]),
        ("за час", [H]),
        ("за 2 часа и за 10 минут", [2 * H, 10 * M]),
        ("за 2 часа за 10 минут", [2 * H, 10 * M]),
        ("за неделю", [7 * D]),
        ("за полчаса", [30 * M]),
        ("за полтора часа", [90 * M]),
        ("за 1 час 30 минут", [90 * M]),
        ("за месяц", [30 * D]),
        ("за год", [365 * D]),
        ("1 day, 15 minutes before", [D, 15 * M]),
        ("1h, 10m", [H, 10 * M]),
        ("10m, 1h, 10m", [H, 10 * M]),
        ("at start", [timedelta(0)]),
        ("в момент начала", [timedelta(0)]),
        ("15 minutes before, at start", [15 * M, timedelta(0)]),
        ("2 hours and 1 day", [D, 2 * H]),
        ("За 5 МИН; за 1 д", [D, 5 * M]),
    ],
)
def test_offsets_are_distinct_and_largest_first(text: str, expected: list[timedelta]) -> None:
    assert parse_offsets(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        (" , ", "empty"),
        ("за кота", "not_understood"),
        ("за 366 дней", "too_far"),
        ("за 2 года", "too_far"),
    ],
)
def test_bad_offsets_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(TimeParseError) as err:
        parse_offsets(text, "ru")
    assert err.value.reason == reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 час", H),
        ("90 минут", 90 * M),
        ("1.5 h", 90 * M),
        ("1,5 часа", 90 * M),
        ("2h30m", 150 * M),
        ("2ч 15м", 135 * M),
        ("1:30", 90 * M),
        ("полчаса", 30 * M),
        ("на 2 часа", 2 * H),
        ("1 hour and 30 minutes", 90 * M),
        ("a couple of hours", 2 * H),
        ("2 дня", 2 * D),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("0 минут", "not_understood"),
        ("месяц", "not_understood"),
        ("долго", "not_understood"),
        ("400 дней", "too_far"),
    ],
)
def test_bad_durations_are_refused(text: str, reason: str) -> None:
    with pytest.raises(TimeParseError) as err:
        parse_duration(text, "en")
    assert err.value.reason == reason
