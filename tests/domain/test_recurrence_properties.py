"""Property tests: fast-forwarded expansion agrees with replaying the rule from its start."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from maxremind.domain.recurrence import (
    Freq,
    NthWeekday,
    OccurrenceTime,
    Recurrence,
    Weekday,
    expand,
    next_occurrence,
    resolve_local,
)

ZONES = [
    ZoneInfo(name)
    for name in (
        "Europe/Berlin",
        "America/New_York",
        "Europe/Moscow",
        "Australia/Lord_Howe",  # a 30-minute DST shift
        "Asia/Kolkata",
        "UTC",
    )
]
SETTINGS = settings(max_examples=200, deadline=None)

starts = st.builds(
    datetime,
    year=st.integers(2016, 2027),
    month=st.integers(1, 12),
    day=st.integers(1, 28),
    hour=st.sampled_from([0, 1, 2, 3, 9, 10, 23]),  # 1-3 o'clock meet the DST edges
    minute=st.sampled_from([0, 30, 45]),
)
nonzero_month_days = st.integers(-31, 31).filter(bool)
ordinals = st.sampled_from([1, 2, 3, 4, 5, -1, -2, -5])
# Mostly near the start, where COUNT rules still fire; sometimes years later.
days_from_start = st.one_of(st.integers(-40, 200), st.integers(-40, 4000))
spans = st.builds(
    lambda days, minutes: timedelta(days=days, minutes=minutes),
    st.one_of(st.integers(1, 120), st.integers(0, 500)),
    st.integers(0, 1439),
)


@st.composite
def rules(draw: st.DrawFn, start: datetime, *, untils: tuple[str, ...] = ("naive",)) -> Recurrence:
    freq = draw(st.sampled_from(Freq))
    fields: dict[str, object] = {"freq": freq, "interval": draw(st.integers(1, 4))}
    if freq is Freq.WEEKLY:
        fields["weekdays"] = tuple(draw(st.lists(st.sampled_from(Weekday), unique=True)))
    elif freq is Freq.MONTHLY:
        shape = draw(st.sampled_from(["start", "day", "nth"]))
        if shape == "day":
            fields["month_day"] = draw(nonzero_month_days)
        elif shape == "nth":
            fields["nth_weekday"] = NthWeekday(draw(st.sampled_from(Weekday)), draw(ordinals))
    elif freq is Freq.YEARLY and draw(st.booleans()):
        month = draw(st.integers(1, 12))
        fields["month"] = month
        fields["month_day"] = draw(st.integers(1, calendar.monthrange(2000, month)[1]))
    bound = draw(st.sampled_from(["none", "count", *untils]))
    until = start + timedelta(days=draw(st.integers(-5, 1500)), minutes=draw(st.integers(0, 1439)))
    if bound == "count":
        fields["count"] = draw(st.integers(1, 60))
    elif bound == "naive":
        fields["until"] = until
    elif bound == "date":
        fields["until"] = until.date()
    elif bound == "aware":
        fields["until"] = until.replace(tzinfo=UTC)
    return Recurrence(**fields)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Case:
    rule: Recurrence
    start: datetime
    tz: ZoneInfo
    exdates: frozenset[date]
    after: datetime


@st.composite
def cases(draw: st.DrawFn) -> Case:
    start = draw(starts)
    skipped = st.integers(0, 400).map(lambda days: start.date() + timedelta(days=days))
    after = start.replace(tzinfo=UTC) + timedelta(
        days=draw(days_from_start), minutes=draw(st.integers(0, 1439))
    )
    return Case(
        rule=draw(rules(start)),
        start=start,
        tz=draw(st.sampled_from(ZONES)),
        exdates=draw(st.frozensets(skipped, max_size=6)),
        after=after,
    )


def replay(
    rule: Recurrence,
    start: datetime,
    tz: ZoneInfo,
    exdates: frozenset[date],
    after: datetime,
    before: datetime,
) -> list[OccurrenceTime]:
    """The slow, obvious way: run dateutil from the true start through the window."""
    stop = before.astimezone(tz).replace(tzinfo=None) + timedelta(days=2)
    found = []
    for wall in rrulestr(rule.to_rrule(), dtstart=start):
        if wall > stop:
            break
        at, adjustment = resolve_local(wall, tz)
        if after < at <= before and wall.date() not in exdates:
            found.append(OccurrenceTime(wall, at, adjustment))
    return found


def matches(rule: Recurrence, start: datetime, wall: datetime) -> bool:
    """Whether ``wall`` is one of the rule's times, checked field by field."""
    if wall.time() != start.time() or wall < start:
        return False
    k = rule.interval
    if rule.freq is Freq.DAILY:
        return (wall.date() - start.date()).days % k == 0
    if rule.freq is Freq.WEEKLY:
        weeks = (wall.date() - start.date()).days + start.weekday() - wall.weekday()
        days = rule.weekdays or (Weekday.of(start.date()),)
        return Weekday.of(wall.date()) in days and (weeks // 7) % k == 0
    length = calendar.monthrange(wall.year, wall.month)[1]
    if rule.freq is Freq.MONTHLY:
        in_step = ((wall.year - start.year) * 12 + wall.month - start.month) % k == 0
        nth = rule.nth_weekday
        if nth is not None:
            from_start, from_end = (wall.day - 1) // 7 + 1, -((length - wall.day) // 7 + 1)
            same_day = Weekday.of(wall.date()) is nth.weekday
            return in_step and same_day and nth.n in (from_start, from_end)
        wanted = rule.month_day or start.day
        return in_step and wall.day == (wanted if wanted > 0 else length + wanted + 1)
    month, day = rule.month or start.month, rule.month_day or start.day
    return (wall.year - start.year) % k == 0 and (wall.month, wall.day) == (month, day)


@SETTINGS
@given(cases(), spans)
def test_expansion_matches_replaying_the_rule_from_its_start(case: Case, span: timedelta) -> None:
    before = case.after + span
    found = expand(case.start, case.tz, case.rule, case.exdates, after=case.after, before=before)
    assert found == replay(case.rule, case.start, case.tz, case.exdates, case.after, before)


@SETTINGS
@given(cases(), spans, spans)
def test_adjacent_windows_add_up_to_the_whole(
    case: Case, first: timedelta, second: timedelta
) -> None:
    def window(after: datetime, before: datetime) -> list[OccurrenceTime]:
        return expand(case.start, case.tz, case.rule, case.exdates, after=after, before=before)

    middle = case.after + first
    end = middle + second
    assert window(case.after, end) == window(case.after, middle) + window(middle, end)


@SETTINGS
@given(cases(), spans)
def test_occurrences_are_ordered_in_the_window_and_match_the_rule(
    case: Case, span: timedelta
) -> None:
    before = case.after + span
    found = expand(case.start, case.tz, case.rule, set(), after=case.after, before=before)
    instants_found = [occurrence.at for occurrence in found]
    assert instants_found == sorted(set(instants_found))
    assert all(case.after < at <= before for at in instants_found)
    assert all(matches(case.rule, case.start, occurrence.local) for occurrence in found)
    assert all(occurrence.at.tzinfo is UTC for occurrence in found)


@SETTINGS
@given(cases())
def test_next_occurrence_is_the_first_of_an_open_window(case: Case) -> None:
    following = next_occurrence(case.start, case.tz, case.rule, case.exdates, after=case.after)
    horizon = case.after + timedelta(days=800)
    window = expand(case.start, case.tz, case.rule, case.exdates, after=case.after, before=horizon)
    if window:
        assert following == window[0]
    else:
        assert following is None or following.at > horizon


@settings(max_examples=300, deadline=None)
@given(starts.flatmap(lambda start: rules(start, untils=("naive", "date", "aware"))))
def test_rrule_text_round_trips_any_rule(rule: Recurrence) -> None:
    text = rule.to_rrule()
    assert Recurrence.from_rrule(text) == rule
    assert Recurrence.from_rrule(text).to_rrule() == text
