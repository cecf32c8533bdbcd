"""The Postgres side of copy-data: the connection, its schema, the progress record kept in
its ``kv`` table, and the sequences moved at the end."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from maxremind.storage.copy.source import Source, shown
from maxremind.storage.copy.tables import PROGRESS_KEY, CopyRefused, Table, TargetSchema, q
from maxremind.storage.errors import DatabaseUnusable, StorageError
from maxremind.storage.migrations import latest_version
from maxremind.storage.postgres import PostgresStorage, redact_url, translate

# One copy-data at a time per target database (a session advisory lock).
_COPY_LOCK = 0x6D72_6370  # "mrcp"


def check_target_url(url: str) -> None:
    """:raises CopyRefused: not a PostgreSQL URL."""
    if not url.startswith(("postgresql://", "postgres://")):
        raise CopyRefused(
            "--to must be a PostgreSQL URL such as postgresql://maxremind@127.0.0.1:5432/"
            f"maxremind, not {shown(url)}"
        )


@contextlib.asynccontextmanager
async def target(url: str, *, migrate: bool) -> AsyncIterator[asyncpg.Connection]:
    """A connection to the target once its adapter has migrated it (without ``migrate``:
    checked it is at this maxremind's schema), holding the copy lock.

    :raises DatabaseUnusable: Postgres cannot be reached.
    :raises CopyRefused: another copy-data holds the lock, the database is not UTF-8, or
        (without ``migrate``) it is at another schema version.
    """
    storage = PostgresStorage(url, pool_size=2)
    await storage.open(migrate=migrate)  # DatabaseUnusable names the URL without password
    try:
        version = await storage.schema_version()
    finally:
        await storage.close()
    known = latest_version("postgres")
    if version != known:
        raise CopyRefused(
            f"the Postgres database is at schema version {version}, this maxremind's is "
            f"{known}: it holds no copy made by this maxremind"
        )
    try:
        conn = await asyncpg.connect(
            url,
            server_settings={
                "application_name": "maxremind copy-data",
                "timezone": "UTC",
                # A maxremind running on the target holds locks TRUNCATE would wait for.
                "lock_timeout": "10s",
            },
        )
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
        raise DatabaseUnusable(f"cannot connect to Postgres at {redact_url(url)}: {exc}") from None
    try:
        encoding = await conn.fetchval("SHOW server_encoding")
        if encoding != "UTF8":
            raise CopyRefused(
                f"the Postgres database's encoding is {encoding}, not UTF8: create it with "
                "ENCODING 'UTF8' (names in Cyrillic would not fit otherwise)"
            )
        if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", _COPY_LOCK):
            raise CopyRefused("another copy-data is writing to this Postgres database")
        yield conn
    except asyncpg.LockNotAvailableError:
        raise CopyRefused(
            "the Postgres database's tables are in use: stop every maxremind running on it"
        ) from None
    except asyncpg.PostgresError as exc:
        raise translate(exc) from exc
    except (asyncpg.InterfaceError, OSError) as exc:
        raise StorageError(
            f"lost the connection to Postgres ({exc}); what was copied stays: the same "
            "command with --resume goes on"
        ) from None
    finally:
        try:
            await asyncio.wait_for(conn.close(), 10)
        except (TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
            conn.terminate()


async def schema(conn: asyncpg.Connection) -> TargetSchema:
    """Each table of the target's schema: columns (name → type), primary key, identity."""
    tables: dict[str, dict[str, Any]] = {
        r["table_name"]: {"columns": {}, "key": [], "identity": None}
        for r in await conn.fetch(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
    }
    for r in await conn.fetch(
        "SELECT table_name, column_name, data_type, is_identity FROM information_schema.columns"
        " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    ):
        if r["table_name"] in tables:
            tables[r["table_name"]]["columns"][r["column_name"]] = r["data_type"]
            if r["is_identity"] == "YES":
                tables[r["table_name"]]["identity"] = r["column_name"]
    for r in await conn.fetch(
        "SELECT c.relname AS table_name, a.attname AS column_name"
        " FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, pos)"
        " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum"
        " WHERE i.indisprimary AND n.nspname = current_schema() ORDER BY c.relname, k.pos"
    ):
        if r["table_name"] in tables:
            tables[r["table_name"]]["key"].append(r["column_name"])
    return tables


# --- the progress record --------------------------------------------------------------------


@dataclass
class Record:
    """What the target's ``kv`` row ``copy_data.progress`` holds while a copy is under way:
    the tables done, and of the table being copied the key of its last row written."""

    source: str
    started_at: int
    done: list[str] = field(default_factory=list)
    last: dict[str, list[Any]] = field(default_factory=dict)

    def text(self) -> str:
        fields = {"source": self.source, "started_at": self.started_at}
        return json.dumps({**fields, "done": self.done, "last": self.last}, ensure_ascii=False)

    @classmethod
    def parse(cls, text: str) -> Record:
        data = json.loads(text)
        return cls(data["source"], int(data["started_at"]), list(data["done"]), dict(data["last"]))


def _now_ms() -> int:
    return int(time.time() * 1000)


async def save(conn: asyncpg.Connection, record: Record) -> None:
    """Write the record (in the caller's transaction, with the batch it counts)."""
    await conn.execute(
        "UPDATE kv SET value = $1, updated_at = $2 WHERE key = $3",
        record.text(),
        _now_ms(),
        PROGRESS_KEY,
    )


async def pending(conn: asyncpg.Connection) -> Record | None:
    """The record of an interrupted copy, if the target holds one."""
    raw = await conn.fetchval("SELECT value FROM kv WHERE key = $1", PROGRESS_KEY)
    return None if raw is None else Record.parse(raw)


async def prepare(
    conn: asyncpg.Connection,
    tables: Sequence[Table],
    source: Source,
    url: str,
    *,
    resume: bool,
    force: bool,
    notice: Callable[[str], None],
) -> Record:
    """The record to go on with: a new one in an empty (or, with ``force``, emptied)
    target, or the interrupted copy's with ``resume``.

    :raises CopyRefused: a non-empty target without ``force``; ``resume`` with nothing to
        resume, or an interrupted copy of another file.
    """
    held = {}
    for t in tables:
        n = int(await conn.fetchval(f"SELECT count(*) FROM {q(t.name)}"))
        if n:
            held[t.name] = n
    record = await pending(conn)
    rows = sum(held.values()) - (record is not None)  # the record is a kv row too
    if resume:
        if record is None:
            raise CopyRefused(
                "there is no interrupted copy in the target to resume (a finished copy "
                "leaves none): --force empties the target and copies again"
                if held
                else "there is no interrupted copy in the target to resume (it is empty): "
                "run without --resume"
            )
        if record.source != str(source.path):
            raise CopyRefused(
                f"the interrupted copy in the target came from {record.source}, not "
                f"{source.path}: --force empties the target and copies again"
            )
        return record
    if held and not force:
        if record is not None:
            raise CopyRefused(
                f"the target holds an interrupted copy from {record.source} ({rows:,} rows "
                "so far): run the same command with --resume to continue it, or with "
                "--force to empty the target and start over"
            )
        raise CopyRefused(
            f"the target database is not empty ({rows:,} rows in {', '.join(held)}): "
            "copy-data fills an empty database only; --force deletes those rows first"
        )
    if held:
        notice(
            f"--force: deleting {rows:,} rows from {len(held)} tables of {redact_url(url)} "
            "before copying"
        )
    record = Record(str(source.path), _now_ms())
    async with conn.transaction():
        names = ", ".join(q(t.name) for t in tables)
        await conn.execute(f"TRUNCATE {names} RESTART IDENTITY")
        await conn.execute(
            "INSERT INTO kv (key, value, updated_at) VALUES ($1, $2, $3)",
            PROGRESS_KEY,
            record.text(),
            _now_ms(),
        )
    return record


async def finish(conn: asyncpg.Connection, source: Source, tables: Sequence[Table]) -> None:
    """Every identity sequence past the ids copied (and past those SQLite's AUTOINCREMENT
    handed out), so the next row gets a new id; then the progress record goes."""
    async with conn.transaction():
        for table in tables:
            if table.identity is None:
                continue
            largest = await conn.fetchval(f"SELECT max({q(table.identity)}) FROM {q(table.name)}")
            value = max(int(largest or 0), source.autoincrement_floor(table.name))
            # setval(s, v, true): the next id is v + 1; setval(s, 1, false): it is 1.
            await conn.execute(
                "SELECT setval(pg_get_serial_sequence($1, $2), $3, $4)",
                q(table.name),
                table.identity,
                max(value, 1),
                value > 0,
            )
        await conn.execute("DELETE FROM kv WHERE key = $1", PROGRESS_KEY)
