"""The engine's single timer: APScheduler wakes the dispatcher; the database remembers.

APScheduler 3 (in-memory job store) holds exactly one "wake" job, moved to the next
due time after each round, plus housekeeping.  Nothing lives only in the timer: after
a restart the next due time is read from the database again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from maxremind.domain.clock import utcnow
from maxremind.engine.dispatcher import Dispatcher
from maxremind.engine.planner import Planner

log = logging.getLogger(__name__)

# A safety net: even if a wake-up were lost, the engine looks again this often.
MAX_SLEEP = timedelta(seconds=30)
PLAN_EVERY = timedelta(minutes=10)


class Engine:
    """Runs planner and dispatcher rounds whenever something is due."""

    def __init__(self, planner: Planner, dispatcher: Dispatcher) -> None:
        self.planner = planner
        self.dispatcher = dispatcher
        self._wake = asyncio.Event()
        self._scheduler: AsyncIOScheduler | None = None
        self.rounds = 0

    def poke(self) -> None:
        """Something changed (an event was saved, an answer came in): look now."""
        self._wake.set()

    async def _wake_job(self) -> None:
        self._wake.set()

    async def _plan_job(self) -> None:
        await self.planner.plan_pending()
        self._wake.set()

    def _schedule_wake(self, at: datetime) -> None:
        assert self._scheduler is not None
        self._scheduler.add_job(
            self._wake_job, "date", run_date=at, id="wake", replace_existing=True
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Work until ``stop`` is set; in-flight sends finish (their batch) first."""
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self._scheduler.add_job(
            self._plan_job, "interval", seconds=PLAN_EVERY.total_seconds(), id="plan"
        )
        self._scheduler.start()
        stopper = asyncio.create_task(stop.wait())
        # Stop taking new sends at once; the batch in flight finishes, the rest is released.
        stopper.add_done_callback(lambda _: setattr(self.dispatcher, "stopping", True))
        try:
            while not stop.is_set():
                self._wake.clear()
                try:
                    await self.round()
                    with self.dispatcher.storage.writer_reads():
                        next_due = await self.dispatcher.storage.next_due_at()
                except Exception:
                    log.exception("engine round failed; trying again shortly")
                    next_due = utcnow() + timedelta(seconds=5)
                now = utcnow()
                at = min(next_due or now + MAX_SLEEP, now + MAX_SLEEP)
                if at <= now:
                    continue
                self._schedule_wake(at)
                waiter = asyncio.create_task(self._wake.wait())
                await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
        finally:
            self.dispatcher.stopping = True
            stopper.cancel()
            with contextlib.suppress(Exception):
                self._scheduler.shutdown(wait=False)

    async def round(self) -> int:
        """One pass: plan what needs planning, expand due jobs, send due deliveries.

        Its reads go to the storage's writer: the engine reads mostly what it has just
        written (see ``Storage.writer_reads``)."""
        self.rounds += 1
        with self.dispatcher.storage.writer_reads():
            await self.planner.plan_pending()
            expanded = await self.dispatcher.expand_due()
            sent = await self.dispatcher.send_due()
        return expanded + sent
