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
* **Writing.**  ``icalendar`` writes the VTIMEZONEs (from the tz database, cached per zone
  and years); the events are written here as content lines (escaped TEXT, quoted
  parameters, folded at 75 octets without splitting a character), because building them
  as icalendar objects costs about a millisecond an event — half a second for a feed of
  500, ten times its budget.  What repeats is written once: an event's lines shared by
  its series and its overrides, and (cached across feeds) a person's ATTENDEE and
  ORGANIZER lines, alarms, parameter values and zone prefixes.  The tests read every
  feed back with icalendar and expand it with recurring-ical-events, and pin the bytes
  of a few feeds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from maxremind.domain.models import (
    Answer,
    EventStatus,
    Occurrence,
    OccurrenceStatus,
    ReminderTarget,
)
from maxremind.domain.recurrence import expand, next_occurrence
from maxremind.domain.rrule import Freq, Recurrence, RecurrenceError, parse_exdates
from maxremind.domain.wall_time import resolve_local

__all__ = [
    "FEED_REFRESH",
    "PRODID",
    "Feed",
    "FeedItem",
    "Shown",
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


class Step(Protocol):
    """A reminder step as the feed reads it."""

    @property
    def offset(self) -> timedelta | None: ...

    @property
    def target(self) -> ReminderTarget: ...


class Shown(Protocol):
    """What a feed reads of an event: a :class:`~maxremind.domain.models.Event` has it
    all, and so has the lighter row a feed's bulk read returns (storage's
    ``FeedEvent``), which leaves out the audience and the rest a file does not show."""

    @property
    def id(self) -> int: ...

    @property
    def organizer_id(self) -> int: ...

    @property
    def title(self) -> str: ...

    @property
    def start_local(self) -> datetime: ...

    @property
    def timezone(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def place(self) -> str: ...

    @property
    def duration(self) -> timedelta | None: ...

    @property
    def rrule(self) -> str | None: ...

    @property
    def exdates(self) -> Sequence[str]: ...

    @property
    def reminders(self) -> Sequence[Step]: ...

    @property
    def status(self) -> EventStatus: ...

    @property
    def created_at(self) -> datetime: ...

    @property
    def updated_at(self) -> datetime: ...


def event_uid(event: Shown) -> str:
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

    event: Shown
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
    url: Callable[[Shown], str] | None = None  # a link to the event's page, if any


def render_feed(feed: Feed) -> bytes:
    """The feed as one VCALENDAR: CRLF line ends, lines folded at 75 octets."""
    head = [
        _line("BEGIN", "VCALENDAR"),
        _line("VERSION", "2.0"),
        _line("PRODID", _text(PRODID)),
        _line("CALSCALE", "GREGORIAN"),
    ]
    if feed.name:
        head += [_line("NAME", _text(feed.name)), _line("X-WR-CALNAME", _text(feed.name))]
        if feed.description:
            head.append(_line("X-WR-CALDESC", _text(feed.description)))
        refresh = _duration_text(feed.refresh)
        head += [
            _line("REFRESH-INTERVAL", refresh, VALUE="DURATION"),
            _line("X-PUBLISHED-TTL", refresh),
        ]
    else:
        head.append(_line("METHOD", "PUBLISH"))
    body: list[bytes] = []
    zones: dict[str, tuple[date, date]] = {}
    for item in feed.items:
        for start, block in _components(item, feed):
            body.append(block)
            zone = item.event.timezone
            first, last = zones.get(zone, (start, start))
            zones[zone] = (min(first, start), max(last, start))
    for zone, (first, last) in sorted(zones.items()):
        if feed.since is not None:
            first = min(first, feed.since)
        last = max(last, feed.until or last)
        head.append(_vtimezone(zone, first.year, last.year))
    return b"".join([*head, *body, _line("END", "VCALENDAR")])


def _components(item: FeedItem, feed: Feed) -> list[tuple[date, bytes]]:
    """The series (or one-off event) and its overrides, each with the day it starts;
    none if it has nothing to show."""
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
    series: list[bytes] = []
    if rule is not None:
        series.append(_line("RRULE", rule.to_rrule(tz)))
        skipped = _skipped(event, rule, item.occurrences, tz, start)
        if skipped:
            series.append(
                _line("EXDATE", ",".join(_local(wall) for wall in skipped), TZID=event.timezone)
            )
    answers = _answers_of_one_off(item) if rule is None else {}
    series += _attendees(feed, item.invited, answers)
    # What every VEVENT of the event repeats (the series' and its overrides') is written
    # once: the lines before the start, the duration after it, and the closing lines.
    head, duration, tail = _frame(item, feed)
    found = [
        (start.date(), b"".join([head, _dtstart(start, event.timezone), duration, *series, tail]))
    ]
    if rule is not None and event.status is not EventStatus.CANCELLED:
        found += _overrides(item, feed, tz, start, (head, duration, tail))
    return found


def _frame(item: FeedItem, feed: Feed) -> tuple[bytes, bytes, bytes]:
    """An event's VEVENT without its start and its own lines (RRULE, RECURRENCE-ID,
    ATTENDEE...): what comes before the start, the duration after it, and the rest."""
    event = item.event
    changed = _utc_text(event.updated_at)
    # Short lines of digits and fixed-width times: nothing to escape or fold.
    head = (
        f"BEGIN:VEVENT\r\nUID:{event_uid(event)}\r\nDTSTAMP:{changed}\r\n"
        f"CREATED:{_utc_text(event.created_at)}\r\nLAST-MODIFIED:{changed}\r\n"
        f"SEQUENCE:{item.sequence}\r\n"
    ).encode() + _line("SUMMARY", _text(event.title))
    duration = _line("DURATION", _duration_text(event.duration)) if event.duration else b""
    lines = []
    if event.description:
        lines.append(_line("DESCRIPTION", _text(event.description)))
    if event.place:
        lines.append(_line("LOCATION", _text(event.place)))
    cancelled = event.status is EventStatus.CANCELLED
    lines.append(b"STATUS:CANCELLED\r\n" if cancelled else b"STATUS:CONFIRMED\r\n")
    if feed.url is not None:
        lines.append(_line("URL", feed.url(event), VALUE="URI"))
    if feed.name:
        lines.append(_organizer(event.organizer_id, feed.people.get(event.organizer_id)))
    if not cancelled:
        lines.append(_alarms(event.title, tuple(_alarm_offsets(event))))
    lines.append(b"END:VEVENT\r\n")
    return head, duration, b"".join(lines)


@lru_cache(maxsize=1024)
def _alarms(title: str, offsets: tuple[timedelta, ...]) -> bytes:
    summary = _text(title)
    return b"".join(
        b"BEGIN:VALARM\r\nACTION:DISPLAY\r\n"
        + _line("DESCRIPTION", summary)
        + _line("TRIGGER", "-" + _duration_text(offset))
        + b"END:VALARM\r\n"
        for offset in offsets
    )


def _attendees(feed: Feed, invited: Sequence[int], answers: Mapping[int, Answer]) -> list[bytes]:
    """ATTENDEE lines: everyone invited to the series (NEEDS-ACTION unless they answered)
    and whoever else answered."""
    return [
        _attendee(
            user_id,
            "NEEDS-ACTION" if (answer := answers.get(user_id)) is None else _PARTSTAT[answer],
            feed.people.get(user_id),
        )
        for user_id in dict.fromkeys([*invited, *answers])
    ]


# A feed repeats the same few people on every event: their lines are written once.
@lru_cache(maxsize=4096)
def _attendee(user_id: int, partstat: str, name: str | None) -> bytes:
    params = {
        "CUTYPE": "INDIVIDUAL",
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": partstat,
        "RSVP": "FALSE",
    }
    if name:
        params["CN"] = name
    return _line("ATTENDEE", person_address(user_id), **params)


@lru_cache(maxsize=1024)
def _organizer(user_id: int, name: str | None) -> bytes:
    params = {"CN": name} if name else {}
    return _line("ORGANIZER", person_address(user_id), **params)


def _answers_of_one_off(item: FeedItem) -> Mapping[int, Answer]:
    for occurrence in item.occurrences:
        if occurrence.id in item.answers:
            return item.answers[occurrence.id]
    return {}


def _overrides(
    item: FeedItem,
    feed: Feed,
    tz: ZoneInfo,
    start: datetime,
    frame: tuple[bytes, bytes, bytes],
) -> list[tuple[date, bytes]]:
    """A VEVENT with RECURRENCE-ID for each planned date that was answered or does not
    start when the rule says (moved)."""
    found = []
    zone = item.event.timezone
    head, duration, tail = frame
    for occurrence in item.occurrences:
        if occurrence.status is not OccurrenceStatus.PLANNED or occurrence.local_start < start:
            continue
        answers = item.answers.get(occurrence.id, {})
        if not answers and resolve_local(occurrence.local_start, tz)[0] == occurrence.starts_at:
            continue  # neither answered nor moved
        wall = occurrence.starts_at.astimezone(tz).replace(tzinfo=None)
        lines = [
            head,
            _dtstart(wall, zone),
            duration,
            _zoned("RECURRENCE-ID", zone, _local(occurrence.local_start)),
            *_attendees(feed, item.invited, answers),
            tail,
        ]
        found.append((wall.date(), b"".join(lines)))
    return found


def _rebase(
    event: Shown, rule: Recurrence, tz: ZoneInfo, since: date | None
) -> tuple[datetime, Recurrence] | None:
    """The series from its first date that the rule produces on or after ``since`` (and
    the start): RFC 5545 counts DTSTART as a date even when the rule does not produce it,
    we do not.  The rule stays but for COUNT, which loses the dates left behind; None if
    the series has ended by then."""
    start = event.start_local
    if (since is None or start.date() >= since) and _produces(rule, start):
        return start, rule  # the usual case: the start is the rule's first date
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


def _produces(rule: Recurrence, start: datetime) -> bool:
    """Whether the rule surely makes ``start`` a date, decided without expanding it (when
    unsure, no: the caller expands)."""
    day = start.date()
    if rule.freq is Freq.DAILY:
        return True
    if rule.freq is Freq.WEEKLY:
        return not rule.weekdays or any(w.number == day.weekday() for w in rule.weekdays)
    if rule.nth_weekday is not None:
        return False
    if rule.freq is Freq.MONTHLY:
        return rule.month_day is None or rule.month_day == day.day
    if rule.freq is Freq.YEARLY:
        return rule.month is None or (rule.month == day.month and rule.month_day == day.day)
    return False


def _skipped(
    event: Shown, rule: Recurrence, occurrences: Sequence[Occurrence], tz: ZoneInfo, start: datetime
) -> list[datetime]:
    """Rule dates the series skips: the event's skipped days (at the rule's time of day)
    and cancelled stored dates the rule still produces."""
    clock = start.time()
    days = (parse_exdates(event.exdates) | rule.exdates) if event.exdates else rule.exdates
    local = {datetime.combine(day, clock) for day in days if day >= start.date()}
    plain: Recurrence | None = None
    for occurrence in occurrences:
        if occurrence.status is not OccurrenceStatus.CANCELLED or occurrence.local_start < start:
            continue
        if plain is None:
            plain = replace(rule, exdates=frozenset()) if rule.exdates else rule
        at = resolve_local(occurrence.local_start, tz)[0]
        window = expand(
            start, tz, plain, after=at - timedelta(seconds=1), before=at + timedelta(seconds=1)
        )
        if any(o.local == occurrence.local_start for o in window):
            local.add(occurrence.local_start)
    return [wall.replace(tzinfo=tz) for wall in sorted(local)]


def _alarm_offsets(event: Shown) -> list[timedelta]:
    offsets = {
        r.offset
        for r in event.reminders
        if r.offset is not None and r.target is not ReminderTarget.ORGANIZER_SUMMARY
    }
    return sorted(offsets, reverse=True)


# --- the writer: RFC 5545 content lines ----------------------------------------------------


def _line(name: str, value: str, **params: str) -> bytes:
    """One content line, folded: at most 75 octets a line, never inside a character,
    continuations start with a space; CRLF after each."""
    if params:
        name += "".join(f";{key}={_param(text)}" for key, text in params.items())
    return _fold(f"{name}:{value}".encode())


def _fold(data: bytes) -> bytes:
    if len(data) <= 75:
        return data + b"\r\n"
    parts = []
    begin, limit = 0, 75
    while begin < len(data):
        end = min(begin + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte
            end -= 1
        parts.append(data[begin:end])
        begin, limit = end, 74
    return b"\r\n ".join(parts) + b"\r\n"


def _zoned(name: str, zone: str, wall: str) -> bytes:
    """``NAME;TZID=<zone>:<wall>``, the form of every start."""
    return _fold((_zoned_name(name, zone) + wall).encode())


@lru_cache(maxsize=256)
def _zoned_name(name: str, zone: str) -> str:
    return f"{name};TZID={_param(zone)}:"


_TEXT_SPECIAL = re.compile(r"[\\;,\n\x00-\x08\x0b-\x1f\x7f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newline escaped,
    other control characters (CR too) dropped."""
    if _TEXT_SPECIAL.search(value) is None:
        return value  # most titles and places: nothing to escape
    # Backslashes first, so the ones added after are not doubled.
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROL.sub("", escaped.replace("\n", "\\n"))


_SAFE_PARAM = re.compile(r"^[A-Za-z0-9_./+-]*$")


@lru_cache(maxsize=4096)
def _param(value: str) -> str:
    """A parameter value: quoted unless plainly safe; a double quote cannot appear at all."""
    value = _CONTROL.sub("", value.replace("\r", "").replace("\n", " ")).replace('"', "'")
    return value if _SAFE_PARAM.match(value) else f'"{value}"'


def _local(wall: datetime) -> str:
    """A wall time as RFC 5545 writes it: ``20261005T100000`` (any zone left out)."""
    # A feed writes a couple of thousand of these on a few hundred days and clock times;
    # from cached pieces, a third of the cost of strftime.
    return f"{_day(wall.toordinal())}T{_clock(wall.hour, wall.minute, wall.second)}"


@lru_cache(maxsize=4096)
def _day(ordinal: int) -> str:
    day = date.fromordinal(ordinal)
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


@lru_cache(maxsize=4096)
def _clock(hour: int, minute: int, second: int) -> str:
    return f"{hour:02d}{minute:02d}{second:02d}"


def _dtstart(wall: datetime, zone: str) -> bytes:
    return _zoned("DTSTART", zone, _local(wall))


def _utc_text(moment: datetime) -> str:
    return _local(moment.astimezone(UTC)) + "Z"


@lru_cache(maxsize=256)
def _vtimezone(zone: str, first_year: int, last_year: int) -> bytes:
    """The zone's VTIMEZONE from the tz database (icalendar writes it), its transitions
    from the first to the last covered year only."""
    from icalendar import Timezone

    definition = Timezone.from_tzid(
        zone, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )
    data: bytes = definition.to_ical()
    return data


@lru_cache(maxsize=256)
def _duration_text(span: timedelta) -> str:
    """An RFC 5545 DURATION of whole seconds: ``PT1H``, ``P1DT30M``."""
    days, seconds = span.days, span.seconds
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    return "P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "" if days else "T0S")
