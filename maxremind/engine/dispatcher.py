"""Dispatcher: expand due jobs into deliveries, then claim → send → record.

Delivery guarantee — at-least-once, de-duplicated:

* every delivery has a unique key (occurrence × reminder step × recipient), so
  re-planning, a second worker or a restart never creates a second one;
* a delivery is claimed with a lease before it is sent and recorded as sent right
  after MAX accepts it, so a send MAX accepted is never repeated;
* the one window for a duplicate: MAX accepted the message but we never learnt it —
  the answer was lost (timeout, dropped connection) and the client retried, or the
  process died between MAX's answer and the ``record_sent`` commit (one SQLite
  write, milliseconds).  The lease then expires and the delivery is sent again.
  ``docs/delivery.md`` spells this out.

Catch-up after downtime happens here too: a job expanded more than ``late_after``
after its due time is either still useful (sent now, labelled as delayed) or too
late to matter (its occurrence is over): then it is skipped and listed in one
summary to the organizer.  Several missed steps of one event give one message.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from maxremind.core.audience import member_clock, resolve_audience
from maxremind.domain.clock import Clock, utcnow
from maxremind.domain.escalation import EscalationStep, plan_step
from maxremind.domain.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Event,
    EventStatus,
    Job,
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
from maxremind.domain.signing import CallbackSigner
from maxremind.engine.compose import BatchCache, Composer
from maxremind.engine.planner import fanout_lead
from maxremind.maxapi.errors import MaxApiError
from maxremind.maxapi.models import Message, NewMessageBody
from maxremind.storage import LeaseLost, NotFound, Storage

log = logging.getLogger(__name__)


class Sender(Protocol):
    """What the dispatcher needs from the MAX client."""

    async def send_message(
        self,
        body: NewMessageBody | str,
        *,
        user_id: int | None = None,
        chat_id: int | None = None,
    ) -> Message: ...


@dataclass(frozen=True)
class EngineConfig:
    rps: float = 30.0
    lease: timedelta = timedelta(seconds=60)
    # Claimed at once; large enough that the pause between batches is rare in a big
    # fan-out, small enough that the lease (with heartbeats) never matters.
    batch: int = 500
    concurrency: int = 40
    late_after: timedelta = timedelta(minutes=2)
    # A reminder still matters until its occurrence started this long ago.
    grace: timedelta = timedelta(0)
    max_attempts: int = 8
    default_timezone: str = "Europe/Moscow"


@dataclass
class EngineStats:
    """Counters for metrics and benchmarks; ``on_*`` hooks feed /metrics."""

    by_status: dict[str, int] = field(default_factory=dict)
    lateness: list[float] = field(default_factory=list)  # seconds past send_at, bounded
    errors_by_code: dict[str, int] = field(default_factory=dict)
    on_status: Callable[[str], None] | None = None
    on_late: Callable[[float], None] | None = None

    def count(self, status: DeliveryStatus) -> None:
        self.by_status[status.value] = self.by_status.get(status.value, 0) + 1
        if self.on_status is not None:
            self.on_status(status.value)

    def late(self, seconds: float) -> None:
        if len(self.lateness) < 200_000:
            self.lateness.append(seconds)
        if self.on_late is not None:
            self.on_late(seconds)

    def error(self, code: str) -> None:
        self.errors_by_code[code] = self.errors_by_code.get(code, 0) + 1


class _SentBuffer:
    """Results of accepted sends, written in small groups rather than one transaction each.

    This is part of the duplicate window (docs/delivery.md): a send MAX accepted whose
    result still waits here — at most ``FLUSH_ITEMS`` of them, for at most
    ``FLUSH_SECONDS`` — is sent again if the process dies now.
    """

    FLUSH_ITEMS = 32
    FLUSH_SECONDS = 0.025

    def __init__(self, storage: Storage, owner: str) -> None:
        self._storage = storage
        self._owner = owner
        self._items: list[tuple[str, str | None, datetime]] = []
        self._full = asyncio.Event()
        self.done = asyncio.Event()

    def add(self, key: str, max_message_id: str | None, sent_at: datetime) -> None:
        self._items.append((key, max_message_id, sent_at))
        if len(self._items) >= self.FLUSH_ITEMS:
            self._full.set()

    async def run(self) -> None:
        """Flush now and then until ``done`` is set; never cancelled mid-write."""
        while not self.done.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._full.wait(), self.FLUSH_SECONDS)
            self._full.clear()
            await self.flush()

    async def flush(self) -> None:
        items, self._items = self._items, []
        if not items:
            return
        recorded = await self._storage.record_sent_many(items, owner=self._owner)
        if recorded < len(items):
            log.warning(
                "%s of %s sent deliveries had passed to another worker",
                len(items) - recorded,
                len(items),
            )


class Dispatcher:
    """Expands due jobs into deliveries and sends them; :class:`Composer` writes them."""

    def __init__(
        self,
        storage: Storage,
        sender: Sender,
        signer: CallbackSigner,
        *,
        owner: str,
        config: EngineConfig | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.storage = storage
        self.sender = sender
        self.signer = signer
        self.owner = owner
        self.config = config or EngineConfig()
        self.clock = clock
        self.stats = EngineStats()
        self.composer = Composer(storage, signer, self.config.default_timezone)
        self.stopping = False
        self._rng = random.Random()
        self._sent = _SentBuffer(storage, owner)

    # --- expansion -------------------------------------------------------------------

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
        ctx = BatchCache()
        for job in jobs:
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
            if now - job.due_at > self.config.late_after:
                ends = occurrence.starts_at + (event.duration or timedelta(0)) + self.config.grace
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
        for organizer_id, items in missed.items():
            await self._catchup_summary(organizer_id, items, now)

    async def _expand(
        self,
        job: Job,
        occurrence: Occurrence,
        event: Event,
        ctx: BatchCache,
        now: datetime,
        *,
        delayed: bool,
    ) -> None:
        audience = await resolve_audience(self.storage, event)
        if audience.missing:
            await self._report_missing_audience(event, audience.size == 0, now)
            if audience.size == 0:
                await self.storage.set_event_status(event.id, EventStatus.FLAGGED, "audience_gone")
                await self.storage.skip_job(job.id, "event on hold: its audience is gone")
                return
        # Only the audience's answers stop an escalation or reach the quorum.
        answers = audience.counted(await ctx.occurrence_answers(self.storage, occurrence.id))
        base = {"delayed": delayed}
        deliveries: list[NewDelivery] = []
        # A large fan-out starts early enough that its last message goes out by due time
        # plus a minute; a job expanded early for quiet hours still waits for this.
        start_at = max(now, job.due_at - fanout_lead(audience.size, self.config.rps))
        if job.target is ReminderTarget.ORGANIZER_SUMMARY:
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

    async def _report(
        self,
        key: str,
        organizer_id: int,
        when: datetime,
        kind: DeliveryKind,
        payload: dict[str, Any],
        *,
        job: Job | None = None,
    ) -> None:
        """A message to an organizer at ``when``; its key makes sure it is sent once."""
        report = NewDelivery(
            key=key,
            recipient_kind=RecipientKind.USER,
            recipient_id=organizer_id,
            due_at=when,
            send_at=when,
            kind=kind,
            job_id=job.id if job is not None else None,
            occurrence_id=job.occurrence_id if job is not None else None,
            payload=json.dumps(payload),
        )
        await self.storage.add_deliveries([report])

    async def _report_missing_audience(self, event: Event, everyone: bool, now: datetime) -> None:
        stamp = int(event.updated_at.timestamp())
        await self._report(
            f"report:audience:{event.id}:{stamp}",
            event.organizer_id,
            now,
            DeliveryKind.REPORT,
            {"type": "audience", "event_id": event.id, "everyone": everyone},
        )

    async def _catchup_summary(
        self, organizer_id: int, items: list[tuple[str, datetime]], now: datetime
    ) -> None:
        await self._report(
            f"catchup:{organizer_id}:{int(now.timestamp() * 1000)}",
            organizer_id,
            now,
            DeliveryKind.CATCHUP,
            {"items": [[title, int(at.timestamp())] for title, at in items]},
        )

    # --- sending ---------------------------------------------------------------------

    async def send_due(self) -> int:
        """Claim and send everything due now; returns how many deliveries were attempted."""
        total = 0
        while not self.stopping:
            now = self.clock()
            claimed = await self.storage.claim_deliveries(
                now=now,
                owner=self.owner,
                lease_until=now + self.config.lease,
                limit=self.config.batch,
            )
            if not claimed:
                return total
            await self._send_batch(claimed)
            total += len(claimed)
        return total

    async def _send_batch(self, claimed: Sequence[Delivery]) -> None:
        ctx = BatchCache()
        await ctx.prefetch(self.storage, claimed)
        pending = {d.key for d in claimed}
        heartbeat = asyncio.create_task(self._heartbeat(pending))
        semaphore = asyncio.Semaphore(self.config.concurrency)
        self._sent = _SentBuffer(self.storage, self.owner)
        flusher = asyncio.create_task(self._sent.run())

        async def one(delivery: Delivery) -> None:
            async with semaphore:
                try:
                    if self.stopping:
                        await self._release(delivery)
                    else:
                        await self._send_one(delivery, ctx)
                except LeaseLost:
                    log.warning("lease on delivery %s passed to another worker", delivery.key)
                except Exception:
                    log.exception("delivery %s failed unexpectedly", delivery.key)
                    await self._fail(delivery, "internal error", permanent=False)
                finally:
                    pending.discard(delivery.key)

        try:
            await asyncio.gather(*(one(d) for d in claimed))
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
            self._sent.done.set()
            await flusher
            await self._sent.flush()

    async def _heartbeat(self, pending: set[str]) -> None:
        interval = self.config.lease.total_seconds() / 3
        while pending:
            await asyncio.sleep(interval)
            now = self.clock()
            await self.storage.extend_leases(
                sorted(pending), owner=self.owner, lease_until=now + self.config.lease
            )

    async def _release(self, delivery: Delivery) -> None:
        await self.storage.record_failure(
            delivery.key,
            owner=self.owner,
            error="released at shutdown",
            status=DeliveryStatus.PLANNED,
            retry_at=delivery.send_at,
        )

    async def _send_one(self, delivery: Delivery, ctx: BatchCache) -> None:
        now = self.clock()
        body = await self.composer.body(delivery, ctx, now)
        if body is None:  # e.g. a report whose problems resolved themselves meanwhile
            await self.storage.record_failure(
                delivery.key,
                owner=self.owner,
                error="nothing to send any more",
                status=DeliveryStatus.SKIPPED,
                retry_at=None,
            )
            return
        try:
            if delivery.recipient_kind is RecipientKind.CHAT:
                message = await self.sender.send_message(body, chat_id=delivery.recipient_id)
            else:
                message = await self.sender.send_message(body, user_id=delivery.recipient_id)
        except MaxApiError as exc:
            self.stats.error(exc.code or str(exc.status))
            await self._on_error(delivery, exc)
            return
        sent_at = self.clock()
        self._sent.add(delivery.key, message.body.mid, sent_at)
        self.stats.count(DeliveryStatus.SENT)
        self.stats.late((sent_at - delivery.send_at).total_seconds())

    async def _on_error(self, delivery: Delivery, exc: MaxApiError) -> None:
        if exc.status in (403, 404):
            await self.storage.record_failure(
                delivery.key,
                owner=self.owner,
                error=str(exc),
                status=DeliveryStatus.UNREACHABLE,
                retry_at=None,
            )
            self.stats.count(DeliveryStatus.UNREACHABLE)
            if delivery.recipient_kind is RecipientKind.USER:
                with contextlib.suppress(NotFound):
                    await self.storage.set_user_reachable(
                        delivery.recipient_id, False, exc.code or "forbidden"
                    )
            else:
                with contextlib.suppress(NotFound):
                    await self.storage.deactivate_chat(delivery.recipient_id)
            if delivery.job_id is not None and delivery.kind in (
                DeliveryKind.REMINDER,
                DeliveryKind.SNOOZE,
            ):
                await self._report_unreachable(delivery)
            return
        await self._fail(delivery, str(exc), permanent=exc.permanent)

    async def _fail(self, delivery: Delivery, error: str, *, permanent: bool) -> None:
        if permanent or delivery.attempts >= self.config.max_attempts:
            await self.storage.record_failure(
                delivery.key,
                owner=self.owner,
                error=error,
                status=DeliveryStatus.FAILED,
                retry_at=None,
            )
            self.stats.count(DeliveryStatus.FAILED)
            log.error(
                "giving up on delivery %s after %s attempts: %s",
                delivery.key,
                delivery.attempts,
                error,
            )
            return
        backoff = min(600.0, 5.0 * 2 ** (delivery.attempts - 1))
        retry_at = self.clock() + timedelta(seconds=backoff * (0.5 + self._rng.random() / 2))
        await self.storage.record_failure(
            delivery.key,
            owner=self.owner,
            error=error,
            status=DeliveryStatus.FAILED,
            retry_at=retry_at,
        )

    async def _report_unreachable(self, delivery: Delivery) -> None:
        assert delivery.job_id is not None
        job = await self.storage.get_job(delivery.job_id)
        occurrence = await self.storage.get_occurrence(job.occurrence_id)
        event = await self.storage.get_event(occurrence.event_id)
        # One report per job, sent once the fan-out is expected to be over.
        when = max(self.clock(), (job.expected_finish or self.clock()) + timedelta(seconds=30))
        await self._report(
            f"{job.key}:report",
            event.organizer_id,
            when,
            DeliveryKind.REPORT,
            {"type": "unreachable", "job_id": job.id},
            job=job,
        )

    # --- rendering -------------------------------------------------------------------

    async def render(self, delivery: Delivery) -> NewMessageBody | None:
        """The message a delivery shows now (also used to re-render after a button press)."""
        return await self.composer.render(delivery, self.clock())
