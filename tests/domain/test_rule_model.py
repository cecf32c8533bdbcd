"""One rule model: what the time parser writes and what describe_rrule reads is a Recurrence."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from maxremind.domain.rrule import Freq, NthWeekday, Recurrence, Weekday
from maxremind.domain.timedescribe import describe_rrule
from maxremind.domain.timeparse import TimeParseError

from .test_timeparse import ENGLISH, RUSSIAN, parse

RULES = [(text, rrule) for text, _, rrule in RUSSIAN + ENGLISH if rrule]


@pytest.mark.parametrize(("text", "rrule"), RULES)
def test_parsed_rule_is_the_canonical_recurrence_text(text: str, rrule: str) -> None:
    body = parse(text, "en" if text.isascii() else "ru").rrule
    assert body is not None
    # Byte for byte what Recurrence writes, so storage reads back the same rule it formats.
    assert Recurrence.from_rrule(body).to_rrule() == body == rrule


@pytest.mark.parametrize(("text", "rrule"), RULES)
def test_describing_a_recurrence_says_what_its_text_says(text: str, rrule: str) -> None:
    rule = Recurrence.from_rrule(rrule)
    for lang in ("ru", "en"):
        assert describe_rrule(rule, lang) == describe_rrule(rrule, lang) != rrule


def test_recurrence_objects_are_described_with_bounds_and_clock_time() -> None:
    rule = Recurrence(Freq.MONTHLY, nth_weekday=NthWeekday(Weekday.FR, -1), count=4)
    assert describe_rrule(rule, "ru", at=time(18)) == (
        "каждую последнюю пятницу месяца в 18:00, 4 раза"
    )
    weekly = Recurrence(Freq.WEEKLY, weekdays=(Weekday.TU,), until=date(2027, 3, 1))
    assert describe_rrule(weekly, "en") == "every Tuesday, until 01.03.2027"


def test_until_is_shown_as_the_day_written_in_the_rule() -> None:
    local = describe_rrule("FREQ=DAILY;UNTIL=20270105T235959", "en")
    assert local == "every day, until 05.01.2027"
    assert Recurrence.from_rrule("FREQ=DAILY;UNTIL=20270105T235959").until == datetime(
        2027, 1, 5, 23, 59, 59
    )


def test_daily_on_weekdays_every_other_day_is_shown_verbatim() -> None:
    # Daily with BYDAY reads as weekly only when no day is skipped; with INTERVAL=2 it is
    # a different series, and nothing is said rather than something wrong.
    assert describe_rrule("FREQ=DAILY;BYDAY=MO,WE", "en") == "every Monday and Wednesday"
    assert (
        describe_rrule("FREQ=DAILY;INTERVAL=2;BYDAY=MO", "ru") == "FREQ=DAILY;INTERVAL=2;BYDAY=MO"
    )


@pytest.mark.parametrize("text", ["каждое 32 число", "каждое 0 число", "каждый месяц 40 числа"])
def test_impossible_month_days_are_not_understood(text: str) -> None:
    with pytest.raises(TimeParseError) as caught:
        parse(text)
    assert caught.value.reason == "not_understood"


def test_a_rule_recurrence_rejects_is_not_understood() -> None:
    # "каждый год 30 февраля" cannot be built as a Recurrence, so it is refused up front.
    with pytest.raises(TimeParseError) as caught:
        parse("каждый год 30 февраля")
    assert caught.value.reason == "not_understood"
