"""The calendar import port: sources a team imports from, and which event is which.

The port keeps no rule: who may import, what a feed owns and how changes apply are
:mod:`maxremind.services.calendar_import`'s.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime

from maxremind.domain.calendar_sources import (
    CalendarSource,
    CalendarUpload,
    FetchRecord,
    ImportedLink,
    NewCalendarSource,
    NewCalendarUpload,
)


class CalendarImportStore(ABC):
    """Calendar sources of teams and the events imported from them."""

    @abstractmethod
    async def add_calendar_source(
        self, source: NewCalendarSource, *, at: datetime
    ) -> CalendarSource:
        """Store a new source, active, never fetched.

        :raises NotFound: no such team, group or user.
        """

    @abstractmethod
    async def get_calendar_source(self, source_id: int) -> CalendarSource:
        """:raises NotFound: no such source."""

    @abstractmethod
    async def find_upload_source(self, team_id: int, group_id: int | None) -> CalendarSource | None:
        """The source files uploaded to this team (and group, or the whole team) gather in."""

    @abstractmethod
    async def list_calendar_sources(self, team_id: int) -> list[CalendarSource]:
        """A team's sources, oldest first."""

    @abstractmethod
    async def list_due_calendar_sources(self, now: datetime) -> list[CalendarSource]:
        """Active subscriptions due at ``now`` (never fetched, or fetched at least their
        ``refresh_minutes`` ago), the longest waiting first."""

    @abstractmethod
    async def record_calendar_fetch(self, source_id: int, record: FetchRecord) -> CalendarSource:
        """Note a refresh: always its time; after a good one (``record.ok``) the validators,
        the name, ``last_ok_at`` and a cleared error; after a failure only the error, so
        the last good state stays as it was.

        :raises NotFound: no such source.
        """

    @abstractmethod
    async def delete_calendar_source(self, source_id: int) -> None:
        """Forget a source and its links (the events stay, no longer owned by it).

        :raises NotFound: no such source.
        """

    @abstractmethod
    async def list_imported(self, source_id: int) -> list[ImportedLink]:
        """Every link of a source, in any state."""

    @abstractmethod
    async def save_imported(self, links: Sequence[ImportedLink], *, at: datetime) -> None:
        """Insert or replace links (keyed by source, UID and recurrence key).

        :raises NotFound: the source or an event does not exist.
        """

    @abstractmethod
    async def event_calendar_source(self, event_id: int) -> CalendarSource | None:
        """The source an event was imported from and is still linked to (any state of the
        link but ``removed``), or None for an event made in maxremind."""

    # --- files sent to the bot, waiting to be imported ---------------------------------

    @abstractmethod
    async def add_calendar_upload(
        self, upload: NewCalendarUpload, *, at: datetime
    ) -> CalendarUpload:
        """Store a request to import a file, free to be claimed.

        :raises NotFound: no such team, group or user.
        """

    @abstractmethod
    async def claim_calendar_upload(
        self, *, now: datetime, until: datetime
    ) -> CalendarUpload | None:
        """Take the oldest request that is free (never claimed, released, or its claim
        ran out before ``now``) until ``until``; None when there is none.  Two callers
        never get the same request while its claim lasts."""

    @abstractmethod
    async def release_calendar_upload(self, upload_id: int) -> None:
        """Free a claimed request (its import was stopped); an unknown id is ignored."""

    @abstractmethod
    async def release_calendar_uploads(self) -> int:
        """Free every claimed request (at start-up: whoever claimed them is gone);
        returns how many."""

    @abstractmethod
    async def finish_calendar_upload(self, upload_id: int) -> None:
        """Forget a request that was done (with the result told).

        :raises NotFound: no such request (done already).
        """

    @abstractmethod
    async def list_calendar_uploads(self, team_id: int) -> list[CalendarUpload]:
        """A team's requests still waiting or under way, oldest first."""
