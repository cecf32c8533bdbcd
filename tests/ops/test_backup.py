"""Backups are consistent under load, restores are verified, and nothing is ever lost."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from maxremind.backup import (
    BackupError,
    InstanceRunning,
    acquire_instance_lock,
    backup_before_migrations,
    backup_database,
    backup_loop,
    cli_backup,
    cli_restore,
    instance_running,
    prune_backups,
    restore_database,
)
from maxremind.storage import open_storage
from maxremind.storage.migrations import latest_version


async def _make_db(path: Path) -> None:
    async with open_storage(f"sqlite:///{path}"):
        pass


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "maxremind.db"
    path.parent.mkdir()
    await _make_db(path)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM load").fetchone()[0])
    finally:
        conn.close()


class Writer:
    """Commits one row plus a matching counter per transaction, as fast as it can."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA busy_timeout = 5000")
        self.conn.execute("CREATE TABLE load (id INTEGER PRIMARY KEY, blob TEXT NOT NULL)")
        self.conn.execute("INSERT INTO kv VALUES ('count', '0', 0)")
        self.done = threading.Event()
        self.written = 0
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        while not self.done.is_set():
            n = self.written + 1
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("INSERT INTO load VALUES (?, ?)", (n, "x" * 500))
            self.conn.execute("UPDATE kv SET value = ? WHERE key = 'count'", (str(n),))
            self.conn.execute("COMMIT")
            self.written = n

    def __enter__(self) -> Writer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()
        self.conn.close()


def _wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def test_backup_under_write_load_is_a_consistent_prefix_and_restores(db: Path) -> None:
    dest = db.parent.parent / "backups" / "copy.db"
    with Writer(db) as writer:
        _wait_for(lambda: writer.written > 200)
        result = backup_database(db, dest)
        in_copy = _count(dest)
        _wait_for(lambda: writer.written > in_copy + 50)  # still writing after the snapshot
    final = _count(db)

    copy = sqlite3.connect(dest)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ids = [r[0] for r in copy.execute("SELECT id FROM load ORDER BY id")]
    counter = int(copy.execute("SELECT value FROM kv WHERE key = 'count'").fetchone()[0])
    copy.close()
    assert ids == list(range(1, len(ids) + 1))  # a prefix: no gaps
    assert counter == len(ids)  # and one transaction never half in
    assert 0 < len(ids) < final
    assert result.schema_version == latest_version("sqlite")
    assert not dest.with_name("copy.db-wal").exists()  # self-contained file

    restored = restore_database(dest, db, db.parent)
    assert _count(db) == len(ids)
    assert restored.kept is not None and _count(restored.kept) == final
    assert not db.with_name("maxremind.db-wal").exists()


def test_restore_is_refused_while_an_instance_holds_the_lock(db: Path, tmp_path: Path) -> None:
    backup = backup_database(db, tmp_path / "b.db").path
    before = _digest(db)
    with acquire_instance_lock(db.parent):
        assert instance_running(db.parent)
        with pytest.raises(InstanceRunning, match="stop it first"):
            restore_database(backup, db, db.parent)
    assert _digest(db) == before
    assert not instance_running(db.parent)
    assert list(db.parent.glob("*.before-restore-*")) == []


def test_second_instance_cannot_take_the_lock(tmp_path: Path) -> None:
    with (
        acquire_instance_lock(tmp_path),
        pytest.raises(InstanceRunning, match="process"),
        acquire_instance_lock(tmp_path),
    ):
        pass


