"""The SQLite adapter: one writer connection, a few reader connections, WAL.

Writes go through one aiosqlite connection under an asyncio lock, each in
``BEGIN IMMEDIATE`` so a second process (``maxremind backup``, say) waits on
``busy_timeout`` instead of failing half-way.  Reads use a small pool of their
own connections, opened as reads need them (see ``GROW_AFTER``): under WAL a
reader sees the last commit while the writer is in the middle of the next one,
so reads do not queue behind the dispatcher's batches.  A write method returns
only after its COMMIT, so a read started after it, on any connection, sees what
it wrote.  The engine reads on the writer (``writer_reads``): it reads mostly
what it has just written, which the writer's page cache holds, while each commit
makes a reader drop its cache.

Every statement is a trip to the connection's own thread and back (aiosqlite), so
reads and transaction control make one trip each: a cursor is opened, read and
closed on that thread, not in three trips from the event loop.

A connection keeps the pages it read (up to 2 MiB each by default) until its next read
needs the room; an idle process would keep them for good.  So every ``SHRINK_EVERY``
seconds the storage hands back the page cache of each connection nobody used since the
previous look (:meth:`SqliteStorage.release_idle_memory`), and a busy connection keeps
its cache.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

import aiosqlite

from maxremind import heap
from maxremind.storage.errors import (
    AlreadyExists,
    DatabaseUnusable,
    InvalidValue,
    NotFound,
    SchemaTooNew,
    StorageError,
)
from maxremind.storage.migrations import Migration, load_migrations
from maxremind.storage.sql import (
    AccessSql,
    AuditSql,
    CalendarImportSql,
    CalendarSql,
    DirectorySql,
    InsightsSql,
    IntakeSql,
    LedgerSql,
    OverviewSql,
    ScheduleSql,
)
from maxremind.storage.sql.workers import WorkersSql
from maxremind.storage.sqlbase import Conn, Row

__all__ = [
    "BUSY_TIMEOUT_MS",
    "GROW_AFTER",
    "READERS",
    "SHRINK_EVERY",
    "SQLITE_MAGIC",
    "InvalidValue",
    "SqliteStorage",
    "check_sqlite_file",
    "sqlite_path",
    "translate",
]

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
SQLITE_MAGIC = b"SQLite format 3\x00"
# Reader connections beside the writer: the web pages and the bot's listings read while
# the engine writes (and reads on the writer); two cover that on the small machines
# this runs on.
READERS = 2
# A read that finds every open reader busy waits this long for one to come back before it
# opens another: the short reads of start-up (the polling marker, due calendar refreshes)
# share one reader, and an idle bot keeps a thread and a page cache fewer.
GROW_AFTER = 0.05
# How often the storage looks for connections nobody used since its previous look, to
# hand their page caches back: so a connection is shrunk 5-10 s after its last use, within
# the quiet a process is measured after (bench/memory.py waits 12 s); a look that finds
# nothing to do costs no trip to a connection's thread.
SHRINK_EVERY = 5.0


def translate(exc: sqlite3.Error | OverflowError) -> StorageError:
    """Map a driver error onto the port's errors."""
    text = str(exc)
    if isinstance(exc, OverflowError):
        # sqlite3 refuses Python ints beyond 64 bits before the statement runs.
        return InvalidValue(f"a number is too large for the database: {text}")
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
            return cast(list[Row], await self._db.execute_fetchall(sql, params))
        except (sqlite3.Error, OverflowError) as exc:
            raise translate(exc) from exc

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        try:
            async with self._db.execute(sql, params) as cur:
                return cur.rowcount
        except (sqlite3.Error, OverflowError) as exc:
            raise translate(exc) from exc

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        if not rows:
            return 0
        try:
            async with self._db.executemany(sql, rows) as cur:
                return cur.rowcount
        except (sqlite3.Error, OverflowError) as exc:
            raise translate(exc) from exc

    async def command(self, sql: str) -> None:
        try:
            await self._db.execute_fetchall(sql)
        except sqlite3.Error as exc:
            raise translate(exc) from exc


