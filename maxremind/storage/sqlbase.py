"""Shared machinery of the SQL adapters: the connection protocol and value conversions.

The adapters write their SQL once with ``?`` placeholders; the Postgres adapter
rewrites them to ``$n``.  Times are stored as integer milliseconds since the epoch
(UTC) in both dialects, booleans as 0/1, so one set of Python code maps rows for both.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    Language,
    QuietHoursSpec,
)
from maxremind.storage.base import Storage

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


class SqlBase(Storage):
    """Base of the SQL adapters: subclasses provide transactions; mixins provide SQL."""

    @abstractmethod
    def _tx(self) -> AbstractAsyncContextManager[Conn]:
        """A write transaction; commits on success, rolls back on error."""

    @abstractmethod
    def _read(self) -> AbstractAsyncContextManager[Conn]:
        """A connection for reads (a consistent snapshot where the dialect gives one)."""

    async def _one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        async with self._read() as conn:
            return await conn.fetchone(sql, params)

    async def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        async with self._read() as conn:
            return await conn.fetchall(sql, params)


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
    return AudienceEntry(AudienceKind(kind), ref_id)
