"""Online backups, verified restores and the one-instance lock for SQLite deployments.

A backup is taken through SQLite's backup API inside one read transaction, so it is a
consistent snapshot even while the running app writes (WAL lets writers go on meanwhile);
copying the file instead could catch a page half-written or miss what is still in the WAL.
Every copy is integrity-checked before it gets its final name, and nothing here deletes a
database: a restore keeps the replaced one as ``<name>.before-restore-<timestamp>``.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import logging
import os
import re
import secrets
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from maxremind.storage.migrations import latest_version
from maxremind.storage.sqlite import BUSY_TIMEOUT_MS, SQLITE_MAGIC, sqlite_path

log = logging.getLogger(__name__)

LOCK_NAME = "maxremind.lock"
SCHEDULED_RE = re.compile(r"^maxremind-(\d{8}-\d{6})\.db$")
_STAMP = "%Y%m%d-%H%M%S"
# Backups hold the signing secret and invite codes.  The CLI's umask already keeps new
# files private, but these functions also run without it (tests, other callers), so the
# modes are set explicitly.
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


class BackupError(Exception):
    """A backup or restore cannot be done; the message says why and that nothing changed."""


class InstanceRunning(BackupError):
    """Another maxremind process holds the data folder's lock."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    schema_version: int
    seconds: float


@dataclass(frozen=True)
class RestoreResult:
    db_path: Path
    schema_version: int
    kept: Path | None  # the replaced database, renamed; None when there was none


def _stamp(now: float | None = None) -> str:
    # UTC so names sort in time order across DST changes.
    return datetime.fromtimestamp(time.time() if now is None else now, UTC).strftime(_STAMP)


# --- the instance lock --------------------------------------------------------------------


