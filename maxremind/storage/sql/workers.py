"""SQL of the worker registry: heartbeats, and the claims of dead workers put back."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta

from maxremind.storage.ports.workers import ReleasedWorkers, Worker, WorkerInfo
from maxremind.storage.sqlbase import Conn, Row, SqlBase, from_ms, now_ms, to_ms

# Like LedgerSql.release_claims, for one owner: the lease goes, send_at and attempts stay.
_RELEASE_OWNER = (
    "UPDATE deliveries SET status = 'planned', lease_owner = NULL, lease_until = NULL,"
    " updated_at = ? WHERE status = 'claimed' AND lease_owner = ?"
)


def _roles(roles: Sequence[str]) -> str:
    return ",".join(roles)


def _worker(row: Row) -> Worker:
    return Worker(
        owner=row["owner"],
        roles=tuple(r for r in row["roles"].split(",") if r),
        host=row["host"],
        pid=row["pid"],
        started_at=from_ms(row["started_at"]),
        heartbeat_at=from_ms(row["heartbeat_at"]),
    )


class WorkersSql(SqlBase):
    """The registry of processes sharing the database."""

    def _registry_tx(self) -> AbstractAsyncContextManager[Conn]:
        """The transaction a registry write runs in.  Here the ordinary one; an adapter
        whose processes share the database runs it beside the writer (a heartbeat must
        not wait behind a long unit of work of another task)."""
        return self._tx()

    async def heartbeat(self, owner: str, info: WorkerInfo, *, at: datetime) -> bool:
        at_ms = to_ms(at)
        async with self._registry_tx() as conn:
            refreshed = await conn.execute(
                "UPDATE workers SET heartbeat_at = ?, roles = ? WHERE owner = ?",
                (at_ms, _roles(info.roles), owner),
            )
            if refreshed:
                return True
            # Gone (first heartbeat, or released by another process meanwhile): back in.
            await conn.execute(
                "INSERT INTO workers (owner, roles, host, pid, started_at, heartbeat_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (owner) DO UPDATE SET"
                " heartbeat_at = excluded.heartbeat_at, roles = excluded.roles",
                (owner, _roles(info.roles), info.host, info.pid, to_ms(info.started_at), at_ms),
            )
        return False

    async def release_dead_workers(
        self, *, now: datetime, stale_after: timedelta
    ) -> ReleasedWorkers:
        cutoff = to_ms(now - stale_after)
        async with self._registry_tx() as conn:
            # The DELETE decides who releases whom: of two processes releasing at once
            # (Postgres), the second waits on the first's row locks and then finds the
            # rows gone, so each dead worker's claims are put back by one of them.  The
            # rows are locked in owner order, so two releasers cannot deadlock.
            rows = await conn.fetchall(
                "DELETE FROM workers WHERE owner IN (SELECT owner FROM workers"
                " WHERE heartbeat_at < ? ORDER BY owner /*postgres: FOR UPDATE*/)"
                " RETURNING owner",
                (cutoff,),
            )
            owners = sorted(r["owner"] for r in rows)
            released = 0
            stamp = now_ms()
            for owner in owners:
                released += await conn.execute(_RELEASE_OWNER, (stamp, owner))
        return ReleasedWorkers(owners, released)

    async def leave(self, owner: str) -> int:
        async with self._registry_tx() as conn:
            released = await conn.execute(_RELEASE_OWNER, (now_ms(), owner))
            await conn.execute("DELETE FROM workers WHERE owner = ?", (owner,))
        return released

    async def list_workers(self) -> list[Worker]:
        rows = await self._all("SELECT * FROM workers ORDER BY started_at, owner")
        return [_worker(r) for r in rows]
