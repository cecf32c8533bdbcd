"""Recurrence on local wall time, DST conversion, RRULE text, and expansion windows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from maxremind.domain.recurrence import (
    Freq,
    NthWeekday,
    OccurrenceTime,
    Recurrence,
    RecurrenceError,
    Weekday,
    check_fires,
    expand,
    next_occurrence,
    parse_exdates,
    resolve_local,
)

BERLIN = ZoneInfo("Europe/Berlin")
MOSCOW = ZoneInfo("Europe/Moscow")
NEW_YORK = ZoneInfo("America/New_York")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def window(
    start: datetime,
    tz: ZoneInfo,
    rrule: str | None,
    after: datetime,
    before: datetime,
    exdates: frozenset[date] = frozenset(),
) -> list[OccurrenceTime]:
    return expand(start, tz, rrule, exdates, after=after, before=before)


def locals_of(occurrences: list[OccurrenceTime]) -> list[datetime]:
    return [occurrence.local for occurrence in occurrences]


# --- wall time → instant -----------------------------------------------------------


def test_moscow_weekly_meeting_stays_at_07_utc_all_year() -> None:
    found = window(
        datetime(2026, 3, 16, 10), MOSCOW, "FREQ=WEEKLY", utc(2026, 3, 1), utc(2026, 11, 15)
    )
    assert len(found) == 35
    assert {(o.at.hour, o.at.minute, o.adjustment) for o in found} == {(7, 0, "none")}
    assert {o.local.time() for o in found} == {datetime(2026, 1, 1, 10).time()}


def test_berlin_weekly_meeting_keeps_local_time_and_moves_in_utc() -> None:
    found = window(
        datetime(2026, 3, 22, 10), BERLIN, "FREQ=WEEKLY", utc(2026, 3, 1), utc(2026, 11, 2)
    )
    by_day = {o.local.date(): o.at for o in found}
    assert {o.local.hour for o in found} == {10}
    assert by_day[date(2026, 3, 22)] == utc(2026, 3, 22, 9)
    assert by_day[date(2026, 3, 29)] == utc(2026, 3, 29, 8)
    assert by_day[date(2026, 10, 18)] == utc(2026, 10, 18, 8)
    assert by_day[date(2026, 10, 25)] == utc(2026, 10, 25, 9)


def test_new_york_daily_meeting_across_both_switches() -> None:
    start = datetime(2026, 3, 6, 10)
    spring = window(start, NEW_YORK, "FREQ=DAILY", utc(2026, 3, 6), utc(2026, 3, 10))
    assert [o.at for o in spring] == [
        utc(2026, 3, 6, 15),
        utc(2026, 3, 7, 15),
        utc(2026, 3, 8, 14),
        utc(2026, 3, 9, 14),
    ]
    autumn = window(start, NEW_YORK, "FREQ=DAILY", utc(2026, 10, 31), utc(2026, 11, 3))
    assert [o.at for o in autumn] == [
        utc(2026, 10, 31, 14),
        utc(2026, 11, 1, 15),
        utc(2026, 11, 2, 15),
    ]


def test_time_in_spring_gap_is_shifted_forward_by_the_gap() -> None:
    found = window(
        datetime(2026, 3, 28, 2, 30), BERLIN, "FREQ=DAILY", utc(2026, 3, 27), utc(2026, 3, 31)
    )
    assert [(o.local, o.at, o.adjustment) for o in found] == [
        (datetime(2026, 3, 28, 2, 30), utc(2026, 3, 28, 1, 30), "none"),
        (datetime(2026, 3, 29, 2, 30), utc(2026, 3, 29, 1, 30), "gap_shifted"),  # 03:30 CEST
        (datetime(2026, 3, 30, 2, 30), utc(2026, 3, 30, 0, 30), "none"),
    ]


def test_resolve_local_rules_at_the_edges() -> None:
    assert resolve_local(datetime(2026, 3, 29, 2, 30), BERLIN) == (
        utc(2026, 3, 29, 1, 30),
        "gap_shifted",
    )
    assert resolve_local(datetime(2026, 10, 25, 2, 30), BERLIN) == (
        utc(2026, 10, 25, 0, 30),
        "fold_first",
    )
    assert resolve_local(datetime(2026, 3, 8, 2, 30), NEW_YORK) == (
        utc(2026, 3, 8, 7, 30),  # 03:30 EDT
        "gap_shifted",
    )
    assert resolve_local(datetime(2026, 11, 1, 1, 30), NEW_YORK) == (
        utc(2026, 11, 1, 5, 30),
        "fold_first",
    )
    assert resolve_local(datetime(2026, 11, 1, 1, 30, fold=1), NEW_YORK)[1] == "fold_first"
    assert resolve_local(datetime(2026, 7, 1, 12), MOSCOW) == (utc(2026, 7, 1, 9), "none")


def test_fold_in_new_york_takes_the_first_instant_in_expansion() -> None:
    found = window(
        datetime(2026, 10, 30, 1, 30), NEW_YORK, "FREQ=DAILY", utc(2026, 10, 30), utc(2026, 11, 3)
    )
    day = next(o for o in found if o.local.date() == date(2026, 11, 1))
    assert (day.at, day.adjustment) == (utc(2026, 11, 1, 5, 30), "fold_first")


def test_resolve_local_rejects_aware_time() -> None:
    with pytest.raises(ValueError, match="naive"):
        resolve_local(datetime(2026, 1, 1, tzinfo=UTC), BERLIN)


# --- rules -------------------------------------------------------------------------

YEAR_2026 = (utc(2025, 12, 31), utc(2026, 12, 31))


@pytest.mark.parametrize(
    ("start", "rrule", "expected_days"),
    [
        pytest.param(
            datetime(2026, 1, 1, 9),
            "FREQ=DAILY;INTERVAL=3;COUNT=4",
            [date(2026, 1, 1), date(2026, 1, 4), date(2026, 1, 7), date(2026, 1, 10)],
            id="daily-interval",
        ),
        pytest.param(
            datetime(2026, 1, 5, 9),
            "FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=5",
            [date(2026, 1, d) for d in (5, 7, 9, 12, 14)],
            id="weekly-weekdays",
        ),
        pytest.param(
            datetime(2026, 1, 5, 9),
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=6",
            [date(2026, m, d) for m, d in ((1, 5), (1, 7), (1, 19), (1, 21), (2, 2), (2, 4))],
            id="every-other-week",
        ),
        pytest.param(
            datetime(2026, 1, 31, 9),
            "FREQ=MONTHLY;COUNT=4",
            # RFC 5545: a day that does not exist is skipped, not moved to the 30th.
            [date(2026, 1, 31), date(2026, 3, 31), date(2026, 5, 31), date(2026, 7, 31)],
            id="day-31-skips-short-months",
        ),
        pytest.param(
            datetime(2026, 1, 31, 9),
            "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3",
            [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)],
            id="last-day-of-month",
        ),
        pytest.param(
            datetime(2026, 1, 1, 19),
            "FREQ=MONTHLY;BYDAY=2TU;COUNT=5",
            [date(2026, m, d) for m, d in ((1, 13), (2, 10), (3, 10), (4, 14), (5, 12))],
            id="second-tuesday",
        ),
        pytest.param(
            datetime(2026, 1, 1, 18),
            "FREQ=MONTHLY;BYDAY=-1FR;COUNT=5",
            [date(2026, m, d) for m, d in ((1, 30), (2, 27), (3, 27), (4, 24), (5, 29))],
            id="last-friday",
        ),
        pytest.param(
            datetime(2026, 1, 1, 18),
            "FREQ=MONTHLY;BYDAY=5TH;COUNT=2",
            [date(2026, 1, 29), date(2026, 4, 30)],
            id="fifth-thursday-only-where-there-is-one",
        ),
    ],
)
def test_rule_fires_on_expected_days(
    start: datetime, rrule: str, expected_days: list[date]
) -> None:
    found = window(start, BERLIN, rrule, *YEAR_2026)
    assert [o.local.date() for o in found] == expected_days
    assert {o.local.time() for o in found} == {start.time()}


def test_yearly_feb_29_fires_only_in_leap_years() -> None:
    found = window(
        datetime(2024, 2, 29, 8), BERLIN, "FREQ=YEARLY", utc(2024, 1, 1), utc(2036, 12, 31)
    )
    assert [o.local.year for o in found] == [2024, 2028, 2032, 2036]


def test_until_is_inclusive_in_every_form() -> None:
    start = datetime(2026, 1, 1, 9)
    as_date = window(start, BERLIN, "FREQ=DAILY;UNTIL=20260103", *YEAR_2026)
    as_local = window(start, BERLIN, "FREQ=DAILY;UNTIL=20260103T090000", *YEAR_2026)
    as_instant = window(start, BERLIN, "FREQ=DAILY;UNTIL=20260103T080000Z", *YEAR_2026)
    just_before = window(start, BERLIN, "FREQ=DAILY;UNTIL=20260103T075959Z", *YEAR_2026)
    assert len(as_date) == len(as_local) == len(as_instant) == 3
    assert len(just_before) == 2


def test_count_is_counted_from_the_true_start_when_the_window_is_late() -> None:
    start = datetime(2020, 1, 1, 9)
    rule = "FREQ=DAILY;COUNT=10"
    late = window(start, BERLIN, rule, utc(2020, 1, 8), utc(2020, 2, 1))
    assert locals_of(late) == [datetime(2020, 1, d, 9) for d in (8, 9, 10)]
    assert window(start, BERLIN, rule, utc(2030, 1, 1), utc(2030, 2, 1)) == []


@pytest.mark.parametrize(
    ("rrule", "last_day"),
    [
        ("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=100", date(2020, 12, 15)),
        ("FREQ=MONTHLY;BYDAY=2TU;COUNT=24", date(2021, 12, 14)),
        ("FREQ=MONTHLY;BYMONTHDAY=31;COUNT=14", date(2021, 12, 31)),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=3", date(2028, 2, 29)),
    ],
)
def test_count_ends_where_it_should_for_windows_far_from_the_start(
    rrule: str, last_day: date
) -> None:
    start = datetime(2020, 1, 2, 9)
    everything = window(start, MOSCOW, rrule, utc(2019, 1, 1), utc(2040, 1, 1))
    assert everything[-1].local.date() == last_day
    late = window(start, MOSCOW, rrule, utc(2020, 11, 1), utc(2040, 1, 1))
    assert late == [o for o in everything if o.at > utc(2020, 11, 1)]


def test_exdates_skip_days_and_count_still_includes_them() -> None:
    skipped = frozenset({date(2026, 1, 2), date(2026, 1, 4)})
    found = window(
        datetime(2026, 1, 1, 9), BERLIN, "FREQ=DAILY;COUNT=5", *YEAR_2026, exdates=skipped
    )
    assert [o.local.day for o in found] == [1, 3, 5]


def test_one_off_event_without_rule() -> None:
    found = window(datetime(2026, 5, 1, 12), BERLIN, None, *YEAR_2026)
    assert found == [OccurrenceTime(datetime(2026, 5, 1, 12), utc(2026, 5, 1, 10), "none")]


def test_window_excludes_after_and_includes_before() -> None:
    start = datetime(2026, 1, 1, 9)
    found = window(start, MOSCOW, "FREQ=DAILY", utc(2026, 1, 1, 6), utc(2026, 1, 3, 6))
    assert locals_of(found) == [datetime(2026, 1, 2, 9), datetime(2026, 1, 3, 9)]


def test_limit_caps_the_result() -> None:
    found = expand(
        datetime(2026, 1, 1, 9),
        BERLIN,
        "FREQ=DAILY",
        set(),
        after=utc(2025, 1, 1),
        before=utc(2027, 1, 1),
        limit=2,
    )
    assert len(found) == 2
    nothing = expand(
        datetime(2026, 1, 1),
        BERLIN,
        None,
        set(),
        after=utc(2025, 1, 1),
        before=utc(2027, 1, 1),
        limit=0,
    )
    assert nothing == []


def test_next_occurrence_moves_on_and_ends_with_the_rule() -> None:
    start = datetime(2026, 1, 1, 9)
    first = next_occurrence(start, MOSCOW, "FREQ=WEEKLY;COUNT=2", set(), after=utc(2025, 1, 1))
    assert first is not None
    second = next_occurrence(start, MOSCOW, "FREQ=WEEKLY;COUNT=2", set(), after=first.at)
    assert second is not None
    assert second.local == datetime(2026, 1, 8, 9)
    assert next_occurrence(start, MOSCOW, "FREQ=WEEKLY;COUNT=2", set(), after=second.at) is None


def test_expand_rejects_naive_window_and_aware_start() -> None:
    with pytest.raises(ValueError, match="aware"):
        expand(
            datetime(2026, 1, 1),
            BERLIN,
            None,
            set(),
            after=datetime(2026, 1, 1),
            before=utc(2027, 1, 1),
        )
    with pytest.raises(ValueError, match="naive"):
        expand(utc(2026, 1, 1), BERLIN, None, set(), after=utc(2025, 1, 1), before=utc(2027, 1, 1))


# --- RRULE text --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=DAILY",
        "FREQ=DAILY;INTERVAL=3;COUNT=10",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270101T000000Z",
        "FREQ=WEEKLY;BYDAY=TU,FR;UNTIL=20261231",
        "FREQ=MONTHLY;BYMONTHDAY=31",
        "FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20270101T120000",
        "FREQ=MONTHLY;BYDAY=2TU",
        "FREQ=MONTHLY;BYDAY=-1FR;COUNT=12",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
    ],
)
def test_rrule_text_round_trips(text: str) -> None:
    assert Recurrence.from_rrule(text).to_rrule() == text


def test_both_spellings_of_nth_weekday_mean_the_same_rule() -> None:
    by_setpos = Recurrence.from_rrule("FREQ=MONTHLY;BYDAY=WE;BYSETPOS=2")
    by_ordinal = Recurrence.from_rrule("FREQ=MONTHLY;BYDAY=2WE")
    assert by_setpos == by_ordinal
    assert by_setpos.nth_weekday == NthWeekday(Weekday.WE, 2)


def test_parsing_is_lenient_about_prefix_case_and_week_start() -> None:
    rule = Recurrence.from_rrule("RRULE:freq=weekly;byday=we,mo;wkst=SU")
    assert rule.to_rrule() == "FREQ=WEEKLY;BYDAY=MO,WE"


def test_built_rule_formats_as_rfc_5545() -> None:
    rule = Recurrence(
        Freq.WEEKLY,
        interval=2,
        weekdays=(Weekday.WE, Weekday.MO),
        until=datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert rule.to_rrule() == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270101T000000Z"


def test_local_until_is_written_as_utc_when_the_zone_is_known() -> None:
    rule = Recurrence(Freq.DAILY, until=datetime(2026, 7, 1, 10))
    assert rule.to_rrule(BERLIN) == "FREQ=DAILY;UNTIL=20260701T080000Z"
    whole_day = Recurrence(Freq.DAILY, until=date(2026, 12, 31))
    assert whole_day.to_rrule(BERLIN) == "FREQ=DAILY;UNTIL=20261231T225959Z"
    start = datetime(2026, 6, 1, 10)
    local = window(start, BERLIN, whole_day.to_rrule(), *YEAR_2026)
    utc_form = window(start, BERLIN, whole_day.to_rrule(BERLIN), *YEAR_2026)
    assert local == utc_form


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("INTERVAL=2", "needs FREQ"),
        ("FREQ=HOURLY", "FREQ=HOURLY is not supported"),
        ("FREQ=DAILY;BYHOUR=9", "BYHOUR is not supported"),
        ("FREQ=DAILY;X-NAME=1", "X-NAME is not supported"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL must be at least 1"),
        ("FREQ=DAILY;INTERVAL=two", "whole number"),
        ("FREQ=DAILY;COUNT=0", "COUNT must be at least 1"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20270101", "not both"),
        ("FREQ=DAILY;COUNT=3;COUNT=4", "twice"),
        ("FREQ=DAILY;UNTIL=2027-01-01", "UNTIL must be"),
        ("FREQ=DAILY;UNTIL=20270230", "not a real date"),
        ("FREQ=DAILY;BYDAY=MO", "not DAILY"),
        ("FREQ=WEEKLY;BYDAY=MO,MO", "twice"),
        ("FREQ=WEEKLY;BYDAY=2MO", "plain weekdays"),
        ("FREQ=WEEKLY;BYDAY=XX", "look like"),
        ("FREQ=WEEKLY;INTERVAL=2;WKST=SU", "WKST=SU is not supported"),
        ("FREQ=MONTHLY;BYDAY=WE", "needs an ordinal"),
        ("FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=1", "one weekday"),
        ("FREQ=MONTHLY;BYDAY=2WE;BYSETPOS=2", "not both"),
        ("FREQ=MONTHLY;BYDAY=WE;BYSETPOS=6", "1..5"),
        ("FREQ=MONTHLY;BYSETPOS=2", "BYSETPOS needs BYDAY"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,15", "several values"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "1..31"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "1..31"),
        ("FREQ=MONTHLY;BYMONTH=3", "BYMONTH needs FREQ=YEARLY"),
        ("FREQ=YEARLY;BYMONTH=3", "both BYMONTH and BYMONTHDAY"),
        ("FREQ=YEARLY;BYMONTH=13;BYMONTHDAY=1", "1..12"),
        ("FREQ=YEARLY;BYDAY=1MO", "not YEARLY"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31", "never fires"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never fires"),
        ("FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=-31", "never fires"),
    ],
)
def test_bad_rules_are_rejected_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(RecurrenceError, match=message):
        Recurrence.from_rrule(text)


def test_recurrence_error_is_a_value_error() -> None:
    assert issubclass(RecurrenceError, ValueError)


@pytest.mark.parametrize(
    ("start", "rrule", "exdates"),
    [
        pytest.param(datetime(2026, 5, 1, 9), "FREQ=DAILY;UNTIL=20260401", (), id="until-first"),
        pytest.param(
            datetime(2026, 5, 1, 9), "FREQ=DAILY;UNTIL=20260430T000000Z", (), id="until-utc"
        ),
        pytest.param(
            datetime(2026, 5, 5, 9), "FREQ=WEEKLY;BYDAY=MO;UNTIL=20260510", (), id="no-monday"
        ),
        pytest.param(
            datetime(2025, 1, 1, 9),
            "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29",
            (),
            id="feb-29-never-leap",
        ),
        pytest.param(
            datetime(2026, 4, 1, 9), "FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=31", (), id="april-31"
        ),
        pytest.param(
            datetime(2026, 5, 1, 9), "FREQ=DAILY;COUNT=1", (date(2026, 5, 1),), id="all-skipped"
        ),
    ],
)
def test_rules_that_never_fire_are_refused(
    start: datetime, rrule: str, exdates: tuple[date, ...]
) -> None:
    with pytest.raises(RecurrenceError, match="never fires"):
        check_fires(start, BERLIN, rrule, frozenset(exdates))


def test_check_fires_returns_the_first_matching_time() -> None:
    first = check_fires(datetime(2026, 1, 1, 19), BERLIN, "FREQ=MONTHLY;BYDAY=2TU")
    assert first.local == datetime(2026, 1, 13, 19)
    one_off = check_fires(datetime(2026, 3, 29, 2, 30), BERLIN, None)
    assert one_off.adjustment == "gap_shifted"


def test_parse_exdates_reads_iso_dates() -> None:
    assert parse_exdates(["2026-05-01", "2026-05-09"]) == {date(2026, 5, 1), date(2026, 5, 9)}
    with pytest.raises(RecurrenceError, match="2026-05-01"):
        parse_exdates(["1 May"])


def test_rule_exdates_combine_with_given_ones() -> None:
    rule = Recurrence.from_rrule("FREQ=DAILY;COUNT=4", exdates={date(2026, 1, 2)})
    found = expand(
        datetime(2026, 1, 1, 9),
        BERLIN,
        rule,
        {date(2026, 1, 3)},
        after=YEAR_2026[0],
        before=YEAR_2026[1],
    )
    assert [o.local.day for o in found] == [1, 4]
    assert "EXDATE" not in rule.to_rrule()


def test_many_daily_events_expand_quickly() -> None:
    after = utc(2026, 3, 1)
    before = after + timedelta(days=60)
    begun = datetime.now()
    total = sum(
        len(
            expand(
                datetime(2019, 1, 1, 8) + timedelta(minutes=i),
                BERLIN,
                "FREQ=DAILY",
                set(),
                after=after,
                before=before,
            )
        )
        for i in range(1000)
    )
    assert total == 60_000
    # ~0.15 s on a laptop; the bound only catches replaying years of history per event.
    assert datetime.now() - begun < timedelta(seconds=3)


def test_window_may_be_unbounded() -> None:
    found = expand(
        datetime(2026, 1, 1, 9),
        NEW_YORK,
        "FREQ=YEARLY;COUNT=3",
        set(),
        after=datetime.min.replace(tzinfo=UTC),
        before=datetime.max.replace(tzinfo=UTC),
    )
    assert [o.local.year for o in found] == [2026, 2027, 2028]


def test_a_skipped_calendar_day_never_yields_the_same_instant_twice() -> None:
    apia = ZoneInfo("Pacific/Apia")  # 2011-12-30 did not exist there
    found = window(
        datetime(2011, 12, 29, 10), apia, "FREQ=DAILY", utc(2011, 12, 1), utc(2012, 1, 2)
    )
    assert [(o.local.day, o.adjustment) for o in found] == [
        (29, "none"),
        (30, "gap_shifted"),  # the same instant as 31 December 10:00, which is dropped
        (1, "none"),
        (2, "none"),
    ]
    assert len({o.at for o in found}) == len(found)
