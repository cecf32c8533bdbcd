"""Storage errors: adapters translate driver errors into these."""

from __future__ import annotations


class StorageError(Exception):
    """Base of every error the storage port raises."""


class NotFound(StorageError, LookupError):
    """The entity asked for (or one it refers to) does not exist."""


class AlreadyExists(StorageError, ValueError):
    """A uniqueness rule was violated (a second group with the same name, say)."""


class InviteUnusable(StorageError, ValueError):
    """An invite exists but cannot be used: ``reason`` is revoked, expired or used_up."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"invite cannot be used: {reason}")
        self.reason = reason


class LeaseLost(StorageError):
    """A delivery's lease passed to another worker; the caller must not record a result."""


class SchemaTooNew(StorageError):
    """The database was written by a newer maxremind; this binary must not touch it."""


class DatabaseUnusable(StorageError):
    """The database file is corrupt, not a database, or cannot be opened."""


class InvalidValue(StorageError, ValueError):
    """A value the schema refuses: a CHECK or NOT NULL rule, or an integer too big."""


class VersionMismatch(StorageError):
    """A conditional write found the row changed since the version the caller read."""
