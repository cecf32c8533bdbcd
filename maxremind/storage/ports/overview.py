"""The overview port: read-only, aggregated queries behind the web's pages.

Dashboards and lists must not load events one by one, so these queries answer a
page in a handful of grouped statements.  Nothing here writes.

**The audience in SQL.**  Three questions here depend on who an event reaches: is a
person invited (``viewer_id``), how big is the audience, and which answers count.
They follow :func:`maxremind.core.audience.resolve_audience` exactly, and a contract
test compares them with it on every kind of audience:

* a ``team`` entry reaches the members of the event's team (none without a team);
* a ``group``/``tag`` entry reaches the people in it (none once it is deleted);
* a ``member`` entry reaches that person while they are in the event's team (always,
  for a personal reminder without a team);
* a ``chat`` entry reaches the chat while the bot is in it (``chats.active``); it
  counts one in the audience size and lets the team's members answer from the chat.

Groups and tags are assumed to belong to the event's team (the services offer no
other), which lets an audience with a ``team`` entry be counted as the team.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from maxremind.domain.models import (
    Answer,
    DeliveryKind,
    DeliveryStatus,
    EventKind,
    EventStatus,
    RecipientKind,
    ReminderTarget,
)

__all__ = [
    "AudienceSize",
    "ChatRemoved",
    "EmptyAudience",
    "EventSummary",
    "FailedDelivery",
    "FanOut",
    "LedgerRow",
    "OccurrenceCounts",
    "OverviewStore",
    "Problems",
    "UnreachableMember",
    "UpcomingOccurrence",
]


@dataclass(frozen=True, slots=True)
class EventSummary:
    """An event as a list shows it, with its next planned date (None when none is left)."""

    id: int
    team_id: int | None
    organizer_id: int
    organizer_name: str | None  # None: the organizer is not a known user any more
    kind: EventKind
    title: str
    place: str
    start_local: datetime
    timezone: str
    rrule: str | None
    confirm_required: bool
    urgent: bool
    quorum: int | None
    status: EventStatus
    status_reason: str | None
    next_occurrence_id: int | None
    next_starts_at: datetime | None
    next_local_start: datetime | None


@dataclass(frozen=True, slots=True)
class UpcomingOccurrence:
    """One planned date of an event inside a window."""

    event: EventSummary
    occurrence_id: int
    starts_at: datetime
    local_start: datetime
    adjustment: str


@dataclass(frozen=True, slots=True)
class AudienceSize:
    """Whom an event reaches now: ``people`` (``Resolved.users``) and ``chats``."""

    people: int
    chats: int

    @property
    def total(self) -> int:
        """``Resolved.size``."""
        return self.people + self.chats


@dataclass(frozen=True, slots=True)
class OccurrenceCounts:
    """Reminder deliveries of one occurrence by status, and the answers that count.

    Deliveries are those of kind ``reminder`` (steps, nudges), one per recipient and
    step; ``reached`` is how many distinct recipients got at least one.  Answers are
    those of people who may answer now (the audience rule), so someone who left the
    audience no longer counts; ``people_answered`` are those of them the audience
    reaches directly (not only through a chat): the audience's people less these have
    not answered (``Summary.no_answer`` of the roster).
    """

    planned: int = 0
    held: int = 0
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    unreachable: int = 0
    skipped: int = 0
    reached: int = 0
    yes: int = 0
    no: int = 0
    maybe: int = 0
    people_answered: int = 0

    @property
    def answered(self) -> int:
        return self.yes + self.no + self.maybe

    @property
    def deliveries(self) -> int:
        return (
            self.planned
            + self.held
            + self.claimed
            + self.sent
            + self.failed
            + self.unreachable
            + self.skipped
        )


@dataclass(frozen=True, slots=True)
class FanOut:
    """A reminder step (job) whose deliveries are going out: progress ``sent/total``.

    Counted are the step's own messages (reminders, or the organizer's summary), not a
    problem report the step raised.

    ``pending`` are planned or claimed (sending now or soon), ``held`` wait for quiet
    hours, ``failed`` gave up (failed or unreachable), ``skipped`` were not sent.
    """

    job_id: int
    event_id: int
    event_title: str
    team_id: int | None
    organizer_id: int
    occurrence_id: int
    starts_at: datetime
    target: ReminderTarget
    due_at: datetime
    expected_finish: datetime | None
    total: int
    sent: int
    pending: int
    held: int
    failed: int
    skipped: int


@dataclass(frozen=True, slots=True)
class UnreachableMember:
    team_id: int
    user_id: int
    name: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class FailedDelivery:
    """A delivery that gave up after transient errors (status ``failed``)."""

    delivery_id: int
    event_id: int
    event_title: str
    team_id: int | None
    occurrence_id: int
    starts_at: datetime
    recipient_kind: RecipientKind
    recipient_id: int
    recipient_name: str | None
    error: str | None
    at: datetime  # when it gave up


@dataclass(frozen=True, slots=True)
class EmptyAudience:
    """An event that reaches nobody: active with an audience resolving empty, or put
    on hold (``flagged``) because its audience is gone."""

    event_id: int
    team_id: int | None
    title: str
    organizer_id: int
    status: EventStatus
    status_reason: str | None


@dataclass(frozen=True, slots=True)
class ChatRemoved:
    """A chat that served a team and that the bot was removed from."""

    chat_id: int
    team_id: int
    title: str
    at: datetime  # last change of the chat's record


@dataclass(frozen=True, slots=True)
class Problems:
    unreachable_members: tuple[UnreachableMember, ...] = ()
    failed_deliveries: tuple[FailedDelivery, ...] = ()
    empty_audiences: tuple[EmptyAudience, ...] = ()
    chats_removed: tuple[ChatRemoved, ...] = ()


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One delivery as the ledger shows it; ``recipient_name`` is the person's name or
    the chat's title, None when unknown."""

    delivery_id: int
    occurrence_id: int | None
    occurrence_starts_at: datetime | None
    job_id: int | None
    kind: DeliveryKind
    recipient_kind: RecipientKind
    recipient_id: int
    recipient_name: str | None
    status: DeliveryStatus
    due_at: datetime
    send_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None
    skip_reason: str | None
    note: str | None
    updated_at: datetime


