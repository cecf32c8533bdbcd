"""Events and announcements: validation, permissions, saving, and telling the engine.

Bad input gets an :class:`EventRejected` with a machine ``reason`` (the bot and the
web turn it into a message in the person's language) and nothing is saved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from maxremind.core.audience import resolve_audience
from maxremind.domain.clock import Clock, utcnow
from maxremind.domain.escalation import MAX_OFFSET
from maxremind.domain.models import (
    AudienceKind,
    DeliveryKind,
    DeliveryStatus,
    Event,
    EventKind,
    EventStatus,
    JobStatus,
    NewDelivery,
    NewEvent,
    Occurrence,
    OccurrenceStatus,
    RecipientKind,
    ReminderSpec,
    ReminderTarget,
    Role,
)
from maxremind.domain.recurrence import RecurrenceError, check_fires, next_occurrence
from maxremind.domain.rrule import parse_exdates
from maxremind.domain.zones import UnknownTimezone, zone_named
from maxremind.storage import NotFound, Storage
from maxremind.storage.errors import VersionMismatch

log = logging.getLogger(__name__)

MAX_TITLE = 200
MAX_DESCRIPTION = 2000
MAX_ANNOUNCEMENT = 4000  # an announcement's text may fill a whole MAX message
MAX_QUORUM = 10_000  # more "yes" answers than any team has people
# A change of time or place to an event starting this soon is also announced in MAX.
CHANGE_NOTICE_WINDOW = timedelta(hours=24)


class Planning(Protocol):
    """What services need from the engine's planner: (re)plan one event now.  A
    protocol, so services do not import the engine (app.py hands the planner in)."""

    async def plan_event(self, event_id: int) -> object: ...


class EventRejected(ValueError):
    """An event cannot be saved; ``reason`` says why, ``detail`` what exactly."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class PermissionDenied(PermissionError):
    """The person lacks ``needed`` in the team."""

    def __init__(self, needed: Role) -> None:
        super().__init__(f"needs the role {needed.value}")
        self.needed = needed


class EditConflict(RuntimeError):
    """Someone else changed the event after the editor loaded it; nothing was saved."""

    def __init__(self, event: Event) -> None:
        super().__init__(f"event {event.id} changed at {event.updated_at.isoformat()}")
        self.event = event  # as it is now


@dataclass(frozen=True)
class Cancellation:
    event: Event
    notified: int  # people and chats that had been reminded and are told it is off


