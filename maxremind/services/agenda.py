"""What lies ahead for a person, and who answered: the agenda the bot (and later the
web) shows — upcoming events, what someone may see or manage, rosters and nudges.

The rules of who may see an event (invited, organizer, or a team admin) and who may
manage it (organizer or admin; the same rule :class:`EventService` enforces) live here
and nowhere else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from maxremind.core.audience import Resolved, resolve_audience
from maxremind.domain.clock import Clock, utcnow
from maxremind.domain.escalation import summarize
from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    Confirmation,
    DeliveryKind,
    Event,
    EventKind,
    EventStatus,
    NewDelivery,
    Occurrence,
    OccurrenceStatus,
    RecipientKind,
    Role,
    Team,
)
from maxremind.services.sharing import Shared, SharedValues
from maxremind.storage import NotFound, Storage


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
    storage: Storage,
    user_id: int,
    *,
    now: datetime,
    kinds: tuple[EventKind, ...],
    managed: bool = False,
) -> list[Upcoming]:
    """Active events of ``kinds`` the person is invited to or organizes, soonest first;
    with ``managed`` also those of teams they manage (an owner's or admin's agenda shows
    what the team's other organizers created), and events on hold (their group or tag
    was deleted) that they may manage, so that they can pick whom to remind."""
    events: dict[int, Event] = {}
    managing: set[int] = set()
    statuses = (EventStatus.ACTIVE, EventStatus.FLAGGED) if managed else (EventStatus.ACTIVE,)
    for team in await storage.list_teams_of_user(user_id):
        if managed and await manages_team(storage, team.id, user_id):
            managing.add(team.id)
        for status in statuses:
            for event in await storage.list_events(team_id=team.id, status=status):
                events[event.id] = event
    for status in statuses:
        for event in await storage.list_events(organizer_id=user_id, status=status):
            events[event.id] = event
    found: list[Upcoming] = []
    for event in events.values():
        if event.kind not in kinds:
            continue
        mine = event.organizer_id == user_id
        if event.status is EventStatus.FLAGGED:
            if not (mine or event.team_id in managing):
                continue
            invited = False
        else:
            invited = user_id in (await resolve_audience(storage, event)).user_set
        if not (mine or invited or event.team_id in managing):
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
    return await manages_team(storage, event.team_id, user_id)


async def manages_team(storage: Storage, team_id: int | None, user_id: int) -> bool:
    """An admin (or the owner) of the team: may manage, and so see, every event of it."""
    if team_id is None:
        return False
    try:
        member = await storage.get_member(team_id, user_id)
    except NotFound:
        return False
    return role_manages_team(member.role)


def role_manages_team(role: Role) -> bool:
    """Whether a member of this role may manage (and see) every event of their team."""
    return role.at_least(Role.ADMIN)


def may_see(event: Event, *, can_manage: bool, invited: bool) -> bool:
    """An active event is seen by those invited and those who may manage it; one on hold
    (its group or tag was deleted) by those who may manage it, who are to fix it."""
    if event.status is EventStatus.FLAGGED:
        return can_manage
    return event.status is EventStatus.ACTIVE and (can_manage or invited)


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
    yes_ids: list[int] = field(default_factory=list)
    no_ids: list[int] = field(default_factory=list)
    maybe_ids: list[int] = field(default_factory=list)


async def roster(
    storage: Storage,
    event: Event,
    occurrence: Occurrence,
    *,
    audience: Resolved | None = None,
    names: int | None = None,
    user_names: Callable[[list[int]], Awaitable[Mapping[int, str]]] | None = None,
    answers: Sequence[Confirmation] | None = None,
) -> Roster:
    """Who answered what.  ``audience``: the event's, resolved just now by the caller
    (else resolved here); ``names``: name at most this many people of each answer (the
    ``*_ids`` lists hold everybody; a page shows the first ones and counts the rest);
    ``answers``: the date's answers, when the caller has read them."""
    if audience is None:
        audience = await resolve_audience(storage, event)
    if answers is None:
        answers = await storage.list_confirmations(occurrence.id)
    stored = {c.user_id: c.answer for c in answers}
    ids = audience.roster(stored)
    summary = summarize(ids, audience.counted(stored), distinct=True)
    parts = (summary.yes, summary.no, summary.maybe, summary.no_answer)
    shown = [part if names is None else part[:names] for part in parts]
    known = await (user_names or storage.user_names)([i for part in shown for i in part])

    def named(ids: Sequence[int]) -> list[str]:
        return [known[i] if i in known else str(i) for i in ids]

    return Roster(
        occurrence,
        yes=named(shown[0]),
        no=named(shown[1]),
        maybe=named(shown[2]),
        silent=named(shown[3]),
        silent_ids=list(summary.no_answer),
        yes_ids=list(summary.yes),
        no_ids=list(summary.no),
        maybe_ids=list(summary.maybe),
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


@dataclass(frozen=True)
class AudiencePart:
    """One entry of an audience as people read it: ``name`` is None when it is gone."""

    kind: AudienceKind
    name: str | None
    is_viewer: bool = False  # a person entry naming the one who reads it


class NudgeOutcome:
    QUEUED = "queued"
    OVER = "over"
    CANCELLED = "cancelled"  # the date (or the event) was cancelled
    STALE = "stale"


@dataclass(frozen=True)
class Nudged:
    outcome: str
    queued: int = 0


@dataclass(frozen=True)
class Sight:
    """An event and one person: ``visible`` — they may see it (:func:`may_see`);
    ``audience`` — whom it reaches now."""

    event: Event
    can_manage: bool
    invited: bool
    visible: bool
    audience: Resolved


class AgendaService:
    def __init__(
        self,
        storage: Storage,
        *,
        poke: Callable[[], None] = lambda: None,
        clock: Clock = utcnow,
    ) -> None:
        self.storage = storage
        self.poke = poke
        self.clock = clock
        self._audiences: Shared[Resolved] = Shared()  # see sight(); read-only once resolved
        self._names: SharedValues[int, str] = SharedValues()
        self._events: Shared[Event | None] = Shared(window=timedelta(minutes=1), size=1024)

    # --- events --------------------------------------------------------------------

    async def event(self, event_id: int | str) -> Event | None:
        try:
            key = int(event_id)
        except ValueError:
            return None
        # Every page about an event starts here: shared while nothing is written (an
        # event changes only by counted writes, never by the ledger's progress).
        return await self._events.get(
            key, self.storage.generation(), self.clock(), lambda: self._read_event(key)
        )

    async def _read_event(self, event_id: int) -> Event | None:
        try:
            return await self.storage.get_event(event_id)
        except NotFound:
            return None

    async def invited(self, event: Event, user_id: int) -> bool:
        return user_id in (await resolve_audience(self.storage, event)).user_set

    async def can_manage(self, event: Event, user_id: int) -> bool:
        return await can_manage(self.storage, event, user_id)

    async def manages_team(self, team_id: int | None, user_id: int) -> bool:
        """Whether the person may manage (and see) every event of the team."""
        return await manages_team(self.storage, team_id, user_id)

    async def visible_event(self, event_id: int | str, user_id: int) -> Event | None:
        """The event if this person may see it (:func:`may_see`): an active one invited,
        organizer or admin; one on hold only those who may manage it."""
        event = await self.event(event_id)
        if event is None or event.status not in (EventStatus.ACTIVE, EventStatus.FLAGGED):
            return None
        manages = await can_manage(self.storage, event, user_id)
        invited = not manages and await self.invited(event, user_id)
        return event if may_see(event, can_manage=manages, invited=invited) else None

    async def sight(self, event_id: int | str, user_id: int) -> Sight | None:
        """The event (any status) as this person stands to it: whether they may manage
        it, whether it is visible to them (:meth:`visible_event`'s rule), and its
        audience resolved once for whatever the caller shows next."""
        event = await self.event(event_id)
        if event is None:
            return None
        manages = await can_manage(self.storage, event, user_id)
        # The team's events mostly share one audience (the whole team): its resolution
        # (3,000 ids in a big team) is shared while nothing is written.
        audience = await self._audiences.get(
            (event.team_id, event.audience),
            self.storage.generation(),
            self.clock(),
            lambda: resolve_audience(self.storage, event),
        )
        invited = user_id in audience.user_set
        visible = may_see(event, can_manage=manages, invited=invited)
        return Sight(event, manages, invited, visible, audience)

    async def managed_event(self, event_id: int | str, user_id: int) -> Event | None:
        """The event (active, or on hold) if this person may change or cancel it."""
        event = await self.visible_event(event_id, user_id)
        if event is None or not await can_manage(self.storage, event, user_id):
            return None
        return event

    async def roster_event(self, event_id: int | str, user_id: int) -> Event | None:
        """The event if this person may see who answered what: whoever may manage it,
        and -- when its organizer made the roster visible -- those invited to it."""
        event = await self.visible_event(event_id, user_id)
        if event is None:
            return None
        if await can_manage(self.storage, event, user_id):
            return event
        return event if event.roster_visible and await self.invited(event, user_id) else None

    async def rosters(self, user_id: int) -> list[Upcoming]:
        """Events lying ahead whose roster this person may see (:meth:`roster_event`):
        those they manage, and those they are invited to with a visible roster."""
        found = {u.event.id: u for u in await self.managed(user_id)}
        for item in await self.upcoming(user_id, (EventKind.EVENT,)):
            if item.event.id not in found and item.invited and item.event.roster_visible:
                found[item.event.id] = item
        return sorted(found.values(), key=lambda u: (u.occurrence.starts_at, u.event.id))

    async def own_reminder(self, event_id: int | str, user_id: int) -> Event | None:
        """An active quick reminder the person set up themselves (theirs to cancel)."""
        event = await self.event(event_id)
        if event is None or event.organizer_id != user_id:
            return None
        return event if event.status is EventStatus.ACTIVE else None

    async def upcoming(
        self, user_id: int, kinds: tuple[EventKind, ...], *, managed: bool = False
    ) -> list[Upcoming]:
        """See :func:`upcoming_for`."""
        return await upcoming_for(
            self.storage, user_id, now=self.clock(), kinds=kinds, managed=managed
        )

    async def chat_agenda(self, chat_id: int) -> tuple[Team, list[Upcoming]] | None:
        """What a group chat may read of its linked team's agenda: the events lying ahead
        addressed to the whole team, to this chat or to the group the chat is linked to
        (never one addressed to chosen people, groups or tags: a chat is read by all its
        members).  None when the chat is not linked to a team."""
        try:
            chat = await self.storage.get_chat(chat_id)
        except NotFound:
            return None
        if chat.team_id is None or not chat.active:
            return None
        team = await self.storage.get_team(chat.team_id)
        public = {AudienceEntry(AudienceKind.TEAM), AudienceEntry(AudienceKind.CHAT, chat_id)}
        if chat.group_id is not None:
            public.add(AudienceEntry(AudienceKind.GROUP, chat.group_id))
        now = self.clock()
        found = []
        for event in await self.storage.list_events(team_id=team.id, status=EventStatus.ACTIVE):
            if event.kind is not EventKind.EVENT or not public.intersection(event.audience):
                continue
            occurrence = await next_occurrence_of(self.storage, event, now)
            if occurrence is not None:
                found.append(Upcoming(event, occurrence, None, False, False))
        return team, sorted(found, key=lambda u: (u.occurrence.starts_at, u.event.id))

    async def managed(self, user_id: int) -> list[Upcoming]:
        return await managed_by(self.storage, user_id, now=self.clock())

    async def next_occurrence(self, event: Event) -> Occurrence | None:
        return await next_occurrence_of(self.storage, event, self.clock())

    async def future_occurrences(self, event_id: int) -> list[Occurrence]:
        """Planned dates still ahead, soonest first."""
        return [
            o
            for o in await self.storage.list_occurrences(event_id, after=self.clock())
            if o.status is OccurrenceStatus.PLANNED
        ]

    async def coming_dates(self, event_id: int) -> list[Occurrence]:
        """Every date from now on, cancelled ones included (what an echo describes)."""
        return await self.storage.list_occurrences(event_id, after=self.clock())

    async def answer_of(self, occurrence_id: int, user_id: int) -> Answer | None:
        found = await self.storage.get_confirmation(occurrence_id, user_id)
        return None if found is None else found.answer

    async def audience_size(self, event: Event) -> int:
        return (await resolve_audience(self.storage, event)).size

    async def audience_parts(
        self, audience: Sequence[AudienceEntry], viewer_id: int
    ) -> list[AudiencePart]:
        """The audience in words: group, tag and chat names, people's names."""
        parts = []
        for entry in audience:
            ref = entry.ref_id or 0
            name: str | None
            try:
                if entry.kind is AudienceKind.TEAM:
                    name = ""
                elif entry.kind is AudienceKind.GROUP:
                    name = (await self.storage.get_group(ref)).name
                elif entry.kind is AudienceKind.TAG:
                    name = (await self.storage.get_tag(ref)).name
                elif entry.kind is AudienceKind.CHAT:
                    name = (await self.storage.get_chat(ref)).title
                elif ref == viewer_id:
                    parts.append(AudiencePart(entry.kind, "", is_viewer=True))
                    continue
                else:
                    name = (await self.storage.get_user(ref)).name
            except NotFound:
                name = None
            parts.append(AudiencePart(entry.kind, name))
        return parts

    async def ics(self, event: Event) -> bytes:
        """The event with all its dates as an .ics file."""
        from maxremind.calendar.ics import event_to_ics  # the renderer: on first use

        return event_to_ics(event, await self.storage.list_occurrences(event.id))

    # --- roster and nudges ---------------------------------------------------------

    async def roster(
        self,
        event: Event,
        occurrence: Occurrence,
        *,
        audience: Resolved | None = None,
        names: int | None = None,
        answers: Sequence[Confirmation] | None = None,
    ) -> Roster:
        return await roster(
            self.storage,
            event,
            occurrence,
            audience=audience,
            names=names,
            user_names=self.user_names,
            answers=answers,
        )

    async def user_names(self, user_ids: list[int]) -> dict[int, str]:
        """People's names, shared by the pages while nothing is written (a roster of a
        big team names the same first few hundred people on every event's page)."""
        return await self._names.get_many(
            user_ids, self.storage.generation(), self.clock(), self.storage.user_names
        )

    async def nudge(self, event_id: int | str, occurrence_id: int | str, actor_id: int) -> Nudged:
        """Remind now everyone of the audience who has not answered (managers only)."""
        event = await self.managed_event(event_id, actor_id)
        try:
            occurrence = await self.storage.get_occurrence(int(occurrence_id))
        except (NotFound, ValueError):
            return Nudged(NudgeOutcome.STALE)
        if event is None or occurrence.event_id != event.id:
            return Nudged(NudgeOutcome.STALE)
        now = self.clock()
        if occurrence.status is OccurrenceStatus.CANCELLED:
            return Nudged(NudgeOutcome.CANCELLED)
        if occurrence.starts_at <= now or occurrence.status is not OccurrenceStatus.PLANNED:
            return Nudged(NudgeOutcome.OVER)
        queued = await nudge_silent(self.storage, event, occurrence, now=now)
        self.poke()
        return Nudged(NudgeOutcome.QUEUED, queued)
