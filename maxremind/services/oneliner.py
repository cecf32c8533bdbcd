"""Events as people type them.

* the one-liner ``title; when; audience; reminders[; flags]`` → a :class:`NewEvent`;
* audience tokens (``@all``, ``#group``, ``@username``, a member's name) → entries.

Names are looked up in the team, so :class:`TypedEvents` is a service; where the time
ends and the text begins (``/remind``) is pure and lives in
:mod:`maxremind.domain.timesplit`.  Nothing here sends messages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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
# The roster open to those invited (who answered what): "открытый список", "roster visible".
_ROSTER = re.compile(
    r"(?<!\w)(?:открытый список|список открыт|список виден|roster visible|open roster"
    r"|visible roster)(?!\w)"
)
_TOKEN_START = re.compile(r"(?:(?<=\s)|^)(?=[#@])")


class LineError(ValueError):
    """A part of a typed event could not be understood.

    ``part`` is ``format``, ``title``, ``when``, ``audience``, ``reminders`` or ``flags``;
    ``reason`` refines it (a :class:`TimeParseError` reason for ``when``, ``unknown`` for
    an audience token nobody matches, ``ambiguous`` for a name several members share);
    ``detail`` is the offending text; ``alternatives`` the readings of an ambiguous time;
    ``day_month`` the (day, month) of a date that does not exist (reason ``no_such_date``);
    ``choices`` what an ambiguous name may mean (a group and a chat, two members…).
    """

    def __init__(
        self,
        part: str,
        reason: str = "not_understood",
        detail: str = "",
        alternatives: list[When] | None = None,
        day_month: tuple[int, int] | None = None,
        choices: list[AudienceEntry] | None = None,
    ) -> None:
        super().__init__(f"{part}: {reason} {detail}".strip())
        self.part = part
        self.reason = reason
        self.detail = detail
        self.alternatives = alternatives or []
        self.day_month = day_month
        self.choices = choices or []


@dataclass(frozen=True)
class Flags:
    confirm: bool = False
    urgent: bool = False
    quorum: int | None = None
    roster: bool = False  # those invited see who answered what

    def merged(self, other: Flags) -> Flags:
        """Flags written as separate parts (``…; подтверждение; кворум 5``) add up."""
        quorum = other.quorum if other.quorum is not None else self.quorum
        return Flags(
            self.confirm or other.confirm,
            self.urgent or other.urgent,
            quorum,
            self.roster or other.roster,
        )


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
    roster = bool(_ROSTER.search(rest))
    rest = _ROSTER.sub(" ", rest)
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
    if quorum is not None or roster:
        # A quorum counts "yes" answers, and an open roster shows them: both need them
        # asked for.
        confirm = True
    return Flags(confirm, urgent, quorum, roster)


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


# How many words a #name or an @Full Name may have: longer runs are never tried.
MAX_NAME_WORDS = 8
_QUOTES = {'"': '"', "«": "»", "“": "”", "„": "“", "'": "'"}
_WORD = re.compile(r"\S+")
_SEPARATORS = " \t\r\n,;"


@dataclass(frozen=True)
class Lead:
    """What :func:`leading_audience` took from the start of a text."""

    audience: tuple[AudienceEntry, ...]
    rest: str


async def _known_names(storage: Storage, team_id: int) -> list[tuple[str, AudienceEntry]]:
    """Every ``#name`` of the team, normalized: groups, tags and linked chats' titles."""
    known = [
        (_norm(g.name), AudienceEntry(AudienceKind.GROUP, g.id))
        for g in await storage.list_groups(team_id)
    ]
    known += [
        (_norm(t.name), AudienceEntry(AudienceKind.TAG, t.id))
        for t in await storage.list_tags(team_id)
    ]
    known += [
        (_norm(c.title), AudienceEntry(AudienceKind.CHAT, c.chat_id))
        for c in await storage.list_chats(team_id)
        if c.title
    ]
    return known