class EventService:
    def __init__(
        self,
        storage: Storage,
        planner: Planning,
        *,
        poke: Callable[[], None] = lambda: None,
        clock: Clock = utcnow,
    ) -> None:
        self.storage = storage
        self.planner = planner
        self.poke = poke
        self.clock = clock

    async def _require_role(self, team_id: int | None, user_id: int, role: Role) -> None:
        if team_id is None:
            return
        try:
            member = await self.storage.get_member(team_id, user_id)
        except NotFound:
            raise PermissionDenied(role) from None
        if not member.role.at_least(role):
            raise PermissionDenied(role)

    async def validate(self, spec: NewEvent) -> None:
        """:raises EventRejected: the first problem found."""
        if not spec.title.strip():
            raise EventRejected("empty_title")
        longest = MAX_ANNOUNCEMENT if spec.kind is EventKind.ANNOUNCEMENT else MAX_DESCRIPTION
        if len(spec.title) > MAX_TITLE or len(spec.description) > longest:
            raise EventRejected("too_long")
        try:
            tz = zone_named(spec.timezone)
        except UnknownTimezone:
            raise EventRejected("bad_timezone", spec.timezone[:64]) from None
        if spec.quorum is not None and not 1 <= spec.quorum <= MAX_QUORUM:
            raise EventRejected("bad_quorum", str(spec.quorum))
        for reminder in spec.reminders:
            if reminder.offset is not None and not (timedelta(0) <= reminder.offset <= MAX_OFFSET):
                raise EventRejected("offset_too_long", str(reminder.offset))
        now = self.clock()
        try:
            exdates = parse_exdates(spec.exdates)
            check_fires(spec.start_local, tz, spec.rrule, exdates)
        except (RecurrenceError, ValueError) as exc:
            raise EventRejected("never_fires", str(exc)) from None
        upcoming = next_occurrence(
            spec.start_local, tz, spec.rrule, exdates, after=now - timedelta(seconds=1)
        )
        if upcoming is None:
            raise EventRejected("in_the_past")
        if not spec.audience:
            raise EventRejected("empty_audience")
        probe = await resolve_audience(self.storage, unsaved_event(spec, self.clock()))
        if probe.missing:
            raise EventRejected("audience_gone", ", ".join(e.kind.value for e in probe.missing))
        if probe.size == 0:
            raise EventRejected("empty_audience")

    async def create(self, spec: NewEvent, *, scheduled: bool = False) -> Event:
        """Validate, check the organizer's role, save and plan.

        An announcement goes out now, unless ``scheduled``: then at its ``start_local``
        (which must be ahead), once.

        :raises EventRejected: bad input (nothing saved).
        :raises PermissionDenied: announcements and team events need an organizer.
        """
        await self._require_role(spec.team_id, spec.organizer_id, Role.ORGANIZER)
        if spec.kind is EventKind.ANNOUNCEMENT:
            start = spec.start_local if scheduled else _local_now(self.clock(), spec.timezone)
            spec = replace(spec, start_local=start, rrule=None)
        await self.validate(spec)
        event = await self.storage.create_event(spec)
        await self._audit(event, spec.organizer_id, "event.create")
        await self.planner.plan_event(event.id)
        self.poke()
        return event

    async def update(
        self,
        event_id: int,
        spec: NewEvent,
        *,
        actor_id: int,
        expected_updated_at: datetime | None = None,
        by_source: int | None = None,
    ) -> Event:
        """Replace an event; planned reminders follow, sent ones stay in the ledger.

        :param expected_updated_at: the version the editor started from; if the event
            changed since, nothing is saved.
        :raises EditConflict: the event changed after ``expected_updated_at``.
        :raises EventRejected: ``from_calendar``, a subscribed calendar owns the event
            (unless ``by_source`` is that calendar: its importer applies the change).
        """
        current = await self.storage.get_event(event_id)
        await self._require_manage(current, actor_id)
        await self._require_not_sourced(event_id, by_source)
        await self.validate(spec)
        moved = _moved(current, spec)
        soon = await self._dates_soon(event_id) if moved else []
        now = self.clock()
        # A repeating event (before or after the edit) whose dates change: see below.
        repeats = bool(current.rrule or spec.rrule)
        dates_before = await self._planned_dates(event_id, now) if repeats else []
        try:
            # The version check and the write are one statement: no edit slips between.
            event = await self.storage.update_event(
                event_id, spec, if_updated_at=expected_updated_at
            )
        except VersionMismatch:
            raise EditConflict(await self.storage.get_event(event_id)) from None
        if event.status is EventStatus.FLAGGED:
            event = await self.storage.set_event_status(event_id, EventStatus.ACTIVE)
        await self._audit(event, actor_id, "event.update")
        await self.planner.plan_event(event_id)
        if moved:
            await self._tell_changed(event, soon, actor_id)
        if repeats:
            # Those already reminded of a date the edited rule no longer has are told it
            # is off, through the ledger like any other message (a restart loses nothing).
            dropped = await self._dropped_dates(event_id, dates_before, now)
            await self._tell_reminded(dropped, actor_id, now, payload='{"dropped": true}')
        self.poke()
        return event

    async def _planned_dates(self, event_id: int, now: datetime) -> list[Occurrence]:
        return [
            o
            for o in await self.storage.list_occurrences(event_id, after=now)
            if o.status is OccurrenceStatus.PLANNED
        ]

    async def _dropped_dates(
        self, event_id: int, before: list[Occurrence], now: datetime
    ) -> list[Occurrence]:
        """Dates that were planned before an edit and are not any more: the planner
        cancelled them and no date of the edited rule falls on their day (a date whose
        time moved is the same date, changed; :meth:`_tell_changed` covers that)."""
        after = {o.id: o for o in await self.storage.list_occurrences(event_id, after=now)}
        days = {
            o.local_start.date() for o in after.values() if o.status is OccurrenceStatus.PLANNED
        }
        return [
            o
            for o in before
            if o.id in after
            and after[o.id].status is OccurrenceStatus.CANCELLED
            and o.local_start.date() not in days
        ]

    async def _dates_soon(self, event_id: int) -> list[Occurrence]:
        """Planned dates starting within :data:`CHANGE_NOTICE_WINDOW`."""
        now = self.clock()
        return [
            o
            for o in await self.storage.list_occurrences(
                event_id, after=now, before=now + CHANGE_NOTICE_WINDOW
            )
            if o.status is OccurrenceStatus.PLANNED
        ]

    async def _tell_changed(self, event: Event, soon: list[Occurrence], actor_id: int) -> int:
        """Calendar apps refresh a subscription slowly (Google: hours), so when the time or
        place of an event starting within a day changes, its audience (but the one who
        changed it) is told in MAX at once: the reminder of its next date as it is now,
        marked as changed.  Once per edit, and not when a reminder step of that date goes
        out to everyone now anyway; returns how many were queued."""
        now = self.clock()
        upcoming = await self._dates_soon(event.id)
        following = (
            upcoming
            or [
                o
                for o in await self.storage.list_occurrences(event.id, after=now)
                if o.status is OccurrenceStatus.PLANNED
            ][:1]
        )
        if not (soon or upcoming) or not following:
            return 0
        target = following[0]
        team = await self.storage.get_team(event.team_id) if event.team_id is not None else None
        skips_short = team is not None and team.skip_short_notice  # those are not sent
        if any(
            job.status is JobStatus.PLANNED
            and job.target is ReminderTarget.ALL
            and job.due_at <= now + timedelta(minutes=5)
            and not (job.short_notice and skips_short)
            for job in await self.storage.list_jobs(target.id)
        ):
            return 0  # a step for everyone goes out now anyway, with the new time and place
        audience = await resolve_audience(self.storage, event)
        version = int(event.updated_at.timestamp() * 1000)
        recipients = [(RecipientKind.USER, u) for u in audience.users if u != actor_id]
        recipients += [(RecipientKind.CHAT, c) for c in audience.chats]
        return await self.storage.add_deliveries(
            [
                NewDelivery(
                    key=f"changed:{target.id}:{version}:{kind.value}:{recipient}",
                    recipient_kind=kind,
                    recipient_id=recipient,
                    due_at=now,
                    send_at=now,
                    kind=DeliveryKind.REMINDER,
                    occurrence_id=target.id,
                    payload='{"changed": true}',
                )
                for kind, recipient in recipients
            ]
        )

    async def cancel(
        self, event_id: int, *, actor_id: int, by_source: int | None = None
    ) -> Cancellation:
        """Cancel the event's dates that have not started; whoever was already reminded
        of one of them (except the one cancelling) is told it is off, once, in their
        language and zone.

        :raises EventRejected: ``from_calendar``, as for :meth:`update`.
        """
        current = await self.storage.get_event(event_id)
        await self._require_manage(current, actor_id)
        await self._require_not_sourced(event_id, by_source)
        now = self.clock()
        upcoming = [
            o
            for o in await self.storage.list_occurrences(event_id)
            if o.status is OccurrenceStatus.PLANNED and o.starts_at >= now
        ]
        event = await self.storage.set_event_status(event_id, EventStatus.CANCELLED, "cancelled")
        await self.storage.cancel_occurrences(event_id, after=now)
        await self.storage.drop_planned_jobs(event_id)
        notified = await self._tell_reminded(upcoming, actor_id, now)
        await self._audit(event, actor_id, "event.cancel")
        self.poke()
        return Cancellation(event, notified=notified)

    async def cancel_occurrence(
        self, event_id: int, occurrence_id: int, *, actor_id: int, by_source: int | None = None
    ) -> Cancellation:
        """Cancel one date of a repeating event; the other dates stay.

        The date joins the event's skipped dates (``exdates``, as RFC 5545 and the .ics
        export have it), so re-planning never brings it back; the planner cancels the
        occurrence, drops its planned steps and skips what was waiting to be sent, and
        whoever was already reminded of it (except the one cancelling) is told.  A
        one-off event has a single date: cancelling it cancels the event.

        :raises NotFound: no such event, or the occurrence is not one of its dates.
        :raises EventRejected: ``occurrence_over``, the date has started or is cancelled.
        :raises PermissionDenied: only the organizer or a team admin may.
        :raises EventRejected: ``from_calendar``, as for :meth:`update`.
        """
        current = await self.storage.get_event(event_id)
        await self._require_manage(current, actor_id)
        await self._require_not_sourced(event_id, by_source)
        occurrence = await self.storage.get_occurrence(occurrence_id)
        if occurrence.event_id != event_id:
            raise NotFound(f"occurrence {occurrence_id} of event {event_id}")
        now = self.clock()
        if occurrence.status is not OccurrenceStatus.PLANNED or occurrence.starts_at < now:
            raise EventRejected("occurrence_over", str(occurrence_id))
        if current.rrule is None:
            return await self.cancel(event_id, actor_id=actor_id, by_source=by_source)
        skipped = occurrence.local_start.date().isoformat()
        spec = replace(_as_spec(current), exdates=tuple(sorted({*current.exdates, skipped})))
        event = await self.storage.update_event(event_id, spec)
        await self.planner.plan_event(event_id)
        notified = await self._tell_reminded([occurrence], actor_id, now)
        await self.storage.add_audit(
            team_id=event.team_id,
            actor_id=actor_id,
            action="event.cancel_date",
            subject=f"event:{event.id}",
            details={"title": event.title, "date": skipped, "occurrence": occurrence.id},
            at=now,
        )
        self.poke()
        return Cancellation(event, notified=notified)

    async def set_roster_visible(self, event_id: int, visible: bool, *, actor_id: int) -> Event:
        """Let those invited see who answered what (``visible``), or stop; the rest of the
        event stays.  :raises PermissionDenied: :raises NotFound: :raises EventRejected:"""
        current = await self.storage.get_event(event_id)
        if current.roster_visible is visible:
            await self._require_manage(current, actor_id)
            return current
        spec = replace(_as_spec(current), roster_visible=visible)
        return await self.update(event_id, spec, actor_id=actor_id)

    async def _tell_reminded(
        self, occurrences: list[Occurrence], actor_id: int, now: datetime, payload: str = "{}"
    ) -> int:
        """Queue a "cancelled" notice for everyone already reminded of these dates, once
        each (the one cancelling knows); returns how many.  ``payload`` ``{"dropped":
        true}`` says the date fell out of an edited repeat rule (the event goes on)."""
        notices = []
        for occurrence in occurrences:
            told = {
                (d.recipient_kind, d.recipient_id)
                for d in await self.storage.list_deliveries(occurrence.id)
                if d.status is DeliveryStatus.SENT
                and d.kind in (DeliveryKind.REMINDER, DeliveryKind.SNOOZE)
            }
            told.discard((RecipientKind.USER, actor_id))  # who cancels knows
            notices += [
                NewDelivery(
                    key=f"cancelled:{occurrence.id}:{kind.value}:{recipient}",
                    recipient_kind=kind,
                    recipient_id=recipient,
                    due_at=now,
                    send_at=now,
                    kind=DeliveryKind.CANCELLED,
                    occurrence_id=occurrence.id,
                    payload=payload,
                )
                for kind, recipient in sorted(told)
            ]
        await self.storage.add_deliveries(notices)
        return len(notices)

    async def _require_not_sourced(self, event_id: int, by_source: int | None) -> None:
        """A subscribed calendar owns what it imported: a change made here would be undone
        at its next refresh, so it is refused with the reason (made in the source, it
        comes through).  An uploaded file owns nothing: its events are ours to edit."""
        source = await self.storage.event_calendar_source(event_id)
        if source is not None and source.owns_events and source.id != by_source:
            raise EventRejected("from_calendar", source.name)

    async def _require_manage(self, event: Event, actor_id: int) -> None:
        if event.organizer_id == actor_id:
            return
        await self._require_role(event.team_id, actor_id, Role.ADMIN)
        if event.team_id is None:
            raise PermissionDenied(Role.OWNER)

    async def group_deleted(self, group_id: int) -> list[Event]:
        """Flag events that named a deleted group; returns them (organizers are told)."""
        return await self._audience_deleted(AudienceKind.GROUP, group_id)

    async def tag_deleted(self, tag_id: int) -> list[Event]:
        """Flag events that named a deleted tag; returns them (organizers are told)."""
        return await self._audience_deleted(AudienceKind.TAG, tag_id)

    async def _audience_deleted(self, kind: AudienceKind, ref_id: int) -> list[Event]:
        flagged = []
        for event in await self.storage.list_events_with_audience(kind, ref_id):
            if event.status is EventStatus.ACTIVE:
                flagged.append(
                    await self.storage.set_event_status(
                        event.id, EventStatus.FLAGGED, "audience_gone"
                    )
                )
        return flagged

    async def _audit(self, event: Event, actor_id: int, action: str) -> None:
        await self.storage.add_audit(
            team_id=event.team_id,
            actor_id=actor_id,
            action=action,
            subject=f"event:{event.id}",
            details={"title": event.title},
            at=self.clock(),
        )


