"""The people rules without the bot: roles, invites, name lookup, zones."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from maxremind.domain.models import Language, Role
from maxremind.services.events import PermissionDenied
from maxremind.services.teams import (
    PeopleRefused,
    TeamService,
    close_members,
    find_members,
    invite_link,
)
from maxremind.services.zones import UnknownZone, parse_zone
from maxremind.storage import InviteUnusable, NotFound, Storage, open_storage


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    async with open_storage(f"sqlite:///{tmp_path / 'teams.db'}") as store:
        for user_id, name, username in [
            (1, "Ольга Иванова", "olga"),
            (2, "Иван Петров", None),
            (3, "Иван Сидоров", "sid"),
            (4, "Алёна", None),
        ]:
            await store.upsert_user(user_id, name=name, username=username)
        yield store


async def _team(storage: Storage) -> tuple[TeamService, int]:
    service = TeamService(storage)
    team = await service.create_team(1, "  Склад  ", timezone="Europe/Moscow", language=Language.RU)
    assert team.name == "Склад" and (await storage.get_user(1)).current_team_id == team.id
    for user_id in (2, 3, 4):
        await storage.add_member(team.id, user_id, Role.MEMBER)
    return service, team.id


async def test_find_members_by_username_name_and_prefix(storage: Storage) -> None:
    _, team_id = await _team(storage)

    async def names(token: str) -> list[str]:
        return [m.name for m in await find_members(storage, team_id, token)]

    assert await names("@SID") == ["Иван Сидоров"]
    assert await names("иван петров") == ["Иван Петров"]
    assert await names("Иван") == ["Иван Петров", "Иван Сидоров"]
    assert await names("алена") == ["Алёна"]  # ё and е are the same letter here
    assert await names("пет") == ["Иван Петров"]
    assert await names("@") == [] and await names("Зоя") == []
    everyone = await storage.list_members(team_id)
    assert [m.name for m in close_members(everyone, "Сидоров1")] == ["Иван Сидоров"]


async def test_role_rules(storage: Storage) -> None:
    service, team_id = await _team(storage)
    with pytest.raises(PermissionDenied) as denied:
        await service.set_role(team_id, 2, 3, Role.ORGANIZER)
    assert denied.value.needed is Role.ADMIN
    await service.set_role(team_id, 1, 2, Role.ADMIN)
    await service.set_role(team_id, 2, 3, Role.ORGANIZER)  # admins manage organizers
    with pytest.raises(PermissionDenied) as denied:
        await service.set_role(team_id, 2, 4, Role.ADMIN)
    assert denied.value.needed is Role.OWNER
    with pytest.raises(PeopleRefused, match="last_owner"):
        await service.set_role(team_id, 1, 1, Role.ADMIN)
    with pytest.raises(PeopleRefused, match="remove_owner"):
        await service.remove_member(team_id, 2, 1)
    with pytest.raises(PeopleRefused, match="last_owner"):
        await service.leave(team_id, 1)
    await service.remove_member(team_id, 2, 3)
    with pytest.raises(NotFound):
        await storage.get_member(team_id, 3)
    actions = [entry.action for entry in await storage.list_audit(team_id)]
    assert actions.count("member.role") == 2 and "member.remove" in actions


async def test_invites_join_once_and_refuse_when_unusable(storage: Storage) -> None:
    service, team_id = await _team(storage)
    await storage.upsert_user(9, name="Новичок", username=None)
    group = await service.create_group(team_id, 1, "Водители")
    invite = await service.create_invite(team_id, 1, group_id=group.id, max_uses=1)
    assert 16 <= len(invite.code) <= 128
    assert invite_link("bot", invite.code) == f"https://max.ru/bot?start={invite.code}"
    # Someone already in the team and group uses nothing up.
    await storage.add_to_group(group.id, [2])
    assert (await service.join(2, invite.code)).already_member
    joined = await service.join(9, invite.code)
    assert not joined.already_member and joined.group == group and joined.role is Role.MEMBER
    with pytest.raises(InviteUnusable, match="used_up"):
        await service.join(4, invite.code)
    with pytest.raises(PermissionDenied):
        await service.create_invite(team_id, 9)
    with pytest.raises(PeopleRefused, match="bad_uses"):
        await service.create_invite(team_id, 1, max_uses=0)
    later = TeamService(storage, clock=lambda: datetime.now(UTC) + timedelta(days=8))
    week = await service.create_invite(team_id, 1, valid_for=timedelta(days=7))
    with pytest.raises(InviteUnusable, match="expired"):
        await later.join(4, week.code)
    await service.revoke_invite(1, week.code)
    with pytest.raises(InviteUnusable, match="revoked"):
        await service.join(4, week.code)
    with pytest.raises(NotFound):
        await service.join(4, "nope")


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Новосибирск", "Asia/Novosibirsk"),
        ("москва", "Europe/Moscow"),
        ("Europe/Berlin", "Europe/Berlin"),
        ("america/new york", "America/New_York"),
        ("+5", "Asia/Yekaterinburg"),
        ("UTC+3", "Europe/Moscow"),
        ("GMT-5", "Etc/GMT+5"),
        ("МСК+4", "Asia/Novosibirsk"),
        ("UTC", "UTC"),
        ("спб", "Europe/Moscow"),
    ],
)
def test_parse_zone(text: str, zone: str) -> None:
    assert parse_zone(text) == zone


@pytest.mark.parametrize("text", ["", "Марс", "+15", "Europe/Atlantis"])
def test_parse_zone_refuses_what_it_does_not_know(text: str) -> None:
    with pytest.raises(UnknownZone):
        parse_zone(text)
