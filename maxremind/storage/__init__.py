"""Storage: the ports (:mod:`.ports`, composed in :mod:`.base`), its errors and the
adapter chosen by URL."""

from __future__ import annotations

from maxremind.storage.base import Storage
from maxremind.storage.errors import (
    AlreadyExists,
    DatabaseUnusable,
    InvalidValue,
    InviteUnusable,
    LeaseLost,
    NotFound,
    SchemaTooNew,
    StorageError,
)
from maxremind.storage.ports import (
    AccessStore,
    AuditStore,
    CalendarImportStore,
    CalendarStore,
    DirectoryStore,
    IntakeStore,
    LedgerStore,
    OverviewStore,
    ScheduleStore,
    UnitOfWork,
)

__all__ = [
    "AccessStore",
    "AlreadyExists",
    "AuditStore",
    "CalendarImportStore",
    "CalendarStore",
    "DatabaseUnusable",
    "DirectoryStore",
    "IntakeStore",
    "InvalidValue",
    "InviteUnusable",
    "LeaseLost",
    "LedgerStore",
    "NotFound",
    "OverviewStore",
    "ScheduleStore",
    "SchemaTooNew",
    "Storage",
    "StorageError",
    "UnitOfWork",
    "open_storage",
]


class UnsupportedDatabase(StorageError, ValueError):
    """The database URL names an adapter this build does not have."""


def open_storage(url: str) -> Storage:
    """The adapter for a database URL, not yet opened (use ``async with``).

    :raises UnsupportedDatabase: the URL's scheme has no adapter here.
    """
    if url.startswith("sqlite:///"):
        from maxremind.storage.sqlite import SqliteStorage, sqlite_path

        return SqliteStorage(sqlite_path(url))
    raise UnsupportedDatabase(
        "MAXREMIND_DB_URL: only SQLite (sqlite:///path) is supported by this version; "
        "the Postgres adapter is not part of it yet"
    )
