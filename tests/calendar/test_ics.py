"""Events as .ics files: parsed back with icalendar, the fields, zone and rule survive."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from maxremind.calendar.ics import event_to_ics
from maxremind.domain.models import (
    Event,
    EventKind,
    EventStatus,
    Occurrence,
    OccurrenceStatus,
    Reminder,
    ReminderTarget,
)

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def make_event(**overrides: object) -> Event:
    values: dict[str, object] = {
        "id": 7,
        "team_id": 1,
        "organizer_id": 1,
        "title": "Планёрка",
        "start_local": datetime(2026, 11, 30, 10, 0),
        "timezone": "Europe/Moscow",
        "kind": EventKind.EVENT,
        "description": "Повестка: планы недели",
        "place": "Переговорная 3",
        "duration": timedelta(minutes=45),
        "rrule": "FREQ=WEEKLY;BYDAY=MO",
        "exdates": ("2026-12-07",),
        "audience": (),
        "reminders": (
            Reminder(1, 7, timedelta(days=1), None, ReminderTarget.ALL),
            Reminder(2, 7, timedelta(minutes=15), None, ReminderTarget.UNANSWERED),
            Reminder(3, 7, timedelta(minutes=15), None, ReminderTarget.ORGANIZER_SUMMARY),
        ),
        "confirm_required": True,
        "urgent": False,
        "quorum": None,
        "status": EventStatus.ACTIVE,
        "status_reason": None,
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(overrides)
    return Event(**values)  # type: ignore[arg-type]


def only_event(data: bytes):  # type: ignore[no-untyped-def]
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_recurring_event_keeps_zone_rule_exdates_and_alarms() -> None:
    cancelled = Occurrence(
        9,
        7,
        datetime(2026, 12, 14, 7, 0, tzinfo=UTC),
        datetime(2026, 12, 14, 10, 0),
        "none",
        OccurrenceStatus.CANCELLED,
    )
    calendar, vevent = only_event(event_to_ics(make_event(), [cancelled]))
    assert str(calendar["PRODID"]).startswith("-//maxremind")
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Moscow"]
    start = vevent.decoded("DTSTART")
    assert start == datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    assert vevent["DTSTART"].params["TZID"] == "Europe/Moscow"
    assert vevent["RRULE"]["FREQ"] == ["WEEKLY"] and vevent["RRULE"]["BYDAY"] == ["MO"]
    skipped = [d.dt for d in vevent["EXDATE"].dts]
    assert [s.replace(tzinfo=None) for s in skipped] == [
        datetime(2026, 12, 7, 10, 0),
        datetime(2026, 12, 14, 10, 0),
    ]
    assert vevent.decoded("DURATION") == timedelta(minutes=45)
    assert str(vevent["SUMMARY"]) == "Планёрка"
    assert str(vevent["DESCRIPTION"]) == "Повестка: планы недели"
    assert str(vevent["LOCATION"]) == "Переговорная 3"
    assert str(vevent["UID"]) == "event-7@maxremind"
    triggers = sorted(alarm.decoded("TRIGGER") for alarm in vevent.walk("VALARM"))
    # The organizer's summary is ours, not an alarm; 15 minutes appears once.
    assert triggers == [-timedelta(days=1), -timedelta(minutes=15)]


def test_one_off_event_without_extras_is_minimal() -> None:
    event = make_event(
        rrule=None, exdates=(), description="", place="", duration=None, reminders=()
    )
    _, vevent = only_event(event_to_ics(event))
    assert "RRULE" not in vevent and "EXDATE" not in vevent and "DURATION" not in vevent
    assert "LOCATION" not in vevent and not vevent.walk("VALARM")
    assert vevent.decoded("DTSTART").date() == date(2026, 11, 30)


def test_other_zones_and_texts_with_special_characters_survive() -> None:
    event = make_event(
        timezone="America/New_York", title='Q&A; notes, "quotes"', rrule="FREQ=MONTHLY;BYMONTHDAY=1"
    )
    _, vevent = only_event(event_to_ics(event))
    assert vevent["DTSTART"].params["TZID"] == "America/New_York"
    assert str(vevent["SUMMARY"]) == 'Q&A; notes, "quotes"'
    assert vevent["RRULE"]["BYMONTHDAY"] == [1]
