"""What the instance admins' page shows about this installation: the database, the
delivery queue and its throughput, the last update from MAX, and the backups.

Read-only.  The database answers a few grouped statements; the database file and the
backup folder are looked at in a worker thread (a slow disk must not stall the loop).
What only the running process knows (mode, updates received since start, MAX
reachability) is the web layer's to add.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from maxremind.domain.clock import Clock, utcnow
from maxremind.domain.models import DeliveryStatus
from maxremind.storage import Storage
from maxremind.storage.migrations import latest_version
from maxremind.storage.ports.workers import Worker

__all__ = [
    "QUEUED",
    "BackupFile",
    "Backups",
    "DatabaseInfo",
    "HourCount",
    "InstanceService",
    "InstanceStatus",
]

# Deliveries still to be sent: what "queue depth" counts (the /metrics gauge's rule).
QUEUED = (DeliveryStatus.PLANNED, DeliveryStatus.HELD, DeliveryStatus.CLAIMED)
HOURS = 24
_SQLITE = "sqlite:///"


@dataclass(frozen=True)
class HourCount:
    hour: datetime  # the hour's start, UTC
    sent: int


@dataclass(frozen=True)
class DatabaseInfo:
    """``location`` is the file (SQLite) or the server without credentials; ``size``
    the file's bytes with its write-ahead log (SQLite only, None when unknown)."""

    kind: str  # "sqlite", another URL scheme, or "" when not known
    location: str
    schema_version: int
    latest_schema: int | None  # what this version would migrate to (SQLite)
    size: int | None

    @property
    def up_to_date(self) -> bool:
        return self.latest_schema is None or self.schema_version >= self.latest_schema


@dataclass(frozen=True)
class BackupFile:
    name: str
    at: datetime  # when it was written (the file's modification time)
    size: int


@dataclass(frozen=True)
class Backups:
    """The backup folder: ``count`` database copies in it, the newest one, and
    ``readable`` False when the folder cannot be listed (a folder not made yet has
    no copies)."""

    folder: str
    readable: bool
    count: int
    latest: BackupFile | None


@dataclass(frozen=True)
class InstanceStatus:
    now: datetime
    database: DatabaseInfo
    deliveries: dict[DeliveryStatus, int]
    queue_depth: int
    next_due_at: datetime | None
    sent_per_hour: tuple[HourCount, ...]  # the last 24 hours, oldest first, this hour last
    last_update_at: datetime | None  # the newest update from MAX in the inbox
    backups: Backups | None  # None: not a SQLite installation (backups are pg_dump's)
    # The processes sharing a Postgres database (scale mode), by owner; empty on SQLite.
    workers: tuple[Worker, ...] = ()

    @property
    def sent_last_day(self) -> int:
        return sum(h.sent for h in self.sent_per_hour)


class InstanceService:
    """The installation at a glance, for instance admins (the web layer checks who)."""

    def __init__(
        self,
        storage: Storage,
        *,
        database_url: str = "",
        backups_dir: Path | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.storage = storage
        self.database_url = database_url
        self.backups_dir = backups_dir
        self.clock = clock

    async def status(self) -> InstanceStatus:
        now = self.clock()
        this_hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        first = this_hour - timedelta(hours=HOURS - 1)
        counts = await self.storage.count_deliveries()
        found = await self.storage.sent_per_hour(since=first)
        hours = tuple(
            HourCount(first + timedelta(hours=i), found.get(first + timedelta(hours=i), 0))
            for i in range(HOURS)
        )
        sqlite = self.database_url.startswith(_SQLITE)
        kind = "sqlite" if sqlite else urlsplit(self.database_url).scheme
        db_file = Path(self.database_url.removeprefix(_SQLITE)) if sqlite else None
        size, backups = await asyncio.to_thread(
            _look, db_file, self.backups_dir if sqlite else None
        )
        database = DatabaseInfo(
            kind=kind,
            location=str(db_file) if db_file is not None else _without_secrets(self.database_url),
            schema_version=await self.storage.schema_version(),
            latest_schema=latest_version(self.storage.dialect),
            size=size,
        )
        return InstanceStatus(
            now=now,
            database=database,
            deliveries={s: counts[s] for s in DeliveryStatus if s in counts},
            queue_depth=sum(counts.get(status, 0) for status in QUEUED),
            next_due_at=await self.storage.next_due_at(),
            sent_per_hour=hours,
            last_update_at=await self.storage.last_update_at(),
            backups=backups,
            workers=tuple(await self.storage.list_workers()),
        )


def _without_secrets(url: str) -> str:
    """``postgresql://user:secret@host:5432/db`` → ``postgresql://host:5432/db``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}" if parts.scheme else ""


def _look(db_file: Path | None, folder: Path | None) -> tuple[int | None, Backups | None]:
    """The database file's size (with its WAL) and the backup folder (blocking)."""
    size = None
    if db_file is not None:
        try:
            size = db_file.stat().st_size
        except OSError:
            size = None
        else:
            wal = db_file.with_name(db_file.name + "-wal")
            if wal.exists():
                size += wal.stat().st_size
    if folder is None:
        return size, None
    try:
        with os.scandir(folder) as found:
            entries = [e for e in found if e.name.endswith(".db") and e.is_file()]
    except FileNotFoundError:  # made by the first backup
        return size, Backups(str(folder), readable=True, count=0, latest=None)
    except OSError:
        return size, Backups(str(folder), readable=False, count=0, latest=None)
    latest = None
    if entries:
        newest = max(entries, key=lambda e: (e.stat().st_mtime, e.name))
        stat = newest.stat()
        latest = BackupFile(newest.name, datetime.fromtimestamp(stat.st_mtime, UTC), stat.st_size)
    return size, Backups(str(folder), readable=True, count=len(entries), latest=latest)
