"""The Postgres adapter (scale mode): a pool of asyncpg connections, the shared SQL.

The SQL of :mod:`maxremind.storage.sql` is written once with ``?`` placeholders and a
few SQLite spellings; :func:`to_postgres` rewrites each statement once (cached) into
Postgres's: ``$n`` placeholders, ``json_array_elements_text`` for id lists sent as JSON,
``IS NOT DISTINCT FROM`` for SQLite's null-safe ``IS``; and a comment
``/*postgres: ...*/`` becomes SQL here (claims of due work add ``FOR UPDATE SKIP LOCKED``
that way: SQLite's single writer needs no row locks).

Writes of one process still go one at a time, as on SQLite: the unit-of-work contract
("another task's write waits until the block ends") holds within a process, and the
services were written against it.  Several processes write concurrently; what they could
race on is guarded by the database (unique keys, conditional updates, row locks).
Reads use the other pool connections and never wait for the writer.  The worker
registry writes beside the writer too (a heartbeat must not queue behind a long unit of
work), and one more connection of its own LISTENs for the wake signal of the other
processes (see :class:`_WakeListener`).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import secrets
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from typing import Any, cast
from urllib.parse import urlsplit

import asyncpg

from maxremind.storage.errors import (
    AlreadyExists,
    DatabaseUnusable,
    InvalidValue,
    NotFound,
    SchemaTooNew,
    StorageError,
)
from maxremind.storage.migrations import Migration, load_migrations
from maxremind.storage.pg_locks import PostgresFleetLocks
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

__all__ = ["PostgresStorage", "redact_url", "to_postgres", "translate"]

log = logging.getLogger(__name__)

POOL_SIZE = 10
STATEMENT_TIMEOUT_S = 30.0
# Any two-statement migration run by two processes starting at once must not interleave.
_MIGRATION_LOCK = 0x6D61_7872  # "maxr"
# The wake signal's channel; the payload names the storage object that sent it.
WAKE_CHANNEL = "maxremind_wake"
# How often the listening connection is checked (a half-open TCP connection says nothing
# until something is sent on it), and the longest pause between attempts to re-open it.
LISTENER_CHECK_S = 5.0
LISTENER_FIRST_RETRY_S = 0.25
LISTENER_RETRY_CAP_S = 10.0

_PLACEHOLDER = re.compile(r"\?")
_JSON_IDS = re.compile(r"SELECT value FROM json_each\(\?\)")
_NULL_SAFE_IS = re.compile(r"\bIS \?")
_POSTGRES_ONLY = re.compile(r"/\*postgres: (.*?)\*/")


# SQLite's unary plus on a column keeps its planner off that column's index; Postgres
# has no unary plus for text (and plans well without the hint).
_NO_INDEX_HINT = re.compile(r"(?<=[( ])\+(?=[a-z_]+\.[a-z_]+ )")
_EXTREMUM = re.compile(r"\b(max|min)\(", re.IGNORECASE)


def _scalar_extrema(sql: str) -> str:
    """SQLite's two-argument ``max(a, b)`` / ``min(a, b)`` are Postgres's ``GREATEST`` /
    ``LEAST``; the one-argument aggregates stay."""
    out: list[str] = []
    pos = 0
    for match in _EXTREMUM.finditer(sql):
        depth, i = 1, match.end()
        top_level_comma = False
        while i < len(sql) and depth:
            char = sql[i]
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            elif char == "," and depth == 1:
                top_level_comma = True
            i += 1
        if top_level_comma:
            name = "GREATEST(" if match[1].lower() == "max" else "LEAST("
            out.append(sql[pos : match.start()] + name)
            pos = match.end()
    out.append(sql[pos:])
    return "".join(out)


@functools.lru_cache(maxsize=2048)
def to_postgres(sql: str) -> str:
    """One statement of the shared SQL in Postgres's spelling.

    Id lists travel as one JSON array parameter (SQLite's ``json_each``), so a statement
    keeps one shape whatever the list's length; here they are read with
    ``json_array_elements_text`` (every such list holds integers).
    """
    sql = _JSON_IDS.sub(
        "SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(? AS json))", sql
    )
    sql = _NULL_SAFE_IS.sub("IS NOT DISTINCT FROM ?", sql)
    sql = _POSTGRES_ONLY.sub(r"\1", sql)
    sql = _NO_INDEX_HINT.sub("", sql)
    sql = _scalar_extrema(sql)
    counter = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda _m: f"${next(counter)}", sql)


def translate(exc: BaseException) -> StorageError:
    """Map a driver error onto the port's errors."""
    text = str(exc)
    if isinstance(exc, asyncpg.UniqueViolationError):
        return AlreadyExists(text)
    if isinstance(exc, asyncpg.ForeignKeyViolationError):
        return NotFound("a record this refers to does not exist")
    if isinstance(exc, asyncpg.IntegrityConstraintViolationError | asyncpg.DataError):
        return InvalidValue(text)
    if isinstance(exc, OverflowError):
        return InvalidValue(f"a number is too large for the database: {text}")
    if isinstance(
        exc, asyncpg.InvalidCatalogNameError | asyncpg.InvalidAuthorizationSpecificationError
    ):
        return DatabaseUnusable(text)
    return StorageError(text or type(exc).__name__)


# InternalClientError is what asyncpg raises on a connection whose server side was
# terminated a moment ago (the protocol saw the goodbye but not yet the close): a lost
# connection like the others, and it must not escape the adapter untranslated.
_DRIVER_ERRORS = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    OSError,
    OverflowError,
)


