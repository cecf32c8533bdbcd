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


def open_storage(url: str, *, pool_size: int = 10, statement_timeout: float = 30.0) -> Storage:
    """The adapter for a database URL, not yet opened (use ``async with``).

    ``pool_size`` and ``statement_timeout`` (seconds) apply to Postgres only.

    :raises UnsupportedDatabase: the URL's scheme has no adapter here.
    """
    if url.startswith("sqlite:///"):
        from maxremind.storage.sqlite import SqliteStorage, sqlite_path

        return SqliteStorage(sqlite_path(url))
    if url.startswith(("postgresql://", "postgres://")):
        try:
            from maxremind.storage.postgres import PostgresStorage
        except ImportError:
            raise UnsupportedDatabase(
                "MAXREMIND_DB_URL names Postgres, but asyncpg is not installed: "
                "pip install 'maxremind[scale]'"
            ) from None
        return PostgresStorage(url, pool_size=pool_size, statement_timeout=statement_timeout)
    raise UnsupportedDatabase("MAXREMIND_DB_URL: use sqlite:///path or postgresql://user@host/db")