def _moved(current: Event, spec: NewEvent) -> bool:
    """Whether an edit changes when or where the event happens."""
    return (
        current.start_local,
        current.timezone,
        current.rrule,
        current.duration,
        current.place,
    ) != (
        spec.start_local,
        spec.timezone,
        spec.rrule,
        spec.duration,
        spec.place,
    )


def _local_now(now: datetime, timezone: str) -> datetime:
    """Now as a naive wall time in ``timezone``, in whole seconds (so it is due at once)."""
    return now.astimezone(ZoneInfo(timezone)).replace(tzinfo=None, microsecond=0)


def _as_spec(event: Event) -> NewEvent:
    """A saved event as the spec that would save it again (reminders without ids)."""
    return NewEvent(
        team_id=event.team_id,
        organizer_id=event.organizer_id,
        title=event.title,
        start_local=event.start_local,
        timezone=event.timezone,
        kind=event.kind,
        description=event.description,
        place=event.place,
        duration=event.duration,
        rrule=event.rrule,
        exdates=event.exdates,
        audience=event.audience,
        reminders=tuple(ReminderSpec(r.offset, r.at, r.target) for r in event.reminders),
        confirm_required=event.confirm_required,
        urgent=event.urgent,
        quorum=event.quorum,
        roster_visible=event.roster_visible,
    )


def unsaved_event(spec: NewEvent, now: datetime | None = None) -> Event:
    """A spec as an event that is not saved (id 0), for the audience rule (the checks
    before saving, the web's preview)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    return Event(
        id=0,
        team_id=spec.team_id,
        organizer_id=spec.organizer_id,
        title=spec.title,
        start_local=spec.start_local,
        timezone=spec.timezone,
        kind=spec.kind,
        description=spec.description,
        place=spec.place,
        duration=spec.duration,
        rrule=spec.rrule,
        exdates=spec.exdates,
        audience=spec.audience,
        reminders=(),
        confirm_required=spec.confirm_required,
        urgent=spec.urgent,
        quorum=spec.quorum,
        status=EventStatus.ACTIVE,
        status_reason=None,
        created_at=now,
        updated_at=now,
        roster_visible=spec.roster_visible,
    )
