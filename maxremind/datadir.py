"""Checks on the data folder before anything is written to it.

The folder holds the callback signing secret, invite codes and everyone's messages, so it
is the owner's alone: 0700 for folders, 0600 for files.  New files get that from the
process umask (``cli.main`` sets 0077, which also covers the -wal/-shm files SQLite creates
by itself); what an older version left readable to others is tightened here.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_DIR = 0o700
# Files of ours that hold data: the database with its -wal/-shm/-journal and the copies
# kept by restore (maxremind.db.before-restore-*), and the instance lock.
_PRIVATE_FILE_GLOBS = ("maxremind.db*", "maxremind.lock")


class DataDirError(OSError):
    """The data folder cannot be used; the message says what to do."""


def prepare_data_dir(path: Path) -> Path:
    """Create the data folder (0700) if needed and make sure we can read and write it.

    An existing folder, its database files and its ``backups`` folder are tightened to
    0700/0600 if others could read them, with a warning saying so.

    :raises DataDirError: it is a file, cannot be created, or is not writable.
    """
    path = path.expanduser()
    if path.exists() and not path.is_dir():
        raise DataDirError(f"MAXREMIND_DATA_DIR {path} is a file, not a folder")
    try:
        path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError(
            f"MAXREMIND_DATA_DIR {path} cannot be created ({exc.strerror}); "
            "choose a folder this user can write to"
        ) from None
    if not os.access(path, os.R_OK | os.W_OK | os.X_OK):
        raise DataDirError(
            f"MAXREMIND_DATA_DIR {path} is not readable and writable by this user; "
            "fix its permissions or choose another folder"
        )
    tighten_data_dir(path)
    return path


def tighten_data_dir(path: Path) -> list[Path]:
    """Make the data folder and what maxremind keeps in it private; returns what changed.

    Only our own names are touched (an operator's other files in the folder keep their
    modes), and a file this user may not chmod is reported, not fatal.
    """
    backups = path / "backups"
    targets = [path]
    for pattern in _PRIVATE_FILE_GLOBS:
        targets += sorted(path.glob(pattern))
    if backups.is_dir():
        targets.append(backups)
        targets += sorted(backups.glob("maxremind*.db*"))
    changed = [target for target in targets if _make_private(target)]
    if changed:
        log.warning(
            "others could read maxremind's data (it holds the signing secret and invite "
            "codes); took their access away (folders 0700, files 0600): %s",
            ", ".join(str(p) for p in changed),
        )
    return changed


def _make_private(path: Path) -> bool:
    """Take group and other access away from ``path``; True if there was any to take."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return False
    # A symlink's target may be anything (a shared folder, /dev/null): not ours to change.
    mode = stat.S_IMODE(st.st_mode)
    if stat.S_ISLNK(st.st_mode) or not mode & 0o077:
        return False
    try:
        # Owner bits stay as they are: tightening must never grant anything.
        os.chmod(path, mode & ~0o077)
    except OSError as exc:
        log.warning("cannot make %s private (%s); run: chmod go= %s", path, exc.strerror, path)
        return False
    return True
