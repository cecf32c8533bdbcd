"""Calendar feeds: their records (by the hash of their token) and the reads that build
one — the events of a scope with their dates and answers, in a few statements whatever
their number, and a cheap fingerprint that changes whenever a feed's content may have."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from maxremind.domain.feeds import CalendarFeed, FeedKind, FeedScope
from maxremind.domain.models import Confirmation, EventStatus, Occurrence, ReminderTarget

# These are tuples, not frozen dataclasses: a feed reads hundreds of them per render, and
# a frozen dataclass costs four times as much to build.


class FeedReminder(NamedTuple):
    """A reminder step before each date of an event: how long before, and to whom."""

    offset: timedelta
    target: ReminderTarget


class FeedEvent(NamedTuple):
    """An event as a feed shows it: the fields of :class:`~maxremind.domain.models.Event`
    a calendar file needs, under the same names — without its audience (the read itself
    applies it), its team and kind, and its reminders at a fixed instant (a calendar
    has no place for them).  Building whole events was half the time of a feed."""

    id: int
    organizer_id: int
    title: str
    start_local: datetime  # naive wall time in ``timezone``
    timezone: str
    description: str
    place: str
    duration: timedelta | None
    rrule: str | None
    exdates: tuple[str, ...]
    reminders: tuple[FeedReminder, ...]  # steps before each date, in the event's order
    status: EventStatus
    created_at: datetime
    updated_at: datetime


class FeedEventRow(NamedTuple):
    """An event as a feed reads it, with its RFC 5545 ``SEQUENCE`` (bumped by the
    database whenever its time or place changes or it is cancelled)."""

    event: FeedEvent
    sequence: int
    invited: bool = False  # personal feeds: the audience reaches the person


class CalendarStore(ABC):
    @abstractmethod
    async def add_calendar_feed(
        self,
        token_hash: str,
        kind: FeedKind,
        user_id: int,
        *,
        team_id: int | None = None,
        group_id: int | None = None,
        at: datetime,
    ) -> CalendarFeed:
        """:raises AlreadyExists: the hash is taken.
        :raises InvalidValue: the kind does not fit the team and group given."""

    @abstractmethod
    async def find_calendar_feed(self, token_hash: str) -> CalendarFeed | None:
        """The feed with this token hash, live or revoked."""

    @abstractmethod
    async def list_calendar_feeds(self, user_id: int) -> list[CalendarFeed]:
        """The person's live feeds, newest first."""

    @abstractmethod
    async def revoke_calendar_feed(self, user_id: int, feed_id: int, *, at: datetime) -> bool:
        """Revoke one of the person's live feeds; False if there is no such live feed."""

    @abstractmethod
    async def feed_events(self, scope: FeedScope, *, since: datetime) -> list[FeedEventRow]:
        """The scope's events (not announcements), by id:

        * personal: the person's quick reminders and the events of their teams they
          organize or whose audience reaches them (``Resolved.users``; ``invited``);
        * team: the team's events; group: the team's events whose audience names the group;

        leaving out one-off events that started more than a day before ``since`` and
        events cancelled before ``since``.  Each with its reminders that have an offset
        (all targets), in the order they were stored."""

    @abstractmethod
    async def feed_occurrences(
        self, event_ids: Sequence[int], *, since: datetime
    ) -> list[Occurrence]:
        """Stored dates of these events starting at or after ``since``, by event, start."""

    @abstractmethod
    async def feed_answers(
        self, event_ids: Sequence[int], *, since: datetime, user_id: int | None = None
    ) -> list[Confirmation]:
        """Answers for those dates (only ``user_id``'s when given)."""

    @abstractmethod
    async def feed_fingerprint(self, scope: FeedScope, *, since: datetime) -> str:
        """A short text that changes when an event of the scope is created, edited,
        cancelled or deleted, or an answer in it is given or changed."""
