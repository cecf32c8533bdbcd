"""Fleet-wide locks on Postgres: session advisory locks on connections of their own.

A lock is held by a connection, not a transaction, so it lasts while its holder works
outside any transaction (the polling leader holds one for hours).  The connection is
opened for the lock, not taken from the pool, so a long holder never starves the
queries.  When the holder dies its connection closes and Postgres frees the lock at
once; when the connection breaks under a living holder, ``FleetLock.lost`` tells it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from typing import Any

import asyncpg

from maxremind.storage.errors import StorageError
from maxremind.storage.ports.work import FleetLock

log = logging.getLogger(__name__)

_CONNECT_TIMEOUT_S = 10.0
# What a lost or refused lock connection raises (InternalClientError: one whose server
# side was terminated a moment ago, see storage.postgres).
_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError, OSError)


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a lock name."""
    digest = hashlib.sha256(b"maxremind:" + name.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PostgresFleetLocks:
    """Mixin of :class:`~maxremind.storage.postgres.PostgresStorage`."""

    url: str

    def fleet_lock(self, name: str) -> AbstractAsyncContextManager[FleetLock | None]:
        return self._advisory_lock(name)

    @asynccontextmanager
    async def _advisory_lock(self, name: str) -> AsyncIterator[FleetLock | None]:
        try:
            db: Any = await asyncpg.connect(
                self.url,
                timeout=_CONNECT_TIMEOUT_S,
                server_settings={"application_name": f"maxremind lock {name}"},
            )
        except (*_ERRORS, TimeoutError) as exc:
            raise StorageError(f"cannot take the fleet lock {name!r}: {exc}") from exc
        try:
            try:
                got = await db.fetchval("SELECT pg_try_advisory_lock($1)", lock_key(name))
            except _ERRORS as exc:
                raise StorageError(f"cannot take the fleet lock {name!r}: {exc}") from exc
            if not got:
                yield None
                return
            held = FleetLock(name)

            def on_close(_conn: Any) -> None:
                if not held.lost.is_set():
                    log.warning("lost the fleet lock %r: its database connection closed", name)
                    held.lost.set()

            db.add_termination_listener(on_close)
            try:
                yield held
            finally:
                db.remove_termination_listener(on_close)
            # Closing the connection below frees the lock too; this says so at once.
            if not db.is_closed():
                with suppress(*_ERRORS):
                    await db.execute("SELECT pg_advisory_unlock($1)", lock_key(name))
        finally:
            try:
                await db.close(timeout=5)
            except (*_ERRORS, TimeoutError):
                db.terminate()
