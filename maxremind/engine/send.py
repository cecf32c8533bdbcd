"""Sending: claim, send, record (see :class:`SendLoop`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from maxremind.domain.clock import Clock
from maxremind.domain.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    RecipientKind,
)
from maxremind.engine.compose import BatchCache, Composer
from maxremind.engine.report import Reports
from maxremind.engine.types import EngineConfig, EngineStats, Sender
from maxremind.maxapi.errors import Forbidden, LimiterUnavailable, MaxApiError
from maxremind.maxapi.errors import NotFound as MaxNotFound
from maxremind.storage import LeaseLost, NotFound, Storage, StorageError

log = logging.getLogger(__name__)

# How long sending waits when the fleet's rate limiter (Redis) does not answer.
LIMITER_PAUSE = timedelta(seconds=10)
# How often a failed write of send results is tried again.
RECORD_RETRY_S = 0.5
# How long sending waits when this process's heartbeat is late (scale mode).
UNHEALTHY_PAUSE = timedelta(seconds=2)


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

    def waiting(self) -> set[str]:
        """Keys sent but not yet recorded: their leases must still be kept."""
        return {key for key, _, _ in self._items}

    async def run(self) -> None:
        """Flush now and then until ``done`` is set; never cancelled mid-write.  A write
        that fails keeps its results for the next try (the database may be back)."""
        failing = False
        while not self.done.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._full.wait(), self.FLUSH_SECONDS)
            self._full.clear()
            try:
                await self.flush()
            except StorageError as exc:
                if not failing:
                    log.warning("cannot record sent deliveries yet (%s); retrying", exc)
                failing = True
                await asyncio.sleep(RECORD_RETRY_S)
            else:
                failing = False

    async def flush_patiently(self, within: float) -> None:
        """The last flush of a batch: retried for ``within`` seconds (less than the
        lease, so nobody sends them again meanwhile) before giving up on the rest."""
        deadline = time.monotonic() + within
        while True:
            try:
                await self.flush()
                return
            except StorageError as exc:
                if time.monotonic() >= deadline:
                    log.error(
                        "%s sent deliveries could not be recorded (%s): they will be sent "
                        "again when their lease runs out",
                        len(self._items),
                        exc,
                    )
                    return
                await asyncio.sleep(RECORD_RETRY_S)

    async def flush(self) -> None:
        """Record what waits. :raises StorageError: (the results stay for a retry)"""
        items, self._items = self._items, []
        if not items:
            return
        try:
            recorded = await self._storage.record_sent_many(items, owner=self._owner)
        except StorageError:
            self._items[:0] = items
            raise
        if recorded < len(items):
            log.warning(
                "%s of %s sent deliveries had passed to another worker",
                len(items) - recorded,
                len(items),
            )


class SendLoop:
    """Claims due deliveries and sends them: leases with heartbeats, results written in
    small groups, failures classified by their typed error (permanent or transient)."""

    def __init__(
        self,
        storage: Storage,
        sender: Sender,
        composer: Composer,
        reports: Reports,
        stats: EngineStats,
        *,
        owner: str,
        config: EngineConfig,
        clock: Clock,
    ) -> None:
        self.storage = storage
        self.sender = sender
        self.composer = composer
        self.reports = reports
        self.stats = stats
        self.owner = owner
        self.config = config
        self.clock = clock
        self.stopping = False
        self._rng = random.Random()
        self._paused_until: datetime | None = None
        # Whether this process may send now (scale mode: its heartbeat is fresh).
        self.may_send: Callable[[], bool] = lambda: True
        self._sent = _SentBuffer(storage, owner)

    async def send_due(self) -> int:
        """Claim and send everything due now; returns how many deliveries were attempted."""
        total = 0
        while not self.stopping and not self._paused():
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
        try:
            await ctx.prefetch(self.storage, claimed)
        except StorageError:
            # Nothing was sent: give the claims back now rather than at the lease's end.
            for delivery in claimed:
                with contextlib.suppress(StorageError):
                    await self._release(delivery)
            raise
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
                    elif self._paused():
                        await self._release(delivery, retry_at=self._paused_until)
                    else:
                        await self._send_one(delivery, ctx)
                except LeaseLost:
                    log.warning("lease on delivery %s passed to another worker", delivery.key)
                except StorageError as exc:
                    # The database, not the delivery: give the claim back uncounted as
                    # soon as the database takes it (else its lease does, later).
                    log.warning("delivery %s: the database failed (%s)", delivery.key, exc)
                    await self._release_soon(delivery)
                except Exception:
                    log.exception("delivery %s failed unexpectedly", delivery.key)
                    try:
                        await self._fail(delivery, "internal error", permanent=False)
                    except StorageError as exc:
                        log.warning("could not record that failure either (%s)", exc)
                finally:
                    pending.discard(delivery.key)

        try:
            await asyncio.gather(*(one(d) for d in claimed))
        finally:
            self._sent.done.set()
            await flusher
            await self._sent.flush_patiently(self.config.lease.total_seconds() / 2)
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat

    async def _heartbeat(self, pending: set[str]) -> None:
        """Extend the leases of what is unsent, or sent and not yet recorded."""
        interval = self.config.lease.total_seconds() / 3
        while True:
            await asyncio.sleep(interval)
            keys = pending | self._sent.waiting()
            if not keys:
                return
            now = self.clock()
            try:
                await self.storage.extend_leases(
                    sorted(keys), owner=self.owner, lease_until=now + self.config.lease
                )
            except StorageError as exc:
                log.warning("could not extend leases (%s); trying again", exc)

    def _paused(self) -> bool:
        if not self.may_send():
            # This process's heartbeat is late (stalled, or the database unreachable):
            # the others may be taking its claims over, so it must not send them too.
            self._paused_until = self.clock() + UNHEALTHY_PAUSE
            return True
        return self._paused_until is not None and self.clock() < self._paused_until

    async def _release_soon(self, delivery: Delivery) -> None:
        for _ in range(10):
            try:
                await self._release(delivery)
                return
            except LeaseLost:
                return  # recorded after all, or taken over
            except StorageError:
                await asyncio.sleep(RECORD_RETRY_S)

    async def _release(self, delivery: Delivery, retry_at: datetime | None = None) -> None:
        await self.storage.release_claim(
            delivery.key, owner=self.owner, retry_at=retry_at or delivery.send_at
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
        except LimiterUnavailable as exc:
            # Nothing was sent, and nothing can be until the fleet's limiter answers:
            # pause (the rest of the batch goes back too) instead of using up attempts.
            if not self._paused():
                log.warning("sending paused for %s: %s", LIMITER_PAUSE, exc)
            self._paused_until = self.clock() + LIMITER_PAUSE
            await self.storage.release_claim(
                delivery.key, owner=self.owner, retry_at=self._paused_until, note=str(exc)
            )
            return
        except MaxApiError as exc:
            self.stats.error(exc.code or str(exc.status))
            await self._on_error(delivery, exc)
            return
        sent_at = self.clock()
        self._sent.add(delivery.key, message.body.mid, sent_at)
        self.stats.count(DeliveryStatus.SENT)
        self.stats.late((sent_at - delivery.send_at).total_seconds())

    async def _on_error(self, delivery: Delivery, exc: MaxApiError) -> None:
        if isinstance(exc, Forbidden | MaxNotFound):
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
                await self.reports.unreachable(delivery)
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
