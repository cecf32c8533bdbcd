"""Feeds as calendar apps read them: a year of every series, expanded by an independent
reader (``recurring-ical-events``), equals our own recurrence across the DST switches of
Berlin and New York and for Moscow; every file parses back, keeps RFC 5545's line format
and defines each zone once, for the covered years only; cancelled dates, moved dates,
answers, versions and alarms come out as apps expect."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar

from maxremind.calendar.feed import Feed, FeedItem, event_uid, person_address, render_feed
from maxremind.calendar.ics import event_to_ics
from maxremind.domain.models import (
    Answer,
    Event,
    EventKind,
    EventStatus,
    Occurrence,
    OccurrenceStatus,
    Reminder,
    ReminderTarget,
)
from maxremind.domain.recurrence import expand
from maxremind.domain.rrule import parse_exdates
from maxremind.domain.wall_time import resolve_local

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
YEAR = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
SINCE, UNTIL = date(2025, 1, 1), date(2027, 1, 31)
ZONES = ("Europe/Berlin", "America/New_York", "Europe/Moscow")


def make_event(
    event_id: int, start: datetime, zone: str, rrule: str | None, **more: object
) -> Event:
    values: dict[str, object] = {
        "id": event_id,
        "team_id": 1,
        "organizer_id": 500,
        "title": f"Событие {event_id}",
        "start_local": start,
        "timezone": zone,
        "kind": EventKind.EVENT,
        "description": "",
        "place": "",
        "duration": timedelta(minutes=30),
        "rrule": rrule,
        "exdates": (),
        "audience": (),
        "reminders": (),
        "confirm_required": True,
        "urgent": False,
        "quorum": None,
        "status": EventStatus.ACTIVE,
        "status_reason": None,
        "created_at": NOW - timedelta(days=30),
        "updated_at": NOW - timedelta(days=1),
    }
    values.update(more)
    return Event(**values)  # type: ignore[arg-type]


# Rules at the times DST plays with: inside the spring gap (02:30 Berlin and New York),
# inside the autumn fold (02:30 Berlin, 01:30 New York), plain mornings, months' ends,
# n-th weekdays, UNTIL as a local day, COUNT from a start years back (re-anchored),
# skipped days, a start the rule itself does not produce.
SERIES = [
    ("FREQ=DAILY", datetime(2025, 6, 1, 2, 30), ()),
    ("FREQ=DAILY", datetime(2025, 6, 1, 1, 30), ("2026-03-29", "2026-11-01")),
    ("FREQ=WEEKLY;BYDAY=MO,WE,FR", datetime(2026, 1, 2, 10, 0), ("2026-03-30",)),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", datetime(2024, 3, 3, 2, 30), ()),
    ("FREQ=MONTHLY;BYDAY=2TU", datetime(2026, 1, 1, 18, 0), ()),
    ("FREQ=MONTHLY;BYMONTHDAY=-1", datetime(2025, 12, 31, 23, 30), ()),
    ("FREQ=MONTHLY;BYDAY=-1SU", datetime(2025, 1, 26, 2, 15), ()),
    ("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=29", datetime(2020, 3, 29, 2, 45), ()),
    ("FREQ=DAILY;COUNT=1200", datetime(2023, 6, 1, 9, 15), ()),
    ("FREQ=WEEKLY;BYDAY=SU;UNTIL=20261025", datetime(2026, 1, 4, 2, 30), ()),
    ("FREQ=DAILY;INTERVAL=3;UNTIL=20260615T120000", datetime(2026, 1, 1, 7, 0), ()),
]


def build_events() -> list[Event]:
    events = []
    for z, zone in enumerate(ZONES):
        for s, (rule, start, skipped) in enumerate(SERIES):
            events.append(make_event(100 * (z + 1) + s, start, zone, rule, exdates=tuple(skipped)))
        events.append(make_event(100 * (z + 1) + 99, datetime(2026, 3, 8, 2, 30), zone, None))
    return events


def ours(event: Event) -> list[datetime]:
    tz = ZoneInfo(event.timezone)
    found = expand(
        event.start_local,
        tz,
        event.rrule,
        parse_exdates(event.exdates),
        after=YEAR[0] - timedelta(microseconds=1),
        before=YEAR[1] - timedelta(microseconds=1),
    )
    return [o.at for o in found]


def theirs(data: bytes) -> dict[str, list[datetime]]:
    calendar = Calendar.from_ical(data)
    found: dict[str, list[datetime]] = defaultdict(list)
    for vevent in recurring_ical_events.of(calendar).between(*YEAR):
        start = vevent["DTSTART"].dt.astimezone(UTC)
        if YEAR[0] <= start < YEAR[1] and str(vevent.get("STATUS")) != "CANCELLED":
            found[str(vevent["UID"])].append(start)
    return {uid: sorted(starts) for uid, starts in found.items()}


def check_lines(data: bytes) -> None:
    """RFC 5545 §3.1: CRLF line ends, at most 75 octets a line, folds start with a space."""
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    for line in lines:
        assert len(line) <= 75, line
        assert line, "no empty lines"
        line.decode("utf-8")  # a fold never splits a character
    assert not lines[0].startswith(b" ")


def check_zones(data: bytes, first_year: int, last_year: int) -> set[str]:
    """One VTIMEZONE per zone used, none unused, transitions only in the covered years."""
    calendar = Calendar.from_ical(data)
    defined = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
    assert len(defined) == len(set(defined))
    used = {
        prop.params["TZID"]
        for vevent in calendar.walk("VEVENT")
        for name in ("DTSTART", "RECURRENCE-ID")
        if (prop := vevent.get(name)) is not None and "TZID" in prop.params
    }
    assert used == set(defined)
    for line in re.findall(rb"\r\n(?:DTSTART|RDATE):([0-9T,]+)\r\n", data):
        for value in line.split(b","):
            assert first_year <= int(value[:4]) <= last_year + 1, value
    return used


def test_a_year_of_every_series_equals_what_an_independent_reader_expands() -> None:
    events = build_events()
    data = render_feed(
        Feed(items=[FeedItem(e) for e in events], name="Команда", since=SINCE, until=UNTIL)
    )
    check_lines(data)
    assert check_zones(data, SINCE.year, UNTIL.year) == set(ZONES)
    expanded = theirs(data)
    mismatched = {
        e.id: (len(ours(e)), len(expanded.get(event_uid(e), [])))
        for e in events
        if ours(e) != expanded.get(event_uid(e), [])
    }
    assert mismatched == {}
    assert sum(len(ours(e)) for e in events) > 2000  # the year is really there


@pytest.mark.parametrize("zone", ZONES)
def test_each_zone_alone_and_the_single_event_export_agree_too(zone: str) -> None:
    for event in build_events():
        if event.timezone != zone or event.start_local.year < 2025:
            continue
        data = event_to_ics(event)
        check_lines(data)
        assert theirs(data).get(event_uid(event), []) == ours(event), event.rrule


def test_old_series_are_anchored_inside_the_covered_years() -> None:
    event = make_event(1, datetime(2023, 6, 1, 9, 15), "Europe/Berlin", "FREQ=DAILY;COUNT=1200")
    data = render_feed(Feed(items=[FeedItem(event)], name="x", since=SINCE, until=UNTIL))
    vevent = Calendar.from_ical(data).walk("VEVENT")[0]
    assert vevent.decoded("DTSTART") == datetime(
        2025, 1, 1, 9, 15, tzinfo=ZoneInfo("Europe/Berlin")
    )
    # 2023-06-01 .. 2024-12-31 used 580 of the 1200 dates.
    assert vevent["RRULE"]["COUNT"] == [1200 - 580]
    ended = make_event(2, datetime(2023, 6, 1, 9, 0), "Europe/Berlin", "FREQ=DAILY;COUNT=10")
    gone = make_event(3, datetime(2024, 6, 1, 9, 0), "Europe/Berlin", None)
    data = render_feed(
        Feed(items=[FeedItem(ended), FeedItem(gone)], name="x", since=SINCE, until=UNTIL)
    )
    assert not Calendar.from_ical(data).walk("VEVENT")
    assert not Calendar.from_ical(data).walk("VTIMEZONE")


def occurrence(
    occurrence_id: int,
    event: Event,
    local: datetime,
    status: OccurrenceStatus,
    at: datetime | None = None,
) -> Occurrence:
    instant = at or resolve_local(local, ZoneInfo(event.timezone))[0]
    adjustment = "none"
    return Occurrence(occurrence_id, event.id, instant, local, adjustment, status)


def test_cancelled_dates_moved_dates_and_cancelled_events() -> None:
    weekly = make_event(
        7,
        datetime(2026, 1, 5, 10, 0),
        "Europe/Berlin",
        "FREQ=WEEKLY;BYDAY=MO",
        exdates=("2026-01-19",),
    )
    stored = [
        occurrence(1, weekly, datetime(2026, 1, 12, 10, 0), OccurrenceStatus.CANCELLED),
        # Cancelled by re-planning after an edit: the rule no longer makes it, no EXDATE.
        occurrence(2, weekly, datetime(2026, 1, 13, 10, 0), OccurrenceStatus.CANCELLED),
        # Stored to start an hour later than the rule says: an override.
        occurrence(
            3,
            weekly,
            datetime(2026, 1, 26, 10, 0),
            OccurrenceStatus.PLANNED,
            at=datetime(2026, 1, 26, 10, 0, tzinfo=UTC),
        ),
    ]
    cancelled = make_event(
        8,
        datetime(2026, 2, 1, 12, 0),
        "Europe/Moscow",
        None,
        status=EventStatus.CANCELLED,
        reminders=(Reminder(1, 8, timedelta(hours=1), None, ReminderTarget.ALL),),
    )
    data = render_feed(
        Feed(
            items=[
                FeedItem(weekly, sequence=3, occurrences=stored),
                FeedItem(cancelled, sequence=1),
            ],
            name="x",
            since=SINCE,
            until=UNTIL,
        )
    )
    check_lines(data)
    vevents = Calendar.from_ical(data).walk("VEVENT")
    series = [v for v in vevents if v["UID"] == event_uid(weekly) and "RECURRENCE-ID" not in v]
    assert len(series) == 1
    skipped = sorted(d.dt.replace(tzinfo=None) for d in series[0]["EXDATE"].dts)
    assert skipped == [datetime(2026, 1, 12, 10, 0), datetime(2026, 1, 19, 10, 0)]
    assert series[0]["SEQUENCE"] == 3
    moved = [v for v in vevents if "RECURRENCE-ID" in v]
    assert len(moved) == 1
    assert moved[0].decoded("RECURRENCE-ID").replace(tzinfo=None) == datetime(2026, 1, 26, 10, 0)
    assert moved[0].decoded("DTSTART").astimezone(UTC) == datetime(2026, 1, 26, 10, 0, tzinfo=UTC)
    starts = theirs(data)[event_uid(weekly)]
    assert datetime(2026, 1, 12, 9, 0, tzinfo=UTC) not in starts
    assert datetime(2026, 1, 26, 10, 0, tzinfo=UTC) in starts
    assert datetime(2026, 1, 26, 9, 0, tzinfo=UTC) not in starts
    off = next(v for v in vevents if v["UID"] == event_uid(cancelled))
    assert str(off["STATUS"]) == "CANCELLED" and off["SEQUENCE"] == 1
    assert not off.walk("VALARM")


def test_partstat_from_answers_personal_and_team() -> None:
    me, other = 11, 12
    weekly = make_event(7, datetime(2026, 1, 5, 10, 0), "Europe/Moscow", "FREQ=WEEKLY;BYDAY=MO")
    once = make_event(9, datetime(2026, 2, 1, 12, 0), "Europe/Moscow", None)
    dates = [
        occurrence(i, weekly, datetime(2026, 1, 5 + 7 * i, 10, 0), OccurrenceStatus.PLANNED)
        for i in range(3)
    ]
    single = [occurrence(50, once, datetime(2026, 2, 1, 12, 0), OccurrenceStatus.PLANNED)]
    people = {500: "Ольга Организатор", me: "Мария", other: "Иван"}
    personal = render_feed(
        Feed(
            items=[
                FeedItem(weekly, occurrences=dates, answers={1: {me: Answer.NO}}, invited=[me]),
                FeedItem(once, occurrences=single, answers={50: {me: Answer.MAYBE}}, invited=[me]),
            ],
            people=people,
            name="Мой календарь",
            since=SINCE,
            until=UNTIL,
        )
    )
    check_lines(personal)
    vevents = Calendar.from_ical(personal).walk("VEVENT")
    by_key = {(str(v["UID"]), "RECURRENCE-ID" in v): v for v in vevents}
    series = by_key[(event_uid(weekly), False)]
    assert str(series["ORGANIZER"]) == person_address(500)
    assert series["ORGANIZER"].params["CN"] == "Ольга Организатор"
    (attendee,) = [series["ATTENDEE"]]
    assert str(attendee) == person_address(me) and attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    answered = by_key[(event_uid(weekly), True)]
    assert answered.decoded("RECURRENCE-ID").replace(tzinfo=None) == datetime(2026, 1, 12, 10, 0)
    assert answered["ATTENDEE"].params["PARTSTAT"] == "DECLINED"
    assert by_key[(event_uid(once), False)]["ATTENDEE"].params["PARTSTAT"] == "TENTATIVE"
    # The override does not add or lose a date.
    assert len(theirs(personal)[event_uid(weekly)]) == len(ours(weekly))

    team = render_feed(
        Feed(
            items=[
                FeedItem(weekly, occurrences=dates, answers={0: {me: Answer.YES, other: Answer.NO}})
            ],
            people=people,
            name="Команда",
            since=SINCE,
            until=UNTIL,
        )
    )
    vevents = Calendar.from_ical(team).walk("VEVENT")
    (override,) = [v for v in vevents if "RECURRENCE-ID" in v]
    got = {str(a): a.params["PARTSTAT"] for a in override["ATTENDEE"]}
    assert got == {person_address(me): "ACCEPTED", person_address(other): "DECLINED"}
    assert {a.params["CN"] for a in override["ATTENDEE"]} == {"Мария", "Иван"}


def test_feed_headers_alarms_long_text_and_stable_bytes() -> None:
    long_title = "Планёрка отдела продаж и маркетинга, обсуждение квартальных планов " * 3
    event = make_event(
        5,
        datetime(2026, 1, 5, 10, 0),
        "Europe/Moscow",
        "FREQ=WEEKLY;BYDAY=MO",
        title=long_title,
        place="Переговорная «Байкал», 3 этаж; вход со двора",
        description="Строка 1\nСтрока 2, с запятой; и точкой с запятой",
        reminders=(
            Reminder(1, 5, timedelta(days=1), None, ReminderTarget.ALL),
            Reminder(2, 5, timedelta(minutes=15), None, ReminderTarget.UNANSWERED),
            Reminder(3, 5, timedelta(minutes=15), None, ReminderTarget.ORGANIZER_SUMMARY),
        ),
    )
    feed = Feed(items=[FeedItem(event, sequence=2)], name="Отдел продаж", since=SINCE, until=UNTIL)
    data = render_feed(feed)
    assert render_feed(feed) == data  # nothing depends on the clock: ETags hold
    check_lines(data)
    calendar = Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == "Отдел продаж"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in data
    assert b"METHOD" not in data
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == long_title
    assert str(vevent["LOCATION"]) == event.place
    assert str(vevent["DESCRIPTION"]) == event.description
    assert (
        vevent.decoded("DTSTAMP")
        == vevent.decoded("LAST-MODIFIED")
        == event.updated_at.replace(microsecond=0)
    )
    assert vevent["SEQUENCE"] == 2
    triggers = sorted(alarm.decoded("TRIGGER") for alarm in vevent.walk("VALARM"))
    assert triggers == [-timedelta(days=1), -timedelta(minutes=15)]
