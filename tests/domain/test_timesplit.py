"""``/remind <when> <text>`` splitting, and the bound that keeps it cheap for any text.

Work is counted, not timed: `PARSE_WORK` records every call of the public parsers and the
characters that reached their regexes. The old splitting re-parsed every word prefix of
the message: ~600 calls for 4,000 characters, each re-running every regex.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from maxremind.domain.timeparse import (
    MAX_TIME_TEXT,
    PARSE_WORK,
    TimeParseError,
    parse_duration,
    parse_offsets,
    parse_when,
)
from maxremind.domain.timesplit import (
    DEFAULT_HOUR,
    MAX_TIME_WORDS,
    SplitError,
    local_start,
    parse_time,
    split_when,
)
from maxremind.domain.timetypes import When

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 25, 14, 0, tzinfo=MSK)  # a Wednesday
FILLER = "позвонить в бухгалтерию и уточнить сроки сдачи отчёта "  # 9 words, 55 characters


def split(text: str) -> tuple[When, str]:
    return split_when(text, now=NOW, tz=MSK, lang="ru")


def work_of_split(text: str) -> tuple[int, int]:
    """(parser calls, characters parsed) spent splitting ``text``; errors count too."""
    PARSE_WORK.reset()
    with contextlib.suppress(SplitError):
        split(text)
    return PARSE_WORK.calls, PARSE_WORK.chars


def long_text(head: str, size: int) -> str:
    return head + (FILLER * (size // len(FILLER) + 1))[:size]


# --- behaviour kept from the services version ----------------------------------------------


def test_remind_takes_the_longest_leading_time() -> None:
    when, text = split("через 2 часа позвонить в бухгалтерию")
    assert when.start == NOW + timedelta(hours=2) and text == "позвонить в бухгалтерию"
    when, text = split("завтра в 9 встреча в 10")
    assert when.start == datetime(2026, 11, 26, 9, tzinfo=MSK) and text == "встреча в 10"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("позвонить маме", "not_understood"),
        ("завтра в 10", "empty"),
        ("завтра в 3 позвонить", "ambiguous"),
        ("вчера в 10 позвонить", "past"),
    ],
)
def test_remind_without_a_usable_time(text: str, reason: str) -> None:
    with pytest.raises(SplitError) as caught:
        split(text)
    assert caught.value.reason == reason
    if reason == "ambiguous":
        assert caught.value.text == "позвонить" and len(caught.value.alternatives) == 2


def test_long_expressions_still_split_and_keep_the_text_whitespace_collapsed() -> None:
    text = "каждую последнюю пятницу месяца в 7 вечера  сдать   отчёт " + FILLER * 3
    when, rest = split(text)
    assert when.rrule == "FREQ=MONTHLY;BYDAY=-1FR"
    assert rest == " ".join(("сдать отчёт " + FILLER * 3).split())


def test_a_day_without_a_time_gets_the_default_hour() -> None:
    when = parse_time("завтра", now=NOW, tz=MSK, lang="ru")
    assert when.start == datetime(2026, 11, 26, DEFAULT_HOUR, tzinfo=MSK) and not when.time_given
    assert local_start(when, MSK) == datetime(2026, 11, 26, DEFAULT_HOUR)
    all_day = parse_when("в пятницу", now=NOW, tz=MSK)
    assert local_start(all_day, MSK) == datetime(2026, 11, 27, DEFAULT_HOUR)


# --- bounded work ------------------------------------------------------------------------------


@pytest.mark.parametrize("head", ["через 2 часа ", "", "завтра в 3 "])
def test_splitting_4000_characters_costs_what_400_do(head: str) -> None:
    short = work_of_split(long_text(head, 400))
    long = work_of_split(long_text(head, 4_000))
    assert long == short
    calls, chars = long
    # Trying every word prefix makes ~600 calls here (~60 for 400 characters), and without
    # the parsers' own bound those calls would read over a million characters.
    assert calls <= MAX_TIME_WORDS + 1
    assert chars <= 30 * MAX_TIME_TEXT


def test_a_long_time_with_a_long_text_is_found_with_bounded_work() -> None:
    text = long_text("через 2 часа ", 4_000)
    PARSE_WORK.reset()
    when, rest = split(text)
    assert when.start == NOW + timedelta(hours=2)
    assert rest == " ".join(text.split()[3:])
    assert PARSE_WORK.calls <= MAX_TIME_WORDS and PARSE_WORK.chars <= 30 * MAX_TIME_TEXT


@pytest.mark.parametrize(
    "text", ["а" * 4_000, "9 " + "ю" * 4_000, " ".join(["слово"] * 11 + ["я" * 4_000])]
)
def test_huge_words_are_never_handed_to_the_regexes(text: str) -> None:
    calls, chars = work_of_split(text)
    assert calls <= MAX_TIME_WORDS + 1
    assert chars <= MAX_TIME_WORDS * 6 * MAX_TIME_WORDS  # only the short words were parsed


def test_parsers_refuse_text_over_the_bound_before_reading_it() -> None:
    padded = "через 2 часа".ljust(MAX_TIME_TEXT + 1)
    PARSE_WORK.reset()
    for parse in (
        lambda t: parse_when(t, now=NOW, tz=MSK),
        parse_offsets,
        parse_duration,
    ):
        with pytest.raises(TimeParseError) as caught:
            parse(padded)
        assert caught.value.reason == "not_understood"
    assert (PARSE_WORK.calls, PARSE_WORK.chars) == (3, 0)


def test_text_at_the_bound_is_still_read() -> None:
    assert parse_when(
        "через 2 часа".ljust(MAX_TIME_TEXT), now=NOW, tz=MSK
    ).start == NOW + timedelta(hours=2)
    assert parse_offsets("за 1 день".ljust(MAX_TIME_TEXT)) == [timedelta(days=1)]
    assert parse_duration("1 час".ljust(MAX_TIME_TEXT)) == timedelta(hours=1)


# Short adversarial inputs: repeated separators, digits and words that many patterns start
# on. Every regex was checked to grow at most quadratically on them (measured up to 800
# characters); here each must end in a result or a TimeParseError, never anything else.
_PIECES = ["1", " ", "1 ", "1.", "1.1", "пн и ", "каждый ", "через ", "в 1", "за ", "1ч", "2h",
           "понедельник ", "mondays and ", "1-", "1/", "a couple of ", "пол", "31 декабря ",
           ", ", "раз в ", "12.12.", "утром ", "следующий ", "1-го ", "числа ", "every other "]  # fmt: skip
ADVERSARIAL = [
    (prefix + piece * MAX_TIME_TEXT)[: MAX_TIME_TEXT - len(suffix)] + suffix
    for piece in _PIECES
    for prefix in ("", "через ", "каждый ", "за ")
    for suffix in ("", " часов", " числа", "!")
]


@pytest.mark.timeout(60)
def test_adversarial_text_at_the_bound_ends_in_an_answer_or_a_parse_error() -> None:
    for text in ADVERSARIAL:
        for parse in (
            lambda t: parse_when(t, now=NOW, tz=MSK),
            parse_offsets,
            parse_duration,
        ):
            with contextlib.suppress(TimeParseError):
                parse(text)


@pytest.mark.parametrize("text", ["9" * 150 + " минут", "1" * 100 + " ч", "1" * 120 + "h"])
def test_absurdly_large_numbers_are_too_far_not_a_crash(text: str) -> None:
    for parse in (parse_offsets, parse_duration):
        with pytest.raises(TimeParseError) as caught:
            parse(text)
        assert caught.value.reason == "too_far"
