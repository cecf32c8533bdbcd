"""The SQLite adapter: one aiosqlite connection, one writer, WAL.

aiosqlite runs every statement on one background thread, so a single connection
already serializes work; the asyncio lock additionally keeps one coroutine's
transaction from interleaving with another's statements.  Writes use
``BEGIN IMMEDIATE`` so a second process (``maxremind backup``, say) waits on
``busy_timeout`` instead of failing half-way.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

import aiosqlite

from maxremind.storage.errors import (
    AlreadyExists,
    DatabaseUnusable,
    NotFound,
    SchemaTooNew,
    StorageError,
)
from maxremind.storage.migrations import Migration, load_migrations
from maxremind.storage.sql_events import EventsSql
from maxremind.storage.sql_people import PeopleSql
from maxremind.storage.sqlbase import Conn, Row

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
SQLITE_MAGIC = b"SQLite format 3\x00"


class InvalidValue(StorageError, ValueError):
    """A value broke a CHECK or NOT NULL rule of the schema."""


def translate(exc: sqlite3.Error) -> StorageError:
    """Map a driver error onto the port's errors."""
    text = str(exc)
    if isinstance(exc, sqlite3.IntegrityError):
        if "UNIQUE" in text or "PRIMARY KEY" in text:
            return AlreadyExists(text)
        if "FOREIGN KEY" in text:
            return NotFound("a record this refers to does not exist")
        return InvalidValue(text)
    if "not a database" in text or "malformed" in text:
        return DatabaseUnusable(f"the database file is damaged: {text}")
    return StorageError(text)


class _SqliteConn:
    """Adapts an aiosqlite connection to the :class:`Conn` protocol."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        try:
            async with self._db.execute(sql, params) as cur:
                return cast(list[Row], await cur.fetchall())
        except sqlite3.Error as exc:
            raise translate(exc) from exc

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        try:
            async with self._db.execute(sql, params) as cur:
                return cur.rowcount
        except sqlite3.Error as exc:
            raise translate(exc) from exc

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        if not rows:
            return 0
        try:
            async with self._db.executemany(sql, rows) as cur:
                return cur.rowcount
        except sqlite3.Error as exc:
            raise translate(exc) from exc


def sqlite_path(url: str) -> Path:
    """The file of a ``sqlite:///path`` URL (``sqlite:////abs`` for absolute paths)."""
    if not url.startswith("sqlite:///"):
        raise ValueError(f"not a SQLite URL: {url}")
    return Path(url.removeprefix("sqlite:///"))


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that exists but is not a SQLite database, before touching it.

    :raises DatabaseUnusable:
    """
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise DatabaseUnusable(f"cannot read {path}: {exc.strerror}") from None
    if header != SQLITE_MAGIC:
        raise DatabaseUnusable(f"{path} is not a SQLite database (nothing was changed)")


class SqliteStorage(PeopleSql, EventsSql):
    """Storage on one SQLite file."""

    dialect = "sqlite"

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    async def open(self, *, migrate: bool = True) -> None:
        check_sqlite_file(self.path)
        if not self.path.parent.exists():
            raise DatabaseUnusable(f"folder {self.path.parent} does not exist")
        try:
            self._db = await aiosqlite.connect(self.path, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            for pragma in (
                f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
                "PRAGMA journal_mode = WAL",
                "PRAGMA synchronous = NORMAL",
                "PRAGMA foreign_keys = ON",
            ):
                await self._db.execute(pragma)
            await self.pending_migrations()  # refuses a database from a newer version
            if migrate:
                await self.migrate()
        except sqlite3.Error as exc:
            await self.close()
            raise translate(exc) from exc
        except StorageError:
            await self.close()
            raise

    async def close(self) -> None:
        if self._db is not None:
            db, self._db = self._db, None
            await db.close()

    def _conn(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StorageError("storage is not open")
        return self._db

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[Conn]:
        async with self._lock:
            db = self._conn()
            try:
                await db.execute("BEGIN IMMEDIATE")
                yield _SqliteConn(db)
                await db.execute("COMMIT")
            except BaseException:
                # An error, or a cancelled task whose BEGIN or COMMIT may still be queued
                # on aiosqlite's thread: leave no transaction open for the next caller.
                await asyncio.shield(self._settle(db))
                raise

    @staticmethod
    async def _settle(db: aiosqlite.Connection) -> None:
        await db.execute("SELECT 1")  # statements run in order: everything queued has run
        if db.in_transaction:
            await db.execute("ROLLBACK")

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[Conn]:
        async with self._lock:
            yield _SqliteConn(self._conn())

    async def ping(self) -> None:
        await self._one("SELECT 1")

    # --- migrations ------------------------------------------------------------------

    async def schema_version(self) -> int:
        row = await self._one(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        )
        if row is None:
            return 0
        row = await self._one("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations")
        return 0 if row is None else int(row["v"])

    async def pending_migrations(self) -> list[Migration]:
        """Migrations this binary would apply. :raises SchemaTooNew:"""
        migrations = load_migrations(self.dialect)
        current = await self.schema_version()
        if current > len(migrations):
            raise SchemaTooNew(
                f"the database is at schema version {current}, this maxremind knows only "
                f"up to {len(migrations)}: run a newer maxremind (or restore a backup)"
            )
        return migrations[current:]

    async def migrate(self) -> list[int]:
        db = self._conn()
        async with self._lock:
            await db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"
            )
        applied: list[int] = []
        for migration in await self.pending_migrations():
            log.info("applying migration %04d_%s", migration.version, migration.name)
            async with self._lock:
                # executescript commits first and runs statements one by one, so the
                # whole migration goes inside one explicit transaction.
                script = (
                    "BEGIN IMMEDIATE;\n"
                    + migration.sql
                    + "\nINSERT INTO schema_migrations (version, name, applied_at) VALUES "
                    + f"({migration.version}, '{migration.name}', {int(time.time() * 1000)});\n"
                    + "COMMIT;"
                )
                try:
                    await db.executescript(script)
                except sqlite3.Error:
                    if db.in_transaction:
                        await db.execute("ROLLBACK")
                    raise
            applied.append(migration.version)
        return applied
