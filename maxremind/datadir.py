"""Checks on the data folder before anything is written to it."""

from __future__ import annotations

import os
from pathlib import Path


class DataDirError(OSError):
    """The data folder cannot be used; the message says what to do."""


def prepare_data_dir(path: Path) -> Path:
    """Create the data folder if needed and make sure we can read and write it.

    :raises DataDirError: it is a file, cannot be created, or is not writable.
    """
    path = path.expanduser()
    if path.exists() and not path.is_dir():
        raise DataDirError(f"MAXREMIND_DATA_DIR {path} is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
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
    return path
