"""What ``bench/engine.py`` needs to run the product in scale mode (``--db postgres``,
``--redis``, ``--processes``): a fresh database per part, the ledger read from either
adapter, and the CPU of the servers the product leans on.

On SQLite the database's work runs inside the product (its connection threads), so the
product's CPU is the whole cost.  On Postgres most of it moves to the server's backends,
another set of processes on the same cores; they are sampled here by pid (the backends
of the benchmark's own database, from ``pg_stat_activity``), so a report can say what a
delivery costs the product and what it costs the server.  Redis is one process shared
with anything else using it: its CPU comes from ``INFO cpu`` and is only a bound.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
TICK = os.sysconf("SC_CLK_TCK")

SENT_TIMES = "SELECT due_at, send_at, sent_at FROM deliveries WHERE status = 'sent'"
COUNTS = "SELECT status, COUNT(*) FROM deliveries GROUP BY status"


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a live process, from /proc (clock-tick resolution)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def emulator_pid(url: str) -> int | None:
    """The pid of the ``maxremind emulator`` process serving ``url`` (found by its
    command line: ``emulator_process`` does not say), or None."""
    port = url.rsplit(":", 1)[-1].strip("/")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"emulator" in argv and b"--port" in argv and port.encode() in argv:
            return int(entry.name)
    return None


def database_option(value: str) -> str | None:
    """``--db``: ``sqlite`` (None), ``postgres`` or ``postgres=URL`` (the server's URL)."""
    if value == "sqlite":
        return None
    if value == "postgres":
        return DEFAULT_POSTGRES
    if value.startswith("postgres="):
        url = value.removeprefix("postgres=")
        if url.startswith(("postgresql://", "postgres://")):
            return url
    raise ValueError("use sqlite, postgres or postgres=postgresql://user@host:port/db")


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()


class Ledger(Protocol):
    """The product's database as the benchmark sees it."""

    url: str  # for open_storage (seeding)
    env: dict[str, str]  # what the product's environment adds to name it

    async def counts(self) -> dict[str, int]: ...

    async def times(self) -> list[tuple[int, int, int]]:
        """``(due_at, send_at, sent_at)`` in ms of every sent delivery."""
        ...

    async def start_server_cpu(self) -> None:
        """From now on, count the CPU of the database server's processes serving us."""
        ...

    async def sample_server_cpu(self) -> None:
        """Look again (new connections, and the last reading of those that close)."""
        ...

    def server_cpu(self) -> tuple[float, float] | None:
        """CPU seconds since :meth:`start_server_cpu` of the backends of this database,
        and of the server's shared helpers (WAL writer, checkpointer, background
        writer: they work for every database on the server); None on SQLite."""
        ...

    async def database_work(self) -> dict[str, int] | None:
        """What the server counted for this database since :meth:`start_server_cpu`
        (``pg_stat_database``: transactions, rows), the benchmark's own look-ups taken
        out; call it once the product has stopped (a backend reports on its way out, a
        busy one only about once a second).  None on SQLite."""
        ...


class SqliteLedger:
    def __init__(self, db: Path) -> None:
        self.db = db
        self.url = f"sqlite:///{db}"
        self.env: dict[str, str] = {}

    async def counts(self) -> dict[str, int]:
        with sqlite3.connect(self.db, timeout=30) as conn:
            return dict(conn.execute(COUNTS))

    async def times(self) -> list[tuple[int, int, int]]:
        with sqlite3.connect(self.db, timeout=30) as conn:
            return list(conn.execute(SENT_TIMES))

    async def start_server_cpu(self) -> None:
        pass

    async def sample_server_cpu(self) -> None:
        pass

    def server_cpu(self) -> tuple[float, float] | None:
        return None

    async def database_work(self) -> dict[str, int] | None:
        return None


@dataclass
class _Readings:
    """First and last CPU reading of each process seen."""

    seen: dict[int, list[float]] = field(default_factory=dict)

    def read(self, pids: list[int]) -> None:
        for pid in pids:
            try:
                now = cpu_seconds(pid)
            except (FileNotFoundError, ProcessLookupError):  # gone meanwhile
                continue
            self.seen.setdefault(pid, [now, now])[1] = now

    def total(self) -> float:
        return sum(last - first for first, last in self.seen.values())


class PostgresLedger:
    """A database of its own on the server; ``db`` is the benchmark's connection to it."""

    def __init__(self, url: str, name: str, db: Any) -> None:
        self.url = url
        self.name = name
        self.env = {"MAXREMIND_DB_URL": url, "MAXREMIND_BACKUP_INTERVAL_HOURS": "0"}
        self._db = db
        self._backends: _Readings | None = None
        self._helpers: _Readings | None = None
        self._work0: dict[str, int] | None = None
        self._own = 0  # statements of this connection (each its own transaction)

    async def _fetch(self, sql: str, *args: Any) -> list[Any]:
        self._own += 1
        return list(await self._db.fetch(sql, *args))

    async def counts(self) -> dict[str, int]:
        return {r[0]: r[1] for r in await self._fetch(COUNTS)}

    async def times(self) -> list[tuple[int, int, int]]:
        return [(r[0], r[1], r[2]) for r in await self._fetch(SENT_TIMES)]

    async def start_server_cpu(self) -> None:
        self._backends, self._helpers = _Readings(), _Readings()
        self._work0 = await self._stat_database()
        self._own = 0
        await self.sample_server_cpu()

    async def _stat_database(self) -> dict[str, int]:
        (row,) = await self._fetch(
            "SELECT xact_commit + xact_rollback AS transactions, tup_inserted AS inserted,"
            " tup_updated AS updated, tup_deleted AS deleted, tup_fetched AS fetched,"
            " blks_hit + blks_read AS blocks FROM pg_stat_database WHERE datname = $1",
            self.name,
        )
        return {key: int(value) for key, value in row.items()}

    async def database_work(self) -> dict[str, int] | None:
        if self._work0 is None:
            return None
        own = self._own
        await self._db.execute("SELECT pg_stat_clear_snapshot()")
        now = await self._stat_database()
        work = {key: now[key] - self._work0[key] for key in now}
        work["transactions"] -= own
        return work

    async def sample_server_cpu(self) -> None:
        if self._backends is None or self._helpers is None:
            return
        rows = await self._fetch(
            "SELECT pid, datname FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
            " AND (datname = $1 OR backend_type IN"
            " ('walwriter', 'checkpointer', 'background writer'))",
            self.name,
        )
        self._backends.read([r["pid"] for r in rows if r["datname"] == self.name])
        self._helpers.read([r["pid"] for r in rows if r["datname"] is None])

    def server_cpu(self) -> tuple[float, float] | None:
        if self._backends is None or self._helpers is None:
            return None
        return self._backends.total(), self._helpers.total()

    async def server_version(self) -> str:
        return str(await self._db.fetchval("SHOW server_version"))


@asynccontextmanager
async def open_ledger(postgres: str | None, work: Path) -> AsyncIterator[Ledger]:
    """SQLite: the file the product makes in ``work``.  Postgres: a new database on the
    server ``postgres`` names (``CREATE DATABASE``), dropped on the way out."""
    if postgres is None:
        yield SqliteLedger(work / "maxremind.db")
        return
    import asyncpg

    name = f"mr_bench_{secrets.token_hex(6)}"
    admin = await asyncpg.connect(postgres)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        url = urlsplit(postgres)._replace(path="/" + name).geturl()
        db = await asyncpg.connect(url)
        try:
            yield PostgresLedger(url, name, db)
        finally:
            await db.close()
    finally:
        admin = await asyncpg.connect(postgres)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def postgres_version(postgres: str) -> str:
    import asyncpg

    db = await asyncpg.connect(postgres)
    try:
        return str(await db.fetchval("SHOW server_version"))
    finally:
        await db.close()


async def redis_cpu_seconds(url: str) -> float:
    """The Redis server's CPU so far (user + system, all its threads): whatever else
    uses that server is in it too."""
    from redis.asyncio import Redis

    redis = Redis.from_url(url)
    try:
        info = await redis.info("cpu")
    finally:
        await redis.aclose()
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


class LoadWatch:
    """The 1-minute load average over a stretch of time (other users of the cores show
    up here; the benchmark's own processes do too)."""

    def __init__(self) -> None:
        self.samples: list[float] = []

    def sample(self) -> None:
        self.samples.append(os.getloadavg()[0])

    def span(self) -> str:
        if not self.samples:
            return "n/a"
        return f"{min(self.samples):.1f}–{max(self.samples):.1f}"