def _changed(status: str) -> int:
    """Rows changed, from a command tag such as ``UPDATE 3`` or ``INSERT 0 1``."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class _PgConn:
    """Adapts an asyncpg connection to the :class:`Conn` protocol."""

    __slots__ = ("_db",)

    def __init__(self, db: asyncpg.Connection) -> None:
        self._db = db

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        try:
            return cast(list[Row], await self._db.fetch(to_postgres(sql), *params))
        except _DRIVER_ERRORS as exc:
            raise translate(exc) from exc

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        try:
            return cast(Row | None, await self._db.fetchrow(to_postgres(sql), *params))
        except _DRIVER_ERRORS as exc:
            raise translate(exc) from exc

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        try:
            return _changed(await self._db.execute(to_postgres(sql), *params))
        except _DRIVER_ERRORS as exc:
            raise translate(exc) from exc

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        if not rows:
            return 0
        # asyncpg's executemany reports nothing; a RETURNING row per changed row counts
        # them in the same pipelined round of statements.
        counted = sql if " RETURNING " in sql else sql + " RETURNING 1"
        try:
            return len(await self._db.fetchmany(to_postgres(counted), rows))
        except _DRIVER_ERRORS as exc:
            raise translate(exc) from exc

    async def command(self, sql: str) -> None:
        try:
            await self._db.execute(sql)
        except _DRIVER_ERRORS as exc:
            raise translate(exc) from exc


def redact_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()


class _WakeListener:
    """A connection of its own that LISTENs on :data:`WAKE_CHANNEL` and calls the
    registered callbacks for each signal another storage object sent; re-opened (with
    growing pauses, up to :data:`LISTENER_RETRY_CAP_S`) whenever it is lost."""

    def __init__(self, url: str, own_id: str, server_settings: dict[str, str]) -> None:
        self._url = url
        self._own_id = own_id
        self._server_settings = server_settings
        self._callbacks: list[Callable[[], None]] = []
        self._task: asyncio.Task[None] | None = None
        self.listening = False

    def add(self, callback: Callable[[], None]) -> Callable[[], None]:
        self._callbacks.append(callback)
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name="postgres wake listener"
            )

        def remove() -> None:
            with suppress(ValueError):
                self._callbacks.remove(callback)

        return remove

    async def stop(self) -> None:
        task, self._task = self._task, None
        self._callbacks.clear()
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    def _fire(self) -> None:
        for callback in list(self._callbacks):
            try:
                callback()
            except Exception:
                log.exception("wake callback %r failed", callback)

    def _on_notify(self, _db: object, _pid: int, _channel: str, payload: str) -> None:
        if payload != self._own_id:  # our own signal: the engine here was poked directly
            self._fire()

    async def _run(self) -> None:
        delay, warned, listened = LISTENER_FIRST_RETRY_S, False, False
        while True:
            try:
                db = await asyncpg.connect(
                    self._url, timeout=LISTENER_CHECK_S * 2, server_settings=self._server_settings
                )
            except (*_DRIVER_ERRORS, TimeoutError) as exc:
                if not warned:
                    log.warning("cannot listen for wake-ups from other processes: %s", exc)
                    warned = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, LISTENER_RETRY_CAP_S)
                continue
            warned = False
            opened = time.monotonic()
            try:
                await self._listen(db, again=listened)
                log.warning("lost the connection listening for wake-ups; re-opening it")
            except (*_DRIVER_ERRORS, TimeoutError) as exc:
                log.warning("lost the connection listening for wake-ups (%s); re-opening it", exc)
            finally:
                self.listening = False
                db.terminate()
            listened = True
            # A connection that lasted is re-opened at once; one lost again and again
            # (a server refusing LISTEN, say) with growing pauses.
            if time.monotonic() - opened > LISTENER_CHECK_S * 6:
                delay = LISTENER_FIRST_RETRY_S
            await asyncio.sleep(delay)
            delay = min(delay * 2, LISTENER_RETRY_CAP_S)

    async def _listen(self, db: asyncpg.Connection, *, again: bool) -> None:
        """Listen on ``db`` until it is lost (raises, or returns once it is closed)."""
        lost = asyncio.Event()
        db.add_termination_listener(lambda _db: lost.set())
        await db.add_listener(WAKE_CHANNEL, self._on_notify)
        self.listening = True
        if again:
            # Signals sent while nobody listened are gone: look once, in case.
            log.info("listening for wake-ups from other processes again")
            self._fire()
        while not lost.is_set():
            with suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), LISTENER_CHECK_S)
            if not lost.is_set():
                await asyncio.wait_for(db.fetchval("SELECT 1"), LISTENER_CHECK_S)


class PostgresStorage(
    PostgresFleetLocks,
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
    """Storage on a Postgres database shared by every maxremind process of one bot."""

    dialect = "postgres"
    # Several processes write to one database: read models keyed on this object's
    # generation would miss the others' writes, so none are shared (see generation()).
    only_writer = False

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = POOL_SIZE,
        statement_timeout: float = STATEMENT_TIMEOUT_S,
    ) -> None:
        super().__init__()
        self.url = url
        self._pool_size = max(2, pool_size)
        self._statement_timeout = statement_timeout
        self._pool: asyncpg.Pool | None = None
        self._lock = asyncio.Lock()
        self._wake_id = secrets.token_hex(8)
        self._listener: _WakeListener | None = None

    def _server_settings(self, application_name: str) -> dict[str, str]:
        return {
            "application_name": application_name,
            "statement_timeout": str(int(self._statement_timeout * 1000)),
            "timezone": "UTC",
        }

    async def open(self, *, migrate: bool = True) -> None:
        try:
            self._pool = await asyncpg.create_pool(
                self.url,
                min_size=1,
                max_size=self._pool_size,
                server_settings=self._server_settings("maxremind"),
            )
        except _DRIVER_ERRORS as exc:
            raise DatabaseUnusable(
                f"cannot connect to Postgres at {redact_url(self.url)}: {exc}"
            ) from None
        try:
            await self.pending_migrations()
            if migrate:
                await self.migrate()
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            await listener.stop()
        pool, self._pool = self._pool, None
        if pool is not None:
            try:
                await asyncio.wait_for(pool.close(), 10)
            except (TimeoutError, *_DRIVER_ERRORS):
                pool.terminate()

    def _the_pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise StorageError("storage is not open")
        return self._pool

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[asyncpg.Connection]:
        pool = self._the_pool()
        try:
            db = await pool.acquire()
        except _DRIVER_ERRORS as exc:
            raise translate(exc) from exc
        try:
            yield db
        except _DRIVER_ERRORS as exc:
            raise translate(exc) from exc
        finally:
            # The pool resets a connection it gets back and drops it when that fails
            # (its server side just ended).  Whatever ran on it is over by then,
            # committed or not: a connection lost on its way back must not turn a
            # committed unit of work into an error (its caller would take it for
            # undone, and may do it again).
            try:
                await pool.release(db)
            except _DRIVER_ERRORS as exc:
                log.debug("a connection was lost on its way back to the pool: %s", exc)

    @asynccontextmanager
    async def _transaction(self, **options: Any) -> AsyncIterator[asyncpg.Connection]:
        """A pooled connection with a transaction open on it.

        asyncpg's transaction rolls back on an error or cancellation, and the pool
        resets a connection it gets back in a bad state.  A pooled connection whose
        server side ended while it sat idle (a Postgres restart, ``pg_terminate_backend``,
        ``idle_session_timeout``) can look open for a moment and fail at BEGIN; nothing
        of the unit has run then, so it is begun again on another connection: the first
        unit of work after such a fault does not fail for a connection nobody was using.
        A failure after BEGIN is the caller's (the unit may have been half done).
        """
        attempt = 0
        while True:
            attempt += 1
            async with self._connection() as db:
                begun = False
                try:
                    async with db.transaction(**options):
                        begun = True
                        yield db
                    return
                except _DRIVER_ERRORS as exc:
                    # Every pooled connection may be gone: one more than the pool.
                    if begun or attempt > self._pool_size:
                        raise
                    log.debug("a pooled connection was gone at BEGIN (%s); taking another", exc)

    @asynccontextmanager
    async def _begin(self) -> AsyncIterator[Conn]:
        async with self._lock, self._transaction() as db:
            yield _PgConn(db)

    @asynccontextmanager
    async def _reader(self, *, snapshot: bool, writer: bool) -> AsyncIterator[Conn]:
        # Reads never see an open transaction of another connection here, so the
        # writer's connection is never needed (``writer`` is ignored).
        if not snapshot:
            async with self._connection() as db:
                yield _PgConn(db)
            return
        async with self._transaction(isolation="repeatable_read", readonly=True) as db:
            yield _PgConn(db)

    async def ping(self) -> None:
        await self._one("SELECT 1")

    # --- worker registry and wake signal ----------------------------------------------

    def _registry_tx(self) -> AbstractAsyncContextManager[Conn]:
        # Beside the writer: the process lock serializes this process's writes for the
        # unit-of-work contract, which the registry (its own rows, and the claims of
        # other, dead processes) does not need; a heartbeat queued behind a long unit
        # of work would get this process taken for dead by the others.
        return self._aside()

    @asynccontextmanager
    async def _aside(self) -> AsyncIterator[Conn]:
        async with self._transaction() as db:
            yield _PgConn(db)

    async def wake_others(self) -> None:
        async with self._connection() as db:
            await _PgConn(db).execute("SELECT pg_notify(?, ?)", (WAKE_CHANNEL, self._wake_id))

    def on_wake(self, callback: Callable[[], None]) -> Callable[[], None]:
        self._the_pool()  # raises StorageError when not open
        if self._listener is None:
            self._listener = _WakeListener(
                self.url, self._wake_id, self._server_settings("maxremind wake listener")
            )
        return self._listener.add(callback)

    @property
    def listening(self) -> bool:
        """Whether the wake listener's connection is open and listening now."""
        return self._listener is not None and self._listener.listening

    # --- migrations ------------------------------------------------------------------

    async def schema_version(self) -> int:
        row = await self._one("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")
        if row is None or not row["present"]:
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
        applied: list[int] = []
        async with self._lock, self._connection() as db:
            try:
                async with db.transaction():
                    # Two processes starting together: the second waits here, then finds
                    # nothing left to apply.
                    await db.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
                    await db.execute(
                        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT"
                        " PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
                    )
                    current = await db.fetchval(
                        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"
                    )
                    for migration in load_migrations(self.dialect)[current:]:
                        log.info("applying migration %04d_%s", migration.version, migration.name)
                        await db.execute(migration.sql)
                        await db.execute(
                            "INSERT INTO schema_migrations (version, name, applied_at)"
                            " VALUES ($1, $2, $3)",
                            migration.version,
                            migration.name,
                            int(time.time() * 1000),
                        )
                        applied.append(migration.version)
            except _DRIVER_ERRORS as exc:
                raise translate(exc) from exc
        return applied