@contextlib.contextmanager
def acquire_instance_lock(data_dir: Path) -> Iterator[Path]:
    """Hold ``<data_dir>/maxremind.lock`` for as long as the block runs.

    The kernel drops a ``flock`` when the process dies, so a crash never leaves a stale
    lock; the file itself stays (deleting it would let two processes lock two files).

    :raises InstanceRunning: another process holds it.
    """
    path = data_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, PRIVATE_FILE)
    try:
        with contextlib.suppress(PermissionError):  # someone else's file (root's): leave it
            os.fchmod(fd, PRIVATE_FILE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_pid(fd)
            raise InstanceRunning(
                f"maxremind is running with data folder {data_dir}{holder}: stop it first "
                "(systemctl stop maxremind)"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield path
    finally:
        os.close(fd)  # closing releases the lock


def _read_pid(fd: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        pid = int(os.pread(fd, 32, 0).decode().strip())
        return f" (process {pid})"
    return ""


def instance_running(data_dir: Path) -> bool:
    """Whether some process holds the data folder's lock right now."""
    if not (data_dir / LOCK_NAME).exists():
        return False
    try:
        with acquire_instance_lock(data_dir):
            return False
    except InstanceRunning:
        return True


# --- checks on a database file --------------------------------------------------------------


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _integrity_ok(conn: sqlite3.Connection) -> str | None:
    """None when the database is sound, else SQLite's first complaint."""
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    first = str(rows[0][0]) if rows else "no answer"
    return None if first == "ok" else first


def _schema_version(conn: sqlite3.Connection) -> int | None:
    """The applied migration count, or None when this is not a maxremind database."""
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if found is None:
        return None
    row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()
    return int(row[0])


def _has_sqlite_header(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def _is_database(conn: sqlite3.Connection, path: Path) -> bool:
    if path.stat().st_size == 0:
        return False
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError:
        return False
    return True


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and any missing parents as 0700; existing ones are left as they are
    (an operator's USB mount or shared folder is theirs to set)."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made meanwhile by another backup
            path.mkdir(mode=PRIVATE_DIR)
            os.chmod(path, PRIVATE_DIR)  # mkdir's mode is cut by the umask; this is not


def _create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 before SQLite or a copy writes into it, so its
    content is never readable by others, not even for a moment."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)


def _remove_quietly(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _publish(tmp: Path, dest: Path, *, overwrite: bool) -> None:
    """Give ``tmp`` its final name in one step; without ``overwrite`` never clobber."""
    if overwrite:
        os.replace(tmp, dest)
        return
    try:
        os.link(tmp, dest)  # fails atomically if dest exists, unlike exists()+rename
    except FileExistsError:
        raise BackupError(f"{dest} already exists (use --force to overwrite it)") from None
    except OSError as exc:
        # FAT/exFAT USB sticks have no hard links; accept the small check-then-rename race.
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        if dest.exists():
            raise BackupError(f"{dest} already exists (use --force to overwrite it)") from None
        os.replace(tmp, dest)
        return
    tmp.unlink()


# --- backup ---------------------------------------------------------------------------------


def backup_database(db_path: Path, dest: Path, *, overwrite: bool = False) -> BackupResult:
    """Copy the live database at ``db_path`` to ``dest``, consistent and verified.

    Safe while maxremind runs and writes.  The copy is a self-contained file (rollback
    journal, no -wal) that passed ``PRAGMA integrity_check``.

    :raises BackupError: no database there, ``dest`` exists (and not ``overwrite``), or the
        copy failed its integrity check (it is removed then).
    """
    started = time.monotonic()
    if not db_path.is_file():
        raise BackupError(f"there is no database at {db_path}")
    if dest.exists() and not overwrite:
        raise BackupError(f"{dest} already exists (use --force to overwrite it)")
    tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.tmp")
    try:
        _make_private_dirs(dest.parent)
        # SQLite gives an empty existing file a new database and keeps its mode; its
        # -journal beside it copies that mode too.
        _create_private(tmp)
        src = _connect(db_path)
        try:
            # Asked through SQLite, not by reading the header: this runs beside the app's
            # own connection, and closing any other descriptor of the file drops all of
            # this process's POSIX locks on it.  Another process would then think it is
            # the last one and delete the live -wal on close, losing committed writes.
            if not _is_database(src, db_path):
                raise BackupError(f"{db_path} is not a SQLite database")
            dst = sqlite3.connect(tmp, isolation_level=None)
            try:
                # pages=-1 copies everything under one read lock: a snapshot. Copying in
                # steps would restart on every write the app makes and might never finish.
                src.backup(dst, pages=-1)
                dst.execute("PRAGMA journal_mode = DELETE")
                problem = _integrity_ok(dst)
                version = _schema_version(dst) or 0
            finally:
                dst.close()
        finally:
            src.close()
        if problem is not None:
            raise BackupError(f"the backup copy failed its integrity check: {problem}")
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        _publish(tmp, dest, overwrite=overwrite)
        _fsync_dir(dest.parent)
    except sqlite3.Error as exc:
        raise BackupError(f"backup of {db_path} failed: {exc}") from None
    except OSError as exc:
        raise BackupError(f"cannot write {dest}: {exc.strerror or exc}") from None
    finally:
        _remove_quietly(tmp, tmp.with_name(tmp.name + "-journal"))
    return BackupResult(dest, dest.stat().st_size, version, time.monotonic() - started)


def pre_upgrade_backup(
    db_path: Path, backups_dir: Path, from_version: int, to_version: int
) -> BackupResult | None:
    """Back up before migrations change the schema; None when there is nothing to keep.

    These files are named ``maxremind-pre-v<from>-to-v<to>-<stamp>.db`` so that the
    scheduled retention never deletes them.
    """
    if from_version <= 0 or from_version >= to_version or not db_path.is_file():
        return None
    dest = backups_dir / f"maxremind-pre-v{from_version}-to-v{to_version}-{_stamp()}.db"
    result = backup_database(db_path, dest)
    log.info("backed up the database before migrating it: %s", result.path)
    return result


def backup_before_migrations(db_path: Path, backups_dir: Path) -> BackupResult | None:
    """Call before opening storage: backs up if this binary has migrations to apply."""
    if not db_path.is_file() or not _has_sqlite_header(db_path):
        return None
    conn = _connect(db_path)
    try:
        current = _schema_version(conn) or 0
    except sqlite3.DatabaseError:
        # A damaged file: opening the storage reports it clearly and changes nothing.
        return None
    finally:
        conn.close()
    return pre_upgrade_backup(db_path, backups_dir, current, latest_version("sqlite"))


# --- restore --------------------------------------------------------------------------------


def _verify_restorable(path: Path) -> int:
    """Schema version of a candidate backup. :raises BackupError: unusable."""
    if not _has_sqlite_header(path):
        raise BackupError("it is not a SQLite database")
    try:
        conn = _connect(path)
        try:
            problem = _integrity_ok(conn)
            if problem is not None:
                raise BackupError(f"it is damaged ({problem})")
            version = _schema_version(conn)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(f"it cannot be read ({exc})") from None
    if version is None:
        raise BackupError("it is not a maxremind database (no schema_migrations table)")
    known = latest_version("sqlite")
    if version > known:
        raise BackupError(
            f"it has schema version {version}, this maxremind knows only up to {known}: "
            "restore it with a newer maxremind"
        )
    return version


def _set_aside(db_path: Path) -> Path | None:
    """Rename the current database (and any -wal/-shm) out of the way, deleting nothing."""
    if not db_path.exists():
        return None
    # Fold a leftover WAL (from a crash, say) into the file so the kept copy is whole.
    with contextlib.suppress(sqlite3.Error):
        conn = _connect(db_path)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    kept = db_path.with_name(f"{db_path.name}.before-restore-{_stamp()}")
    os.replace(db_path, kept)
    _strip_others(kept)
    # A -wal left beside the restored file would be replayed into it and corrupt it; moved
    # with the same suffix, SQLite still pairs it with the kept file.
    for suffix in ("-wal", "-shm", "-journal"):
        side = db_path.with_name(db_path.name + suffix)
        if side.exists():
            os.replace(side, kept.with_name(kept.name + suffix))
            _strip_others(kept.with_name(kept.name + suffix))
    return kept


def _strip_others(path: Path) -> None:
    """The kept database is as secret as the live one, whatever an older version left."""
    with contextlib.suppress(OSError):
        os.chmod(path, path.stat().st_mode & 0o700)


def _copy_owner(like: Path, path: Path) -> None:
    """Give ``path`` the owner of ``like``: a restore run as root must leave a database the
    service's own user can still write.  The mode stays 0600 whatever ``like`` had."""
    try:
        st = like.stat()
    except FileNotFoundError:
        return
    with contextlib.suppress(PermissionError):  # only root may chown; others own it already
        os.chown(path, st.st_uid, st.st_gid)


def restore_database(src: Path, db_path: Path, data_dir: Path) -> RestoreResult:
    """Replace the database at ``db_path`` with the backup ``src`` (the app must be stopped).

    ``src`` is verified on a private copy first; if anything is wrong nothing changes.
    The data folder's lock is held throughout so maxremind cannot start mid-restore.

    :raises InstanceRunning: maxremind is running on ``data_dir``.
    :raises BackupError: ``src`` is missing, damaged, not ours, or from a newer version.
    """
    if not src.is_file():
        raise BackupError(f"cannot restore {src}: there is no such file")
    with acquire_instance_lock(data_dir):
        tmp = db_path.with_name(f".{db_path.name}.restore-{secrets.token_hex(4)}.tmp")
        try:
            # Verify a copy: opening src itself could leave -wal/-shm files beside it.
            _create_private(tmp)
            shutil.copyfile(src, tmp)  # writes into the 0600 file, keeping its mode
            try:
                version = _verify_restorable(tmp)
            except BackupError as exc:
                raise BackupError(f"cannot restore {src}: {exc}; nothing was changed") from None
            _copy_owner(db_path, tmp)
            with tmp.open("rb+") as fh:
                os.fsync(fh.fileno())
            kept = _set_aside(db_path)
            os.replace(tmp, db_path)
            _fsync_dir(db_path.parent)
        except OSError as exc:
            raise BackupError(f"cannot restore into {db_path}: {exc.strerror or exc}") from None
        finally:
            _remove_quietly(tmp, tmp.with_name(tmp.name + "-journal"))
    return RestoreResult(db_path, version, kept)


# --- scheduled backups ----------------------------------------------------------------------


def prune_backups(backups_dir: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest scheduled backups; returns what was deleted.

    Only ``maxremind-YYYYmmdd-HHMMSS.db`` files are touched: manual and pre-upgrade
    backups in the same folder are the operator's to remove.
    """
    found = sorted(p for p in backups_dir.glob("maxremind-*.db") if SCHEDULED_RE.match(p.name))
    doomed = found[: max(len(found) - max(keep, 1), 0)]
    for path in doomed:
        _remove_quietly(path)
    return doomed


def _newest_scheduled(backups_dir: Path) -> float | None:
    stamps = [m[1] for p in backups_dir.glob("maxremind-*.db") if (m := SCHEDULED_RE.match(p.name))]
    if not stamps:
        return None
    return datetime.strptime(max(stamps), _STAMP).replace(tzinfo=UTC).timestamp()


def scheduled_backup(db_path: Path, backups_dir: Path, keep: int) -> BackupResult:
    """One scheduled backup plus retention (blocking; run it in a thread)."""
    result = backup_database(db_path, backups_dir / f"maxremind-{_stamp()}.db")
    prune_backups(backups_dir, keep)
    return result


async def backup_loop(
    db_path: Path, backups_dir: Path, interval: float, keep: int, stop: asyncio.Event
) -> None:
    """Back up every ``interval`` seconds until ``stop`` is set; 0 disables it.

    The schedule continues from the newest existing backup, so an instance restarted
    more often than ``interval`` still backs up.  A failed backup is logged and retried
    at the next turn: it must never take the bot down.
    """
    if interval <= 0:
        return
    newest = await asyncio.to_thread(_newest_scheduled, backups_dir)
    due = time.time() if newest is None else newest + interval
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), max(due - time.time(), 0.0))
        if stop.is_set():
            return
        try:
            result = await asyncio.to_thread(scheduled_backup, db_path, backups_dir, keep)
            log.info("backup written: %s (%d bytes)", result.path, result.size)
        except (BackupError, OSError) as exc:
            log.error("scheduled backup failed: %s", exc)
        due = time.time() + interval


# --- command bodies (cli.py parses, these act) ------------------------------------------------


def default_backup_name(now: float | None = None) -> str:
    return f"maxremind-manual-{_stamp(now)}.db"


def cli_backup(database_url: str, dest: str, *, force: bool) -> str:
    """``maxremind backup FILE|FOLDER [--force]``; returns the line to print.

    :raises BackupError:
    """
    path = _sqlite_file(database_url, "backup")
    target = Path(dest).expanduser()
    if target.is_dir():
        target = target / default_backup_name()
    result = backup_database(path, target, overwrite=force)
    return (
        f"backup written to {result.path} ({result.size} bytes, schema version "
        f"{result.schema_version}, {result.seconds:.1f} s); integrity check ok"
    )


def cli_restore(database_url: str, data_dir: Path, src: str) -> list[str]:
    """``maxremind restore FILE``; returns lines to print.

    :raises BackupError: including :class:`InstanceRunning`.
    """
    path = _sqlite_file(database_url, "restore")
    result = restore_database(Path(src).expanduser(), path, data_dir)
    lines = [f"restored {src} into {result.db_path} (schema version {result.schema_version})"]
    if result.kept is not None:
        lines.append(f"the previous database is kept as {result.kept}")
    if result.schema_version < latest_version("sqlite"):
        lines.append("it will be migrated to the current schema when maxremind starts")
    return lines


# What to do instead on PostgreSQL, for each command (docs/copy-data.md explains it).  The
# URL is named by its variable: printing it could show its password.
_ON_POSTGRES = {
    "backup": "back it up with pg_dump: pg_dump --format=custom "
    '--file=maxremind-$(date +%Y%m%d-%H%M%S).dump "$MAXREMIND_DB_URL"',
    "restore": "stop every maxremind process, then restore a pg_dump file with pg_restore: "
    'pg_restore --clean --if-exists --no-owner --dbname="$MAXREMIND_DB_URL" FILE.dump',
}


def _sqlite_file(database_url: str, what: str) -> Path:
    if database_url.startswith(("postgresql://", "postgres://")):
        raise BackupError(
            f"maxremind {what} is for SQLite only and this database is PostgreSQL: "
            f"{_ON_POSTGRES[what]} (see docs/copy-data.md)"
        )
    if not database_url.startswith("sqlite:///"):
        raise BackupError(f"maxremind {what} is for SQLite only (sqlite:///...)")
    return sqlite_path(database_url)
