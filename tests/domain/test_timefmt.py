"""Echoing times, rules and offsets back in Russian and English."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from maxremind.domain.timedescribe import describe_rrule
from maxremind.domain.timefmt import format_duration, format_offset, format_when, zone_label
from maxremind.domain.timewords import plural_ru

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 25, 14, 0, tzinfo=MSK)
MONDAY = datetime(2027, 11, 29, 10, 0, tzinfo=MSK)


def test_format_when_in_both_languages() -> None:
    moment = datetime(2026, 12, 7, 10, 0, tzinfo=MSK)
    assert format_when(moment, MSK, "ru", now=NOW) == "пн, 7 декабря, 10:00 МСК"
    assert format_when(moment, MSK, "en", now=NOW) == "Mon, 7 December, 10:00 MSK"


def test_year_shows_outside_the_current_year_or_without_now() -> None:
    assert format_when(MONDAY, MSK, "ru", now=NOW) == "пн, 29 ноября 2027, 10:00 МСК"
    assert format_when(MONDAY, MSK, "en") == "Mon, 29 November 2027, 10:00 MSK"


def test_all_day_drops_clock_and_zone() -> None:
    assert format_when(MONDAY, MSK, "ru", now=MONDAY, all_day=True) == "пн, 29 ноября"


def test_format_when_converts_to_the_users_zone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    moment = datetime(2026, 12, 7, 10, 0, tzinfo=MSK)
    assert format_when(moment, berlin, "en", now=NOW) == "Mon, 7 December, 08:00 CET"


@pytest.mark.parametrize(
    ("zone", "ru", "en"),
    [
        ("Europe/Moscow", "МСК", "MSK"),
        ("Europe/Kaliningrad", "МСК−1", "MSK−1"),
        ("Europe/Samara", "МСК+1", "MSK+1"),
        ("Asia/Yekaterinburg", "МСК+2", "MSK+2"),
        ("Asia/Omsk", "МСК+3", "MSK+3"),
        ("Asia/Novosibirsk", "МСК+4", "MSK+4"),
        ("Asia/Irkutsk", "МСК+5", "MSK+5"),
        ("Asia/Vladivostok", "МСК+7", "MSK+7"),
        ("Asia/Kamchatka", "МСК+9", "MSK+9"),
        ("Europe/Berlin", "CET", "CET"),
        ("America/New_York", "EST", "EST"),
        ("UTC", "UTC", "UTC"),
        ("Asia/Dubai", "UTC+04:00", "UTC+04:00"),
        ("Asia/Kathmandu", "UTC+05:45", "UTC+05:45"),
        ("America/Sao_Paulo", "UTC-03:00", "UTC-03:00"),
    ],
)
def test_zone_labels(zone: str, ru: str, en: str) -> None:
    assert zone_label(ZoneInfo(zone), NOW, "ru") == ru
    assert zone_label(ZoneInfo(zone), NOW, "en") == en


def test_zone_label_follows_summer_time() -> None:
    summer = datetime(2026, 7, 1, 12, tzinfo=MSK)
    assert zone_label(ZoneInfo("America/New_York"), summer, "en") == "EDT"
    assert zone_label(ZoneInfo("Europe/Berlin"), summer, "ru") == "CEST"


@pytest.mark.parametrize(
    ("rrule", "ru", "en"),
    [
        ("FREQ=DAILY", "каждый день", "every day"),
        ("FREQ=DAILY;INTERVAL=2", "раз в 2 дня", "every other day"),
        ("FREQ=DAILY;INTERVAL=5", "раз в 5 дней", "every 5 days"),
        ("FREQ=WEEKLY;BYDAY=MO", "каждый понедельник", "every Monday"),
        ("FREQ=WEEKLY;BYDAY=WE", "каждую среду", "every Wednesday"),
        ("FREQ=WEEKLY;BYDAY=SU", "каждое воскресенье", "every Sunday"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "по будням", "every weekday"),
        ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", "по будням", "every weekday"),
        ("FREQ=WEEKLY;BYDAY=SA,SU", "по выходным", "every weekend"),
        ("FREQ=WEEKLY;BYDAY=MO,WE", "по понедельникам и средам", "every Monday and Wednesday"),
        (
            "FREQ=WEEKLY;BYDAY=MO,WE,FR",
            "по понедельникам, средам и пятницам",
            "every Monday, Wednesday and Friday",
        ),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "раз в 2 недели по четвергам", "every other Thursday"),
        ("FREQ=WEEKLY;INTERVAL=3", "раз в 3 недели", "every 3 weeks"),
        (
            "FREQ=MONTHLY;BYDAY=2WE",
            "каждую 2-ю среду месяца",
            "every second Wednesday of the month",
        ),
        (
            "FREQ=MONTHLY;BYDAY=WE;BYSETPOS=2",
            "каждую 2-ю среду месяца",
            "every second Wednesday of the month",
        ),
        (
            "FREQ=MONTHLY;BYDAY=1MO",
            "каждый 1-й понедельник месяца",
            "every first Monday of the month",
        ),
        (
            "FREQ=MONTHLY;BYDAY=-1FR",
            "каждую последнюю пятницу месяца",
            "every last Friday of the month",
        ),
        ("FREQ=MONTHLY;BYMONTHDAY=15", "каждый месяц 15-го числа", "monthly on the 15th"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "каждый месяц в последний день", "monthly on the last day"),
        ("FREQ=MONTHLY", "каждый месяц", "every month"),
        (
            "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25",
            "каждый год 25 декабря",
            "every year on 25 December",
        ),
        ("FREQ=YEARLY;INTERVAL=21", "раз в 21 год", "every 21 years"),
        ("FREQ=DAILY;COUNT=3", "каждый день, 3 раза", "every day, 3 times"),
        (
            "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261231T000000Z",
            "каждый понедельник, до 31.12.2026",
            "every Monday, until 31.12.2026",
        ),
    ],
)
def test_describe_rrule(rrule: str, ru: str, en: str) -> None:
    assert describe_rrule(rrule, "ru") == ru
    assert describe_rrule(rrule, "en") == en


def test_describe_rrule_with_clock_time() -> None:
    assert describe_rrule("FREQ=WEEKLY;BYDAY=MO", "ru", at=time(10)) == "каждый понедельник в 10:00"
    assert (
        describe_rrule("FREQ=DAILY;COUNT=2", "en", at=time(9, 30)) == "every day at 09:30, 2 times"
    )


@pytest.mark.parametrize("rrule", ["FREQ=HOURLY;BYMINUTE=5", "garbage", "FREQ=MONTHLY;BYDAY=MO,TU"])
def test_unsupported_rules_are_shown_verbatim(rrule: str) -> None:
    assert describe_rrule(rrule, "ru") == rrule


@pytest.mark.parametrize(
    ("n", "form"),
    [(1, "минута"), (2, "минуты"), (4, "минуты"), (5, "минут"), (11, "минут"), (12, "минут"),
     (14, "минут"), (21, "минута"), (22, "минуты"), (25, "минут"), (101, "минута"), (111, "минут")],
)  # fmt: skip
def test_russian_plural_forms(n: int, form: str) -> None:
    assert plural_ru(n, "минута", "минуты", "минут") == form


@pytest.mark.parametrize(
    ("offset", "ru", "en"),
    [
        (timedelta(0), "в момент начала", "at start"),
        (timedelta(minutes=1), "за 1 минуту", "1 minute before"),
        (timedelta(minutes=2), "за 2 минуты", "2 minutes before"),
        (timedelta(minutes=5), "за 5 минут", "5 minutes before"),
        (timedelta(minutes=15), "за 15 минут", "15 minutes before"),
        (timedelta(minutes=21), "за 21 минуту", "21 minutes before"),
        (timedelta(hours=1), "за 1 час", "1 hour before"),
        (timedelta(hours=3), "за 3 часа", "3 hours before"),
        (timedelta(minutes=90), "за 1 час 30 минут", "1 hour 30 minutes before"),
        (timedelta(days=1), "за 1 день", "1 day before"),
        (timedelta(days=11), "за 11 дней", "11 days before"),
        (timedelta(days=22), "за 22 дня", "22 days before"),
        (timedelta(days=29), "за 29 дней", "29 days before"),
        (timedelta(days=7), "за 1 неделю", "1 week before"),
        (timedelta(days=14), "за 2 недели", "2 weeks before"),
    ],
)
def test_format_offset(offset: timedelta, ru: str, en: str) -> None:
    assert format_offset(offset, "ru") == ru
    assert format_offset(offset, "en") == en


def test_format_duration_uses_nominative_forms() -> None:
    assert format_duration(timedelta(minutes=1), "ru") == "1 минута"
    assert format_duration(timedelta(days=21), "ru") == "3 недели"
    assert format_duration(timedelta(days=21, hours=1), "ru") == "21 день 1 час"
    assert format_duration(timedelta(minutes=150), "en") == "2 hours 30 minutes"


def test_negative_offsets_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        format_offset(timedelta(minutes=-5))
