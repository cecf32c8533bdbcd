"""The copy and its verification (see the package's docstring for the whole story)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import asyncpg

from maxremind.storage.copy import target as pg
from maxremind.storage.copy.report import CopyReport, Progress, Silent, TableCheck
from maxremind.storage.copy.source import Source, source_path
from maxremind.storage.copy.tables import PROGRESS_KEY, CopyRefused, Table, agreed_tables, q

BATCH_SIZE = 2000


def check_urls(source_url: str, target_url: str) -> Path:
    """The SQLite file a copy would read, once both URLs are of the right kind and the file
    is there: what can be said before anything else is done (the instance lock taken).

    :raises CopyRefused:
    """
    path = source_path(source_url)
    pg.check_target_url(target_url)
    if not path.is_file():
        raise CopyRefused(f"there is no SQLite database at {path}")
    return path


async def copy_data(
    source_url: str,
    target_url: str,
    *,
    resume: bool = False,
    force: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    notice: Callable[[str], None] = lambda _line: None,
) -> CopyReport:
    """Copy the SQLite database at ``source_url`` into the Postgres one at ``target_url``,
    then verify the copy.  The source is never written.  ``notice`` is told what a
    ``force`` deletes and where a ``resume`` goes on.

    :raises CopyRefused: bad URLs; a source that is no maxremind database at this version's
        schema; schemas that differ; a non-empty target (without ``force`` or ``resume``);
        a row Postgres cannot take.
    :raises DatabaseUnusable: Postgres cannot be reached.
    """
    started = time.monotonic()
    progress = progress or Silent()
    check_urls(source_url, target_url)
    if batch_size < 1:
        raise CopyRefused("--batch-size must be at least 1")
    source = Source(source_url)
    source.open()
    try:
        async with pg.target(target_url, migrate=True) as conn:
            tables = agreed_tables(source.schema(), await pg.schema(conn))
            if source.has_value(PROGRESS_KEY):
                raise CopyRefused(
                    f"the source's kv table holds {PROGRESS_KEY!r}, copy-data's own key: "
                    "it is not a database maxremind wrote"
                )
            record = await pg.prepare(
                conn, tables, source, target_url, resume=resume, force=force, notice=notice
            )
            total = sum(source.count(t) for t in tables)
            before = sum(
                source.count(t) if t.name in record.done else source.count(t, record.last[t.name])
                for t in tables
                if t.name in record.done or t.name in record.last
            )
            if resume:
                notice(
                    f"resuming the copy from {source.path}: {before:,} of {total:,} rows "
                    "were copied before"
                )
            progress.start("copying", total, before)
            copied = 0
            for table in tables:
                if table.name not in record.done:
                    copied += await _copy_table(conn, source, table, record, batch_size, progress)
            progress.finish()
            await pg.finish(conn, source, tables)
            checks = await _verify(conn, source, tables, batch_size, progress)
    except sqlite3.Error as exc:
        raise CopyRefused(f"reading {source.path} failed: {exc}") from None
    finally:
        source.close()
    return CopyReport(checks, copied, resume, time.monotonic() - started)


async def _copy_table(
    conn: asyncpg.Connection,
    source: Source,
    table: Table,
    record: pg.Record,
    batch: int,
    progress: Progress,
) -> int:
    written = 0
    for rows in source.rows(table, batch, record.last.get(table.name)):
        record.last[table.name] = table.key_of(rows[-1])
        try:
            # The batch and the record of it commit together: a copy killed anywhere
            # leaves whole batches, and says which.
            async with conn.transaction():
                await conn.copy_records_to_table(table.name, records=rows, columns=table.columns)
                await pg.save(conn, record)
        except asyncpg.ForeignKeyViolationError as exc:
            raise CopyRefused(
                f"table {table.name}: a row refers to one that does not exist ({exc.detail}); "
                "the SQLite file breaks its own rules (sqlite3 FILE 'PRAGMA "
                "foreign_key_check' lists where); the rows before it are copied"
            ) from None
        except (asyncpg.PostgresError, TypeError, ValueError) as exc:
            # Values are looked at only now: checking every value of every batch would
            # cost about as much as the copy.
            problem = (
                table.bad_value(rows) or f"table {table.name}: Postgres refused a batch: {exc}"
            )
            raise CopyRefused(f"{problem}; the rows before it are copied") from None
        written += len(rows)
        progress.advance(len(rows), table.name)
    record.done.append(table.name)
    record.last.pop(table.name, None)
    await pg.save(conn, record)
    return written


# --- verification ---------------------------------------------------------------------------


def row_text(row: Iterable[Any]) -> bytes:
    """The canonical text of a row: its values (ints, strings, nulls) as a JSON array."""
    return json.dumps(tuple(row), ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


async def _verify(
    conn: asyncpg.Connection,
    source: Source,
    tables: Sequence[Table],
    batch: int,
    progress: Progress,
) -> tuple[TableCheck, ...]:
    progress.start("verifying", sum(source.count(t) for t in tables))
    checks: list[TableCheck] = []
    for table in tables:
        ours, ours_rows = hashlib.sha256(), 0
        for rows in source.rows(table, batch):
            for row in rows:
                ours.update(row_text(row))
            ours_rows += len(rows)
            progress.advance(len(rows), table.name)
        theirs, theirs_rows = hashlib.sha256(), 0
        sql = f"SELECT {table.select()} FROM {q(table.name)} ORDER BY {table.order(postgres=True)}"
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            async for found in conn.cursor(sql, prefetch=batch):
                theirs.update(row_text(found.values()))
                theirs_rows += 1
        checks.append(
            TableCheck(table.name, ours_rows, theirs_rows, ours.hexdigest(), theirs.hexdigest())
        )
    progress.finish()
    return tuple(checks)


async def verify_copy(
    source_url: str,
    target_url: str,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> CopyReport:
    """Compare the row counts and checksums of every copied table; changes neither side.

    :raises CopyRefused: as :func:`copy_data`, for URLs and schemas.
    :raises DatabaseUnusable: Postgres cannot be reached.
    """
    started = time.monotonic()
    check_urls(source_url, target_url)
    source = Source(source_url)
    source.open()
    try:
        async with pg.target(target_url, migrate=False) as conn:
            tables = agreed_tables(source.schema(), await pg.schema(conn))
            interrupted = await pg.pending(conn)
            checks = await _verify(conn, source, tables, batch_size, progress or Silent())
    except sqlite3.Error as exc:
        raise CopyRefused(f"reading {source.path} failed: {exc}") from None
    finally:
        source.close()
    notes: tuple[str, ...] = ()
    if interrupted is not None:
        notes = ("the target holds an interrupted copy: finish it with copy-data --resume",)
    return CopyReport(checks, seconds=time.monotonic() - started, notes=notes)
