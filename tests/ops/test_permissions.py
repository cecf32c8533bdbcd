"""The data folder holds the callback signing secret and invite codes: only its owner reads it.

The commands run as real processes under ``umask 022`` (the usual default, which would make
new files world-readable) so the product's own umask and modes are what is tested.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from maxremind.backup import LOCK_NAME, backup_database, restore_database, scheduled_backup
from maxremind.storage import open_storage


def _maxremind(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAXREMIND_")}
    env["MAXREMIND_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "maxremind", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        # The usual login umask: without the product's own, new files would be 0644.
        preexec_fn=lambda: os.umask(0o022),
        check=False,
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _modes(paths: list[Path]) -> dict[str, str]:
    return {p.name: oct(_mode(p)) for p in paths}


def _database_files(data_dir: Path) -> list[Path]:
    return sorted(data_dir.glob("maxremind.db*"))


def test_commands_under_umask_022_leave_only_owner_readable_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = _maxremind(data, "migrate")
    assert done.returncode == 0, done.stderr
    assert _mode(data) == 0o700
    assert _database_files(data), "migrate wrote no database"
    assert _modes(_database_files(data)) == {p.name: "0o600" for p in _database_files(data)}

    backups = data / "backups" / "manual"
    copy = backups / "copy.db"
    done = _maxremind(data, "backup", str(copy))
    assert done.returncode == 0, done.stderr
    assert (oct(_mode(data / "backups")), oct(_mode(backups))) == ("0o700", "0o700")
    assert oct(_mode(copy)) == "0o600"

    # A backup into a folder the operator already has: the file is private, the folder
    # (theirs, maybe shared) keeps its mode.
    shelf = tmp_path / "shelf"
    shelf.mkdir(mode=0o755)
    shelf.chmod(0o755)
    done = _maxremind(data, "backup", str(shelf))
    assert done.returncode == 0, done.stderr
    (written,) = shelf.iterdir()
    assert (oct(_mode(written)), oct(_mode(shelf))) == ("0o600", "0o755")

    done = _maxremind(data, "restore", str(copy))
    assert done.returncode == 0, done.stderr
    assert oct(_mode(data / LOCK_NAME)) == "0o600"
    restored = _database_files(data)
    assert any(".before-restore-" in p.name for p in restored)
    assert _modes(restored) == {p.name: "0o600" for p in restored}
    assert _mode(data) == 0o700


def test_loose_data_folder_from_an_older_version_is_tightened(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _maxremind(data, "migrate").returncode == 0
    # What an older maxremind left at umask 022, WAL files included.
    keep_open = sqlite3.connect(data / "maxremind.db")
    keep_open.execute("PRAGMA journal_mode = WAL")
    keep_open.execute("INSERT INTO kv VALUES ('k', 'v', 0)")
    (data / "backups").mkdir()
    old_backup = data / "backups" / "maxremind-20260101-000000.db"
    old_backup.write_bytes((data / "maxremind.db").read_bytes())
    (data / LOCK_NAME).write_text("")
    loose = [data / "backups", old_backup, data / LOCK_NAME, *_database_files(data)]
    for path in loose:
        path.chmod(0o755 if path.is_dir() else 0o644)
    data.chmod(0o755)
    assert {p.name for p in _database_files(data)} >= {"maxremind.db-wal", "maxremind.db-shm"}
    try:
        done = _maxremind(data, "migrate")
    finally:
        keep_open.close()
    assert done.returncode == 0, done.stderr
    assert "0700" in done.stderr and "0600" in done.stderr  # the operator is told
    assert _mode(data) == 0o700
    assert oct(_mode(data / "backups")) == "0o700"
    files = [p for p in loose if p.exists() and p.is_file()]
    assert _modes(files) == {p.name: "0o600" for p in files}


async def test_backup_and_restore_are_private_without_the_cli_umask(tmp_path: Path) -> None:
    db = tmp_path / "data" / "maxremind.db"
    db.parent.mkdir()
    async with open_storage(f"sqlite:///{db}") as storage:
        await storage.set_value("k", "v")
    db.chmod(0o644)
    old = os.umask(0o022)
    try:
        manual = backup_database(db, tmp_path / "elsewhere" / "deep" / "copy.db")
        nightly = scheduled_backup(db, tmp_path / "data" / "backups", keep=3)
        restored = restore_database(manual.path, db, db.parent)
    finally:
        os.umask(old)
    assert oct(_mode(manual.path)) == "0o600"
    assert _mode(tmp_path / "elsewhere") == 0o700 and _mode(manual.path.parent) == 0o700
    assert (oct(_mode(nightly.path)), oct(_mode(nightly.path.parent))) == ("0o600", "0o700")
    assert oct(_mode(restored.db_path)) == "0o600"
    assert oct(_mode(db.parent / LOCK_NAME)) == "0o600"
