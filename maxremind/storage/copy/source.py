"""The SQLite side of copy-data: a read-only view of one file, in one read transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from maxremind.storage.copy.tables import CopyRefused, SourceSchema, Table, q
from maxremind.storage.errors import StorageError
from maxremind.storage.migrations import latest_version
from maxremind.storage.postgres import redact_url
from maxremind.storage.sqlite import BUSY_TIMEOUT_MS, SQLITE_MAGIC, sqlite_path


def shown(url: str) -> str:
    """A URL as messages may show it (no password)."""
    return redact_url(url) if "://" in url else repr(url)


def source_path(url: str) -> Path:
    """:raises CopyRefused: not a SQLite URL."""
    if not url.startswith("sqlite:///") or url == "sqlite:///":
        raise CopyRefused(
            "--from must be a SQLite URL such as sqlite:////var/lib/maxremind/maxremind.db, "
            f"not {shown(url)}"
        )
    return sqlite_path(url).expanduser().resolve()


class Source:
    """The SQLite database, read-only, in one read transaction from :meth:`open` on."""

    def __init__(self, url: str) -> None:
        self.path = source_path(url)
        self._db: sqlite3.Connection | None = None

    def open(self) -> None:
        """:raises CopyRefused: no file, not a SQLite or maxremind database, or not at this
        maxremind's schema version."""
        path = self.path
        if not path.is_file():
            raise CopyRefused(f"there is no SQLite database at {path}")
        try:
            with path.open("rb") as fh:
                header = fh.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise CopyRefused(f"cannot read {path}: {exc.strerror}") from None
        if header != SQLITE_MAGIC:
            raise CopyRefused(f"{path} is not a SQLite database")
        wal = path.with_name(path.name + "-wal")
        # Without a log to read, immutable: SQLite then creates no -shm/-wal beside the
        # file (they would stay, owned by whoever ran this).  With one (maxremind was
        # killed), read-only: the log holds committed writes that must be copied too.
        immutable = not wal.exists() or wal.stat().st_size == 0
        uri = path.as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")
        try:
            self._db = sqlite3.connect(uri, uri=True, isolation_level=None)
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._db.execute("BEGIN")  # one snapshot for the copy and its verification
            version = self._version()
        except sqlite3.Error as exc:
            self.close()
            raise CopyRefused(f"cannot read {path}: {exc}") from None
        known = latest_version("sqlite")
        problem = None
        if version is None:
            problem = f"{path} is not a maxremind database (it has no schema_migrations)"
        elif version < known:
            # Migrating it here would write to the source; `migrate` backs it up first.
            problem = (
                f"{path} is at schema version {version}, this maxremind's is {known}: run "
                f"`maxremind migrate --db-url sqlite:///{path}` first (it keeps a backup of "
                "the old file), then copy-data again"
            )
        elif version > known:
            problem = (
                f"{path} is at schema version {version}, this maxremind knows only up to "
                f"{known}: run the copy-data of the maxremind that wrote it"
            )
        if problem is not None:
            self.close()
            raise CopyRefused(problem)

    def close(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            db.close()

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise StorageError("the source is not open")
        return self._db

    def _version(self) -> int | None:
        if not self._has_table("schema_migrations"):
            return None
        row = self.db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        return int(row.fetchone()[0])

    def _has_table(self, name: str) -> bool:
        found = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        )
        return found.fetchone() is not None

    def schema(self) -> SourceSchema:
        """Each table's columns with their position in the primary key (0: not in it)."""
        names = [
            r[0]
            for r in self.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: [(r[1], int(r[5])) for r in self.db.execute(f"PRAGMA table_info({q(name)})")]
            for name in names
        }

    def count(self, table: Table, upto: Sequence[Any] | None = None) -> int:
        """Rows of ``table``; with ``upto``, those whose key is at most that."""
        sql = f"SELECT count(*) FROM {q(table.name)}"
        if upto is not None:
            sql += f" WHERE ({table.order(postgres=False)}) <= ({', '.join('?' * len(upto))})"
        return int(self.db.execute(sql, list(upto or ())).fetchone()[0])

    def rows(
        self, table: Table, batch: int, after: Sequence[Any] | None = None
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The table in primary-key order, ``batch`` rows at a time; with ``after``, only
        the rows whose key is greater than that."""
        sql = f"SELECT {table.select()} FROM {q(table.name)}"
        if after is not None:
            sql += f" WHERE ({table.order(postgres=False)}) > ({', '.join('?' * len(after))})"
        sql += f" ORDER BY {table.order(postgres=False)}"
        cursor = self.db.execute(sql, list(after or ()))
        try:
            while rows := cursor.fetchmany(batch):
                yield rows
        finally:
            cursor.close()

    def has_value(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM kv WHERE key = ?", (key,)).fetchone() is not None

    def autoincrement_floor(self, table: str) -> int:
        """The largest id AUTOINCREMENT ever gave in ``table`` (0 if it does not use it):
        such ids are never handed out again, even after their rows are gone."""
        if not self._has_table("sqlite_sequence"):
            return 0
        row = self.db.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,))
        found = row.fetchone()
        return 0 if found is None else int(found[0])
