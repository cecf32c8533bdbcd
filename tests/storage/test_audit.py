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


async def test_audit_of_one_subject_newest_first_across_teams(storage: Storage) -> None:
    team_id, users = await team_with_people(storage)
    for team, action in ((team_id, "event.create"), (None, "event.edit"), (team_id, "x")):
        subject = "event:7" if action != "x" else "event:8"
        await storage.add_audit(
            team_id=team, actor_id=users[0], action=action, subject=subject, at=NOW
        )
    entries = await storage.list_audit_of("event:7")
    assert [e.action for e in entries] == ["event.edit", "event.create"]
    assert [e.action for e in await storage.list_audit_of("event:7", limit=1)] == ["event.edit"]
