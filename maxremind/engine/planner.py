"""Planner: turns events and their reminder steps into due jobs stored in the database.

Occurrences of recurring events are materialized over a rolling horizon; every
(occurrence × reminder step) becomes one job with a stable key, so re-planning
after an edit keeps the steps that did not change, drops the planned ones that
did, and never re-creates a step that was already sent.

A job is expanded into per-recipient deliveries at ``expand_at``: for a large
audience that is earlier than ``due_at`` by the time MAX's rate limit needs, less
a minute, so the last recipient is told no later than a minute after due time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

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
from maxremind.domain.recurrence import expand
from maxremind.domain.rrule import parse_exdates
from maxremind.engine.audience import resolve_audience
from maxremind.storage import Storage

log = logging.getLogger(__name__)

HORIZON = timedelta(days=35)
# Plan again once less than this much of the horizon is left.
REPLAN_MARGIN = timedelta(days=7)
# What fan-out may take past due time: the last recipient hears within this.
FANOUT_SLACK = timedelta(seconds=50)

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def job_key(occurrence_id: int, reminder: Reminder) -> str:
    """Stable across edits that keep the step: occurrence × target × when."""
    when = (
        f"o{int(reminder.offset.total_seconds())}"
        if reminder.offset is not None
        else f"a{int(reminder.at.timestamp())}"  # type: ignore[union-attr]
    )
    return f"{occurrence_id}:{reminder.target.value}:{when}"


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
        times = expand(
            event.start_local,
            tz,
            event.rrule,
            parse_exdates(event.exdates),
            after=now - timedelta(seconds=1),
            before=horizon_end,
        )
        occurrences = await self.storage.upsert_occurrences(
            event_id, [OccurrenceIn(t.at, t.local, t.adjustment) for t in times]
        )
        # Future occurrences that no longer match the (edited) rule are cancelled, not
        # deleted: their ledger stays readable.
        await self.storage.cancel_occurrences(event_id, after=now, keep=[o.id for o in occurrences])
        audience = await resolve_audience(self.storage, event)
        jobs = [
            job
            for occ in occurrences
            for job in self._jobs(event, occ, tz, audience.users, audience.size)
        ]
        dropped = await self.storage.drop_planned_jobs(event_id, keep=[j.key for j in jobs])
        # Steps already due when they are first planned (an event created less than
        # "1 day" ahead, say) are stored and then skipped by the dispatcher with a reason.
        added = await self.storage.add_jobs(jobs)
        await self.storage.set_planned_until(event_id, horizon_end)
        return PlanResult(len(occurrences), added, dropped)

    def _jobs(
        self,
        event: Event,
        occurrence: Occurrence,
        tz: ZoneInfo,
        users: list[int],
        size: int,
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
            messages = 1 if reminder.target is ReminderTarget.ORGANIZER_SUMMARY else size
            jobs.append(
                NewJob(
                    key=job_key(occurrence.id, reminder),
                    occurrence_id=occurrence.id,
                    reminder_id=reminder.id or None,
                    target=reminder.target,
                    due_at=due,
                    expand_at=due - fanout_lead(messages, self.rps),
                    planned_recipients=tuple(users),
                )
            )
        return jobs
