"""Issue 15: times that cannot be are refused with their own reason, and an emoji after
the time belongs to the text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from maxremind.domain.timeparse import TimeParseError, parse_offsets, parse_when
from maxremind.domain.timesplit import SplitError, split_when

TZ = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["через -5 минут", "через − 2 часа", "in -5 minutes"])
def test_a_negative_relative_time_is_refused(text: str) -> None:
    with pytest.raises(TimeParseError) as err:
        parse_when(text, now=NOW, tz=TZ)
    assert err.value.reason == "negative"


@pytest.mark.parametrize("text", ["за -5 минут", "-1h", "1h, -10m"])
def test_a_negative_offset_is_refused(text: str) -> None:
    with pytest.raises(TimeParseError) as err:
        parse_offsets(text)
    assert err.value.reason == "negative"


def test_offsets_with_a_dash_between_them_still_read() -> None:
    assert parse_offsets("за 1 день - за 15 минут") == [timedelta(days=1), timedelta(minutes=15)]


@pytest.mark.parametrize(
    ("text", "day_month"),
    [
        ("30 февраля", (30, 2)),
        ("31.02", (31, 2)),
        ("31 апреля в 10", (31, 4)),
        ("29.02.2027", (29, 2)),
        ("February 30", (30, 2)),
    ],
)
def test_a_date_that_does_not_exist_says_which(text: str, day_month: tuple[int, int]) -> None:
    with pytest.raises(TimeParseError) as err:
        parse_when(text, now=NOW, tz=TZ)
    assert err.value.reason == "no_such_date"
    assert err.value.day_month == day_month


def test_29_february_without_a_year_is_the_next_leap_day() -> None:
    assert parse_when("29 февраля", now=NOW, tz=TZ).start.date().isoformat() == "2028-02-29"


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("через 20 минут 🎂 купить торт", "🎂 купить торт"),
        ("через 20 минут 🎂купить торт", "🎂купить торт"),
        ("завтра в 10 ✈️ вылет", "✈️ вылет"),
        ("in 2 hours 📞 call Bob", "📞 call Bob"),
        ("🎂 через 20 минут купить торт", "🎂 купить торт"),
        ("🎂 🎉 завтра в 10 праздник", "🎂 🎉 праздник"),
    ],
)
def test_an_emoji_after_the_time_is_text(text: str, rest: str) -> None:
    _, found = split_when(text, now=NOW, tz=TZ, lang="ru")
    assert found == rest


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("через -5 минут позвонить", "negative"),
        ("через -5 минут", "negative"),
        ("30 февраля купить торт", "no_such_date"),
        ("30 февраля", "no_such_date"),
        ("🎂 купить торт", "not_understood"),
        ("🎂", "not_understood"),
    ],
)
def test_split_stops_at_a_time_that_cannot_be(text: str, reason: str) -> None:
    with pytest.raises(SplitError) as err:
        split_when(text, now=NOW, tz=TZ, lang="ru")
    assert err.value.reason == reason
