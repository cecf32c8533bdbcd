"""SQL of the audit log."""

from __future__ import annotations

import json
from datetime import datetime

from maxremind.domain.models import AuditEntry
from maxremind.storage.sqlbase import (
    Row,
    SqlBase,
    from_ms,
    to_ms,
)


def _audit(row: Row) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        team_id=row["team_id"],
        actor_id=row["actor_id"],
        action=row["action"],
        subject=row["subject"],
        details=json.loads(row["details"]),
        at=from_ms(row["at"]),
    )


class AuditSql(SqlBase):
    """The append-only audit log."""

    # --- audit -----------------------------------------------------------------------

    async def add_audit(
        self,
        *,
        team_id: int | None,
        actor_id: int | None,
        action: str,
        subject: str,
        details: dict[str, object] | None = None,
        at: datetime,
    ) -> AuditEntry:
        async with self._tx() as conn:
            row = await conn.fetchone(
                "INSERT INTO audit_log (team_id, actor_id, action, subject, details, at)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
                (
                    team_id,
                    actor_id,
                    action,
                    subject,
                    json.dumps(details or {}, ensure_ascii=False, default=str),
                    to_ms(at),
                ),
            )
        assert row is not None
        return _audit(row)

    async def list_audit(self, team_id: int, *, limit: int = 100) -> list[AuditEntry]:
        rows = await self._all(
            "SELECT * FROM audit_log WHERE team_id = ? ORDER BY id DESC LIMIT ?", (team_id, limit)
        )
        return [_audit(r) for r in rows]

    async def list_audit_of(self, subject: str, *, limit: int = 20) -> list[AuditEntry]:
        rows = await self._all(
            "SELECT * FROM audit_log WHERE subject = ? ORDER BY id DESC LIMIT ?", (subject, limit)
        )
        return [_audit(r) for r in rows]
