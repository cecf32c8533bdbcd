"""The unit-of-work port: several storage calls of one task as one transaction; and
fleet-wide locks, for work that one process of several must do alone."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, AbstractContextManager


class FleetLock:
    """A fleet-wide lock held by this process (see :meth:`UnitOfWork.fleet_lock`).

    ``lost`` is set when the lock is gone while the block still runs: its connection to
    the database broke, so another process may take it now.  Whoever holds the lock for
    long (the polling leader) watches it and stops.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.lost = asyncio.Event()


class UnitOfWork(ABC):
    """Groups the calls a task makes into one write transaction; routes its reads."""

    @abstractmethod
    def unit_of_work(self) -> AbstractAsyncContextManager[None]:
        """``async with storage.unit_of_work():`` -- one transaction for the block.

        Every storage call the *current task* makes inside the block, whatever its
        concern (directory, schedule, ledger, intake, audit), runs in one write
        transaction; reads inside it see the block's own uncommitted writes.  The
        block commits when it exits normally and rolls back everything when it
        raises or is cancelled.  A method that raises inside the block undoes only
        its own writes (each method is still atomic), so a caller may catch, say,
        :class:`AlreadyExists` and go on.

        Other tasks are outside: their writes wait until the block ends, their reads
        do not see its uncommitted writes.  That includes tasks started inside the
        block, so do not await another task's storage *writes* inside it (they would
        wait for the block, and the block for them); note that ``asyncio.wait_for``
        on Python 3.11 runs what it awaits as another task.

        A ``unit_of_work`` opened inside an open one joins it: its writes commit with
        the outer block; if the inner block raises, only its own writes (and its
        :meth:`after_commit` callbacks) are undone.

        :raises StorageError: the transaction could not be started or committed.
        """

    @abstractmethod
    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once what the current task wrote is committed.

        Inside a unit of work it runs right after the commit, and never if the block
        rolls back; outside one it runs at once.  Use it for effects that must not
        happen for data that may vanish (waking the dispatcher, say).  A callback
        that raises is logged and does not stop the ones after it.
        """

    @abstractmethod
    def writer_reads(self) -> AbstractContextManager[None]:
        """``with storage.writer_reads():`` -- the current task's reads in the block go
        to the connection that writes, not to a read connection.

        For a task that reads mostly what it has just written, one step after another
        (the engine: claim, send, record, read the next batch): the writer has those
        pages at hand, while a read connection re-reads them after every commit made
        elsewhere.  Web pages and listings read beside the writer and stay outside.

        What a read returns is the same either way: every commit made before it
        started, never another task's open unit of work.  So a read in the block may
        wait, as a write does, while another task's write or unit of work is open.
        Tasks started inside the block read the same way (they copy the context); so,
        inside a unit of work opened in the block, do not await another task's reads
        either (see :meth:`unit_of_work`; ``asyncio.wait_for`` included).  The unit's
        own reads use its transaction, as always.  An adapter without separate read
        connections reads as it always does.
        """

    @abstractmethod
    def generation(self) -> int | None:
        """A number that changes whenever a write of this storage object ends
        (committed or rolled back), for read models shared between callers: one read
        while the number stays the same is still what a new read would find — as far
        as this object's writes go (another process's writes are not counted).

        The delivery ledger's progress is not counted: claiming deliveries, extending
        their leases, recording a send or a failure, giving a claim back.  During a
        fan-out those come tens of times a second and would end every shared read (the
        door's session, role and teams, which they never change); a shared read that
        shows delivery counts (the dashboard) may therefore be behind them by its
        sharing window (a second).  Planning, skipping and answering deliveries count.

        None for a task inside its own unit of work: its reads see writes that are
        not committed yet, and must not be shared.  None always where other processes
        write to the same database (Postgres in scale mode): this object cannot see
        their writes, so no read may be shared on its word.
        """

    @abstractmethod
    def fleet_lock(self, name: str) -> AbstractAsyncContextManager[FleetLock | None]:
        """``async with storage.fleet_lock("polling") as held:`` -- try to take the lock
        ``name`` shared by every process on this database, without waiting.

        Yields a :class:`FleetLock` when this process now holds it (until the block
        ends), None when another holder has it (another process, or another task of
        this one).  A holder that dies (``kill -9``, a lost connection) frees it at once,
        so another process can take over within its next try.  On SQLite, where one
        process owns the database, the lock is only among this process's tasks.

        :raises StorageError: the database could not be asked.
        """
