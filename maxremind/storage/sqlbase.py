"""Shared machinery of the SQL adapters: the connection protocol and value conversions.

The adapters write their SQL once with ``?`` placeholders; the Postgres adapter
rewrites them to ``$n``.  Times are stored as integer milliseconds since the epoch
(UTC) in both dialects, booleans as 0/1, so one set of Python code maps rows for both.
"""

from __future__ import annotations

import asyncio
import logging
from abc import abstractmethod
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    asynccontextmanager,
    contextmanager,
    nullcontext,
)
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Language,
    NewDelivery,
    QuietHoursSpec,
    RecipientKind,
)
from maxremind.storage.base import Storage
from maxremind.storage.errors import NotFound, StorageError
from maxremind.storage.ports.work import FleetLock

log = logging.getLogger(__name__)

Row = Mapping[str, Any]


class Conn(Protocol):
    """One connection inside a transaction (or a read), as the adapters expose it."""

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; returns the number of rows it changed."""
        ...

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run a statement once per row; returns the number of rows changed in all."""
        ...

    async def command(self, sql: str) -> None:
        """Run a statement whose result does not matter: BEGIN, COMMIT, SAVEPOINT..."""
        ...


@dataclass(eq=False)
class _Work:
    """An open unit of work: its task, its connection and what waits for the commit."""

    task: asyncio.Task[Any] | None
    conn: Conn
    callbacks: list[Callable[[], None]] = field(default_factory=list)
    depth: int = 0
    open: bool = True


