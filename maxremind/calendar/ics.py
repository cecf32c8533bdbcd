"""One event as an iCalendar file (RFC 5545) that calendar apps import: a feed of one
event (:mod:`maxremind.calendar.feed` writes both), without the subscription headers.

The start keeps its zone with a VTIMEZONE, reminder offsets become VALARMs, cancelled
dates of a series become EXDATEs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from maxremind.calendar.feed import PRODID, Feed, FeedItem, event_uid, render_feed
from maxremind.domain.models import Event, Occurrence

__all__ = ["PRODID", "event_to_ics", "event_uid"]

# VTIMEZONE rules cover this many years after the event's start (the whole 1970–2038
# range icalendar offers by default would bloat every file for nothing).
_TZ_YEARS = 5


def event_to_ics(
    event: Event, occurrences: Sequence[Occurrence] = (), *, sequence: int = 0
) -> bytes:
    """The event as a VCALENDAR with one VEVENT.

    ``occurrences`` (optional, as stored) add the cancelled ones of a recurring event
    as EXDATEs, so a skipped meeting does not show up in the calendar either.
    """
    start = event.start_local.date()
    until = date(start.year + _TZ_YEARS, 1, 1)
    item = FeedItem(event, sequence=sequence, occurrences=occurrences)
    return render_feed(Feed(items=[item], until=until))
