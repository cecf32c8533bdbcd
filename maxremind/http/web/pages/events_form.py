"""The event form: what the fields hold, how an event fills them, and how they become a
:class:`NewEvent` — or a message next to each field that is wrong.

The parsing reuses the bot's: offsets and durations are read by
:mod:`maxremind.domain.timespan` ("за 1 день, 2 часа, 15 мин"), repeat rules are built
and checked by :mod:`maxremind.domain.rrule`, the escalation ladder by
:mod:`maxremind.domain.escalation`.  What the event service refuses comes back through
:func:`rejected_field`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NoReturn
from zoneinfo import ZoneInfo, available_timezones

from starlette.datastructures import FormData

from maxremind.domain.escalation import EscalationStep, normalize_ladder
from maxremind.domain.ids import digits
from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    Event,
    EventKind,
    Language,
    NewEvent,
    ReminderSpec,
    ReminderTarget,
    Team,
)
from maxremind.domain.recurrence import check_fires
from maxremind.domain.rrule import Freq, NthWeekday, Recurrence, RecurrenceError, Weekday
from maxremind.domain.timefmt import format_duration, format_offset
from maxremind.domain.timespan import parse_duration, parse_offsets
from maxremind.domain.timetypes import TimeParseError
from maxremind.http.web import texts_events as _texts  # noqa: F401  (registers the texts)
from maxremind.i18n import t
from maxremind.services.events import MAX_DESCRIPTION, MAX_QUORUM, MAX_TITLE
from maxremind.services.zones import COMMON_ZONES

Say = Callable[..., str]
_RULE_FIELDS = frozenset({"repeat", "rrule", "interval", "until", "count", "weekdays", "ends"})
REPEATS = ("none", "daily", "weekly", "monthly", "custom")
ENDS = ("never", "until", "count")
WEEKDAYS: tuple[Weekday, ...] = tuple(Weekday)
MAX_COUNT = 1000
MAX_INTERVAL = 999
MAX_PEOPLE = 5000  # ids one form may name (a team's size is bounded far below)


@dataclass
class EventForm:
    """The fields as typed (strings, so a wrong value comes back as it was typed)."""

    title: str = ""
    description: str = ""
    place: str = ""
    date: str = ""
    time: str = "10:00"
    duration: str = ""
    timezone: str = "Europe/Moscow"
    repeat: str = "none"
    interval: str = "1"
    weekdays: list[str] = field(default_factory=list)
    monthly_by: str = "day"
    ends: str = "never"
    until: str = ""
    count: str = ""
    rrule: str = ""
    audience_team: bool = False
    groups: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    chats: list[str] = field(default_factory=list)
    offsets: str = ""  # everyone is reminded
    chase: str = ""  # only those who have not answered
    summary: str = ""  # the organizer is told who is missing
    confirm: bool = False
    quorum: str = ""
    urgent: bool = False
    roster: bool = False  # those invited see who answered what
    version: str = ""  # the event's updated_at when the editor opened it
    errors: dict[str, str] = field(default_factory=dict)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)


@dataclass(frozen=True)
class Choices:
    """What the audience picker offers: ``(id, name)`` pairs of the team."""

    groups: list[tuple[int, str]]
    tags: list[tuple[int, str]]
    people: list[tuple[int, str]]
    chats: list[tuple[int, str]]


# --- filling the form ------------------------------------------------------------------------


def blank_form(team: Team, today: date, lang: Language) -> EventForm:
    """A new event: tomorrow at 10:00 in the team's zone, for the whole team, with the
    team's default reminders and escalation (Settings), else a reminder an hour before."""
    form = EventForm(
        date=(today + timedelta(days=1)).isoformat(),
        timezone=team.timezone,
        audience_team=True,
    )
    by_target: dict[ReminderTarget, list[timedelta]] = {target: [] for target in ReminderTarget}
    by_target[ReminderTarget.ALL] = list(team.default_reminders) or [timedelta(hours=1)]
    for step in team.default_escalation:
        if step.offset is not None:
            by_target[step.target].append(step.offset)
    _say_reminders(form, by_target, lang)
    if by_target[ReminderTarget.UNANSWERED] or by_target[ReminderTarget.ORGANIZER_SUMMARY]:
        form.confirm = True  # chasing non-responders needs answers to chase
    return form


def _say_reminders(
    form: EventForm, by_target: dict[ReminderTarget, list[timedelta]], lang: Language
) -> None:
    def say(offsets: list[timedelta]) -> str:
        return ", ".join(format_offset(o, lang.value) for o in sorted(set(offsets), reverse=True))

    form.offsets = say(by_target[ReminderTarget.ALL])
    form.chase = say(by_target[ReminderTarget.UNANSWERED])
    form.summary = say(by_target[ReminderTarget.ORGANIZER_SUMMARY])


