"""Which tables copy-data copies, in which order, and what both schemas must agree on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from maxremind.storage.errors import StorageError

PROGRESS_KEY = "copy_data.progress"

# Every table of both schemas is named here, either to be copied or on purpose not: a table
# that is neither makes copy-data refuse instead of leaving its rows behind unnoticed.
# COPIED is in foreign-key order (a table comes after every table it refers to); the tests
# check that against the Postgres catalog.
COPIED: tuple[str, ...] = (
    "kv",
    "teams",
    "users",
    "members",
    "groups",
    "group_members",
    "tags",
    "tag_members",
    "chats",
    "events",
    "event_audience",
    "reminders",
    "occurrences",
    "jobs",
    "deliveries",
    "confirmations",
    "invites",
    "audit_log",
    "inbox",
    "dialog_state",
    "outbox",
    "login_links",
    "web_sessions",
    "api_tokens",
    "calendar_feeds",
    "calendar_sources",
    "calendar_imported",
    "calendar_uploads",
    "attendance",
    "insight_settings",
    "digest_subscribers",
    "button_presses",
)
NOT_COPIED: Mapping[str, str] = {
    "schema_migrations": "each adapter records its own migrations; the versions are checked",
    "workers": "heartbeats of running processes; the processes on Postgres write their own",
}

# Postgres column types copy-data knows how to fill, and the Python type each holds.
PG_TYPES: Mapping[str, type] = {"bigint": int, "integer": int, "smallint": int, "text": str}


class CopyRefused(StorageError, ValueError):
    """The copy cannot start or go on; the message says why and what to do."""


def q(name: str) -> str:
    """A quoted identifier (names come from the catalogs and are checked against COPIED)."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Table:
    """A copied table as both schemas agree it is."""

    name: str
    columns: tuple[str, ...]
    kinds: tuple[type, ...]  # the Python type of each column's values
    key: tuple[str, ...]  # primary key columns, in order
    text_key: tuple[bool, ...]  # which of them are text
    identity: str | None  # the Postgres identity column, if any

    def select(self) -> str:
        return ", ".join(q(c) for c in self.columns)

    def order(self, *, postgres: bool) -> str:
        # Postgres orders text by the database's collation unless told otherwise; "C"
        # compares bytes, which for UTF-8 is SQLite's BINARY order.
        return ", ".join(
            q(c) + (' COLLATE "C"' if postgres and text else "")
            for c, text in zip(self.key, self.text_key, strict=True)
        )

    def key_of(self, row: Sequence[Any]) -> list[Any]:
        return [row[self.columns.index(c)] for c in self.key]

    def bad_value(self, rows: Sequence[Sequence[Any]]) -> str | None:
        """Why Postgres would refuse one of ``rows``, if a value is of a kind it cannot
        take (SQLite stores what it is given)."""
        for row in rows:
            for column, kind, value in zip(self.columns, self.kinds, row, strict=True):
                if value is None:
                    continue
                if type(value) is not kind:
                    wanted = "an integer" if kind is int else "text"
                    return (
                        f"table {self.name}, row {self.key_of(row)}: column {column} holds "
                        f"{value!r} where Postgres takes {wanted}"
                    )
                if isinstance(value, str) and "\x00" in value:
                    return (
                        f"table {self.name}, row {self.key_of(row)}: column {column} holds "
                        "a NUL character, which Postgres text cannot store"
                    )
        return None


SourceSchema = Mapping[str, Sequence[tuple[str, int]]]  # table → (column, position in key)
TargetSchema = Mapping[str, Mapping[str, Any]]  # table → columns (name → type), key, identity


def agreed_tables(source: SourceSchema, target: TargetSchema) -> list[Table]:
    """The copied tables as both schemas have them, in COPIED's order.

    :raises CopyRefused: either schema has a table copy-data does not know, or a copied
        table differs (columns, primary key) or has a column of a type it cannot fill.
    """
    for side, names in (("SQLite", source), ("Postgres", target)):
        unknown = sorted(set(names) - set(COPIED) - set(NOT_COPIED))
        if unknown:
            raise CopyRefused(
                f"the {side} database has tables copy-data does not know ({', '.join(unknown)}):"
                " refusing rather than leaving their rows behind; use the copy-data of the "
                "maxremind version that added them"
            )
    return [_agreed(name, source, target) for name in COPIED]


def _agreed(name: str, source: SourceSchema, target: TargetSchema) -> Table:
    if name not in source or name not in target:
        side = "SQLite" if name not in source else "Postgres"
        raise CopyRefused(
            f"table {name} is missing from the {side} database: both must be at this "
            "maxremind's latest schema"
        )
    src_cols = {c for c, _ in source[name]}
    pg_cols: Mapping[str, str] = target[name]["columns"]
    if src_cols != set(pg_cols):
        only_src = sorted(src_cols - set(pg_cols))
        only_pg = sorted(set(pg_cols) - src_cols)
        raise CopyRefused(
            f"table {name} has different columns (only in SQLite: {only_src or 'none'}; "
            f"only in Postgres: {only_pg or 'none'}): both must be at this maxremind's "
            "latest schema"
        )
    key = [c for c, pos in sorted(source[name], key=lambda c: c[1]) if pos > 0]
    if key != list(target[name]["key"]):
        raise CopyRefused(
            f"table {name} has primary key {key} in SQLite but {target[name]['key']} in Postgres"
        )
    unknown_types = [f"{c} ({t})" for c, t in pg_cols.items() if t not in PG_TYPES]
    if unknown_types:
        raise CopyRefused(
            f"table {name} has columns of types copy-data does not know how to fill: "
            f"{', '.join(unknown_types)}"
        )
    return Table(
        name=name,
        columns=tuple(pg_cols),
        kinds=tuple(PG_TYPES[t] for t in pg_cols.values()),
        key=tuple(key),
        text_key=tuple(pg_cols[c] == "text" for c in key),
        identity=target[name]["identity"],
    )
