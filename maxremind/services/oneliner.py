"""Events as people type them, and what the bot shows about them afterwards.

* the one-liner ``title; when; audience; reminders[; flags]`` → a :class:`NewEvent`;
* audience tokens (``@all``, ``#group``, ``@username``, a member's name) → entries;
* ``/remind <when> <text>``: where the time ends and the text begins;
* upcoming events of a person, rosters for the next occurrence, nudges.

Nothing here sends messages; the bot renders what these functions return.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from maxremind.core.audience import resolve_audience
from maxremind.domain.escalation import default_ladder, summarize
from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    DeliveryKind,
    Event,
    EventKind,
    EventStatus,
    NewDelivery,
    NewEvent,
    Occurrence,
    OccurrenceStatus,
    RecipientKind,
    ReminderSpec,
    ReminderTarget,
    Role,
)
from maxremind.domain.timeparse import Lang, TimeParseError, When, parse_offsets, parse_when
from maxremind.services.events import MAX_QUORUM
from maxremind.services.teams import find_members
from maxremind.storage import NotFound, Storage

# A day named without a clock time ("завтра", "каждый понедельник") means this hour:
# a reminder at midnight would wake people, and the echo shows the hour so it can be changed.
DEFAULT_HOUR = 9
DEFAULT_OFFSETS = (timedelta(hours=1),)
_ALL_WORDS = frozenset({"@all", "@все", "@всем", "@team", "@команда"})
_CONFIRM_WORDS = frozenset({"подтверждение", "подтвердить", "confirm", "confirmation"})
_URGENT_WORDS = frozenset({"срочно", "срочное", "urgent"})
_QUORUM = re.compile(r"(?:кворум|quorum)\s*:?\s*(-?\d+)")
_TOKEN_START = re.compile(r"(?:(?<=\s)|^)(?=[#@])")


class LineError(ValueError):
    """A part of a typed event could not be understood.

    ``part`` is ``format``, ``title``, ``when``, ``audience``, ``reminders`` or ``flags``;
    ``reason`` refines it (a :class:`TimeParseError` reason for ``when``, ``unknown`` for
    an audience token nobody matches, ``ambiguous`` for a name several members share);
    ``detail`` is the offending text; ``alternatives`` the readings of an ambiguous time.
    """

    def __init__(
        self,
        part: str,
        reason: str = "not_understood",
        detail: str = "",
        alternatives: list[When] | None = None,
    ) -> None:
        super().__init__(f"{part}: {reason} {detail}".strip())
        self.part = part
        self.reason = reason
        self.detail = detail
        self.alternatives = alternatives or []


@dataclass(frozen=True)
class Flags:
    confirm: bool = False
    urgent: bool = False
    quorum: int | None = None


# --- time -----------------------------------------------------------------------------------


def local_start(when: When, tz: ZoneInfo) -> datetime:
    """The naive wall time to store for ``when`` (whole seconds, default hour for a day)."""
    start = when.start.astimezone(tz)
    if when.all_day:
        start = start.replace(hour=DEFAULT_HOUR, minute=0)
    return start.replace(tzinfo=None, microsecond=0)


def parse_time(text: str, *, now: datetime, tz: ZoneInfo, lang: Lang) -> When:
    """:func:`parse_when`, with a day-only answer moved to :data:`DEFAULT_HOUR`.

    :raises TimeParseError: as ``parse_when``; also ``past`` when today at the default
        hour is already over.
    """
    when = parse_when(text, now=now, tz=tz, lang=lang)
    if when.all_day and when.rrule is None:
        start = datetime.combine(when.start.date(), datetime.min.time(), tzinfo=tz)
        start = start.replace(hour=DEFAULT_HOUR)
        if start < now:
            raise TimeParseError("past", "the default hour has passed")
        return When(start, None, all_day=True, time_given=False)
    return when


class SplitError(ValueError):
    """``/remind`` text without a usable leading time.

    ``reason`` is a :class:`TimeParseError` reason (``empty`` when no text follows the
    time); ``text`` is what followed the time; ``alternatives`` the readings of an
    ambiguous one.
    """

    def __init__(self, reason: str, text: str = "", alternatives: list[When] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.text = text
        self.alternatives = alternatives or []


def split_when(text: str, *, now: datetime, tz: ZoneInfo, lang: Lang) -> tuple[When, str]:
    """Split ``"через 2 часа позвонить в бухгалтерию"`` into the time and the text.

    The longest leading run of words that reads as a time wins; a run that reads as a
    time but a past or ambiguous one stops the search too, so the person is asked
    about it instead of getting a reminder for a shorter, wrong reading.

    :raises SplitError: no leading time (``not_understood``), no text after it
        (``empty``), or the time found is ``past``/``ambiguous``/``too_far``.
    """
    words = text.split()
    # All of it a time ("завтра в 10")? Then the text is missing, rather than "в 10" being it.
    try:
        parse_time(text, now=now, tz=tz, lang=lang)
    except TimeParseError as exc:
        if exc.reason in ("past", "ambiguous", "too_far"):
            raise SplitError("empty") from None
    else:
        raise SplitError("empty")
    for n in range(len(words) - 1, 0, -1):
        head, rest = " ".join(words[:n]), " ".join(words[n:])
        try:
            return parse_time(head, now=now, tz=tz, lang=lang), rest
        except TimeParseError as exc:
            if exc.reason in ("past", "ambiguous", "too_far"):
                raise SplitError(exc.reason, rest, exc.alternatives) from None
    raise SplitError("not_understood")


def reminder_specs(offsets: list[timedelta], confirm: bool) -> tuple[ReminderSpec, ...]:
    """Offsets as reminder steps; with confirmation the escalation ladder of
    :func:`~maxremind.domain.escalation.default_ladder` (later steps chase the silent,
    the organizer gets a summary at the last one)."""
    return tuple(
        ReminderSpec(offset=step.offset, target=step.target)
        for step in default_ladder(confirm, offsets)
    )


def parse_flags(text: str) -> Flags:
    """``подтверждение, срочно, кворум 5`` (either language). :raises LineError: part flags."""
    rest = text.lower()
    quorum = None
    match = _QUORUM.search(rest)
    if match:
        digits = match[1]
        # A number too long to be a head count (and Python refuses to convert past 4,300
        # digits) becomes one the service refuses as a quorum, with a message.
        quorum = int(digits) if len(digits.lstrip("-")) <= 9 else MAX_QUORUM + 1
        rest = rest[: match.start()] + " " + rest[match.end() :]
    rest = rest.replace("с подтверждением", "подтверждение")
    confirm = urgent = False
    for item in re.split(r"[,\s]+", rest):
        if not item:
            continue
        if item in _CONFIRM_WORDS:
            confirm = True
        elif item in _URGENT_WORDS:
            urgent = True
        else:
            raise LineError("flags", "not_understood", item)
    if quorum is not None:
        confirm = True  # a quorum counts "yes" answers, so it needs them asked for
    return Flags(confirm, urgent, quorum)


# --- audience -------------------------------------------------------------------------------


def _norm(name: str) -> str:
    return " ".join(re.sub(r"[-_]+", " ", name.lower().replace("ё", "е")).split())


def split_audience(text: str) -> list[str]:
    """``"#отдел продаж, @anna Иван Петров"`` → ``["#отдел продаж", "@anna", "Иван Петров"]``."""
    tokens: list[str] = []
    for piece in text.split(","):
        for chunk in _TOKEN_START.split(piece.strip()):
            chunk = chunk.strip()
            if not chunk:
                continue
            if chunk.startswith("@") and " " in chunk:
                handle, _, name = chunk.partition(" ")
                tokens += [handle, name.strip()]
            else:
                tokens.append(chunk)
    return tokens


async def _named(storage: Storage, team_id: int, name: str) -> AudienceEntry | None:
    """A ``#name``: a group first, then a tag, then a linked chat's title."""
    wanted = _norm(name)
    for group in await storage.list_groups(team_id):
        if _norm(group.name) == wanted:
            return AudienceEntry(AudienceKind.GROUP, group.id)
    for tag in await storage.list_tags(team_id):
        if _norm(tag.name) == wanted:
            return AudienceEntry(AudienceKind.TAG, tag.id)
    for chat in await storage.list_chats(team_id):
        if _norm(chat.title) == wanted:
            return AudienceEntry(AudienceKind.CHAT, chat.chat_id)
    return None


