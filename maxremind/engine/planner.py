"""Planner: turns events and their reminder steps into due jobs stored in the database.

Occurrences of recurring events are materialized over a rolling horizon (and the next
one always, however far ahead); every (occurrence × reminder step) due within the
horizon becomes one job with a stable key, so re-planning
after an edit keeps the steps that did not change, drops the planned ones that
did, and never re-creates a step that was already sent.

A job is expanded into per-recipient deliveries at ``expand_at``: for a large
audience that is earlier than ``due_at`` by the time MAX's rate limit needs, less
a minute, so the last recipient is told no later than a minute after due time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from maxremind.core.audience import member_clock, resolve_audience
from maxremind.domain.clock import Clock, utcnow
from maxremind.domain.escalation import due_before
from maxremind.domain.models import (
    Event,
    EventKind,
    EventStatus,
    NewJob,
    Occurrence,
    OccurrenceIn,
    Reminder,
    ReminderTarget,
)
from maxremind.domain.quiet_hours import QuietHours, parse_quiet_hours, place_send_time
from maxremind.domain.recurrence import OccurrenceTime, expand, next_occurrence
from maxremind.domain.rrule import parse_exdates
from maxremind.storage import Storage

log = logging.getLogger(__name__)

HORIZON = timedelta(days=35)
# Plan again once less than this much of the horizon is left.
REPLAN_MARGIN = timedelta(days=7)
# A step due at most this long before its event was saved is sent as usual (an
# announcement "now" is due the second it is made); one due earlier is short notice.
SHORT_NOTICE_SLACK = timedelta(seconds=30)
# What fan-out may take past due time: the last recipient hears within this.
FANOUT_SLACK = timedelta(seconds=50)


def job_key(occurrence_id: int, reminder: Reminder) -> str:
    """Stable across edits that keep the step: occurrence × target × when."""
    when = (
        f"o{int(reminder.offset.total_seconds())}"
        if reminder.offset is not None
        else f"a{int(reminder.at.timestamp())}"  # type: ignore[union-attr]
    )
    return f"{occurrence_id}:{reminder.target.value}:{when}"


def _dates_to_keep(
    event: Event, tz: ZoneInfo, *, after: datetime, horizon_end: datetime
) -> list[OccurrenceTime]:
    """The dates stored for an event: those within the horizon, those a reminder step
    reaches into the horizon ("1 week before" an event 40 days ahead), and always the
    next one, however far: a date the event has is what people see, list and cancel
    (a reminder "in 6 months" shows its date at once), whatever the planner's horizon."""
    exdates = parse_exdates(event.exdates)
    reach = max((r.offset for r in event.reminders if r.offset is not None), default=timedelta(0))
    # Whole-day offsets count days on the wall clock: a day more covers a DST shift.
    before = horizon_end + reach + (timedelta(days=1) if reach.days else timedelta(0))
    times = expand(event.start_local, tz, event.rrule, exdates, after=after, before=before)
    if not times:
        following = next_occurrence(event.start_local, tz, event.rrule, exdates, after=after)
        times = [following] if following is not None else []
    return times


def fanout_lead(messages: int, rps: float) -> timedelta:
    """How much earlier than due time a fan-out of ``messages`` must start."""
    needed = timedelta(seconds=messages / rps) if rps > 0 else timedelta(0)
    return max(timedelta(0), needed - FANOUT_SLACK)


@dataclass(frozen=True)
class PlanResult:
    occurrences: int
    jobs_added: int
    jobs_dropped: int


