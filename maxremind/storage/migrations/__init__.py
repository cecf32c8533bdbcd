"""Numbered SQL migrations per dialect: ``<dialect>/NNNN_name.sql``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from maxremind.resources import package_file

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(dialect: str) -> list[Migration]:
    """All migrations of a dialect, in order; numbering must have no gaps."""
    folder = package_file("storage", "migrations", dialect)
    found: list[Migration] = []
    for path in sorted(folder.iterdir()):
        match = _NAME.match(path.name)
        if match:
            found.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(f"migration {expected:04d} of {dialect} is missing")
    return found


def latest_version(dialect: str) -> int:
    return len(load_migrations(dialect))