def form_of(event: Event, lang: Language) -> EventForm:
    """An event as its editor shows it."""
    form = EventForm(
        title=event.title,
        description=event.description,
        place=event.place,
        date=event.start_local.date().isoformat(),
        time=event.start_local.strftime("%H:%M"),
        duration=format_duration(event.duration, lang.value) if event.duration else "",
        timezone=event.timezone,
        confirm=event.confirm_required,
        quorum="" if event.quorum is None else str(event.quorum),
        urgent=event.urgent,
        roster=event.roster_visible,
        version=event.updated_at.isoformat(),
    )
    _fill_repeat(form, event)
    for entry in event.audience:
        ref = str(entry.ref_id)
        if entry.kind is AudienceKind.TEAM:
            form.audience_team = True
        elif entry.kind is AudienceKind.GROUP:
            form.groups.append(ref)
        elif entry.kind is AudienceKind.TAG:
            form.tags.append(ref)
        elif entry.kind is AudienceKind.MEMBER:
            form.people.append(ref)
        else:
            form.chats.append(ref)
    by_target: dict[ReminderTarget, list[timedelta]] = {target: [] for target in ReminderTarget}
    for reminder in event.reminders:
        if reminder.offset is not None:
            by_target[reminder.target].append(reminder.offset)

    _say_reminders(form, by_target, lang)
    return form


def _fill_repeat(form: EventForm, event: Event) -> None:
    """The rule in the editor's terms when the editor can say it exactly, else as text."""
    if event.rrule is None:
        return
    try:
        rule = Recurrence.from_rrule(event.rrule)
    except RecurrenceError:
        form.repeat, form.rrule = "custom", event.rrule
        return
    form.interval = str(rule.interval)
    if isinstance(rule.until, date) and not isinstance(rule.until, datetime):
        form.ends, form.until = "until", rule.until.isoformat()
    elif rule.count is not None:
        form.ends, form.count = "count", str(rule.count)
    if rule.freq is Freq.DAILY:
        form.repeat = "daily"
    elif rule.freq is Freq.WEEKLY:
        form.repeat = "weekly"
        form.weekdays = [day.value for day in rule.weekdays]
    elif rule.freq is Freq.MONTHLY:
        form.repeat = "monthly"
        form.monthly_by = "weekday" if rule.nth_weekday is not None else "day"
    start = event.start_local
    rebuilt = None
    if form.repeat != "custom" and form.repeat != "none":
        try:
            rebuilt = _rule_from_fields(form, start.date(), {})
        except (RecurrenceError, ValueError):
            rebuilt = None
    if rebuilt is None or rebuilt.to_rrule() != rule.to_rrule():
        form.repeat, form.rrule = "custom", rule.to_rrule()
        form.ends, form.until, form.count, form.interval = "never", "", "", "1"
        form.weekdays = []


def read_form(data: FormData) -> EventForm:
    """The posted fields, as typed."""

    def text(name: str, limit: int = 4000) -> str:
        value = data.get(name, "")
        return value.strip()[:limit] if isinstance(value, str) else ""

    def many(name: str) -> list[str]:
        return [v.strip() for v in data.getlist(name) if isinstance(v, str) and v.strip()][
            :MAX_PEOPLE
        ]

    def flag(name: str) -> bool:
        return text(name) in ("1", "on", "true", "yes")

    return EventForm(
        title=text("title", MAX_TITLE + 100),
        description=text("description", MAX_DESCRIPTION + 100),
        place=text("place", 500),
        date=text("date", 40),
        time=text("time", 40),
        duration=text("duration", 200),
        timezone=text("timezone", 100),
        repeat=text("repeat", 20) or "none",
        interval=text("interval", 20) or "1",
        weekdays=many("weekdays"),
        monthly_by=text("monthly_by", 20) or "day",
        ends=text("ends", 20) or "never",
        until=text("until", 40),
        count=text("count", 20),
        rrule=text("rrule", 500),
        audience_team=flag("audience_team"),
        groups=many("groups"),
        tags=many("tags"),
        people=many("people"),
        chats=many("chats"),
        offsets=text("offsets", 500),
        chase=text("chase", 500),
        summary=text("summary", 500),
        confirm=flag("confirm"),
        quorum=text("quorum", 20),
        urgent=flag("urgent"),
        roster=flag("roster"),
        version=text("version", 64),
    )


# --- reading it back -------------------------------------------------------------------------


