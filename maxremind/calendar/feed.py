"""Events as an iCalendar feed (RFC 5545) that calendar apps subscribe to: pure code,
events with their stored dates and answers in, bytes out.

* **Time zones.**  Every start keeps its zone (``DTSTART;TZID=Europe/Moscow``), so a weekly
  10:00 meeting stays at 10:00 local across DST in the person's calendar, as our own
  recurrence does.  Each zone used gets one ``VTIMEZONE`` whose transitions cover only
  the years the feed covers (some apps misread long transition lists); a series that
  began before those years is re-anchored on its first date inside them (``COUNT``
  shrinks by the dates left behind), so nothing refers to a time outside its zone's
  definition.
* **Series.**  ``RRULE`` with a local ``UNTIL`` written as the UTC instant RFC 5545 asks
  for; skipped and cancelled dates become ``EXDATE``; a stored date that does not start
  when the rule says (moved) and a date someone answered become overrides with
  ``RECURRENCE-ID``.
* **Versions.**  ``UID`` is stable (``event-<id>@maxremind``); ``SEQUENCE`` is the
  event's, which the database bumps when its time or place changes; ``DTSTAMP`` and
  ``LAST-MODIFIED`` are the event's last change, so an unchanged event renders to the
  same bytes and a feed's ETag stays put.
* **People.**  ``ORGANIZER`` and ``ATTENDEE`` carry names (``CN``) and a stable address
  in the reserved ``.invalid`` domain (we know no e-mail addresses; answers are given in
  MAX, so ``RSVP=FALSE``).  ``PARTSTAT`` comes from the answers: in a personal feed only
  the owner's own, in a team or group feed everyone's who answered.
* **Reminders.**  One ``VALARM`` per reminder offset; the organizer's summary step is ours
  alone and has no alarm.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from maxremind.domain.models import (
    Answer,
    Event,
    EventStatus,
    Occurrence,
    OccurrenceStatus,
    ReminderTarget,
)
from maxremind.domain.recurrence import expand, next_occurrence
from maxremind.domain.rrule import Recurrence, RecurrenceError, parse_exdates
from maxremind.domain.wall_time import resolve_local

__all__ = [
    "FEED_REFRESH",
    "PRODID",
    "Feed",
    "FeedItem",
    "event_uid",
    "person_address",
    "render_feed",
]

PRODID = "-//maxremind//MAX Reminders//RU"
UID_DOMAIN = "maxremind"
# How often subscribers are asked to refresh (REFRESH-INTERVAL, X-PUBLISHED-TTL); apps
# may refresh less often (Google: every few hours), which is why a change shortly before
# an event is also announced in MAX.
FEED_REFRESH = timedelta(hours=1)
_PARTSTAT = {Answer.YES: "ACCEPTED", Answer.NO: "DECLINED", Answer.MAYBE: "TENTATIVE"}
_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)


def event_uid(event: Event) -> str:
    return f"event-{event.id}@{UID_DOMAIN}"


def person_address(user_id: int) -> str:
    """A stable calendar address for a person: no real mailbox (``.invalid``, RFC 2606)."""
    return f"mailto:user-{user_id}@{UID_DOMAIN}.invalid"


@dataclass(frozen=True)
class FeedItem:
    """One event with what the feed knows of it.

    ``occurrences`` are its stored dates (cancelled ones included); ``answers`` map an
    occurrence id to the answers shown (user id → answer) — only the owner's in a
    personal feed.  ``invited`` lists who attends every date (ATTENDEE of the series).
    """

    event: Event
    sequence: int = 0
    occurrences: Sequence[Occurrence] = ()
    answers: Mapping[int, Mapping[int, Answer]] = field(default_factory=dict)
    invited: Sequence[int] = ()


@dataclass(frozen=True)
class Feed:
    """A whole calendar.  ``since``: the first day it covers (older series are
    re-anchored, older one-off events left out); ``until``: the last day its time zone
    definitions cover.  ``name`` empty: a plain export, without the feed's headers."""

    items: Sequence[FeedItem]
    people: Mapping[int, str] = field(default_factory=dict)
    name: str = ""
    description: str = ""
    since: date | None = None
    until: date | None = None
    refresh: timedelta = FEED_REFRESH
    url: Callable[[Event], str] | None = None  # a link to the event's page, if any