class _Reader:
    """Takes ``#name``/``@name`` references off the start of a text, one at a time.

    A ``#name`` is the longest run of words (up to :data:`MAX_NAME_WORDS`) that names a
    group, tag or chat of the team, so ``#Отдел продаж через 3 минуты`` means the group
    "Отдел продаж"; ``#«Отдел продаж»`` (any quotes) names it exactly. An ``@`` reference
    is ``@all``, a member's full name (longest run first) or one word (``@anna``).
    A name several things share is ``ambiguous`` unless ``picked`` says which was meant.
    """

    def __init__(
        self, storage: Storage, team_id: int, picked: Mapping[str, AudienceEntry] | None
    ) -> None:
        self.storage = storage
        self.team_id = team_id
        self.picked = {_norm(k): v for k, v in (picked or {}).items()}
        self._names: dict[str, list[AudienceEntry]] | None = None
        self._people: dict[str, list[AudienceEntry]] | None = None

    async def names(self) -> dict[str, list[AudienceEntry]]:
        """The team's ``#names``, normalized, each with what it names (read once)."""
        if self._names is None:
            self._names = {}
            for name, entry in await _known_names(self.storage, self.team_id):
                self._names.setdefault(name, []).append(entry)
        return self._names

    async def people(self) -> dict[str, list[AudienceEntry]]:
        """Members' full names, normalized (read once)."""
        if self._people is None:
            self._people = {}
            for member in await self.storage.list_members(self.team_id):
                entry = AudienceEntry(AudienceKind.MEMBER, member.user_id)
                self._people.setdefault(_norm(member.name), []).append(entry)
        return self._people

    async def take(self, text: str) -> tuple[AudienceEntry, str]:
        """The reference at the start of ``text`` (which starts with # or @) and the rest.

        :raises LineError: part ``audience``, reason ``unknown`` or ``ambiguous`` (with
            ``choices``).
        """
        if text.startswith("#"):
            token, choices, rest = await self._hash(text[1:])
        else:
            token, choices, rest = await self._at(text[1:])
        chosen = self.picked.get(_norm(token))
        if chosen is not None and (chosen in choices or not choices):
            return chosen, rest
        if not choices:
            raise LineError("audience", "unknown", token)
        if len(choices) > 1:
            raise LineError("audience", "ambiguous", token, choices=choices)
        return choices[0], rest

    async def _hash(self, body: str) -> tuple[str, list[AudienceEntry], str]:
        names = await self.names()
        if body[:1] in _QUOTES:
            close = body.find(_QUOTES[body[0]], 1)
            if close > 0:
                name = body[1:close]
                return f"#{name}", names.get(_norm(name), []), body[close + 1 :]
        words = list(_WORD.finditer(body[: MAX_NAME_WORDS * 64]))[:MAX_NAME_WORDS]
        if not words or words[0].start() != 0:
            return "#", [], body
        for count in range(len(words), 0, -1):
            name = body[: words[count - 1].end()].rstrip(",;")
            found = names.get(_norm(name), [])
            if found:
                return f"#{name}", found, body[words[count - 1].end() :]
        first = words[0].group().rstrip(",;")
        return f"#{first}", [], body[words[0].end() :]

    async def _at(self, body: str) -> tuple[str, list[AudienceEntry], str]:
        words = list(_WORD.finditer(body[: MAX_NAME_WORDS * 64]))[:MAX_NAME_WORDS]
        if not words or words[0].start() != 0:
            return "@", [], body
        first = words[0].group().rstrip(",;")
        if f"@{first.lower()}" in _ALL_WORDS:
            return f"@{first}", [AudienceEntry(AudienceKind.TEAM)], body[words[0].end() :]
        people = await self.people()
        for count in range(len(words), 1, -1):  # "@Иван Петров": a full name, longest first
            name = body[: words[count - 1].end()].rstrip(",;")
            found = people.get(_norm(name), [])
            if found:
                return f"@{name}", found, body[words[count - 1].end() :]
        matches = await find_members(self.storage, self.team_id, first)
        found = [AudienceEntry(AudienceKind.MEMBER, m.user_id) for m in matches]
        return f"@{first}", found, body[words[0].end() :]

    async def plain(self, name: str) -> AudienceEntry:
        """A member named without ``@`` ("Иван Петров"). :raises LineError:"""
        chosen = self.picked.get(_norm(name))
        if chosen is not None:
            return chosen
        matches = await find_members(self.storage, self.team_id, name)
        if not matches:
            raise LineError("audience", "unknown", name)
        if len(matches) > 1:
            choices = [AudienceEntry(AudienceKind.MEMBER, m.user_id) for m in matches]
            raise LineError("audience", "ambiguous", name, choices=choices)
        return AudienceEntry(AudienceKind.MEMBER, matches[0].user_id)


