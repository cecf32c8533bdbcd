"""The fleet ports: which processes work on this database, and how they wake each other.

In scale mode several maxremind processes share one Postgres.  Each one claims due
deliveries under its *owner* string (the dispatcher's ``lease_owner``) and heartbeats
its row in the worker registry; a process whose heartbeat stopped (``kill -9``, a lost
machine) has its claims put back by whichever process notices first, within seconds
instead of after the full lease.  The wake signal lets a process that planned work tell
the others to look for it now rather than at their next timer.

On SQLite one process owns the file (the instance lock): the registry works the same
but is not needed, and the wake signal has nobody to reach.

Times are compared as the callers give them, so the machines' clocks must agree (NTP),
as they must for the delivery leases already.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """What a process says about itself when it heartbeats."""

    roles: tuple[str, ...]  # what it runs: "web", "bot", "engine"...
    host: str
    pid: int
    started_at: datetime


@dataclass(frozen=True, slots=True)
class Worker:
    """One registered process, as the instance page and ``/readyz`` show it."""

    owner: str
    roles: tuple[str, ...]
    host: str
    pid: int
    started_at: datetime
    heartbeat_at: datetime


class ReleasedWorkers(NamedTuple):
    """What :meth:`WorkerRegistry.release_dead_workers` did."""

    owners: Sequence[str]  # the workers found dead (and forgotten), by owner
    deliveries: int  # their claimed deliveries put back to ``planned``


class WorkerRegistry(ABC):
    """Processes sharing the database, by owner string, with their last heartbeat.

    The registry's writes are short and never join a unit of work (see
    :meth:`UnitOfWork.unit_of_work`); an adapter may run them beside its writer, so
    that a heartbeat does not wait behind another task's long transaction (and the
    process is not taken for dead meanwhile).
    """

    @abstractmethod
    async def heartbeat(self, owner: str, info: WorkerInfo, *, at: datetime) -> bool:
        """Register ``owner`` or refresh its heartbeat to ``at`` (roles too).

        Returns whether it was registered already: False for the first heartbeat, and
        also when another process took it for dead meanwhile (and released its claims,
        so deliveries it is sending now may be sent again by others).
        """

    @abstractmethod
    async def release_dead_workers(
        self, *, now: datetime, stale_after: timedelta
    ) -> ReleasedWorkers:
        """Forget every worker whose heartbeat is older than ``now - stale_after`` and
        put its claimed deliveries back to ``planned`` (due at once), in one transaction.

        As :meth:`LedgerStore.release_claims` does at start-up, the lease is cleared and
        ``send_at`` and ``attempts`` stay.  A dead worker's result recorded later
        (``record_sent``, ``record_failure``) raises :class:`LeaseLost` or is skipped.
        Calendar uploads carry no owner and are left to their own lease.

        Several processes may call this at once: each dead worker, and each of its
        deliveries, is released by exactly one of them.
        """

    @abstractmethod
    async def leave(self, owner: str) -> int:
        """A clean shutdown: put ``owner``'s claimed deliveries back to ``planned`` and
        forget the worker, in one transaction; returns how many deliveries went back.

        Call it once the owner's sending has stopped: a result recorded afterwards
        raises :class:`LeaseLost`.  Leaving an unknown owner releases its claims all
        the same (there may be none) and is not an error.
        """

    @abstractmethod
    async def list_workers(self) -> list[Worker]:
        """Every registered worker, oldest start first (dead ones until released)."""


class WakeSignal(ABC):
    """A "there is new work, look now" from one process to every other on the database.

    A process pokes its own engine directly; this reaches the others (Postgres
    ``LISTEN``/``NOTIFY``).  A signal is a hint, never the work itself: whoever wakes
    reads the database, so a lost signal costs latency (until the receiver's next
    timer), never a reminder.
    """

    @abstractmethod
    async def wake_others(self) -> None:
        """Signal every other process listening (:meth:`on_wake`) on this database.

        Sent at once, outside any unit of work: call it after the commit of what the
        others should find (``after_commit``), and coalesce bursts (each signal is a
        round trip).  A no-op where no other process can share the database (SQLite).

        :raises StorageError: the signal could not be sent.
        """

    @abstractmethod
    def on_wake(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` (on the event loop) whenever another process signals;
        returns a function that unregisters it.

        Signals sent by this storage object itself are not delivered to it.  The first
        registration starts listening, which lasts until :meth:`Storage.close`; a lost
        listening connection is re-opened, and the callbacks are called once then
        (signals sent meanwhile may be lost).  A callback that raises is logged.
        Never called where nothing can signal (SQLite).

        :raises StorageError: the storage is not open.
        """