def render_feed(feed: Feed) -> bytes:
    """The feed as one VCALENDAR: CRLF line ends, lines folded at 75 octets."""
    # Imported here: icalendar costs ~10 MB of memory, and only feeds and exports need it.
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if feed.name:
        calendar.add("name", feed.name)
        calendar.add("x-wr-calname", feed.name)
        if feed.description:
            calendar.add("x-wr-caldesc", feed.description)
        calendar.add("refresh-interval", feed.refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", _duration_text(feed.refresh))
    else:
        calendar.add("method", "PUBLISH")
    first: date | None = None
    last: date | None = None
    for item in feed.items:
        for component in _components(item, feed):
            calendar.add_component(component)
            day = component.decoded("DTSTART").date()
            first = day if first is None or day < first else first
            last = day if last is None or day > last else last
    if first is not None and last is not None:
        start = first if feed.since is None else min(first, feed.since)
        end = max(last, feed.until or last)
        calendar.add_missing_timezones(
            first_date=date(start.year, 1, 1), last_date=date(end.year + 1, 1, 1)
        )
    data: bytes = calendar.to_ical()
    return data


def _components(item: FeedItem, feed: Feed) -> list[Any]:
    """The series (or one-off event) and its overrides; none if it has nothing to show."""
    event = item.event
    tz = ZoneInfo(event.timezone)
    rule: Recurrence | None = None
    start = event.start_local
    if event.rrule:
        try:
            rule = Recurrence.from_rrule(event.rrule)
        except RecurrenceError:
            return []
        rebased = _rebase(event, rule, tz, feed.since)
        if rebased is None:
            return []
        start, rule = rebased
    elif feed.since is not None and start.date() < feed.since - timedelta(days=1):
        return []
    master = _vevent(item, feed, start.replace(tzinfo=tz))
    if rule is not None:
        master.add("rrule", _vrecur(rule.to_rrule(tz)))
        skipped = _skipped(event, rule, item.occurrences, tz, start)
        if skipped:
            master.add("exdate", skipped)
    owner_answers = _answers_of_one_off(item) if rule is None else {}
    _attendees(master, feed, item.invited, owner_answers)
    found = [master]
    if rule is not None and event.status is not EventStatus.CANCELLED:
        found += _overrides(item, feed, tz, start)
    return found


def _vevent(item: FeedItem, feed: Feed, start: datetime) -> Any:
    from icalendar import Alarm
    from icalendar import Event as VEvent

    event = item.event
    changed = _utc(event.updated_at)
    vevent = VEvent()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", changed)
    vevent.add("created", _utc(event.created_at))
    vevent.add("last-modified", changed)
    vevent.add("sequence", item.sequence)
    vevent.add("summary", event.title)
    vevent.add("dtstart", start)
    if event.duration:
        vevent.add("duration", event.duration)
    if event.description:
        vevent.add("description", event.description)
    if event.place:
        vevent.add("location", event.place)
    cancelled = event.status is EventStatus.CANCELLED
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if feed.url is not None:
        vevent.add("url", feed.url(event))
    if feed.name:
        organizer = feed.people.get(event.organizer_id)
        params = {"CN": organizer} if organizer else {}
        vevent.add("organizer", person_address(event.organizer_id), parameters=params)
    if not cancelled:
        for offset in _alarm_offsets(event):
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", event.title)
            alarm.add("trigger", -offset)
            vevent.add_component(alarm)
    return vevent


def _attendees(
    vevent: Any, feed: Feed, invited: Sequence[int], answers: Mapping[int, Answer]
) -> None:
    """ATTENDEE lines: everyone invited to the series (NEEDS-ACTION unless they answered)
    and whoever else answered."""
    for user_id in dict.fromkeys([*invited, *answers]):
        answer = answers.get(user_id)
        params = {
            "CUTYPE": "INDIVIDUAL",
            "ROLE": "REQ-PARTICIPANT",
            "PARTSTAT": "NEEDS-ACTION" if answer is None else _PARTSTAT[answer],
            "RSVP": "FALSE",
        }
        name = feed.people.get(user_id)
        if name:
            params["CN"] = name
        vevent.add("attendee", person_address(user_id), parameters=params)


def _answers_of_one_off(item: FeedItem) -> Mapping[int, Answer]:
    for occurrence in item.occurrences:
        if occurrence.id in item.answers:
            return item.answers[occurrence.id]
    return {}


def _overrides(item: FeedItem, feed: Feed, tz: ZoneInfo, start: datetime) -> list[Any]:
    """A VEVENT with RECURRENCE-ID for each planned date that was answered or does not
    start when the rule says (moved)."""
    found = []
    for occurrence in item.occurrences:
        if occurrence.status is not OccurrenceStatus.PLANNED or occurrence.local_start < start:
            continue
        answers = item.answers.get(occurrence.id, {})
        moved = resolve_local(occurrence.local_start, tz)[0] != occurrence.starts_at
        if not answers and not moved:
            continue
        vevent = _vevent(item, feed, occurrence.starts_at.astimezone(tz))
        vevent.add("recurrence-id", occurrence.local_start.replace(tzinfo=tz))
        _attendees(vevent, feed, item.invited, answers)
        found.append(vevent)
    return found


def _rebase(
    event: Event, rule: Recurrence, tz: ZoneInfo, since: date | None
) -> tuple[datetime, Recurrence] | None:
    """The series from its first date that the rule produces on or after ``since`` (and
    the start): RFC 5545 counts DTSTART as a date even when the rule does not produce it,
    we do not.  The rule stays but for COUNT, which loses the dates left behind; None if
    the series has ended by then."""
    start = event.start_local
    plain = replace(rule, exdates=frozenset())
    boundary = resolve_local(start, tz)[0]
    if since is not None and since > start.date():
        boundary = max(boundary, resolve_local(datetime.combine(since, time()), tz)[0])
    first = next_occurrence(start, tz, plain, after=boundary - timedelta(seconds=1))
    if first is None:
        return None
    if first.local == start:
        return start, rule
    if rule.count is not None:
        earlier = expand(start, tz, plain, after=_EARLIEST, before=first.at - timedelta(seconds=1))
        rule = replace(rule, count=rule.count - len(earlier))
    return first.local, rule


def _skipped(
    event: Event, rule: Recurrence, occurrences: Sequence[Occurrence], tz: ZoneInfo, start: datetime
) -> list[datetime]:
    """Rule dates the series skips: the event's skipped days (at the rule's time of day)
    and cancelled stored dates the rule still produces."""
    clock = start.time()
    days = parse_exdates(event.exdates) | rule.exdates
    local = {datetime.combine(day, clock) for day in days if day >= start.date()}
    plain = replace(rule, exdates=frozenset())
    for occurrence in occurrences:
        if occurrence.status is not OccurrenceStatus.CANCELLED or occurrence.local_start < start:
            continue
        at = resolve_local(occurrence.local_start, tz)[0]
        window = expand(
            start, tz, plain, after=at - timedelta(seconds=1), before=at + timedelta(seconds=1)
        )
        if any(o.local == occurrence.local_start for o in window):
            local.add(occurrence.local_start)
    return [wall.replace(tzinfo=tz) for wall in sorted(local)]


def _alarm_offsets(event: Event) -> list[timedelta]:
    offsets = {
        r.offset
        for r in event.reminders
        if r.offset is not None and r.target is not ReminderTarget.ORGANIZER_SUMMARY
    }
    return sorted(offsets, reverse=True)


def _vrecur(body: str) -> Any:
    from icalendar import vRecur

    return vRecur.from_ical(body)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def _duration_text(span: timedelta) -> str:
    """An RFC 5545 DURATION of whole seconds: ``PT1H``, ``P1DT30M``."""
    days, seconds = span.days, span.seconds
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    return "P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "" if days else "T0S")
