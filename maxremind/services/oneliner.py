"""Events as people type them.

* the one-liner ``title; when; audience; reminders[; flags]`` → a :class:`NewEvent`;
* audience tokens (``@all``, ``#group``, ``@username``, a member's name) → entries.

Names are looked up in the team, so :class:`TypedEvents` is a service; where the time
ends and the text begins (``/remind``) is pure and lives in
:mod:`maxremind.domain.timesplit`.  Nothing here sends messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from maxremind.domain.escalation import default_ladder
from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    Event,
    NewEvent,
    ReminderSpec,
    ReminderTarget,
)
from maxremind.domain.timeparse import Lang, TimeParseError, When, parse_offsets
from maxremind.domain.timesplit import DEFAULT_HOUR, local_start, parse_time
from maxremind.services.events import MAX_QUORUM
from maxremind.services.teams import find_members
from maxremind.storage import Storage

DEFAULT_OFFSETS = (timedelta(hours=1),)
# title; when; audience; reminders; and each flag on its own (confirm, urgent, quorum) —
# with room for a flag written twice.
MAX_PARTS = 8
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
    ``detail`` is the offending text; ``alternatives`` the readings of an ambiguous time;
    ``day_month`` the (day, month) of a date that does not exist (reason ``no_such_date``).
    """

    def __init__(
        self,
        part: str,
        reason: str = "not_understood",
        detail: str = "",
        alternatives: list[When] | None = None,
        day_month: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(f"{part}: {reason} {detail}".strip())
        self.part = part
        self.reason = reason
        self.detail = detail
        self.alternatives = alternatives or []
        self.day_month = day_month


@dataclass(frozen=True)
class Flags:
    confirm: bool = False
    urgent: bool = False
    quorum: int | None = None

    def merged(self, other: Flags) -> Flags:
        """Flags written as separate parts (``…; подтверждение; кворум 5``) add up."""
        quorum = other.quorum if other.quorum is not None else self.quorum
        return Flags(self.confirm or other.confirm, self.urgent or other.urgent, quorum)


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


def _looks_like_offsets(text: str) -> bool:
    """Digits or "за"/"before" suggest reminders were meant, not flags."""
    return bool(re.search(r"\d|(?<!\w)(?:за|before|at start)(?!\w)", text.lower()))


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
    After the audience come the reminders and the flags, in any order; flags may be one
    part (``подтверждение, кворум 5``) or several (``подтверждение; кворум 5``).

    :raises LineError: the first part not understood.
    """
    parts = [p.strip() for p in text.split(";")]
    if len(parts) < 3 or len(parts) > MAX_PARTS:
        raise LineError("format", "parts", str(len(parts)))
    title, when_text, audience_text, *more = parts
    if not title:
        raise LineError("title", "empty")
    try:
        when = parse_time(when_text, now=ctx.now, tz=ctx.tz, lang=ctx.lang)
    except TimeParseError as exc:
        raise LineError("when", exc.reason, when_text, exc.alternatives, exc.day_month) from None
    audience = await parse_audience(storage, ctx.team_id, audience_text)
    offsets: list[timedelta] | None = None
    flags = Flags()
    for position, extra in enumerate(more):
        if not extra:
            continue
        try:
            flags = flags.merged(parse_flags(extra))
            continue
        except LineError:
            # Not flags: then reminders, unless they were already given.
            if offsets is not None:
                raise
        try:
            offsets = parse_offsets(extra, ctx.lang)
        except TimeParseError as exc:
            # Neither flags nor offsets: name the part the words look like.
            as_reminders = position == 0 or _looks_like_offsets(extra)
            part = "reminders" if as_reminders or exc.reason != "not_understood" else "flags"
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


class TypedEvents:
    """The door for typed events: resolves names in the team the text is for."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    async def audience(self, team_id: int, text: str) -> tuple[AudienceEntry, ...]:
        """See :func:`parse_audience`. :raises LineError:"""
        return await parse_audience(self.storage, team_id, text)

    async def event(self, text: str, ctx: LineContext) -> NewEvent:
        """See :func:`parse_event_line`. :raises LineError:"""
        return await parse_event_line(self.storage, text, ctx)


__all__ = [
    "DEFAULT_HOUR",
    "LineContext",
    "LineError",
    "TypedEvents",
    "local_start",
    "offsets_of",
    "parse_audience",
    "parse_event_line",
    "parse_flags",
    "parse_time",
    "reminder_specs",
    "split_audience",
]
