"""One event as an iCalendar file (RFC 5545) that calendar apps import.

The start keeps its zone (``DTSTART;TZID=Europe/Moscow``) with a VTIMEZONE, so a weekly
10:00 meeting stays at 10:00 local across DST in the person's calendar, exactly as our
own recurrence does. Reminder offsets become VALARMs; the organizer's summary step is
ours alone and has no alarm.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from maxremind.domain.models import Event, Occurrence, OccurrenceStatus, ReminderTarget
from maxremind.domain.rrule import parse_exdates

PRODID = "-//maxremind//MAX Reminders//RU"
UID_DOMAIN = "maxremind"
# VTIMEZONE rules cover this many years around the event (the whole 1970–2038 range
# icalendar offers by default would bloat every file for nothing).
_TZ_YEARS = 5


def event_uid(event: Event) -> str:
    return f"event-{event.id}@{UID_DOMAIN}"


def event_to_ics(
    event: Event,
    occurrences: Sequence[Occurrence] = (),
    *,
    now: datetime | None = None,
) -> bytes:
    """The event as a VCALENDAR with one VEVENT.

    ``occurrences`` (optional, as stored) add the cancelled ones of a recurring event
    as EXDATEs, so a skipped meeting does not show up in the calendar either.
    """
    # Imported here: icalendar costs ~10 MB of memory, and exports are rare.
    from icalendar import Alarm, Calendar, vRecur
    from icalendar import Event as VEvent

    tz = ZoneInfo(event.timezone)
    start = event.start_local.replace(tzinfo=tz)
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)

    vevent = VEvent()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", stamp)
    vevent.add("created", event.created_at.astimezone(UTC).replace(microsecond=0))
    vevent.add("last-modified", event.updated_at.astimezone(UTC).replace(microsecond=0))
    vevent.add("summary", event.title)
    vevent.add("dtstart", start)
    if event.duration:
        vevent.add("duration", event.duration)
    if event.description:
        vevent.add("description", event.description)
    if event.place:
        vevent.add("location", event.place)
    if event.rrule:
        vevent.add("rrule", vRecur.from_ical(event.rrule.removeprefix("RRULE:")))
        skipped = _skipped(event, occurrences, tz)
        if skipped:
            vevent.add("exdate", skipped)
    for offset in _alarm_offsets(event):
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", event.title)
        alarm.add("trigger", -offset)
        vevent.add_component(alarm)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(vevent)
    first = date(start.year - 1, 1, 1)
    calendar.add_missing_timezones(first_date=first, last_date=date(start.year + _TZ_YEARS, 1, 1))
    data: bytes = calendar.to_ical()
    return data


def _skipped(event: Event, occurrences: Sequence[Occurrence], tz: ZoneInfo) -> list[datetime]:
    """Local start times the series skips: the event's EXDATEs and cancelled occurrences."""
    clock = event.start_local.time()
    local = {datetime.combine(day, clock) for day in parse_exdates(event.exdates)}
    local |= {o.local_start for o in occurrences if o.status is OccurrenceStatus.CANCELLED}
    return [wall.replace(tzinfo=tz) for wall in sorted(local)]


def _alarm_offsets(event: Event) -> list[timedelta]:
    offsets = {
        r.offset
        for r in event.reminders
        if r.offset is not None and r.target is not ReminderTarget.ORGANIZER_SUMMARY
    }
    return sorted(offsets, reverse=True)
