"""Calendars a team imports events from, as the storage port hands them back.

A source is an uploaded file (one ``upload`` source per team and group gathers every
file uploaded to it) or a subscribed ICS feed (``url``, re-fetched on a schedule).  An
imported event is linked to the source event it stands for; the link is how a change or
a cancellation in the source finds the event, and how maxremind knows the event belongs
to a feed (and is read-only here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from maxremind.domain.models import Language


class SourceKind(StrEnum):
    UPLOAD = "upload"
    URL = "url"


class LinkState(StrEnum):
    ACTIVE = "active"  # the source has it
    CANCELLED = "cancelled"  # the source cancelled it (STATUS:CANCELLED)
    REMOVED = "removed"  # it vanished from the source


@dataclass(frozen=True, slots=True)
class CalendarSource:
    id: int
    team_id: int
    group_id: int | None
    kind: SourceKind
    name: str
    url: str | None
    etag: str | None
    last_modified: str | None  # the feed's Last-Modified header, as it sent it
    last_fetched_at: datetime | None
    last_ok_at: datetime | None
    last_error: str | None  # a reason code (see services.calendar_import), None when fine
    last_error_detail: str | None
    refresh_minutes: int
    use_alarms: bool  # reminders from the calendar's own alarms, not the team's defaults
    created_by: int
    created_at: datetime
    active: bool
    last_report: dict[str, Any] = field(default_factory=dict)

    @property
    def owns_events(self) -> bool:
        """A subscribed feed owns what it imported: edits belong in the source calendar."""
        return self.kind is SourceKind.URL and self.active

    def due_at(self) -> datetime | None:
        """When a subscription is next to be fetched (None: an upload, or switched off)."""
        if self.kind is not SourceKind.URL or not self.active:
            return None
        if self.last_fetched_at is None:
            return self.created_at
        return self.last_fetched_at + timedelta(minutes=self.refresh_minutes)


@dataclass(frozen=True, slots=True)
class NewCalendarSource:
    team_id: int
    kind: SourceKind
    created_by: int
    group_id: int | None = None
    name: str = ""
    url: str | None = None
    refresh_minutes: int = 60
    use_alarms: bool = False


@dataclass(frozen=True, slots=True)
class ImportedLink:
    """Which maxremind event stands for one event of a source (see
    :class:`maxremind.calendar.importer.ImportedItem` for ``recurrence_key``)."""

    source_id: int
    source_uid: str
    recurrence_key: str
    event_id: int
    fingerprint: str
    state: LinkState = LinkState.ACTIVE
    sequence: int = 0
    last_modified: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """What one refresh of a source leaves on it."""

    at: datetime
    ok: bool
    etag: str | None = None
    last_modified: str | None = None
    name: str | None = None  # None keeps the name
    error: str | None = None
    error_detail: str | None = None
    report: dict[str, Any] | None = None  # None keeps the last report


@dataclass(frozen=True, slots=True)
class NewCalendarUpload:
    """A file sent to the bot, to be imported by the import loop (see
    ``services.calendar_import.CalendarImport.request_upload``)."""

    team_id: int
    actor_id: int  # who sent it: organizes what it brings, and is told the result
    url: str  # where MAX keeps the file
    language: Language  # of the answer
    group_id: int | None = None
    filename: str = ""
    chat_id: int | None = None  # answer there; None: in the person's dialog
    page_url: str | None = None  # the import page, linked from the answer
    use_alarms: bool = False


@dataclass(frozen=True, slots=True)
class CalendarUpload(NewCalendarUpload):
    """A file waiting to be imported (or being imported: ``claimed_until`` is set)."""

    id: int = 0
    created_at: datetime | None = None
    claimed_until: datetime | None = None
