"""The schedule port: events, reminders, occurrences, jobs and how far each is planned."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime

from maxremind.domain.models import (
    AudienceKind,
    Event,
    EventStatus,
    Job,
    NewDelivery,
    NewEvent,
    NewJob,
    Occurrence,
    OccurrenceIn,
    ReminderSpec,
)


class ScheduleStore(ABC):
    """What should happen when: events and the reminder steps the planner derives."""

    # --- events and reminders --------------------------------------------------------

    @abstractmethod
    async def create_event(self, event: NewEvent) -> Event:
        """Store an event with its audience and reminders.

        :raises NotFound: the team or organizer does not exist.
        """

    @abstractmethod
    async def get_event(self, event_id: int) -> Event:
        """:raises NotFound:"""

    @abstractmethod
    async def list_events(
        self,
        *,
        team_id: int | None = None,
        organizer_id: int | None = None,
        status: EventStatus | None = None,
    ) -> list[Event]:
        """Events matching every given filter, by id."""

    @abstractmethod
    async def update_event(
        self, event_id: int, event: NewEvent, *, if_updated_at: datetime | None = None
    ) -> Event:
        """Replace an event's fields, audience and reminders (reminder ids change).

        ``updated_at`` always moves forward (at least a millisecond), so two edits never
        share a version.  With ``if_updated_at`` the write happens only if the event is
        still at that version, in the same statement (no edit can slip in between).

        :raises NotFound:
        :raises VersionMismatch: the event is no longer at ``if_updated_at``.
        """

    @abstractmethod
    async def set_event_status(
        self, event_id: int, status: EventStatus, reason: str | None = None
    ) -> Event:
        """:raises NotFound:"""

    @abstractmethod
    async def delete_event(self, event_id: int) -> None:
        """Delete an event with its occurrences, deliveries and answers. :raises NotFound:"""

    @abstractmethod
    async def list_events_with_audience(self, kind: AudienceKind, ref_id: int) -> list[Event]:
        """Events whose audience names this group/tag/member/chat."""

    @abstractmethod
    async def replace_reminders(
        self, event_id: int, reminders: Sequence[ReminderSpec]
    ) -> list[ReminderSpec]:
        """Replace the reminders of an event. :raises NotFound:"""

    # --- occurrences -----------------------------------------------------------------

    @abstractmethod
    async def upsert_occurrences(
        self, event_id: int, occurrences: Sequence[OccurrenceIn]
    ) -> list[Occurrence]:
        """Insert occurrences not yet known (by start instant); return all given ones.

        :raises NotFound: no such event.
        """

    @abstractmethod
    async def get_occurrence(self, occurrence_id: int) -> Occurrence:
        """:raises NotFound:"""

    @abstractmethod
    async def list_occurrences(
        self,
        event_id: int,
        *,
        after: datetime | None = None,
        before: datetime | None = None,
    ) -> list[Occurrence]:
        """Occurrences of an event with ``after <= starts_at < before``, by start."""

    @abstractmethod
    async def cancel_occurrences(
        self, event_id: int, *, after: datetime, keep: Sequence[int] = ()
    ) -> int:
        """Cancel planned occurrences starting at/after ``after`` except ``keep`` ids.

        Their still-planned jobs are dropped too, and their deliveries not yet sent
        (planned or held by quiet hours) are skipped with the reason "occurrence
        cancelled".  Returns how many were cancelled.
        """

    # --- jobs (reminder steps of occurrences) ----------------------------------------

    @abstractmethod
    async def add_jobs(self, jobs: Sequence[NewJob]) -> int:
        """Insert jobs; a key that exists is refreshed while still planned (times, planned
        recipients) and left alone once expanded, so re-planning is safe.

        Returns how many rows were inserted or refreshed.
        """

    @abstractmethod
    async def due_jobs(self, *, now: datetime, limit: int) -> list[Job]:
        """Planned jobs with ``expand_at <= now``, earliest ``due_at`` first."""

    @abstractmethod
    async def list_jobs(self, occurrence_id: int) -> list[Job]:
        """Jobs of an occurrence, by due time."""

    @abstractmethod
    async def get_job(self, job_id: int) -> Job:
        """:raises NotFound:"""

    @abstractmethod
    async def finish_job(
        self,
        job_id: int,
        *,
        deliveries: Sequence[NewDelivery],
        expected_finish: datetime | None,
    ) -> int:
        """Mark a planned job expanded and insert its deliveries, atomically.

        Returns how many deliveries were new; a job already expanded is left alone
        (returns 0), so two workers cannot both expand it.
        """

    @abstractmethod
    async def skip_job(self, job_id: int, reason: str) -> bool:
        """Mark a planned job skipped; False if it was no longer planned."""

    @abstractmethod
    async def drop_planned_jobs(self, event_id: int, *, keep: Sequence[str] = ()) -> int:
        """Delete the event's still-planned jobs except ``keep`` keys (before re-planning)."""

    @abstractmethod
    async def events_needing_plan(self, *, horizon_end: datetime) -> list[int]:
        """Ids of active events whose planned horizon ends before ``horizon_end``."""

    @abstractmethod
    async def invalidate_plans(
        self, *, user_id: int | None = None, team_id: int | None = None
    ) -> int:
        """Make the planner look again at active events of the user's teams (or the
        events they organize), or of one team; returns how many events."""

    @abstractmethod
    async def set_planned_until(self, event_id: int, until: datetime) -> None:
        """Remember how far ahead an event's occurrences have been planned."""