def to_spec(
    form: EventForm,
    *,
    team_id: int,
    organizer_id: int,
    choices: Choices,
    lang: Language,
    exdates: tuple[str, ...] = (),
    kind: EventKind = EventKind.EVENT,
) -> NewEvent | None:
    """The event the form describes, or None with ``form.errors`` saying what is wrong."""

    def say(key: str, **params: object) -> str:
        return t(key, lang, **params)

    if not form.title:
        form.error("title", say("web_events_err_title"))
    elif len(form.title) > MAX_TITLE:
        form.error("title", say("web_events_err_too_long", limit=MAX_TITLE))
    if len(form.description) > MAX_DESCRIPTION:
        form.error("description", say("web_events_err_too_long", limit=MAX_DESCRIPTION))
    start_day = _date(form.date)
    clock = _time(form.time)
    if start_day is None:
        form.error("date", say("web_events_err_date"))
    if clock is None:
        form.error("time", say("web_events_err_time"))
    if not _zone_ok(form.timezone):
        form.error("timezone", say("web_events_err_zone"))
    duration = None
    if form.duration:
        try:
            duration = parse_duration(form.duration, lang.value)
        except TimeParseError:
            form.error("duration", say("web_events_err_duration"))
    rrule = None
    start = None
    if start_day is not None and clock is not None:
        start = datetime.combine(start_day, clock)
        try:
            rule = _rule_from_fields(form, start_day, form.errors, say)
            rrule = None if rule is None else rule.to_rrule()
            if rule is not None and not form.errors.keys() & {"timezone"}:
                # Like the bot, the start is the rule's first date (a weekly rule on
                # Mondays typed with a Sunday start begins on the Monday after).
                start = check_fires(start, ZoneInfo(form.timezone), rule).local
        except RecurrenceError:
            if not form.errors.keys() & _RULE_FIELDS:
                form.error(
                    "rrule" if form.repeat == "custom" else "repeat", say("web_events_err_rule")
                )
    audience = _audience(form, choices, say)
    ladder = _ladder(form, say)
    quorum = None
    if form.quorum:
        quorum = _int(form.quorum)
        if quorum is None or not 1 <= quorum <= MAX_QUORUM:
            form.error("quorum", say("web_events_err_quorum", limit=MAX_QUORUM))
        elif not form.confirm:
            form.error("quorum", say("web_events_err_needs_confirm"))
    if form.errors or start is None:
        return None
    return NewEvent(
        team_id=team_id,
        organizer_id=organizer_id,
        title=form.title,
        start_local=start,
        timezone=form.timezone,
        kind=kind,
        description=form.description,
        place=form.place,
        duration=duration,
        rrule=rrule,
        exdates=exdates,
        audience=audience,
        reminders=tuple(ReminderSpec(offset=s.offset, target=s.target) for s in ladder),
        confirm_required=form.confirm,
        urgent=form.urgent,
        quorum=quorum,
        roster_visible=form.roster,
    )


def _rule_from_fields(
    form: EventForm,
    start_day: date,
    errors: dict[str, str],
    say: Say | None = None,
) -> Recurrence | None:
    """The repeat editor's rule (``errors`` gets field messages when ``say`` is given).

    :raises RecurrenceError: the rule cannot be built.
    """

    def fail(name: str, key: str, **params: object) -> NoReturn:
        if say is not None:
            errors.setdefault(name, say(key, **params))
        raise RecurrenceError(name)

    if form.repeat not in REPEATS:
        fail("repeat", "web_events_err_rule")
    if form.repeat == "none":
        return None
    if form.repeat == "custom":
        if not form.rrule:
            fail("rrule", "web_events_err_rrule_empty")
        try:
            return Recurrence.from_rrule(form.rrule)
        except RecurrenceError as exc:
            if say is not None:
                errors.setdefault("rrule", say("web_events_err_rrule", detail=str(exc)))
            raise
    interval = _int(form.interval)
    if interval is None or not 1 <= interval <= MAX_INTERVAL:
        fail("interval", "web_events_err_interval", limit=MAX_INTERVAL)
    until: date | None = None
    count: int | None = None
    if form.ends == "until":
        until = _date(form.until)
        if until is None:
            fail("until", "web_events_err_date")
        elif until < start_day:
            fail("until", "web_events_err_until_before")
    elif form.ends == "count":
        count = _int(form.count)
        if count is None or not 1 <= count <= MAX_COUNT:
            fail("count", "web_events_err_count", limit=MAX_COUNT)
    elif form.ends != "never":
        fail("ends", "web_events_err_rule")
    if form.repeat == "daily":
        return Recurrence(Freq.DAILY, interval, until=until, count=count)
    if form.repeat == "weekly":
        days = []
        for value in form.weekdays:
            if value not in Weekday.__members__:
                fail("weekdays", "web_events_err_rule")
            days.append(Weekday(value))
        days = sorted(set(days), key=lambda d: d.number) or [Weekday.of(start_day)]
        return Recurrence(Freq.WEEKLY, interval, tuple(days), until=until, count=count)
    if form.monthly_by == "weekday":
        n = (start_day.day - 1) // 7 + 1
        nth = NthWeekday(Weekday.of(start_day), -1 if n == 5 else n)
        return Recurrence(Freq.MONTHLY, interval, nth_weekday=nth, until=until, count=count)
    return Recurrence(Freq.MONTHLY, interval, month_day=start_day.day, until=until, count=count)