class Planner:
    """Materializes occurrences and jobs; safe to run any number of times."""

    def __init__(self, storage: Storage, *, rps: float, clock: Clock = utcnow) -> None:
        self.storage = storage
        self.rps = rps
        self.clock = clock

    async def plan_pending(self) -> int:
        """Plan every active event whose horizon runs short (or that changed)."""
        now = self.clock()
        planned = 0
        for event_id in await self.storage.events_needing_plan(horizon_end=now + REPLAN_MARGIN):
            try:
                await self.plan_event(event_id)
                planned += 1
            except Exception:
                # One broken event must not stop everybody else's reminders.
                log.exception("planning event %s failed", event_id)
        return planned

    async def plan_event(self, event_id: int) -> PlanResult:
        event = await self.storage.get_event(event_id)
        now = self.clock()
        if event.status is not EventStatus.ACTIVE:
            dropped = await self.storage.drop_planned_jobs(event_id)
            return PlanResult(0, 0, dropped)
        tz = ZoneInfo(event.timezone)
        horizon_end = now + HORIZON
        times = _dates_to_keep(event, tz, after=now - timedelta(seconds=1), horizon_end=horizon_end)
        occurrences = await self.storage.upsert_occurrences(
            event_id, [OccurrenceIn(t.at, t.local, t.adjustment) for t in times]
        )
        # Future occurrences that no longer match the (edited) rule are cancelled, not
        # deleted: their ledger stays readable.
        await self.storage.cancel_occurrences(event_id, after=now, keep=[o.id for o in occurrences])
        audience = await resolve_audience(self.storage, event)
        quiet = await self._quiet_hours(event, audience.users)
        # Steps due past the horizon wait for a later run (their audience, quiet hours
        # and fan-out are decided nearer the time); the event is planned again while at
        # least REPLAN_MARGIN of its horizon is left, so none is planned late.
        jobs = [
            job
            for occ in occurrences
            for job in self._jobs(event, occ, tz, audience.users, audience.size, quiet)
            if job.due_at <= horizon_end
        ]
        dropped = await self.storage.drop_planned_jobs(event_id, keep=[j.key for j in jobs])
        # Steps already due when first planned (an event created less than "1 day"
        # ahead, say) are marked: the expander sends them at once saying why, or skips
        # them, as the team chose, and never reports them as late for an outage.  A
        # re-plan does not change the mark of a stored step.
        jobs = [replace(job, short_notice=job.due_at < now - SHORT_NOTICE_SLACK) for job in jobs]
        added = await self.storage.add_jobs(jobs)
        await self.storage.set_planned_until(event_id, horizon_end)
        return PlanResult(len(occurrences), added, dropped)

    async def _quiet_hours(
        self, event: Event, users: list[int]
    ) -> list[tuple[QuietHours, ZoneInfo]]:
        """The distinct (quiet hours, zone) pairs of the audience; none for urgent events."""
        if event.urgent:
            return []
        team = await self.storage.get_team(event.team_id) if event.team_id is not None else None
        found: set[tuple[str, str]] = set()
        for user in (await self.storage.get_users(users)).values():
            zone, spec = member_clock(user, team, event)
            if spec is not None:
                found.add((str(spec), zone))
        return [(parse_quiet_hours(spec), ZoneInfo(zone)) for spec, zone in sorted(found)]

    def _jobs(
        self,
        event: Event,
        occurrence: Occurrence,
        tz: ZoneInfo,
        users: list[int],
        size: int,
        quiet: list[tuple[QuietHours, ZoneInfo]],
    ) -> list[NewJob]:
        reminders = list(event.reminders)
        if event.kind is EventKind.ANNOUNCEMENT or not reminders:
            # An announcement (or a reminder with no steps) is one message at the start.
            reminders = [Reminder(0, event.id, timedelta(0), None, ReminderTarget.ALL)]
        jobs: list[NewJob] = []
        for reminder in reminders:
            if reminder.offset is not None:
                due = due_before(occurrence.starts_at, reminder.offset, tz)
            else:
                assert reminder.at is not None
                due = reminder.at
            summary = reminder.target is ReminderTarget.ORGANIZER_SUMMARY
            expand_at = due - fanout_lead(1 if summary else size, self.rps)
            if not summary:
                # Someone whose quiet hours start before the due time, and last past the
                # event's start, is reminded just before they start: expand by then.
                for hours, zone in quiet:
                    placed = place_send_time(
                        due, event_start=occurrence.starts_at, quiet=hours, tz=zone, urgent=False
                    )
                    expand_at = min(expand_at, placed.send_at)
            jobs.append(
                NewJob(
                    key=job_key(occurrence.id, reminder),
                    occurrence_id=occurrence.id,
                    reminder_id=reminder.id or None,
                    target=reminder.target,
                    due_at=due,
                    expand_at=expand_at,
                    planned_recipients=tuple(users),
                )
            )
        return jobs
