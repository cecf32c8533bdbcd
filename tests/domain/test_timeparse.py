"""parse_when at a fixed "now": Wednesday 2026-11-25 14:00 Europe/Moscow."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from maxremind.domain.timedescribe import describe_rrule
from maxremind.domain.timefmt import format_numeric
from maxremind.domain.timeparse import TimeParseError, When, parse_when

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 25, 14, 0, tzinfo=MSK)  # a Wednesday


def parse(text: str, lang: str = "ru", *, now: datetime = NOW, tz: ZoneInfo = MSK) -> When:
    return parse_when(text, now=now, tz=tz, lang=lang)  # type: ignore[arg-type]


def expect(spec: str, tz: ZoneInfo = MSK) -> tuple[datetime, bool]:
    """ "2026-11-26 09:00" → a timed moment; "2026-11-30" → that day, all-day."""
    if " " in spec:
        return datetime.fromisoformat(spec).replace(tzinfo=tz), False
    return datetime.fromisoformat(spec + " 00:00").replace(tzinfo=tz), True


RUSSIAN: list[tuple[str, str, str | None]] = [
    # relative
    ("через 20 минут", "2026-11-25 14:20", None),
    ("через 2 часа", "2026-11-25 16:00", None),
    ("через полчаса", "2026-11-25 14:30", None),
    ("через час", "2026-11-25 15:00", None),
    ("через 3 дня", "2026-11-28 14:00", None),
    ("через 1,5 часа", "2026-11-25 15:30", None),
    ("через полтора часа", "2026-11-25 15:30", None),
    ("через 1 час 30 минут", "2026-11-25 15:30", None),
    ("через пару часов", "2026-11-25 16:00", None),
    ("через две минуты", "2026-11-25 14:02", None),
    ("через 5 мин", "2026-11-25 14:05", None),
    ("через неделю", "2026-12-02 14:00", None),
    ("через месяц", "2026-12-25 14:00", None),
    ("через 3 дня в 10:00", "2026-11-28 10:00", None),
    ("через 2 недели в 10", "2026-12-09 10:00", None),
    # days and clock times
    ("завтра в 9", "2026-11-26 09:00", None),
    ("завтра в 9:30", "2026-11-26 09:30", None),
    ("послезавтра в 18:00", "2026-11-27 18:00", None),
    ("сегодня в 15:00", "2026-11-25 15:00", None),
    ("в пятницу в 18:30", "2026-11-27 18:30", None),
    ("в следующий вторник в 10", "2026-12-01 10:00", None),
    ("в следующую пятницу", "2026-12-04", None),
    ("в понедельник", "2026-11-30", None),
    ("во вторник", "2026-12-01", None),
    ("в среду", "2026-12-02", None),
    ("в среду в 15:00", "2026-11-25 15:00", None),
    ("в среду в 10", "2026-12-02 10:00", None),
    ("25.12 в 10:00", "2026-12-25 10:00", None),
    ("25.12.2026 10:00", "2026-12-25 10:00", None),
    ("25 декабря в 10:00", "2026-12-25 10:00", None),
    ("25 дек 2026 в 10:00", "2026-12-25 10:00", None),
    ("1 января", "2027-01-01", None),
    ("1-го января в 9", "2027-01-01 09:00", None),
    ("29.02", "2028-02-29", None),
    ("10.12.26 в 9", "2026-12-10 09:00", None),
    ("пт, 27 ноября, 10:00", "2026-11-27 10:00", None),
    ("15 числа", "2026-12-15", None),
    ("в 10 утра", "2026-11-26 10:00", None),
    ("в 7 вечера", "2026-11-25 19:00", None),
    ("в 3 часа дня", "2026-11-25 15:00", None),
    ("в 2 ночи", "2026-11-26 02:00", None),
    ("в 11 вечера", "2026-11-25 23:00", None),
    ("в полдень", "2026-11-26 12:00", None),
    ("в полночь", "2026-11-26 00:00", None),
    ("в 18.30", "2026-11-25 18:30", None),
    ("в 03:00", "2026-11-26 03:00", None),
    ("в 7", "2026-11-26 07:00", None),
    ("сегодня в 3", "2026-11-25 15:00", None),
    ("завтра утром", "2026-11-26 09:00", None),
    ("завтра вечером", "2026-11-26 19:00", None),
    ("завтра днём", "2026-11-26 14:00", None),
    ("в субботу утром", "2026-11-28 09:00", None),
    ("в четвёрг в 9", "2026-11-26 09:00", None),
    ("завтра 9", "2026-11-26 09:00", None),
    ("  ЗАВТРА  В  9!", "2026-11-26 09:00", None),
    ("Послезавтра, в 18:00.", "2026-11-27 18:00", None),
    # rules
    ("каждый день в 9:00", "2026-11-26 09:00", "FREQ=DAILY"),
    ("ежедневно в 8", "2026-11-26 08:00", "FREQ=DAILY"),
    ("каждое утро", "2026-11-26 09:00", "FREQ=DAILY"),
    ("каждые 3 дня в 10", "2026-11-26 10:00", "FREQ=DAILY;INTERVAL=3"),
    ("каждый будний день в 9:00", "2026-11-26 09:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    ("по будням в 9", "2026-11-26 09:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    ("каждый понедельник в 10:00", "2026-11-30 10:00", "FREQ=WEEKLY;BYDAY=MO"),
    ("по понедельникам и средам в 10", "2026-11-30 10:00", "FREQ=WEEKLY;BYDAY=MO,WE"),
    ("каждую пятницу в 17", "2026-11-27 17:00", "FREQ=WEEKLY;BYDAY=FR"),
    ("каждый пн, ср, пт в 8:00", "2026-11-27 08:00", "FREQ=WEEKLY;BYDAY=MO,WE,FR"),
    ("по вт и чт в 19:30", "2026-11-26 19:30", "FREQ=WEEKLY;BYDAY=TU,TH"),
    ("еженедельно по понедельникам в 9", "2026-11-30 09:00", "FREQ=WEEKLY;BYDAY=MO"),
    ("каждую неделю в 10", "2026-11-26 10:00", "FREQ=WEEKLY;BYDAY=TH"),
    ("каждые 2 недели в четверг в 11", "2026-11-26 11:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"),
    ("каждый второй четверг в 11", "2026-11-26 11:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"),
    ("раз в 2 недели по пятницам", "2026-11-27", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
    ("каждые выходные в 11", "2026-11-28 11:00", "FREQ=WEEKLY;BYDAY=SA,SU"),
    ("каждую вторую среду месяца", "2026-12-09", "FREQ=MONTHLY;BYDAY=2WE"),
    ("каждую последнюю пятницу месяца в 16", "2026-11-27 16:00", "FREQ=MONTHLY;BYDAY=-1FR"),
    ("каждый месяц в первый понедельник в 10", "2026-12-07 10:00", "FREQ=MONTHLY;BYDAY=1MO"),
    ("каждое 1 число в 12:00", "2026-12-01 12:00", "FREQ=MONTHLY;BYMONTHDAY=1"),
    ("каждый месяц 15 числа в 10", "2026-12-15 10:00", "FREQ=MONTHLY;BYMONTHDAY=15"),
    ("каждый последний день месяца в 18:00", "2026-11-30 18:00", "FREQ=MONTHLY;BYMONTHDAY=-1"),
    ("каждый месяц в 10", "2026-11-26 10:00", "FREQ=MONTHLY;BYMONTHDAY=26"),
    ("каждый год 25 декабря", "2026-12-25", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25"),
    ("каждое 25 декабря в 10", "2026-12-25 10:00", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25"),
    ("ежегодно 29.02", "2028-02-29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
]

ENGLISH: list[tuple[str, str, str | None]] = [
    ("in 20 minutes", "2026-11-25 14:20", None),
    ("in 2 hours", "2026-11-25 16:00", None),
    ("in half an hour", "2026-11-25 14:30", None),
    ("in an hour", "2026-11-25 15:00", None),
    ("in 1h 30m", "2026-11-25 15:30", None),
    ("in 3 days", "2026-11-28 14:00", None),
    ("tomorrow 5pm", "2026-11-26 17:00", None),
    ("tomorrow at 9", "2026-11-26 09:00", None),
    ("tomorrow at 5 p.m.", "2026-11-26 17:00", None),
    ("tomorrow morning", "2026-11-26 09:00", None),
    ("today at 15:00", "2026-11-25 15:00", None),
    ("the day after tomorrow at noon", "2026-11-27 12:00", None),
    ("on Friday at 6:30pm", "2026-11-27 18:30", None),
    ("this Friday at 5pm", "2026-11-27 17:00", None),
    ("next Tuesday 10am", "2026-12-01 10:00", None),
    ("next Friday", "2026-12-04", None),
    ("Dec 25 at 10:00", "2026-12-25 10:00", None),
    ("December 25th at 9", "2026-12-25 09:00", None),
    ("25 December 10:00", "2026-12-25 10:00", None),
    ("the 25th of December", "2026-12-25", None),
    ("on Dec 31 2026 at 23:59", "2026-12-31 23:59", None),
    ("12/25 10am", "2026-12-25 10:00", None),
    ("1/2/2027 10:00", "2027-01-02 10:00", None),
    ("13/2 10:00", "2027-02-13 10:00", None),
    ("noon", "2026-11-26 12:00", None),
    ("at 7pm", "2026-11-25 19:00", None),
    ("at midnight", "2026-11-26 00:00", None),
    ("every day at 9", "2026-11-26 09:00", "FREQ=DAILY"),
    ("daily at 8", "2026-11-26 08:00", "FREQ=DAILY"),
    ("every 3 days at 9", "2026-11-26 09:00", "FREQ=DAILY;INTERVAL=3"),
    ("every weekday at 9am", "2026-11-26 09:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    ("on weekdays at 9", "2026-11-26 09:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    ("every weekend at 11", "2026-11-28 11:00", "FREQ=WEEKLY;BYDAY=SA,SU"),
    ("every Monday at 10", "2026-11-30 10:00", "FREQ=WEEKLY;BYDAY=MO"),
    ("weekly on Monday at 9", "2026-11-30 09:00", "FREQ=WEEKLY;BYDAY=MO"),
    ("every Monday and Wednesday at 10", "2026-11-30 10:00", "FREQ=WEEKLY;BYDAY=MO,WE"),
    ("Mondays and Wednesdays at 10", "2026-11-30 10:00", "FREQ=WEEKLY;BYDAY=MO,WE"),
    ("every other Thursday at 11", "2026-11-26 11:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"),
    ("every 2 weeks on Thursday at 11", "2026-11-26 11:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"),
    ("every second Wednesday of the month", "2026-12-09", "FREQ=MONTHLY;BYDAY=2WE"),
    ("every last Friday of the month at 4pm", "2026-11-27 16:00", "FREQ=MONTHLY;BYDAY=-1FR"),
    ("monthly on the 15th at 10", "2026-12-15 10:00", "FREQ=MONTHLY;BYMONTHDAY=15"),
    ("every month on the 1st at 12:00", "2026-12-01 12:00", "FREQ=MONTHLY;BYMONTHDAY=1"),
    ("on the 15th of every month", "2026-12-15", "FREQ=MONTHLY;BYMONTHDAY=15"),
    ("every year on Dec 25", "2026-12-25", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25"),
    ("annually on 1 January", "2027-01-01", "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1"),
    ("every morning", "2026-11-26 09:00", "FREQ=DAILY"),
]


def _check(when: When, spec: str, rrule: str | None) -> None:
    start, all_day = expect(spec)
    assert (when.start, when.rrule, when.all_day) == (start, rrule, all_day)
    assert when.start.tzinfo == MSK
    if all_day:
        assert not when.time_given


@pytest.mark.parametrize(("text", "spec", "rrule"), RUSSIAN)
def test_russian_expression(text: str, spec: str, rrule: str | None) -> None:
    _check(parse(text, "ru"), spec, rrule)


@pytest.mark.parametrize(("text", "spec", "rrule"), ENGLISH)
def test_english_expression(text: str, spec: str, rrule: str | None) -> None:
    _check(parse(text, "en"), spec, rrule)


def test_tables_are_large_enough() -> None:
    assert len(RUSSIAN) >= 60
    assert len(ENGLISH) >= 30


@pytest.mark.parametrize(("text", "spec", "rrule"), [c for c in RUSSIAN + ENGLISH if c[2]])
def test_rule_start_is_its_own_first_occurrence(text: str, spec: str, rrule: str) -> None:
    when = parse(text, "en" if text.isascii() else "ru")
    naive = when.start.replace(tzinfo=None)
    series = rrulestr(rrule, dtstart=naive)
    assert series.after(naive, inc=True) == naive
    assert describe_rrule(rrule, "ru") != rrule
    assert describe_rrule(rrule, "en") != rrule


@pytest.mark.parametrize(
    ("text", "time_given"),
    [("через 3 дня", False), ("через неделю", False), ("через 20 минут", True), ("в 9", True)],
)
def test_time_given_says_whether_a_clock_time_was_fixed(text: str, time_given: bool) -> None:
    assert parse(text).time_given is time_given


def test_time_only_rolls_to_tomorrow_once_past() -> None:
    assert parse("в 9", now=NOW.replace(hour=10)).start == datetime(2026, 11, 26, 9, tzinfo=MSK)
    assert parse("в 13:59").start == datetime(2026, 11, 26, 13, 59, tzinfo=MSK)
    assert parse("в 14:00").start == NOW  # "at or after now"


def test_date_without_year_past_this_year_moves_to_next_year() -> None:
    assert parse("01.03 в 10:00").start == datetime(2027, 3, 1, 10, tzinfo=MSK)


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "!!!", "в"])
def test_empty_or_filler_only_text_is_refused(text: str) -> None:
    with pytest.raises(TimeParseError) as err:
        parse(text)
    assert err.value.reason in ("empty", "not_understood")
    assert isinstance(err.value, ValueError)


def test_empty_text_reason() -> None:
    with pytest.raises(TimeParseError) as err:
        parse("  ")
    assert err.value.reason == "empty"


@pytest.mark.parametrize(
    "text",
    [
        "абракадабра",
        "hello world",
        "25:00",
        "в 15 утра",
        "в четверг 27 ноября",
        "через 2 часа в 10",
        "завтра через 2 часа",
        "в пятницу в субботу",
        "каждые 2 часа",
        "каждый год 25.12.2027",
        "завтра в 9 кот",
    ],
)
def test_gibberish_and_contradictions_are_not_understood(text: str) -> None:
    with pytest.raises(TimeParseError) as err:
        parse(text)
    assert err.value.reason == "not_understood"


@pytest.mark.parametrize(
    "text",
    ["01.01.2020 10:00", "01.01.2020", "вчера", "yesterday", "сегодня в 10:00", "25.11 в 10:00"],
)
def test_past_moments_are_refused(text: str) -> None:
    with pytest.raises(TimeParseError) as err:
        parse(text)
    assert err.value.reason == "past"


@pytest.mark.parametrize(
    ("text", "morning", "evening"),
    [
        ("в 3", "2026-11-26 03:00", "2026-11-25 15:00"),
        ("в 5:30", "2026-11-26 05:30", "2026-11-25 17:30"),
        ("at 5", "2026-11-26 05:00", "2026-11-25 17:00"),
        ("завтра в 6", "2026-11-26 06:00", "2026-11-26 18:00"),
        ("в 3 часа", "2026-11-26 03:00", "2026-11-25 15:00"),
    ],
)
def test_one_digit_hours_1_to_6_are_ambiguous(text: str, morning: str, evening: str) -> None:
    with pytest.raises(TimeParseError) as err:
        parse(text, "en" if text.isascii() else "ru")
    assert err.value.reason == "ambiguous"
    assert err.value.candidates == [expect(morning)[0], expect(evening)[0]]
    assert [w.start for w in err.value.alternatives] == err.value.candidates


def test_ambiguous_rule_offers_both_rules() -> None:
    with pytest.raises(TimeParseError) as err:
        parse("каждую среду в 3")
    first, second = err.value.alternatives
    assert first.rrule == second.rrule == "FREQ=WEEKLY;BYDAY=WE"
    assert first.start == datetime(2026, 12, 2, 3, tzinfo=MSK)
    assert second.start == datetime(2026, 11, 25, 15, tzinfo=MSK)


def test_ambiguous_hour_with_both_readings_past_is_past() -> None:
    with pytest.raises(TimeParseError) as err:
        parse("сегодня в 1", now=NOW.replace(hour=20))
    assert err.value.reason == "past"


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_when("завтра", now=datetime(2026, 11, 25), tz=MSK)


# --- other zones --------------------------------------------------------------------------


def test_yekaterinburg_reads_clock_times_in_its_own_zone() -> None:
    yekt = ZoneInfo("Asia/Yekaterinburg")  # 16:00 local when it is 14:00 in Moscow
    assert parse("в 15:00", tz=yekt).start == datetime(2026, 11, 26, 15, tzinfo=yekt)
    assert parse("в 17:00", tz=yekt).start == datetime(2026, 11, 25, 17, tzinfo=yekt)
    assert parse("через 2 часа", tz=yekt).start == datetime(2026, 11, 25, 18, tzinfo=yekt)


def test_now_in_another_zone_is_converted() -> None:
    utc_now = NOW.astimezone(ZoneInfo("UTC"))
    assert parse("сегодня в 15:00", now=utc_now).start == datetime(2026, 11, 25, 15, tzinfo=MSK)


def test_berlin_dst_gap_moves_forward_and_hours_are_absolute() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 3, 28, 12, 0, tzinfo=berlin)  # clocks jump 02:00→03:00 on the 29th
    gap = parse("завтра в 02:30", "ru", now=now, tz=berlin)
    assert gap.start.astimezone(ZoneInfo("UTC")) == datetime(
        2026, 3, 29, 1, 30, tzinfo=ZoneInfo("UTC")
    )
    night = datetime(2026, 3, 29, 1, 30, tzinfo=berlin)
    later = parse("через 2 часа", now=night, tz=berlin).start
    assert later.timestamp() - night.timestamp() == 2 * 3600
    assert (later.hour, later.minute) == (4, 30)
    daily = parse("every day at 9", "en", now=now, tz=berlin)
    assert daily.start == datetime(2026, 3, 29, 9, tzinfo=berlin)


def test_new_york_uses_us_date_order_and_local_clock() -> None:
    ny = ZoneInfo("America/New_York")
    now = datetime(2026, 11, 25, 9, 0, tzinfo=ny)
    assert parse("12/1 5pm", "en", now=now, tz=ny).start == datetime(2026, 12, 1, 17, tzinfo=ny)
    assert parse("12/1 5pm", "ru", now=now, tz=ny).start == datetime(2027, 1, 12, 17, tzinfo=ny)
    assert parse("tomorrow at 9", "en", now=now, tz=ny).start == datetime(
        2026, 11, 26, 9, tzinfo=ny
    )


# --- round trip ---------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(2026, 11, 25, 14, 0),
        max_value=datetime(2028, 12, 31, 23, 59),
    )
)
def test_numeric_format_round_trips(naive: datetime) -> None:
    moment = naive.replace(second=0, microsecond=0, tzinfo=MSK)
    if moment < NOW:
        moment = NOW
    text = format_numeric(moment, MSK, now=NOW)
    assert parse(text).start == moment