class _Signal(enum.Enum):
    """What a read waiting for a reader may be woken with instead of a reader."""

    CLOSED = "the storage was closed"
    SLOT_FREE = "a reader failed to open: another may be opened in its place"


def _nothing_to_unregister() -> None:
    return None


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


class SqliteStorage(
    DirectorySql,
    ScheduleSql,
    LedgerSql,
    IntakeSql,
    AuditSql,
    AccessSql,
    OverviewSql,
    InsightsSql,
    CalendarImportSql,
    CalendarSql,
    WorkersSql,
):
    """Storage on one SQLite file."""

    dialect = "sqlite"

    def __init__(
        self,
        path: Path | str,
        *,
        readers: int = READERS,
        grow_after: float = GROW_AFTER,
        shrink_every: float | None = SHRINK_EVERY,
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self._grow_after = grow_after
        # None: no task shrinks idle connections (an in-memory database's pages are its
        # data, not a cache).
        self._shrink_every = shrink_every if str(path) != ":memory:" else None
        self._shrinker: asyncio.Task[None] | None = None
        # Connections used since the previous look for idle ones, and connections whose
        # cache was handed back and that nobody used since (nothing to hand back).
        self._used: set[aiosqlite.Connection] = set()
        self._shrunk: set[aiosqlite.Connection] = set()
        self.shrinks = 0  # connections shrunk so far
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._reader_count = readers if str(path) != ":memory:" else 0
        # The readers opened so far: each on the first read that finds none idle (a
        # connection is a thread with its page cache and its copy of the schema, which
        # a bot that nobody reads through the web never needs).
        self._readers: list[aiosqlite.Connection] = []
        self._opening = 0  # readers being opened
        self._settled = asyncio.Event()  # set while no reader is being opened
        self._settled.set()
        # Idle readers; None until opened and once closed.  The queue's signals wake a
        # waiting read: CLOSED to find the storage closed, SLOT_FREE to open a reader in
        # place of one that failed to open.
        self._idle: asyncio.Queue[aiosqlite.Connection | _Signal] | None = None

    async def open(self, *, migrate: bool = True) -> None:
        check_sqlite_file(self.path)
        if not self.path.parent.exists():
            raise DatabaseUnusable(f"folder {self.path.parent} does not exist")
        try:
            self._db = await self._connect(
                "PRAGMA journal_mode = WAL",
                "PRAGMA synchronous = NORMAL",
                "PRAGMA foreign_keys = ON",
            )
            await self.pending_migrations()  # refuses a database from a newer version
            if migrate:
                await self.migrate()
            # What opening read and wrote (every migration's pages on a fresh file) sits
            # in the writer's page cache; the engine rereads the little it needs.
            await self._db.execute("PRAGMA shrink_memory")
            self._used.clear()
            self._shrunk.add(self._db)
            # Readers come last (until then reads go to the writer), each when a read
            # first needs it.
            if self._reader_count:
                self._idle = asyncio.Queue()
            if self._shrink_every is not None:
                self._shrinker = asyncio.create_task(
                    self._shrink_idle(self._shrink_every), name="sqlite-shrink"
                )
        except sqlite3.Error as exc:
            await self.close()
            raise translate(exc) from exc
        except BaseException:
            await self.close()
            raise

    async def _connect(self, *pragmas: str) -> aiosqlite.Connection:
        db = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            db.row_factory = sqlite3.Row
            await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            for pragma in pragmas:
                await db.execute(pragma)
        except BaseException:
            await db.close()
            raise
        return db

    async def close(self) -> None:
        shrinker, self._shrinker = self._shrinker, None
        if shrinker is not None:
            # First, so no shrink is under way while the connections close (a reader it
            # took aside goes back to the idle queue as the task ends).
            shrinker.cancel()
            await asyncio.wait([shrinker])
        idle, self._idle = self._idle, None
        if idle is not None:
            idle.put_nowait(_Signal.CLOSED)
        await self._settled.wait()  # a reader being opened closes itself, finding this
        readers, self._readers = self._readers, []
        for reader in readers:
            await reader.close()
        if self._db is not None:
            db, self._db = self._db, None
            await db.close()
        self._used.clear()
        self._shrunk.clear()

    def _conn(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StorageError("storage is not open")
        return self._db

    def _touch(self, db: aiosqlite.Connection) -> None:
        """``db`` is in use: it keeps its page cache at the next look for idle ones."""
        self._used.add(db)
        self._shrunk.discard(db)

    @asynccontextmanager
    async def _writer(self) -> AsyncIterator[aiosqlite.Connection]:
        """The writer, held: every use of it goes through this lock, so one holder at a
        time, and nothing is shrunk while a unit of work (or anything else) holds it."""
        async with self._lock:
            db = self._conn()
            self._touch(db)
            try:
                yield db
            finally:
                self._touch(db)

    @asynccontextmanager
    async def _begin(self) -> AsyncIterator[Conn]:
        async with self._writer() as db:
            conn = _SqliteConn(db)
            try:
                await conn.command("BEGIN IMMEDIATE")
                yield conn
                await conn.command("COMMIT")
            except BaseException:
                # An error, or a cancelled task whose BEGIN or COMMIT may still be queued
                # on aiosqlite's thread: leave no transaction open for the next caller.
                await asyncio.shield(self._settle(db))
                raise

    @staticmethod
    async def _settle(db: aiosqlite.Connection) -> None:
        await db.execute_fetchall("SELECT 1")  # in order: everything queued has run
        if db.in_transaction:
            await db.execute_fetchall("ROLLBACK")

    @asynccontextmanager
    async def _reader(self, *, snapshot: bool, writer: bool) -> AsyncIterator[Conn]:
        idle = self._idle
        if idle is None or writer:
            # Asked for (writer_reads), or while opening (migrations read the schema
            # version) or in memory: the writer reads, under the lock so it never sees
            # another task's open write.
            async with self._writer() as db, self._reading(db, snapshot=snapshot) as conn:
                yield conn
            return
        db = await self._take_reader(idle)
        self._touch(db)
        try:
            async with self._reading(db, snapshot=snapshot) as conn:
                yield conn
        finally:
            self._touch(db)
            idle.put_nowait(db)

    async def _take_reader(
        self, idle: asyncio.Queue[aiosqlite.Connection | _Signal]
    ) -> aiosqlite.Connection:
        """An idle reader; else, while fewer than ``readers`` are open or being opened,
        a new one (at once if there is none, after ``grow_after`` seconds of waiting for
        one to come back if there is); else the first one another read gives back."""
        waited = False
        while True:
            if self._idle is not idle:
                raise StorageError("storage is not open")
            item: aiosqlite.Connection | _Signal
            if idle.empty() and len(self._readers) + self._opening < self._reader_count:
                if waited or not (self._readers or self._opening):
                    return await self._open_reader(idle)
                try:
                    item = await asyncio.wait_for(idle.get(), self._grow_after)
                except TimeoutError:
                    waited = True  # none came back: open one if there is still room
                    continue
            else:
                item = await idle.get()
            if item is _Signal.CLOSED:
                idle.put_nowait(item)  # pass the wake-up on to the next waiter
                raise StorageError("storage is not open")
            if item is _Signal.SLOT_FREE:
                continue  # a reader failed to open: try in its place
            return item

    async def _open_reader(
        self, idle: asyncio.Queue[aiosqlite.Connection | _Signal]
    ) -> aiosqlite.Connection:
        self._opening += 1
        self._settled.clear()
        try:
            try:
                db = await self._connect("PRAGMA query_only = ON")
            except sqlite3.Error as exc:
                raise translate(exc) from exc
            if self._idle is not idle:  # closed while this one was being opened
                await db.close()
                raise StorageError("storage is not open")
            self._readers.append(db)
            return db
        except BaseException:
            # Failed or cancelled: a read waiting for a reader may open one instead.
            idle.put_nowait(_Signal.SLOT_FREE)
            raise
        finally:
            self._opening -= 1
            if not self._opening:
                self._settled.set()

    @asynccontextmanager
    async def _reading(self, db: aiosqlite.Connection, *, snapshot: bool) -> AsyncIterator[Conn]:
        conn = _SqliteConn(db)
        if not snapshot:
            yield conn
            return
        try:
            # A deferred read transaction: the statements of one read (an event with
            # its audience and reminders, say) see one commit, not two.
            await conn.command("BEGIN")
            yield conn
            await conn.command("COMMIT")
        except BaseException:
            await asyncio.shield(self._settle(db))
            raise

    # --- idle connections hand their page cache back ----------------------------------

    async def _shrink_idle(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                if await self.release_idle_memory():
                    # What was just freed goes back to the system now, not at the heap
                    # trimmer's next tick (a no-op where the C library is not glibc).
                    heap.release_free_memory()
            except Exception:
                log.exception("could not release idle SQLite connections' memory")

    async def release_idle_memory(self) -> int:
        """Hand back the page cache (``PRAGMA shrink_memory``, on the connection's own
        thread) of every connection nobody used since the previous call and that is not
        shrunk already; returns how many were shrunk.  A connection in use, or with a
        transaction open, is left alone; the writer is shrunk holding its lock, so no unit
        of work starts meanwhile, and a reader is taken out of the idle queue, so no read
        gets it meanwhile.  Errors are logged, never raised."""
        writer, idle = self._db, self._idle
        quiet = {
            db
            for db in [writer, *self._readers]
            if db is not None and db not in self._used and db not in self._shrunk
        }
        self._used.clear()  # from here on, a use marks the connection again
        shrunk = 0
        if writer is not None and writer in quiet and not self._lock.locked():
            async with self._lock:  # at once, or after those already waiting for it
                if self._db is writer and writer not in self._used:
                    shrunk += await self._shrink(writer)
        if idle is None:
            return shrunk
        aside: list[aiosqlite.Connection] = []
        back: list[aiosqlite.Connection | _Signal] = []
        while not idle.empty():  # the idle readers, and any signal, in their order
            item = idle.get_nowait()
            if isinstance(item, aiosqlite.Connection) and item in quiet:
                aside.append(item)
            else:
                back.append(item)
        for item in back:
            idle.put_nowait(item)
        try:
            for db in aside:
                shrunk += await self._shrink(db)
        finally:
            for db in aside:
                idle.put_nowait(db)
        return shrunk

    async def _shrink(self, db: aiosqlite.Connection) -> int:
        if db.in_transaction:
            return 0  # not ours to touch (nothing leaves one open on an idle connection)
        try:
            await db.execute_fetchall("PRAGMA shrink_memory")
        except Exception:
            log.warning("could not shrink an idle SQLite connection", exc_info=True)
            return 0
        self._shrunk.add(db)
        self.shrinks += 1
        return 1

    async def ping(self) -> None:
        await self._one("SELECT 1")

    # --- wake signal: one process owns the file (the instance lock), nobody to wake ----

    async def wake_others(self) -> None:
        return None

    def on_wake(self, callback: Callable[[], None]) -> Callable[[], None]:
        self._conn()  # the port's contract: raises StorageError when not open
        return _nothing_to_unregister

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
        self._conn()  # raises StorageError when not open
        async with self._writer() as db:
            await db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"
            )
        applied: list[int] = []
        for migration in await self.pending_migrations():
            log.info("applying migration %04d_%s", migration.version, migration.name)
            async with self._writer() as db:
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