async def parse_audience(storage: Storage, team_id: int, text: str) -> tuple[AudienceEntry, ...]:
    """Audience tokens → entries, without repeats, in the order typed.

    :raises LineError: part ``audience``, reason ``empty``, ``unknown`` or ``ambiguous``.
    """
    tokens = split_audience(text)
    if not tokens:
        raise LineError("audience", "empty")
    found: dict[AudienceEntry, None] = {}
    for token in tokens:
        if token.lower() in _ALL_WORDS:
            found[AudienceEntry(AudienceKind.TEAM)] = None
            continue
        if token.startswith("#"):
            entry = await _named(storage, team_id, token[1:])
            if entry is None:
                raise LineError("audience", "unknown", token)
            found[entry] = None
            continue
        matches = await find_members(storage, team_id, token)
        if not matches:
            raise LineError("audience", "unknown", token)
        if len(matches) > 1:
            raise LineError("audience", "ambiguous", token)
        found[AudienceEntry(AudienceKind.MEMBER, matches[0].user_id)] = None
    return tuple(found)


# --- the one-liner --------------------------------------------------------------------------


@dataclass(frozen=True)
class LineContext:
    team_id: int
    organizer_id: int
    tz: ZoneInfo
    now: datetime
    lang: Lang


async def parse_event_line(storage: Storage, text: str, ctx: LineContext) -> NewEvent:
    """``Планёрка; каждый понедельник в 10:00; #отдел-продаж; за 1 день, за 15 минут;
    подтверждение`` → a :class:`NewEvent` (not yet validated by :class:`EventService`).

    Title, time and audience are required; reminders default to :data:`DEFAULT_OFFSETS`.

    :raises LineError: the first part not understood.
    """
    parts = [p.strip() for p in text.split(";")]
    if len(parts) < 3 or len(parts) > 5:
        raise LineError("format", "parts", str(len(parts)))
    title, when_text, audience_text, *more = parts
    if not title:
        raise LineError("title", "empty")
    try:
        when = parse_time(when_text, now=ctx.now, tz=ctx.tz, lang=ctx.lang)
    except TimeParseError as exc:
        raise LineError("when", exc.reason, when_text, exc.alternatives) from None
    audience = await parse_audience(storage, ctx.team_id, audience_text)
    offsets: list[timedelta] | None = None
    flags = Flags()
    for position, extra in enumerate(more):
        if not extra:
            continue
        try:
            flags = parse_flags(extra)
            continue
        except LineError:
            # Not flags: then reminders, unless they were already given.
            if offsets is not None:
                raise
        try:
            offsets = parse_offsets(extra, ctx.lang)
        except TimeParseError as exc:
            part = "reminders" if position == 0 else "flags"
            raise LineError(part, exc.reason, extra) from None
    return NewEvent(
        team_id=ctx.team_id,
        organizer_id=ctx.organizer_id,
        title=title,
        start_local=local_start(when, ctx.tz),
        timezone=ctx.tz.key,
        rrule=when.rrule,
        audience=audience,
        reminders=reminder_specs(list(offsets or DEFAULT_OFFSETS), flags.confirm),
        confirm_required=flags.confirm,
        urgent=flags.urgent,
        quorum=flags.quorum,
    )


