"""Expansion: due jobs become deliveries (see :class:`Expander`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from maxremind.core.audience import member_clock, resolve_audience
from maxremind.domain.clock import Clock
from maxremind.domain.escalation import EscalationStep, plan_step
from maxremind.domain.models import (
    DeliveryKind,
    DeliveryStatus,
    Event,
    EventStatus,
    Job,
    JobStatus,
    NewDelivery,
    Occurrence,
    OccurrenceStatus,
    RecipientKind,
    ReminderTarget,
    Team,
    User,
    delivery_key,
)
from maxremind.domain.quiet_hours import parse_quiet_hours, place_send_time
from maxremind.engine.compose import BatchCache
from maxremind.engine.planner import fanout_lead
from maxremind.engine.report import Reports
from maxremind.engine.types import EngineConfig
from maxremind.storage import NotFound, Storage

_SUMMARY_TOO_SOON = "nothing to sum up: nobody has been reminded yet"
_SKIPPED_SHORT_NOTICE = "its time had passed when the event was saved (the team skips these)"


class Expander:
    """Turns due jobs into per-recipient deliveries: audience, escalation, quorum and quiet
    hours are decided here, at expansion time; catch-up after downtime too."""

    def __init__(
        self, storage: Storage, reports: Reports, *, config: EngineConfig, clock: Clock
    ) -> None:
        self.storage = storage
        self.reports = reports
        self.config = config
        self.clock = clock

    async def expand_due(self) -> int:
        """Turn every due job into deliveries; returns how many jobs were handled."""
        handled = 0
        while True:
            now = self.clock()
            jobs = await self.storage.due_jobs(now=now, limit=100)
            if not jobs:
                return handled
            await self._expand_batch(jobs, now)
            handled += len(jobs)

    async def _expand_batch(self, jobs: Sequence[Job], now: datetime) -> None:
        missed: dict[int, list[tuple[str, datetime]]] = {}
        latest_late: dict[tuple[int, bool], Job] = {}
        latest_short: dict[int, Job] = {}
        ctx = BatchCache()
        for job in jobs:
            # Several processes on one database see the same due jobs: one expands
            # each (the others skip it) instead of all computing it and one winning.
            async with self.storage.fleet_lock(f"expand:{job.id}") as held:
                if held is None or not await self._still_planned(job):
                    continue
                try:
                    occurrence, event = await ctx.occurrence_event(self.storage, job.occurrence_id)
                except NotFound:
                    await self.storage.skip_job(job.id, "event deleted")
                    continue
                if (
                    occurrence.status is OccurrenceStatus.CANCELLED
                    or event.status is EventStatus.CANCELLED
                ):
                    await self.storage.skip_job(job.id, "event cancelled")
                    continue
                if event.status is EventStatus.FLAGGED:
                    await self.storage.skip_job(job.id, "event on hold: its audience is gone")
                    continue
                if job.short_notice and now < occurrence.starts_at:
                    # Its time had passed when the event was saved: nothing was down.
                    # A summary has nothing to sum up yet; another step goes now,
                    # saying why (only the latest of the event's), or is skipped, as
                    # the team chose.
                    team = await ctx.team(self.storage, event.team_id)
                    if job.target is ReminderTarget.ORGANIZER_SUMMARY:
                        await self.storage.skip_job(job.id, _SUMMARY_TOO_SOON)
                    elif team is not None and team.skip_short_notice:
                        await self.storage.skip_job(job.id, _SKIPPED_SHORT_NOTICE)
                    else:
                        # One message: the latest step to everyone, else the latest.
                        previous = latest_short.get(event.id)
                        dropped: Job | None = previous
                        if previous is not None and (
                            previous.target is ReminderTarget.ALL
                            and job.target is not ReminderTarget.ALL
                        ):
                            dropped = job
                        else:
                            latest_short[event.id] = job
                        if dropped is not None:
                            await self.storage.skip_job(
                                dropped.id, "superseded by another step (short notice)"
                            )
                    continue
                if now - job.due_at > self.config.late_after:
                    ends = (
                        occurrence.starts_at + (event.duration or timedelta(0)) + self.config.grace
                    )
                    started = now >= occurrence.starts_at
                    member_step = job.target is not ReminderTarget.ORGANIZER_SUMMARY
                    if now >= ends or (started and member_step):
                        reason = "missed while the service was down: the event already started"
                        if await self.storage.skip_job(job.id, reason):
                            missed.setdefault(event.organizer_id, []).append(
                                (event.title, occurrence.starts_at)
                            )
                        continue
                    # Several missed steps of one event: only the latest is sent.
                    group = (event.id, job.target is ReminderTarget.ORGANIZER_SUMMARY)
                    previous = latest_late.get(group)
                    if previous is not None:
                        await self.storage.skip_job(
                            previous.id, "superseded by a later missed reminder"
                        )
                    latest_late[group] = job
                    continue
                await self._expand(job, occurrence, event, ctx, now, delayed=False)
        for job in latest_late.values():
            occurrence, event = await ctx.occurrence_event(self.storage, job.occurrence_id)
            await self._expand(job, occurrence, event, ctx, now, delayed=True)
        for job in latest_short.values():
            occurrence, event = await ctx.occurrence_event(self.storage, job.occurrence_id)
            await self._expand(job, occurrence, event, ctx, now, delayed=False, short=True)
        for organizer_id, items in missed.items():
            await self.reports.catchup(organizer_id, items, now)

    async def _anyone_asked(self, occurrence_id: int) -> bool:
        """Whether a reminder of this date has reached anyone."""
        return any(
            d.kind in (DeliveryKind.REMINDER, DeliveryKind.SNOOZE)
            and d.status is DeliveryStatus.SENT
            for d in await self.storage.list_deliveries(occurrence_id)
        )

    async def _still_planned(self, job: Job) -> bool:
        try:
            return (await self.storage.get_job(job.id)).status is JobStatus.PLANNED
        except NotFound:
            return False

    async def _expand(
        self,
        job: Job,
        occurrence: Occurrence,
        event: Event,
        ctx: BatchCache,
        now: datetime,
        *,
        delayed: bool,
        short: bool = False,
    ) -> None:
        audience = await resolve_audience(self.storage, event)
        if audience.missing:
            await self.reports.missing_audience(event, audience.size == 0, now)
            if audience.size == 0:
                await self.storage.set_event_status(event.id, EventStatus.FLAGGED, "audience_gone")
                await self.storage.skip_job(job.id, "event on hold: its audience is gone")
                return
        # Only the audience's answers stop an escalation or reach the quorum.
        answers = audience.counted(await ctx.occurrence_answers(self.storage, occurrence.id))
        base: dict[str, Any] = {"delayed": delayed}
        if short:
            step = next((r for r in event.reminders if r.id == job.reminder_id), None)
            offset = None if step is None or step.offset is None else step.offset
            base |= {
                "moved": "short_notice",
                "offset": None if offset is None else int(offset.total_seconds()),
            }
        deliveries: list[NewDelivery] = []
        # A large fan-out starts early enough that its last message goes out by due time
        # plus a minute; a job expanded early for quiet hours still waits for this.
        start_at = max(now, job.due_at - fanout_lead(audience.size, self.config.rps))
        if job.target is ReminderTarget.ORGANIZER_SUMMARY:
            if not answers and not await self._anyone_asked(occurrence.id):
                # Nobody was reminded yet, so nobody could answer: an empty summary.
                await self.storage.skip_job(job.id, _SUMMARY_TOO_SOON)
                return
            deliveries.append(
                self._new(
                    job,
                    RecipientKind.USER,
                    event.organizer_id,
                    max(now, job.due_at),
                    DeliveryKind.SUMMARY,
                    base,
                )
            )
        else:
            plan = plan_step(
                EscalationStep(timedelta(0), job.target),
                audience.users,
                answers,
                quorum=event.quorum,
            )
            if plan.skip_reason is not None:
                await self.storage.skip_job(job.id, plan.skip_reason.replace("_", " "))
                return
            users = await self.storage.get_users(plan.recipients)
            team = await ctx.team(self.storage, event.team_id)
            planned = set(job.planned_recipients)
            for user_id in plan.recipients:
                deliveries.append(
                    self._user_delivery(
                        job,
                        event,
                        occurrence,
                        team,
                        users.get(user_id),
                        user_id,
                        now,
                        start_at,
                        base,
                        planned,
                    )
                )
            if job.target is ReminderTarget.ALL:
                for chat_id in audience.chats:
                    deliveries.append(
                        self._new(
                            job, RecipientKind.CHAT, chat_id, start_at, DeliveryKind.REMINDER, base
                        )
                    )
                # Who was planned but is no longer in the audience is recorded, not forgotten.
                for gone in sorted(planned - set(audience.users)):
                    deliveries.append(
                        self._new(
                            job,
                            RecipientKind.USER,
                            gone,
                            now,
                            DeliveryKind.REMINDER,
                            base,
                            status=DeliveryStatus.SKIPPED,
                            skip_reason="left the audience after planning",
                        )
                    )
        finish = start_at + timedelta(seconds=len(deliveries) / self.config.rps)
        await self.storage.finish_job(job.id, deliveries=deliveries, expected_finish=finish)

    def _user_delivery(
        self,
        job: Job,
        event: Event,
        occurrence: Occurrence,
        team: Team | None,
        user: User | None,
        user_id: int,
        now: datetime,
        start_at: datetime,
        payload: dict[str, Any],
        planned: set[int],
    ) -> NewDelivery:
        note = None if user_id in planned else "joined the audience after planning"
        if user is None or not user.reachable:
            return self._new(
                job,
                RecipientKind.USER,
                user_id,
                now,
                DeliveryKind.REMINDER,
                payload,
                status=DeliveryStatus.UNREACHABLE,
                skip_reason="has not started the bot" if user is None else "stopped the bot",
                note=note,
            )
        zone, quiet_spec = member_clock(user, team, event)
        tz = ZoneInfo(zone)
        quiet = parse_quiet_hours(str(quiet_spec)) if quiet_spec else None
        placement = place_send_time(
            max(job.due_at, now),
            event_start=occurrence.starts_at,
            quiet=quiet,
            tz=tz,
            urgent=event.urgent,
        )
        # Not held: at the fan-out's start, or earlier when quiet hours begin before it
        # (never before now).
        send_at = (
            placement.send_at if placement.held else max(now, min(start_at, placement.send_at))
        )
        status = DeliveryStatus.HELD if placement.held else DeliveryStatus.PLANNED
        early = placement.reason == "sent_before_quiet_start" and send_at < job.due_at
        if quiet is not None and (placement.held or early):
            # Quiet hours moved it: the message says from when, and why.
            payload = payload | {
                "moved": "held" if placement.held else "early",
                "due": int(job.due_at.timestamp()),
                "quiet": str(quiet),
            }
        return self._new(
            job,
            RecipientKind.USER,
            user_id,
            send_at,
            DeliveryKind.REMINDER,
            payload,
            status=status,
            note=note,
            due_at=job.due_at,
        )

    def _new(
        self,
        job: Job,
        kind: RecipientKind,
        recipient_id: int,
        send_at: datetime,
        delivery_kind: DeliveryKind,
        payload: dict[str, Any],
        *,
        status: DeliveryStatus = DeliveryStatus.PLANNED,
        skip_reason: str | None = None,
        note: str | None = None,
        due_at: datetime | None = None,
    ) -> NewDelivery:
        return NewDelivery(
            key=delivery_key(job.key, kind, recipient_id),
            recipient_kind=kind,
            recipient_id=recipient_id,
            due_at=due_at or job.due_at,
            send_at=send_at,
            kind=delivery_kind,
            job_id=job.id,
            occurrence_id=job.occurrence_id,
            reminder_id=job.reminder_id,
            payload=json.dumps(payload),
            status=status,
            skip_reason=skip_reason,
            note=note,
        )
