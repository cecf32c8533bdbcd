"""The unit-of-work port: several storage calls of one task as one transaction."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager


class UnitOfWork(ABC):
    """Groups the calls a task makes into one write transaction."""

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