class SqlBase(Storage):
    """Base of the SQL adapters: subclasses provide connections; mixins provide SQL.

    Units of work are written once here.  The open one lives in a context variable
    of this instance together with the task that opened it, so only that task's
    calls join it (child tasks copy the context but are other tasks).  Inside it,
    every write method runs in a SAVEPOINT of the one transaction, so a method that
    raises still undoes only its own writes; reads use the same connection.  Outside
    one, reads go to :meth:`_reader`, asking for the writer's connection while a
    :meth:`writer_reads` block of the task (or of the task that started it) is open.
    """

    def __init__(self) -> None:
        self._work: ContextVar[_Work | None] = ContextVar(
            f"maxremind_storage_work_{id(self)}", default=None
        )
        self._on_writer: ContextVar[bool] = ContextVar(
            f"maxremind_storage_on_writer_{id(self)}", default=False
        )
        self._writes_ended = 0  # see generation()
        self._held_locks: set[str] = set()

    @abstractmethod
    def _begin(self) -> AbstractAsyncContextManager[Conn]:
        """A new write transaction on the writer; commits on success, rolls back on
        error or cancellation (leaving the connection clean for the next caller)."""

    @abstractmethod
    def _reader(self, *, snapshot: bool, writer: bool) -> AbstractAsyncContextManager[Conn]:
        """A connection for reads outside any unit of work; with ``snapshot`` its
        statements see one consistent state of the database.  With ``writer`` the
        caller asked for the writer's connection (:meth:`writer_reads`); it must then
        not see another task's open write.  An adapter whose connections are all
        alike may ignore it."""

    def _open_work(self) -> _Work | None:
        work = self._work.get()
        if work is None or not work.open or work.task is not asyncio.current_task():
            return None
        return work

    @asynccontextmanager
    async def _tx(self, *, progress: bool = False) -> AsyncIterator[Conn]:
        """The transaction a write method runs in: its own, or a savepoint of the
        current task's unit of work.  ``progress``: the write only moves deliveries
        along the ledger (claims, leases, sends, failures), which :meth:`generation`
        does not count."""
        work = self._open_work()
        if work is None:
            try:
                async with self._begin() as conn:
                    yield conn
            finally:
                if not progress:
                    self._writes_ended += 1
        else:
            async with self._savepoint(work):
                yield work.conn

    def _read(self) -> AbstractAsyncContextManager[Conn]:
        """A connection for a read of several statements (one snapshot)."""
        work = self._open_work()
        if work is not None:
            return nullcontext(work.conn)  # sees the unit's own uncommitted writes
        return self._reader(snapshot=True, writer=self._on_writer.get())

    async def _one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        work = self._open_work()
        if work is not None:
            return await work.conn.fetchone(sql, params)
        async with self._reader(snapshot=False, writer=self._on_writer.get()) as conn:
            return await conn.fetchone(sql, params)

    async def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        work = self._open_work()
        if work is not None:
            return await work.conn.fetchall(sql, params)
        async with self._reader(snapshot=False, writer=self._on_writer.get()) as conn:
            return await conn.fetchall(sql, params)

    def fleet_lock(self, name: str) -> AbstractAsyncContextManager[FleetLock | None]:
        return self._local_lock(name)

    @asynccontextmanager
    async def _local_lock(self, name: str) -> AsyncIterator[FleetLock | None]:
        # One process owns a SQLite database: the fleet is this process's tasks.
        if name in self._held_locks:
            yield None
            return
        self._held_locks.add(name)
        try:
            yield FleetLock(name)
        finally:
            self._held_locks.discard(name)

    def writer_reads(self) -> AbstractContextManager[None]:
        return self._writer_reads()

    #: Whether this object's writes are all the writes the database gets (one process
    #: owns a SQLite file); where other processes write too, :meth:`generation` cannot
    #: vouch for a shared read and returns None.
    only_writer: bool = True

    def generation(self) -> int | None:
        # Counted once a transaction has ended, so whoever reads the number first and
        # then the data sees at least every write that number counts.
        if not self.only_writer or self._open_work() is not None:
            return None
        return self._writes_ended

    @contextmanager
    def _writer_reads(self) -> Iterator[None]:
        token = self._on_writer.set(True)
        try:
            yield
        finally:
            self._on_writer.reset(token)

    @asynccontextmanager
    async def _savepoint(self, work: _Work) -> AsyncIterator[None]:
        name = f"maxremind_sp{work.depth}"
        work.depth += 1
        kept = len(work.callbacks)
        try:
            await work.conn.command(f"SAVEPOINT {name}")
            yield
            await work.conn.command(f"RELEASE {name}")
        except BaseException:
            del work.callbacks[kept:]  # what the undone part asked for must not run
            await asyncio.shield(self._undo_savepoint(work.conn, name))
            raise
        finally:
            work.depth -= 1

    @staticmethod
    async def _undo_savepoint(conn: Conn, name: str) -> None:
        try:
            await conn.command(f"ROLLBACK TO {name}")
            await conn.command(f"RELEASE {name}")
        except StorageError:
            # The savepoint is gone already (released just before a cancellation, or
            # the whole transaction rolled back): nothing of ours is left to undo.
            pass

    def unit_of_work(self) -> AbstractAsyncContextManager[None]:
        return self._unit_of_work()

    @asynccontextmanager
    async def _unit_of_work(self) -> AsyncIterator[None]:
        outer = self._open_work()
        if outer is not None:
            async with self._savepoint(outer):
                yield
            return
        try:
            async with self._begin() as conn:
                work = _Work(asyncio.current_task(), conn)
                token = self._work.set(work)
                try:
                    yield
                finally:
                    work.open = False
                    self._work.reset(token)
        finally:
            self._writes_ended += 1
        _run_callbacks(work.callbacks)

    def after_commit(self, callback: Callable[[], None]) -> None:
        work = self._open_work()
        if work is None:
            _run_callbacks([callback])
        else:
            work.callbacks.append(callback)


def _run_callbacks(callbacks: Sequence[Callable[[], None]]) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:
            # The data is committed whatever a callback does; one that fails must
            # neither hide the commit from the caller nor starve the callbacks after it.
            log.exception("after-commit callback %r failed", callback)