def offsets_of(event: Event) -> list[timedelta]:
    """The member-facing offsets of an event, largest first (what the person typed)."""
    found = {
        r.offset
        for r in event.reminders
        if r.offset is not None and r.target is not ReminderTarget.ORGANIZER_SUMMARY
    }
    return sorted(found, reverse=True)


# --- listings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upcoming:
    """An event as one person sees it: its next occurrence and their answer."""

    event: Event
    occurrence: Occurrence
    answer: Answer | None
    mine: bool  # the person organizes it
    invited: bool  # the person is in its audience


async def next_occurrence_of(storage: Storage, event: Event, now: datetime) -> Occurrence | None:
    for occurrence in await storage.list_occurrences(event.id, after=now):
        if occurrence.status is OccurrenceStatus.PLANNED:
            return occurrence
    return None


async def upcoming_for(
    storage: Storage, user_id: int, *, now: datetime, kinds: tuple[EventKind, ...]
) -> list[Upcoming]:
    """Active events of ``kinds`` the person is invited to or organizes, soonest first."""
    events: dict[int, Event] = {}
    for team in await storage.list_teams_of_user(user_id):
        for event in await storage.list_events(team_id=team.id, status=EventStatus.ACTIVE):
            events[event.id] = event
    for event in await storage.list_events(organizer_id=user_id, status=EventStatus.ACTIVE):
        events[event.id] = event
    found: list[Upcoming] = []
    for event in events.values():
        if event.kind not in kinds:
            continue
        mine = event.organizer_id == user_id
        invited = user_id in (await resolve_audience(storage, event)).users
        if not (mine or invited):
            continue
        occurrence = await next_occurrence_of(storage, event, now)
        if occurrence is None:
            continue
        answer = await storage.get_confirmation(occurrence.id, user_id) if invited else None
        found.append(Upcoming(event, occurrence, answer.answer if answer else None, mine, invited))
    return sorted(found, key=lambda u: (u.occurrence.starts_at, u.event.id))