class OverviewStore(ABC):
    """Read models for pages: lists, counts, fan-outs in flight, problems, the ledger."""

    @abstractmethod
    async def search_events(
        self,
        team_ids: Sequence[int],
        *,
        now: datetime,
        text: str | None = None,
        kind: EventKind | None = None,
        status: EventStatus | None = None,
        starts_from: datetime | None = None,
        starts_to: datetime | None = None,
        organizer_id: int | None = None,
        viewer_id: int | None = None,
        limit: int,
        offset: int = 0,
    ) -> tuple[list[EventSummary], int]:
        """Events of the teams matching every given filter, one page, and how many match.

        * the next occurrence is the first planned one starting at or after
          ``max(now, starts_from)``; with ``starts_from`` or ``starts_to`` only events
          whose next occurrence starts before ``starts_to`` (if given) are kept, and
          with neither, events with no date left are kept too;
        * ``text``: a case-insensitive (Cyrillic included, ё = е) substring of the title
          or the place;
        * ``viewer_id``: only events that person organizes (any status) or active ones
          they are invited to (see the module docstring);
        * order: soonest next occurrence first, events without one last, then by id.
        """

    @abstractmethod
    async def upcoming_occurrences(
        self,
        team_ids: Sequence[int],
        *,
        after: datetime,
        before: datetime,
        viewer_id: int | None = None,
        limit: int,
    ) -> list[UpcomingOccurrence]:
        """Planned occurrences with ``after <= starts_at < before`` of the teams' active
        events (and, with ``viewer_id``, only those ``search_events`` would show that
        person), soonest first, then by event id; at most ``limit``."""

    @abstractmethod
    async def audience_sizes(self, event_ids: Sequence[int]) -> dict[int, AudienceSize]:
        """How many people and chats each event reaches now; unknown ids are left out."""

    @abstractmethod
    async def audience_people(self, event_id: int) -> list[int]:
        """The people the event's audience reaches now (``Resolved.users`` as a set),
        by id; empty for an unknown event."""

    @abstractmethod
    async def occurrence_counts(self, occurrence_ids: Sequence[int]) -> dict[int, OccurrenceCounts]:
        """Counts for each given occurrence (all zero when it has no deliveries or
        answers; unknown ids are left out)."""

    @abstractmethod
    async def answers_of(self, user_id: int, occurrence_ids: Sequence[int]) -> dict[int, Answer]:
        """The person's stored answer for each occurrence that has one."""

    @abstractmethod
    async def fanouts(
        self,
        team_ids: Sequence[int],
        *,
        due_before: datetime,
        viewer_id: int | None = None,
        limit: int = 20,
    ) -> list[FanOut]:
        """Jobs of the teams' events with a planned or claimed delivery whose send time
        is before ``due_before`` (going out now or about to), earliest due first; with
        ``viewer_id`` only events ``search_events`` would show that person."""

    @abstractmethod
    async def problems(
        self,
        team_ids: Sequence[int],
        *,
        now: datetime,
        since: datetime,
        organizer_id: int | None = None,
        limit: int = 50,
    ) -> Problems:
        """What needs someone's attention in the teams, each list at most ``limit``:

        * members who cannot be reached (stopped the bot), by name;
        * deliveries of the teams' events that failed at or after ``since``, newest
          first, with the error;
        * active events with a planned date at or after ``now`` whose audience resolves
          empty, and flagged events (on hold), by id;
        * chats the bot was removed from that served the teams (linked, named by an
          event that is not cancelled, or unlinked at or after ``since`` by the audit
          log's ``chat.unlink``), newest change first.

        With ``organizer_id`` only the event problems of events that person organizes
        are given (no members, no chats).
        """

    @abstractmethod
    async def ledger(
        self,
        *,
        occurrence_id: int | None = None,
        event_id: int | None = None,
        status: DeliveryStatus | None = None,
        limit: int,
        offset: int = 0,
    ) -> tuple[list[LedgerRow], int]:
        """Deliveries of one occurrence, or of every occurrence of an event, one page
        and the total: by occurrence start, due time, recipient name, id.

        :raises ValueError: not exactly one of ``occurrence_id`` and ``event_id``.
        """

    # --- the instance (admins' page) -------------------------------------------------

    @abstractmethod
    async def sent_per_hour(self, *, since: datetime) -> dict[datetime, int]:
        """Deliveries sent at or after ``since``, by the UTC hour of ``sent_at`` (the
        hour's start); hours with none are left out."""

    @abstractmethod
    async def last_update_at(self) -> datetime | None:
        """When the newest update from MAX still in the inbox was received, or None."""
