"""Several processes on one database: heartbeats, the share of dead ones, wake-ups.

:class:`Fleet` keeps this process in the worker registry (a heartbeat every
:data:`HEARTBEAT_EVERY`) and, as every process does, puts back the claims of processes
whose heartbeat is older than :data:`STALE_AFTER`.  A process killed (``kill -9``, a
machine lost) heartbeats at most ``HEARTBEAT_EVERY`` before it dies, is found stale
``STALE_AFTER`` later by the next check of any other (each checks every
``HEARTBEAT_EVERY``), and its claimed deliveries are due again at once: its share goes
out about 10 s after its death instead of after the 60 s lease.

The guarantee changes by one case, spelled out in docs/delivery.md's duplicate window:
a process that stops heartbeating but is not dead (stalled for ``STALE_AFTER``, or cut
from the database while MAX is still reachable) may still send what it had claimed while
another process sends it too; its results then find the lease gone (``LeaseLost``).

:class:`WakeOthers` sends the wake signal to the other processes when this one wrote new
work (:meth:`Engine.poke`), coalesced so that a burst of writes costs two signals.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Collection, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from maxremind.domain.clock import Clock, utcnow
from maxremind.storage.ports.workers import WakeSignal, WorkerInfo, WorkerRegistry

log = logging.getLogger(__name__)

T = TypeVar("T")

HEARTBEAT_EVERY = timedelta(seconds=1.5)
# Four heartbeats missed in a row: longer than any pause a healthy process takes (a
# garbage collection, a slow commit), short enough for the share of a dead one to go out
# well within 15 s of its death (found stale after at most 6 + 1.5 s, then sent at the
# fleet's rate: at most two seconds of it were claimed).
STALE_AFTER = timedelta(seconds=6)
# The most one registry call may take before the fleet gives up on it for this tick.
CALL_TIMEOUT_S = 5.0
# Wake signals to the other processes go out at most this often.
WAKE_OTHERS_EVERY_S = 0.05


class Fleet:
    """This process in the worker registry, and the janitor of the dead ones' claims.

    ``owner`` is the dispatcher's owner string (the ``lease_owner`` of its claims);
    ``poke`` is called when the claims of dead workers went back (the engine's
    :meth:`~maxremind.engine.timer.Engine.poke`: look now, and wake the others too, as
    the released deliveries are due at once).
    """

    def __init__(
        self,
        registry: WorkerRegistry,
        *,
        owner: str,
        roles: Sequence[str],
        poke: Callable[[], None] | None = None,
        every: timedelta = HEARTBEAT_EVERY,
        stale_after: timedelta = STALE_AFTER,
        clock: Clock = utcnow,
        host: str | None = None,
        pid: int | None = None,
    ) -> None:
        self.registry = registry
        self.owner = owner
        self.poke = poke
        self.every = every
        self.stale_after = stale_after
        self.clock = clock
        self.info = WorkerInfo(
            roles=tuple(roles),
            host=host if host is not None else socket.gethostname(),
            pid=pid if pid is not None else os.getpid(),
            started_at=clock(),
        )
        #: When the last heartbeat was written (None before the first).
        self.last_heartbeat: datetime | None = None
        #: Dead workers found and deliveries put back by this process, in all.
        self.released_workers = 0
        self.released_deliveries = 0
        self._failing: set[str] = set()

    @property
    def healthy(self) -> bool:
        """Whether the last heartbeat is recent enough that no other process could take
        this one for dead (for ``/readyz``)."""
        if self.last_heartbeat is None:
            return False
        return self.clock() - self.last_heartbeat < self.stale_after / 2

    async def run(
        self, stop: asyncio.Event, *, outlive: Collection[asyncio.Task[Any]] = ()
    ) -> None:
        """Heartbeat and release dead workers every ``every`` until ``stop`` is set and
        every task of ``outlive`` has ended; then :meth:`leave`.

        Pass the engine's task in ``outlive``: while it finishes the batch in flight
        after ``stop``, its claims must stay alive (heartbeats go on), and they are
        released only once it has ended.  Database errors are logged and tried again at
        the next tick; this never raises them.
        """
        loop = asyncio.get_running_loop()
        interval = self.every.total_seconds()
        next_tick = loop.time()
        try:
            while not (stop.is_set() and all(task.done() for task in outlive)):
                await self.tick()
                finishing = [task for task in outlive if not task.done()]
                if stop.is_set() and not finishing:
                    break
                next_tick = max(next_tick + interval, loop.time())
                # Until stop: woken by it.  After: by the last of ``outlive`` ending.
                stopper = None if stop.is_set() else asyncio.ensure_future(stop.wait())
                try:
                    await asyncio.wait(
                        finishing if stopper is None else {stopper},
                        timeout=next_tick - loop.time(),
                    )
                finally:
                    if stopper is not None:
                        stopper.cancel()
        finally:
            await self.leave()

    async def tick(self) -> None:
        """One heartbeat and, if it was written, one look for dead workers.

        A process that cannot write its own heartbeat judges nobody: the database (or
        its clock) is what is wrong then, not the others.
        """
        now = self.clock()
        known = await self._call(
            "heartbeat", self.registry.heartbeat(self.owner, self.info, at=now)
        )
        if known is None:
            return
        if not known and self.last_heartbeat is not None:
            log.warning(
                "this process was taken for dead by another (no heartbeat for %ss); the"
                " deliveries it had claimed went back to be sent by any process",
                self.stale_after.total_seconds(),
            )
        self.last_heartbeat = now
        released = await self._call(
            "release",
            self.registry.release_dead_workers(now=self.clock(), stale_after=self.stale_after),
        )
        if released is None or not released.owners:
            return
        self.released_workers += len(released.owners)
        self.released_deliveries += released.deliveries
        log.warning(
            "no heartbeat for %ss from %s: put back %s deliveries it had claimed",
            self.stale_after.total_seconds(),
            ", ".join(released.owners),
            released.deliveries,
        )
        if released.deliveries and self.poke is not None:
            self.poke()

    async def leave(self) -> None:
        """Leave the registry, putting back what this process still has claimed; an
        error is logged (the others then release it once the heartbeat is stale)."""
        released = await self._call("leave", self.registry.leave(self.owner))
        if released:
            log.info("left the worker registry; %s claimed deliveries went back", released)

    async def _call(self, what: str, call: Awaitable[T]) -> T | None:
        """Await ``call``; on any error (or after ``CALL_TIMEOUT_S``) return None, and
        log it once for a run of failures (a heartbeat fails at every tick while the
        database is away)."""
        try:
            result = await asyncio.wait_for(call, CALL_TIMEOUT_S)
        except Exception as exc:
            if what not in self._failing:
                self._failing.add(what)
                log.warning("worker registry: %s failed (%s)", what, str(exc) or type(exc).__name__)
            return None
        if what in self._failing:
            self._failing.discard(what)
            log.info("worker registry: %s works again", what)
        return result


class WakeOthers:
    """Sends the wake signal (:meth:`WakeSignal.wake_others`) when asked, coalesced.

    The first :meth:`request` of a quiet spell is sent at once; requests while a signal
    is being sent, or within ``every`` after it, become one more signal at the end of
    that time.  So a thousand pokes in a second cost at most ``1 / every`` signals, and
    no request goes without a signal sent after it (the receivers then find what was
    committed before it).  The sending task exists only while there is something to
    send; nothing to start or stop.
    """

    def __init__(self, signal: WakeSignal, *, every: float = WAKE_OTHERS_EVERY_S) -> None:
        self._signal = signal
        self._every = every
        self._wanted = False
        self._task: asyncio.Task[None] | None = None
        self._failing = False
        #: Signals sent, in all.
        self.sent = 0

    def request(self) -> None:
        """Ask for a signal; call after the commit of the work the others should find."""
        self._wanted = True
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(
                self._send(), name="wake other processes"
            )

    async def flush(self) -> None:
        """Wait (a few seconds at most) until every request so far has been signalled;
        for a clean stop."""
        task = self._task
        if task is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(task), CALL_TIMEOUT_S)

    async def _send(self) -> None:
        try:
            while self._wanted:
                self._wanted = False
                try:
                    await asyncio.wait_for(self._signal.wake_others(), CALL_TIMEOUT_S)
                except Exception as exc:
                    # A lost signal costs latency only: the others look at their own
                    # next due time anyway.
                    if not self._failing:
                        log.warning("cannot wake the other processes: %s", exc)
                    self._failing = True
                else:
                    self.sent += 1
                    self._failing = False
                await asyncio.sleep(self._every)
        finally:
            self._task = None