async def require(conn: Conn, sql: str, params: Sequence[Any], what: str) -> Row:
    """The one row ``sql`` finds. :raises NotFound: (saying ``what``)"""
    row = await conn.fetchone(sql, params)
    if row is None:
        raise NotFound(what)
    return row


def now_ms() -> int:
    return to_ms(datetime.now(UTC))


def chunks(items: Sequence[str], size: int) -> list[Sequence[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


# Deliveries are written by the schedule (a job expands into them) and the ledger.
INSERT_DELIVERY = (
    "INSERT INTO deliveries (key, kind, job_id, payload, occurrence_id, reminder_id,"
    " recipient_kind, recipient_id, due_at, send_at, status, skip_reason, note,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (key) DO NOTHING"
)


def delivery_params(d: NewDelivery, now: int) -> tuple[Any, ...]:
    return (
        d.key,
        d.kind.value,
        d.job_id,
        d.payload,
        d.occurrence_id,
        d.reminder_id,
        d.recipient_kind.value,
        d.recipient_id,
        to_ms(d.due_at),
        to_ms(d.send_at),
        d.status.value,
        d.skip_reason,
        d.note,
        now,
        now,
    )


def delivery_from_row(row: Row) -> Delivery:
    return Delivery(
        id=row["id"],
        key=row["key"],
        kind=DeliveryKind(row["kind"]),
        job_id=row["job_id"],
        payload=row["payload"],
        occurrence_id=row["occurrence_id"],
        reminder_id=row["reminder_id"],
        recipient_kind=RecipientKind(row["recipient_kind"]),
        recipient_id=row["recipient_id"],
        due_at=from_ms(row["due_at"]),
        send_at=from_ms(row["send_at"]),
        status=DeliveryStatus(row["status"]),
        attempts=row["attempts"],
        max_message_id=row["max_message_id"],
        last_error=row["last_error"],
        skip_reason=row["skip_reason"],
        note=row["note"],
        lease_owner=row["lease_owner"],
        lease_until=opt_dt(row["lease_until"]),
        sent_at=opt_dt(row["sent_at"]),
        created_at=from_ms(row["created_at"]),
        updated_at=from_ms(row["updated_at"]),
    )


def to_ms(value: datetime) -> int:
    if value.tzinfo is None:
        raise ValueError("naive datetime where an aware UTC one is required")
    return int(value.timestamp() * 1000)


def opt_ms(value: datetime | None) -> int | None:
    return None if value is None else to_ms(value)


def from_ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def opt_dt(value: int | None) -> datetime | None:
    return None if value is None else from_ms(value)


def to_local(value: str) -> datetime:
    return datetime.fromisoformat(value)


def local_text(value: datetime) -> str:
    if value.tzinfo is not None:
        raise ValueError("a local wall time must be naive")
    return value.isoformat(timespec="seconds")


def opt_seconds(value: timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


def opt_td(value: int | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)


def quiet_text(value: QuietHoursSpec | None) -> str | None:
    return None if value is None else str(value)


def quiet_spec(value: str | None) -> QuietHoursSpec | None:
    if not value:
        return None
    start, _, end = value.partition("-")
    return QuietHoursSpec(start, end)


def opt_lang(value: str | None) -> Language | None:
    return None if value is None else Language(value)


def name_key(name: str) -> str:
    """Case- and space-insensitive key for names (Cyrillic included)."""
    return " ".join(name.split()).casefold().replace("ё", "е")


def audience_entry(kind: str, ref_id: int | None) -> AudienceEntry:
    return AudienceEntry(AUDIENCE_KINDS[kind], ref_id)


E = TypeVar("E", bound=StrEnum)


def by_value(enum: type[E]) -> dict[str, E]:
    """``value → member`` of a string enum: what a row mapper needs for each of thousands
    of rows, without the enum call's machinery (several times slower)."""
    return {member.value: member for member in enum}


AUDIENCE_KINDS = by_value(AudienceKind)