async def leading_audience(
    storage: Storage,
    team_id: int,
    text: str,
    picked: Mapping[str, AudienceEntry] | None = None,
) -> Lead:
    """``#Отдел продаж @anna через 3 минуты текст`` → the audience and
    ``"через 3 минуты текст"``: the references at the start of a ``/remind`` or
    ``/notify``, each name matched as long as the team knows it (see :class:`_Reader`);
    a ``;`` may end them explicitly. No reference at the start: an empty audience.

    :raises LineError: part ``audience``, reason ``unknown`` or ``ambiguous``.
    """
    reader = _Reader(storage, team_id, picked)
    found: dict[AudienceEntry, None] = {}
    rest = text.strip()
    while rest[:1] in ("#", "@"):
        entry, rest = await reader.take(rest)
        found[entry] = None
        rest = rest.lstrip(_SEPARATORS)
    return Lead(tuple(found), rest)


async def parse_audience(
    storage: Storage,
    team_id: int,
    text: str,
    picked: Mapping[str, AudienceEntry] | None = None,
) -> tuple[AudienceEntry, ...]:
    """Audience tokens → entries, without repeats, in the order typed: ``@all``,
    ``#name`` (spaces allowed, see :class:`_Reader`), ``@username`` and members' names
    (separated by commas when written without ``@``).

    :raises LineError: part ``audience``, reason ``empty``, ``unknown`` or ``ambiguous``.
    """
    reader = _Reader(storage, team_id, picked)
    found: dict[AudienceEntry, None] = {}
    for piece in text.split(","):
        rest = piece.strip()
        while rest:
            if rest[:1] in ("#", "@"):
                entry, rest = await reader.take(rest)
            else:
                # A plain name runs to the next reference ("Иван Петров @anna").
                match = _TOKEN_START.search(rest, 1)
                cut = match.start() if match else len(rest)
                entry = await reader.plain(rest[:cut].strip())
                rest = rest[cut:]
            found[entry] = None
            rest = rest.lstrip(_SEPARATORS)
    if not found:
        raise LineError("audience", "empty")
    return tuple(found)


# --- the one-liner --------------------------------------------------------------------------


@dataclass(frozen=True)
class LineContext:
    team_id: int
    organizer_id: int
    tz: ZoneInfo
    now: datetime
    lang: Lang


async def parse_event_line(
    storage: Storage,
    text: str,
    ctx: LineContext,
    picked: Mapping[str, AudienceEntry] | None = None,
) -> NewEvent:
    """``Планёрка; каждый понедельник в 10:00; #отдел-продаж; за 1 день, за 15 минут;
    подтверждение`` → a :class:`NewEvent` (not yet validated by :class:`EventService`).

    Title, time and audience are required; reminders default to :data:`DEFAULT_OFFSETS`.
    After the audience come the reminders and the flags, in any order; flags may be one
    part (``подтверждение, кворум 5``) or several (``подтверждение; кворум 5``).

    ``picked`` says what an ambiguous audience name meant (see :func:`parse_audience`).

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
    audience = await parse_audience(storage, ctx.team_id, audience_text, picked)
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
        roster_visible=flags.roster,
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

    async def audience(
        self, team_id: int, text: str, picked: Mapping[str, AudienceEntry] | None = None
    ) -> tuple[AudienceEntry, ...]:
        """See :func:`parse_audience`. :raises LineError:"""
        return await parse_audience(self.storage, team_id, text, picked)

    async def leading(
        self, team_id: int, text: str, picked: Mapping[str, AudienceEntry] | None = None
    ) -> Lead:
        """See :func:`leading_audience`. :raises LineError:"""
        return await leading_audience(self.storage, team_id, text, picked)

    async def event(
        self, text: str, ctx: LineContext, picked: Mapping[str, AudienceEntry] | None = None
    ) -> NewEvent:
        """See :func:`parse_event_line`. :raises LineError:"""
        return await parse_event_line(self.storage, text, ctx, picked)


__all__ = [
    "DEFAULT_HOUR",
    "Lead",
    "LineContext",
    "LineError",
    "TypedEvents",
    "leading_audience",
    "local_start",
    "offsets_of",
    "parse_audience",
    "parse_event_line",
    "parse_flags",
    "parse_time",
    "reminder_specs",
    "split_audience",
]
