"""The storage port as one object: every concern's port plus the lifecycle.

The methods themselves are declared, with their contracts, in the ports of
:mod:`maxremind.storage.ports` (directory, schedule, ledger, intake, audit,
access, overview, unit of work, worker registry, wake signal); see that package for
the conventions all of them follow.
"""

from __future__ import annotations

from abc import abstractmethod
from types import TracebackType
from typing import ClassVar, Self

from maxremind.storage.ports import (
    UNSET,
    AccessStore,
    AuditStore,
    CalendarImportStore,
    CalendarStore,
    DirectoryStore,
    InsightsStore,
    IntakeStore,
    LedgerStore,
    OverviewStore,
    ScheduleStore,
    UnitOfWork,
    Unset,
    WakeSignal,
    WorkerRegistry,
)

__all__ = ["UNSET", "Storage", "Unset"]


class Storage(
    DirectoryStore,
    ScheduleStore,
    LedgerStore,
    IntakeStore,
    AuditStore,
    AccessStore,
    OverviewStore,
    InsightsStore,
    CalendarImportStore,
    CalendarStore,
    UnitOfWork,
    WorkerRegistry,
    WakeSignal,
):
    """Abstract storage.  Use as ``async with``: entering migrates, leaving closes."""

    #: The SQL dialect, which also names the adapter's migrations folder.
    dialect: ClassVar[str]

    @abstractmethod
    async def open(self, *, migrate: bool = True) -> None:
        """Connect and (unless ``migrate`` is false) apply pending migrations.

        :raises SchemaTooNew: the database was written by a newer maxremind.
        :raises DatabaseUnusable: the file is corrupt or cannot be opened.
        """

    @abstractmethod
    async def migrate(self) -> list[int]:
        """Apply pending migrations in order; returns the versions applied.

        :raises SchemaTooNew: the database was written by a newer maxremind.
        """

    @abstractmethod
    async def close(self) -> None:
        """Release every connection.  Safe to call twice."""

    @abstractmethod
    async def schema_version(self) -> int:
        """The highest applied migration number (0 for an empty database)."""

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @abstractmethod
    async def ping(self) -> None:
        """Run a trivial query. :raises StorageError: the database does not answer."""