def test_backup_from_a_newer_schema_is_refused(db: Path, tmp_path: Path) -> None:
    backup = backup_database(db, tmp_path / "b.db").path
    conn = sqlite3.connect(backup)
    conn.execute(
        "INSERT INTO schema_migrations VALUES (?, 'future', 0)", (latest_version("sqlite") + 1,)
    )
    conn.commit()
    conn.close()
    before = _digest(db)
    with pytest.raises(BackupError, match="newer maxremind"):
        restore_database(backup, db, db.parent)
    assert _digest(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["maxremind.db", "maxremind.lock"]


@pytest.mark.parametrize("damage", ["garbage", "torn_pages", "not_ours"])
def test_damaged_or_foreign_backup_is_refused_and_nothing_changes(
    db: Path, tmp_path: Path, damage: str
) -> None:
    bad = tmp_path / "bad.db"
    if damage == "garbage":
        bad.write_bytes(b"this is not a database" * 100)
    elif damage == "torn_pages":
        backup_database(db, bad)
        data = bytearray(bad.read_bytes())
        data[4096 + 100 : 4096 * 3] = b"\xff" * (4096 * 2 - 100)  # past the header page
        bad.write_bytes(bytes(data))
    else:
        conn = sqlite3.connect(bad)
        conn.execute("CREATE TABLE other (x)")
        conn.close()
    before = _digest(db)
    with pytest.raises(BackupError, match="nothing was changed"):
        restore_database(bad, db, db.parent)
    assert _digest(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["maxremind.db", "maxremind.lock"]


def test_backup_never_overwrites_unless_forced(db: Path, tmp_path: Path) -> None:
    dest = tmp_path / "b.db"
    dest.write_text("precious")
    with pytest.raises(BackupError, match="already exists"):
        backup_database(db, dest)
    assert dest.read_text() == "precious"
    backup_database(db, dest, overwrite=True)
    assert dest.read_bytes().startswith(b"SQLite format 3\x00")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_backup_of_a_missing_database_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no database"):
        backup_database(tmp_path / "none.db", tmp_path / "b.db")
    assert not (tmp_path / "none.db").exists()


def test_retention_keeps_the_newest_scheduled_backups_only(tmp_path: Path) -> None:
    names = [f"maxremind-2025010{d}-120000.db" for d in range(1, 7)]
    others = ["maxremind-manual-20240101-000000.db", "maxremind-pre-v1-to-v2-20240101-000000.db"]
    for name in names + others:
        (tmp_path / name).write_text("x")
    deleted = prune_backups(tmp_path, keep=3)
    assert sorted(p.name for p in deleted) == names[:3]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[3:] + others)


async def test_backup_loop_backs_up_and_stops_promptly(db: Path, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    stop = asyncio.Event()
    task = asyncio.create_task(backup_loop(db, backups, 3600, 2, stop))
    for _ in range(200):
        if list(backups.glob("maxremind-*.db")):
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 2)
    (made,) = backups.glob("maxremind-*.db")
    assert sqlite3.connect(made).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


async def test_backup_loop_is_off_at_interval_zero(db: Path, tmp_path: Path) -> None:
    await asyncio.wait_for(backup_loop(db, tmp_path / "b", 0, 2, asyncio.Event()), 1)
    assert not (tmp_path / "b").exists()


def test_pre_upgrade_backup_only_when_migrations_are_pending(db: Path, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    assert backup_before_migrations(db, backups) is None  # already current
    latest = latest_version("sqlite")
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM schema_migrations WHERE version = ?", (latest,))
    conn.commit()
    conn.close()
    result = backup_before_migrations(db, backups)
    assert result is not None
    assert result.path.name.startswith(f"maxremind-pre-v{latest - 1}-to-v{latest}-")
    assert backup_before_migrations(tmp_path / "fresh.db", backups) is None


def test_cli_backup_into_a_folder_and_restore(db: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{db}"
    line = cli_backup(url, str(tmp_path), force=False)
    assert "integrity check ok" in line
    (made,) = tmp_path.glob("maxremind-manual-*.db")
    lines = cli_restore(url, db.parent, str(made))
    assert "kept as" in lines[1]
    with pytest.raises(BackupError, match="SQLite only"):
        cli_backup("postgresql://x@y/z", str(tmp_path), force=False)


def test_restore_keeps_the_replaced_files_owner_but_only_the_owner_may_read(
    db: Path, tmp_path: Path
) -> None:
    backup = backup_database(db, tmp_path / "b.db").path
    db.chmod(0o640)
    before = db.stat()
    restore_database(backup, db, db.parent)
    after = db.stat()
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    # The database holds the signing secret: 0600 even where the replaced one was looser.
    assert after.st_mode & 0o777 == 0o600
