"""The insights port: reads over the delivery ledger and the answers, and the few rows
insights add (who came, the team's statistics settings, digest subscriptions).

The numbers themselves are computed in :mod:`maxremind.core.insights` from what these
reads return; nothing here keeps a second copy of the ledger.  A read returns each
occurrence with its recipients' reminders, answers and marks as plain numbers keyed by
person, not a row (or an object) per delivery: a year of a large team is a hundred
thousand deliveries.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from maxremind.storage.ports.common import UNSET, Unset

__all__ = [
    "FAILED",
    "PENDING",
    "SKIPPED",
    "UNREACHABLE",
    "AttendanceDue",
    "DigestTeam",
    "InsightLedger",
    "InsightSettingsRow",
    "InsightsStore",
    "OccurrenceRow",
]


# How a recipient's reminders of an occurrence ended when MAX accepted none of them (the
# best of them, in this order): the bot was stopped or the chat is gone, sending gave up
# after errors, not sent yet (planned, held or being sent), skipped.  A time MAX
# accepted one is above zero.
UNREACHABLE = -1
FAILED = -2
PENDING = -3
SKIPPED = -4


@dataclass(frozen=True, slots=True)
class OccurrenceRow:
    """An occurrence of an event that asks for confirmation, inside the window, with
    what insights count of it.

    Unlike the other ports, times of the ledger here are milliseconds since the epoch
    (UTC) and answers plain strings (``"yes"``/``"no"``/``"maybe"``): a year of a large
    team is a hundred thousand deliveries, and a datetime and an enum for each cost
    more than reading them.
    """

    occurrence_id: int
    event_id: int
    event_title: str
    organizer_id: int
    timezone: str  # the event's
    quorum: int | None
    starts_at: datetime
    local_start: datetime  # naive, in the event's zone
    # Each person's reminder deliveries: when MAX accepted the first of them; when it
    # accepted none, the code of how the best of them ended (UNREACHABLE, FAILED,
    # PENDING, SKIPPED: all below zero).
    people: Mapping[int, int] = field(default_factory=dict)
    # The times of a person's further accepted reminders, earliest first (only for
    # those with more than one).
    later: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    chats: Mapping[int, int] = field(default_factory=dict)  # as ``people``, per chat
    # The stored answers and when they were given: also of people without a reminder
    # (who answered from a chat).
    answers: Mapping[int, str] = field(default_factory=dict)
    answered_at: Mapping[int, int] = field(default_factory=dict)
    came: Mapping[int, bool] = field(default_factory=dict)  # who-came marks


@dataclass(frozen=True, slots=True)
class InsightLedger:
    occurrences: tuple[OccurrenceRow, ...]


@dataclass(frozen=True, slots=True)
class InsightSettingsRow:
    """A team's statistics settings (defaults when never set)."""

    team_id: int
    member_stats: bool = True
    digest_weekday: int = 0  # Monday
    digest_minute: int = 9 * 60  # 09:00 in the team's zone


@dataclass(frozen=True, slots=True)
class DigestTeam:
    """A team with at least one organizer who asked for the weekly digest."""

    team_id: int
    timezone: str
    digest_weekday: int
    digest_minute: int
    subscribers: tuple[tuple[int, datetime], ...]  # (user id, subscribed at)


@dataclass(frozen=True, slots=True)
class AttendanceDue:
    """An occurrence that has ended, with someone who said yes: its organizer gets the
    who-came checklist."""

    occurrence_id: int
    event_id: int
    organizer_id: int
    ended_at: datetime


class InsightsStore(ABC):
    """Reads for statistics; who came; statistics settings and digest subscriptions."""

    @abstractmethod
    async def insight_ledger(
        self,
        team_id: int,
        *,
        since: datetime,
        until: datetime,
        event_id: int | None = None,
    ) -> InsightLedger:
        """Occurrences (not cancelled) with ``since <= starts_at < until`` of the team's
        events that ask for confirmation (only ``event_id``'s when given), by start, each
        with its recipients' ``reminder`` deliveries, its answers and who-came marks,
        read in one snapshot.  Empty for an unknown team."""

    @abstractmethod
    async def attendance_of(self, occurrence_id: int) -> dict[int, bool]:
        """Who-came marks of an occurrence: person -> came."""

    @abstractmethod
    async def set_attendance(
        self, occurrence_id: int, user_id: int, came: bool | None, *, marked_by: int, at: datetime
    ) -> bool:
        """Mark (or with None unmark) whether a person came; returns whether anything
        changed (setting the same mark again changes nothing).

        :raises NotFound: no such occurrence or person.
        """

    @abstractmethod
    async def get_insight_settings(self, team_id: int) -> InsightSettingsRow:
        """The team's settings, defaults when never set (also for an unknown team)."""

    @abstractmethod
    async def set_insight_settings(
        self,
        team_id: int,
        *,
        member_stats: bool | Unset = UNSET,
        digest_weekday: int | Unset = UNSET,
        digest_minute: int | Unset = UNSET,
        at: datetime,
    ) -> InsightSettingsRow:
        """Change the given settings, keep the others.

        :raises NotFound: no such team.
        :raises InvalidValue: weekday outside 0-6 or minute outside 0-1439.
        """

    @abstractmethod
    async def set_digest_subscription(
        self, team_id: int, user_id: int, on: bool, *, at: datetime
    ) -> bool:
        """Subscribe or unsubscribe a member to the weekly digest; returns whether it
        changed.  Leaving the team ends the subscription.

        :raises NotFound: the person is not a member of the team (when subscribing).
        """

    @abstractmethod
    async def digest_subscribers(self, team_id: int) -> list[int]:
        """Members subscribed to the team's digest, by id."""

    @abstractmethod
    async def digest_teams(self) -> list[DigestTeam]:
        """Every team with at least one digest subscriber, by id."""

    @abstractmethod
    async def attendance_due(
        self, *, ended_after: datetime, ended_before: datetime
    ) -> list[AttendanceDue]:
        """Occurrences (not cancelled) of active events that ask for confirmation, whose
        end (start + duration, the start without one) is in ``[ended_after,
        ended_before)`` and that someone answered yes to; by end."""