def audience_of(form: EventForm, choices: Choices) -> tuple[tuple[AudienceEntry, ...], bool]:
    """The audience picked, and whether something picked is not offered (any more)."""
    found: list[AudienceEntry] = []
    unknown = False
    if form.audience_team:
        found.append(AudienceEntry(AudienceKind.TEAM))
    parts = (
        (AudienceKind.GROUP, form.groups, choices.groups),
        (AudienceKind.TAG, form.tags, choices.tags),
        (AudienceKind.MEMBER, form.people, choices.people),
        (AudienceKind.CHAT, form.chats, choices.chats),
    )
    for kind, picked, offered in parts:
        known = {ident for ident, _ in offered}
        for value in dict.fromkeys(picked):
            ident = _int(value)
            if ident is None or ident not in known:
                unknown = True
                continue
            found.append(AudienceEntry(kind, ident))
    return tuple(found), unknown


def _audience(form: EventForm, choices: Choices, say: Say) -> tuple[AudienceEntry, ...]:
    found, unknown = audience_of(form, choices)
    if unknown:
        form.error("audience", say("web_events_err_audience_gone"))
    elif not found:
        form.error("audience", say("web_events_err_audience"))
    return found


def _ladder(form: EventForm, say: Say) -> list[EscalationStep]:
    steps: list[EscalationStep] = []
    rows = (
        ("offsets", form.offsets, ReminderTarget.ALL),
        ("chase", form.chase, ReminderTarget.UNANSWERED),
        ("summary", form.summary, ReminderTarget.ORGANIZER_SUMMARY),
    )
    for name, text, target in rows:
        if not text:
            continue
        if target is not ReminderTarget.ALL and not form.confirm:
            form.error(name, say("web_events_err_needs_confirm"))
            continue
        try:
            offsets = parse_offsets(text)
        except TimeParseError as exc:
            key = (
                "web_events_err_offset_far" if exc.reason == "too_far" else "web_events_err_offset"
            )
            form.error(name, say(key))
            continue
        steps += [EscalationStep(offset, target) for offset in offsets]
    try:
        return normalize_ladder(steps)
    except ValueError:
        form.error("chase", say("web_events_err_ladder_twice"))
        return []


# --- what the service refused ----------------------------------------------------------------

_REJECTED_FIELD = {
    "empty_title": "title",
    "too_long": "title",
    "bad_timezone": "timezone",
    "bad_quorum": "quorum",
    "offset_too_long": "offsets",
    "never_fires": "repeat",
    "in_the_past": "date",
    "empty_audience": "audience",
    "audience_gone": "audience",
    "from_calendar": "form",
}


def rejected_field(form: EventForm, reason: str, lang: Language) -> None:
    """Put the event service's refusal next to the field it is about."""
    name = _REJECTED_FIELD.get(reason, "form")
    if name == "repeat" and form.repeat == "custom":
        name = "rrule"
    known = reason if reason in _REJECTED_FIELD else "other"
    form.error(name, t(f"web_events_rejected_{known}", lang))


# --- small readers ---------------------------------------------------------------------------


def _int(text: str) -> int | None:
    text = text.strip()
    if not text or len(text) > 9 or not digits(text.lstrip("-")):
        return None
    return int(text)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        return None


def _time(text: str) -> time | None:
    try:
        parsed = time.fromisoformat(text.strip())
    except ValueError:
        return None
    return parsed.replace(second=0, microsecond=0)


def _zone_ok(zone: str) -> bool:
    if not zone or zone not in all_zones():
        return False
    try:
        ZoneInfo(zone)
    except (KeyError, ValueError):
        return False
    return True


@functools.cache
def all_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_options(lang: Language, *extra: str) -> dict[str, list[tuple[str, str]]]:
    """The zone select: Russia's zones by city first, then every other zone by key."""
    common = [(key, ru if lang is Language.RU else en) for ru, en, key in COMMON_ZONES]
    known = {key for key, _ in common}
    others = sorted({z for z in (*all_zones(), *extra) if z and z not in known and "/" in z})
    others = ["UTC", *others]
    return {"common": common, "other": [(z, z.replace("_", " ")) for z in others]}


def weekday_names(lang: Language) -> list[tuple[str, str]]:
    return [(day.value, t(f"web_events_wd_{day.value.lower()}", lang)) for day in WEEKDAYS]


def parse_version(text: str) -> datetime | None:
    try:
        found = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    return found if found is not None and found.tzinfo is not None else None


def selected(values: Sequence[str], ident: int) -> bool:
    return str(ident) in values
