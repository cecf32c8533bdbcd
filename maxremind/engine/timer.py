"""The engine's single timer: APScheduler wakes the dispatcher; the database remembers.

APScheduler 3 (in-memory job store) holds exactly one "wake" job, moved to the next
due time after each round, plus housekeeping.  Nothing lives only in the timer: after
a restart the next due time is read from the database again.

Where several processes share the database, a poke also wakes the other processes'
engines (:class:`~maxremind.engine.fleet.WakeOthers`, coalesced), and a running engine
listens for theirs (``Storage.on_wake``); on SQLite both are no-ops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from maxremind.domain.clock import utcnow
from maxremind.engine.dispatcher import Dispatcher
from maxremind.engine.fleet import WakeOthers
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
        #: The wake signal to the other processes sharing the database.
        self.others = WakeOthers(dispatcher.storage)

    def poke(self) -> None:
        """Something changed (an event was saved, an answer came in): look now, and so
        should the other processes' engines.  Call it once the change is committed
        (``storage.after_commit(engine.poke)``): the others read the database at once."""
        self._wake.set()
        self.dispatcher.composer.insights.soon()
        self.others.request()

    def look(self) -> None:
        """Another process signalled new work: look now (and tell nobody)."""
        self._wake.set()
        self.dispatcher.composer.insights.soon()

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
        stop_listening = self.dispatcher.storage.on_wake(self.look)
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
            stop_listening()
            with contextlib.suppress(Exception):
                self._scheduler.shutdown(wait=False)
            await self.others.flush()  # what this round planned, the others hear of

    async def round(self) -> int:
        """One pass: plan what needs planning, expand due jobs, send due deliveries.

        Its reads go to the storage's writer: the engine reads mostly what it has just
        written (see ``Storage.writer_reads``)."""
        self.rounds += 1
        with self.dispatcher.storage.writer_reads():
            await self.planner.plan_pending()
            expanded = await self.dispatcher.expand_due()
            if expanded:
                # Deliveries due now: the other processes help send them.
                self.others.request()
            sent = await self.dispatcher.send_due()
        return expanded + sent