async def can_manage(storage: Storage, event: Event, user_id: int) -> bool:
    """The organizer, or an admin of the event's team (the rule EventService applies)."""
    if event.organizer_id == user_id:
        return True
    if event.team_id is None:
        return False
    try:
        member = await storage.get_member(event.team_id, user_id)
    except NotFound:
        return False
    return member.role.at_least(Role.ADMIN)


async def managed_by(storage: Storage, user_id: int, *, now: datetime) -> list[Upcoming]:
    """Events (not quick reminders) the person may manage that still lie ahead."""
    events: dict[int, Event] = {}
    for team in await storage.list_teams_of_user(user_id):
        for event in await storage.list_events(team_id=team.id, status=EventStatus.ACTIVE):
            if event.kind is EventKind.EVENT and await can_manage(storage, event, user_id):
                events[event.id] = event
    found = []
    for event in events.values():
        occurrence = await next_occurrence_of(storage, event, now)
        if occurrence is not None:
            found.append(Upcoming(event, occurrence, None, True, False))
    return sorted(found, key=lambda u: (u.occurrence.starts_at, u.event.id))


# --- roster and nudges ----------------------------------------------------------------------


@dataclass(frozen=True)
class Roster:
    """Who answered what for one occurrence; names in audience order."""

    occurrence: Occurrence
    yes: list[str] = field(default_factory=list)
    no: list[str] = field(default_factory=list)
    maybe: list[str] = field(default_factory=list)
    silent: list[str] = field(default_factory=list)
    silent_ids: list[int] = field(default_factory=list)


async def roster(storage: Storage, event: Event, occurrence: Occurrence) -> Roster:
    audience = await resolve_audience(storage, event)
    stored = {c.user_id: c.answer for c in await storage.list_confirmations(occurrence.id)}
    ids = audience.roster(stored)
    summary = summarize(ids, audience.counted(stored))
    people = await storage.get_users(ids)

    def names(ids: tuple[int, ...]) -> list[str]:
        return [people[i].name if i in people else str(i) for i in ids]

    return Roster(
        occurrence,
        yes=names(summary.yes),
        no=names(summary.no),
        maybe=names(summary.maybe),
        silent=names(summary.no_answer),
        silent_ids=list(summary.no_answer),
    )


async def nudge_silent(
    storage: Storage, event: Event, occurrence: Occurrence, *, now: datetime
) -> int:
    """Queue a reminder now for everyone in the audience who has not answered.

    The keys carry the second, so pressing twice in one second sends once, and a later
    press nudges again (what the organizer asked for). Returns how many were queued.
    """
    silent = (await roster(storage, event, occurrence)).silent_ids
    stamp = int(now.timestamp())
    return await storage.add_deliveries(
        [
            NewDelivery(
                key=f"nudge:{occurrence.id}:{stamp}:user:{user_id}",
                recipient_kind=RecipientKind.USER,
                recipient_id=user_id,
                due_at=now,
                send_at=now,
                kind=DeliveryKind.REMINDER,
                occurrence_id=occurrence.id,
            )
            for user_id in silent
        ]
    )
