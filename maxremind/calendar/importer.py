"""Reading the calendars other apps export (.ics): bytes in, events out, no I/O.

What comes in, and what becomes of it:

* **A series** (a VEVENT with an RRULE maxremind's recurrence model can hold) stays one
  recurring event: the rule, the EXDATEs (as local dates) and the start's own zone.
* **An override** (a VEVENT with the series' UID and a RECURRENCE-ID, as Google writes a
  moved or edited date, without an EXDATE in the series) takes its date out of the series
  and becomes its own one-off event; a cancelled override only takes the date out.
* **RDATEs** become one-off events of their own (our events have one rule, no extra dates).
* **A rule outside our model** (BYHOUR, several BYDAYs in a month, ...) is expanded here
  into one-off events from now up to a horizon (``HORIZON``), at most ``MAX_INSTANCES`` per
  series; a subscription re-expands at every refresh, so the horizon moves with time.
  Rules repeating more often than daily are refused per event.
* **All-day events** (``VALUE=DATE``) start at ``ALL_DAY_TIME`` (09:00) in the team's zone,
  without a duration: our events have a start time, and reminders counted back from
  midnight would reach people in the night.
* **Zones**: an IANA TZID is kept (Google, Yandex); a Windows name (Outlook's "Russian
  Standard Time") goes through CLDR's table (:mod:`.windows_zones`); a zone known only
  from the file's VTIMEZONE is taken for the team's zone when it keeps the same offsets,
  and otherwise a one-off event still lands at the exact instant in the team's zone while
  a recurring one is refused (its dates would drift at DST).  Floating times are in the
  team's zone; UTC times of a one-off event are shown in the team's zone, a series in UTC
  keeps UTC (so it stays at the same instant across DST, as its source means).
* **STATUS:CANCELLED** (or a whole calendar with ``METHOD:CANCEL``) marks the item
  cancelled: the service cancels what it had imported.

An item that cannot be read (an unknown zone, a broken date) is reported with its UID
and title in :attr:`ParsedCalendar.problems`; the others are still imported.  The whole
file is refused (:class:`ImportRejected`) only when it is too large, has too many events
or is not a calendar at all.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from maxremind.calendar.limits import HORIZON as HORIZON
from maxremind.calendar.limits import MAX_BYTES as MAX_BYTES
from maxremind.domain.rrule import Recurrence, RecurrenceError
from maxremind.domain.zones import UnknownTimezone, zone_named

MAX_EVENTS = 2000
MAX_INSTANCES = 200  # one-off events a rule we cannot keep is expanded to, per series
ALL_DAY_TIME = time(9, 0)
MAX_TITLE = 200
MAX_DESCRIPTION = 2000
MAX_PLACE = 300
MAX_UID = 255
MAX_DURATION = timedelta(days=31)
MAX_ALARM = timedelta(days=366)
# Stepping a rule from a start long ago to today is bounded too.
_MAX_STEPS = 50_000
_EXPANDABLE = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})


class ImportRejected(ValueError):
    """The whole file is refused; ``reason`` is ``too_large``, ``too_many_events`` or
    ``not_calendar``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class ImportedItem:
    """One event to have in maxremind, as the source says it now.

    ``key`` is ``""`` for a series or a single event, else the instance it stands for
    (its RECURRENCE-ID, RDATE or expanded start, as the source spells it).
    """

    uid: str
    key: str
    title: str
    description: str
    place: str
    start_local: datetime
    timezone: str
    duration: timedelta | None = None
    rrule: str | None = None
    exdates: tuple[str, ...] = ()
    all_day: bool = False
    cancelled: bool = False
    alarms: tuple[timedelta, ...] = ()
    sequence: int = 0
    last_modified: datetime | None = None

    def fingerprint(self) -> str:
        """A digest of what maxremind keeps; equal digests mean nothing to apply."""
        kept = asdict(self)
        for volatile in ("sequence", "last_modified"):
            kept.pop(volatile)
        text = json.dumps(kept, default=str, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ItemProblem:
    """An event of the file that was not imported (or, as a note, imported with a caveat).

    ``reason``: ``unknown_timezone``, ``bad_date``, ``no_start``, ``bad_rule``,
    ``too_frequent``, ``duplicate_uid``; as a note, ``expanded`` (``detail`` is the last
    date the rule was expanded to).
    """

    uid: str
    title: str
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class ParsedCalendar:
    name: str
    items: tuple[ImportedItem, ...]
    problems: tuple[ItemProblem, ...] = ()
    notes: tuple[ItemProblem, ...] = ()
    events: int = 0  # VEVENTs in the file

    @property
    def unreadable_uids(self) -> frozenset[str]:
        """UIDs with a problem: what was imported from them before is left as it is."""
        return frozenset(p.uid for p in self.problems)


class _Skip(Exception):
    """Why one VEVENT is left out; caught inside the reader, never escapes it."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def parse_calendar(
    data: bytes,
    *,
    zone: str,
    now: datetime,
    horizon: timedelta = HORIZON,
    max_bytes: int = MAX_BYTES,
    max_events: int = MAX_EVENTS,
) -> ParsedCalendar:
    """Read an iCalendar file; ``zone`` is the team's (floating and all-day times).

    :raises ImportRejected: too large, too many events, or not a calendar.
    """
    if len(data) > max_bytes:
        raise ImportRejected("too_large", str(len(data)))
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper()
    if not head.startswith(b"BEGIN:VCALENDAR"):
        raise ImportRejected("not_calendar")
    count = data.upper().count(b"BEGIN:VEVENT")
    if count > max_events:
        raise ImportRejected("too_many_events", str(count))
    # Imported here: icalendar costs ~10 MB of memory, and imports are rare.
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(data)
    except Exception as exc:  # untrusted input: any parser failure means "not a calendar"
        raise ImportRejected("not_calendar", str(exc)[:200]) from None
    reader = _Reader(zone_named(zone), zone, now.astimezone(UTC), horizon)
    cancel_all = str(calendar.get("method", "")).strip().upper() == "CANCEL"
    components = list(calendar.walk("VEVENT"))
    reader.read(components, cancel_all=cancel_all)
    name = _text(calendar.get("x-wr-calname"), MAX_TITLE)
    return ParsedCalendar(
        name=name,
        items=tuple(reader.items),
        problems=tuple(reader.problems),
        notes=tuple(reader.notes),
        events=len(components),
    )


@dataclass
class _Start:
    wall: datetime  # naive, in ``zone``
    zone: str
    all_day: bool
    aware: datetime | None  # the instant, when the source gave one


@dataclass
class _Reader:
    team_tz: ZoneInfo
    team_zone: str
    now: datetime
    horizon: timedelta
    items: list[ImportedItem] = field(default_factory=list)
    problems: list[ItemProblem] = field(default_factory=list)
    notes: list[ItemProblem] = field(default_factory=list)

    def read(self, components: Iterable[Any], *, cancel_all: bool) -> None:
        masters: dict[str, Any] = {}
        overrides: dict[str, list[Any]] = defaultdict(list)
        for component in components:
            uid = _uid(component)
            if component.get("recurrence-id") is not None:
                overrides[uid].append(component)
            elif uid in masters:
                self._problem(uid, component, _Skip("duplicate_uid"))
            else:
                masters[uid] = component
        for uid, master in masters.items():
            try:
                self._series(uid, master, overrides.pop(uid, []), cancel_all)
            except _Skip as skip:
                self._problem(uid, master, skip)
        # Overrides whose series is not in the file (deleted, or in another calendar).
        for uid, orphans in overrides.items():
            for orphan in orphans:
                try:
                    key = _key(_value(orphan, "recurrence-id"))
                    self._single(uid, key, orphan, cancel_all)
                except _Skip as skip:
                    self._problem(uid, orphan, skip)

    # --- one VEVENT and what hangs on it -----------------------------------------------

    def _series(self, uid: str, master: Any, overrides: list[Any], cancel_all: bool) -> None:
        rules = _as_list(master.get("rrule"))
        rdates = list(_dates(master.get("rdate")))
        if not rules and not rdates:
            # A one-off event; an override of it (Outlook writes some) replaces it.
            self._single(uid, "", overrides[-1] if overrides else master, cancel_all)
            return
        start = self._start(master, recurring=True)
        tz = zone_named(start.zone)
        exdates = {_local_date(value, tz) for value in _dates(master.get("exdate"))}
        moved: set[str] = set()
        for override in overrides:
            rid = _value(override, "recurrence-id")
            exdates.add(_local_date(rid, tz))  # Google writes no EXDATE for these
            moved.add(_key(rid))
            try:
                self._single(uid, _key(rid), override, cancel_all)
            except _Skip as skip:
                self._problem(uid, override, skip)
        base = self._base(uid, master, start, cancel_all)
        exdate_texts = tuple(sorted(d.isoformat() for d in exdates))
        if len(rules) == 1:
            kept = _kept_rule(rules[0], start.all_day)
            if kept is not None:
                self.items.append(_replace(base, rrule=kept, exdates=exdate_texts))
            else:
                self._expand(base, rules[0], tz, exdates)
        elif rules:
            raise _Skip("bad_rule", "several RRULEs")
        else:
            # Only RDATEs: the DTSTART is the first date.
            self.items.append(base)
        for value in rdates:
            key = _key(value)
            wall = _instance_wall(value, start, tz)
            if key in moved or wall.date() in exdates:
                continue
            self.items.append(_replace(base, key=key, start_local=wall))

    def _single(self, uid: str, key: str, component: Any, cancel_all: bool) -> None:
        start = self._start(component, recurring=False)
        self.items.append(self._base(uid, component, start, cancel_all, key=key))

    def _base(
        self, uid: str, component: Any, start: _Start, cancel_all: bool, *, key: str = ""
    ) -> ImportedItem:
        status = str(component.get("status", "")).strip().upper()
        return ImportedItem(
            uid=uid,
            key=key,
            title=_text(component.get("summary"), MAX_TITLE, one_line=True),
            description=_text(component.get("description"), MAX_DESCRIPTION),
            place=_text(component.get("location"), MAX_PLACE, one_line=True),
            start_local=start.wall,
            timezone=start.zone,
            duration=None if start.all_day else _duration(component, start),
            all_day=start.all_day,
            cancelled=cancel_all or status == "CANCELLED",
            alarms=_alarms(component),
            sequence=_int(component.get("sequence")),
            last_modified=_instant(component.get("last-modified")),
        )

    def _expand(self, base: ImportedItem, rule: Any, tz: ZoneInfo, exdates: set[date]) -> None:
        """A rule we cannot keep: its dates from now up to the horizon, as one-off events
        (the dates of overrides are among ``exdates``)."""
        from dateutil.rrule import rrulestr

        parts = {name.upper(): values for name, values in rule.items()}
        freq = str((parts.get("FREQ") or [""])[0]).upper()
        if freq not in _EXPANDABLE:
            raise _Skip("too_frequent", freq)
        until = parts.get("UNTIL")
        if until:
            parts["UNTIL"] = [_naive_in(until[0], tz)]
        try:
            text = type(rule)(parts).to_ical().decode()
            dates = rrulestr(text, dtstart=base.start_local)
        except (ValueError, TypeError) as exc:
            raise _Skip("bad_rule", str(exc)[:200]) from None
        first = self.now.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
        last = first + self.horizon
        made = 0
        for step, wall in enumerate(_bounded(dates)):
            if wall > last or step >= _MAX_STEPS:
                break
            if wall < first or wall.date() in exdates:
                continue
            self.items.append(_replace(base, key=_key(wall), start_local=wall))
            made += 1
            if made >= MAX_INSTANCES:
                last = wall
                break
        self.notes.append(ItemProblem(base.uid, base.title, "expanded", last.date().isoformat()))

    # --- when: dates, times and zones --------------------------------------------------

    def _start(self, component: Any, *, recurring: bool) -> _Start:
        prop = component.get("dtstart")
        if prop is None:
            raise _Skip("no_start")
        value = _dt(prop)
        if not isinstance(value, datetime):
            return _Start(datetime.combine(value, ALL_DAY_TIME), self.team_zone, True, None)
        tzid = _tzid(prop)
        if value.tzinfo is None:
            if tzid is None:  # floating: the team's clock
                return _Start(value, self.team_zone, False, None)
            name = zone_for(tzid)
            if name is None:
                raise _Skip("unknown_timezone", tzid[:64])
            return _Start(value, name, False, value.replace(tzinfo=ZoneInfo(name)))
        if tzid is None:  # UTC
            if recurring:
                return _Start(_naive_in(value, ZoneInfo("UTC")), "UTC", False, value)
            return _Start(_naive_in(value, self.team_tz), self.team_zone, False, value)
        name = zone_for(tzid) or _zoneinfo_key(value.tzinfo)
        if name is not None:
            return _Start(_naive_in(value, ZoneInfo(name)), name, False, value)
        # A zone known only from the file's VTIMEZONE.
        if _same_offsets(value, self.team_tz):
            return _Start(value.replace(tzinfo=None), self.team_zone, False, value)
        if recurring:
            raise _Skip("unknown_timezone", tzid[:64])
        return _Start(_naive_in(value, self.team_tz), self.team_zone, False, value)

    def _problem(self, uid: str, component: Any, skip: _Skip) -> None:
        title = _text(component.get("summary"), MAX_TITLE, one_line=True)
        self.problems.append(ItemProblem(uid, title, skip.reason, skip.detail))


def zone_for(tzid: str) -> str | None:
    """The IANA zone a TZID means: an IANA name, a Windows name, or an IANA name behind a
    vendor prefix (``/mozilla.org/20050126_1/Europe/Moscow``); None if none of these."""
    name = tzid.strip().strip('"')
    if _known(name):
        return name
    from maxremind.calendar.windows_zones import WINDOWS_ZONES  # a table, only if needed

    if name in WINDOWS_ZONES:
        return WINDOWS_ZONES[name]
    parts = [part for part in name.split("/") if part]
    for first in range(1, len(parts) - 1):
        candidate = "/".join(parts[first:])
        if _known(candidate):
            return candidate
    return None


def _known(name: str) -> bool:
    try:
        zone_named(name)
    except UnknownTimezone:
        return False
    return True


def _zoneinfo_key(tz: tzinfo | None) -> str | None:
    key = getattr(tz, "key", None) if isinstance(tz, ZoneInfo) else None
    return key if isinstance(key, str) and _known(key) else None


def _same_offsets(value: datetime, team: ZoneInfo) -> bool:
    """Whether a zone keeps the team zone's offsets over the next two years."""
    wall = value.replace(tzinfo=None)
    for month in range(0, 25):
        probe = wall + timedelta(days=30 * month)
        if probe.replace(tzinfo=value.tzinfo).utcoffset() != probe.replace(tzinfo=team).utcoffset():
            return False
    return True


def _tzid(prop: Any) -> str | None:
    params = getattr(prop, "params", None) or {}
    value = params.get("TZID")
    return str(value) if value else None


def _dt(prop: Any) -> date:
    try:
        value = prop.dt
    except (ValueError, AttributeError) as exc:  # icalendar's broken-property errors
        raise _Skip("bad_date", str(exc)[:200]) from None
    if isinstance(value, tuple):  # a PERIOD: its start
        value = value[0]
    if not isinstance(value, date):
        raise _Skip("bad_date", str(value)[:64])
    return value


def _value(component: Any, name: str) -> date:
    prop = component.get(name)
    if prop is None:
        raise _Skip("bad_date", name)
    return _dt(prop)


def _dates(prop: Any) -> Iterator[date]:
    """The values of EXDATE / RDATE properties (each may be a list, each lists dates)."""
    for entry in _as_list(prop):
        for item in getattr(entry, "dts", ()):
            try:
                yield _dt(item)
            except _Skip:
                continue


def _as_list(prop: Any) -> list[Any]:
    if prop is None:
        return []
    return list(prop) if isinstance(prop, list) else [prop]


def _naive_in(value: date, tz: ZoneInfo) -> datetime:
    if not isinstance(value, datetime):
        return datetime.combine(value, time(23, 59, 59))
    if value.tzinfo is None:
        return value
    return value.astimezone(tz).replace(tzinfo=None)


def _local_date(value: date, tz: ZoneInfo) -> date:
    if isinstance(value, datetime):
        return value.astimezone(tz).date() if value.tzinfo is not None else value.date()
    return value


def _instance_wall(value: date, start: _Start, tz: ZoneInfo) -> datetime:
    if not isinstance(value, datetime):
        return datetime.combine(value, start.wall.time())
    return _naive_in(value, tz)


def _key(value: date) -> str:
    if not isinstance(value, datetime):
        return value.strftime("%Y%m%d")
    if value.tzinfo is None:
        return value.strftime("%Y%m%dT%H%M%S")
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _kept_rule(rule: Any, all_day: bool) -> str | None:
    """The rule in maxremind's own form, or None when our model cannot hold it."""
    try:
        text = rule.to_ical().decode()
        return Recurrence.from_rrule(text).to_rrule()
    except (RecurrenceError, ValueError, AttributeError):
        return None


def _bounded(dates: Any) -> Iterator[datetime]:
    for value in dates:
        if isinstance(value, datetime):
            yield value


def _duration(component: Any, start: _Start) -> timedelta | None:
    length: timedelta | None = None
    if component.get("duration") is not None:
        try:
            found = component.get("duration").dt
        except (ValueError, AttributeError):
            return None
        length = found if isinstance(found, timedelta) else None
    elif component.get("dtend") is not None:
        try:
            end = _dt(component.get("dtend"))
        except _Skip:
            return None
        if not isinstance(end, datetime):
            return None
        if end.tzinfo is not None and start.aware is not None:
            length = end - start.aware
        elif end.tzinfo is None:
            length = end - start.wall
    if length is None or not timedelta(0) < length <= MAX_DURATION:
        return None
    return length


def _alarms(component: Any) -> tuple[timedelta, ...]:
    """Offsets of the event's alarms counted back from its start (others are ignored)."""
    offsets: set[timedelta] = set()
    for alarm in component.walk("VALARM"):
        trigger = alarm.get("trigger")
        if trigger is None:
            continue
        try:
            value = trigger.dt
        except (ValueError, AttributeError):
            continue
        related = str((getattr(trigger, "params", None) or {}).get("RELATED", "START")).upper()
        if isinstance(value, timedelta) and related == "START" and -MAX_ALARM <= value <= _ZERO:
            offsets.add(-value)
    return tuple(sorted(offsets, reverse=True))


_ZERO = timedelta(0)


def _instant(prop: Any) -> datetime | None:
    try:
        value = prop.dt if prop is not None else None
    except (ValueError, AttributeError):
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return None


def _int(prop: Any) -> int:
    try:
        return int(str(prop)) if prop is not None else 0
    except ValueError:
        return 0


def _text(prop: Any, limit: int, *, one_line: bool = False) -> str:
    if prop is None:
        return ""
    text = str(prop).replace("\r\n", "\n").strip()
    if one_line:
        text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _uid(component: Any) -> str:
    uid = str(component.get("uid") or "").strip()
    if uid:
        return uid[:MAX_UID]
    # No UID: one made from what identifies the event, the same at every refresh.
    raw = f"{component.get('summary', '')}|{_raw(component.get('dtstart'))}"
    return "no-uid-" + hashlib.sha256(raw.encode()).hexdigest()[:24]


def _raw(prop: Any) -> str:
    try:
        return prop.to_ical().decode() if prop is not None else ""
    except (ValueError, AttributeError):
        return ""


def _replace(item: ImportedItem, **changes: Any) -> ImportedItem:
    from dataclasses import replace

    return replace(item, **changes)
