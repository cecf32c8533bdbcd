"""The audit port's contract."""

from __future__ import annotations

from maxremind.storage import Storage
from tests.storage.kit import NOW, team_with_people


async def test_audit_log_newest_first(storage: Storage) -> None:
    team_id, users = await team_with_people(storage)
    await storage.add_audit(
        team_id=team_id,
        actor_id=users[0],
        action="member.role",
        subject="1001",
        details={"role": "admin"},
        at=NOW,
    )
    await storage.add_audit(
        team_id=team_id, actor_id=users[0], action="group.create", subject="Водители", at=NOW
    )
    entries = await storage.list_audit(team_id)
    assert [e.action for e in entries] == ["group.create", "member.role"]
    assert entries[1].details == {"role": "admin"} and entries[1].at == NOW
