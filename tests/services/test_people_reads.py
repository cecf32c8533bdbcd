"""Reads the web's people pages need: the roster, who may get which role, who may be
removed, and a team's linked chats."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from maxremind.domain.clock import utcnow
from maxremind.domain.models import Language, Role
from maxremind.maxapi.errors import MaxApiError
from maxremind.maxapi.models import Chat as MaxChat
from maxremind.maxapi.users import ChatMembersList
from maxremind.services.chats import ChatService
from maxremind.services.events import PermissionDenied
from maxremind.services.teams import (
    PeopleRefused,
    TeamService,
    assignable_roles,
    removal_refusal,
)
from maxremind.storage import Storage, open_storage


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    async with open_storage(f"sqlite:///{tmp_path / 'people.db'}") as store:
        for user_id, name in [(1, "Ольга"), (2, "Борис"), (3, "Вера"), (4, "Глеб")]:
            await store.upsert_user(user_id, name=name, username=None)
        yield store


class NoMax:
    async def get_chat(self, chat_id: int) -> MaxChat:
        raise MaxApiError("offline")

    async def get_chat_members(
        self, chat_id: int, user_ids: object = None, marker: object = None, count: object = None
    ) -> ChatMembersList:
        raise MaxApiError("offline")


async def test_roster_carries_groups_tags_and_why_someone_is_unreachable(storage: Storage) -> None:
    people = TeamService(storage)
    team = await people.create_team(1, "Склад", timezone="Europe/Moscow", language=Language.RU)
    for user_id in (2, 3, 4):
        await storage.add_member(team.id, user_id, Role.MEMBER)
    night = await people.create_group(team.id, 1, "Ночная смена")
    day = await people.create_group(team.id, 1, "Дневная смена")
    await people.add_to_group(team.id, 1, night.id, [2, 3])
    await people.add_to_group(team.id, 1, day.id, [3])
    await people.tag(team.id, 1, "#водители", [3, 4])
    await storage.set_user_reachable(4, False, "bot_blocked")

    roster = {entry.member.name: entry for entry in await people.roster(team.id)}

    assert list(roster) == ["Борис", "Вера", "Глеб", "Ольга"]  # by name
    assert [g.name for g in roster["Борис"].groups] == ["Ночная смена"]
    assert sorted(g.name for g in roster["Вера"].groups) == ["Дневная смена", "Ночная смена"]
    assert [t.name for t in roster["Глеб"].tags] == ["водители"]
    assert roster["Ольга"].groups == () and roster["Ольга"].tags == ()
    assert roster["Глеб"].unreachable_reason == "bot_blocked"
    assert not roster["Глеб"].member.reachable
    assert roster["Вера"].unreachable_reason is None


def test_assignable_roles_follow_set_role() -> None:
    assert assignable_roles(Role.OWNER, Role.OWNER) == tuple(Role)
    assert assignable_roles(Role.ADMIN, Role.MEMBER) == (Role.ORGANIZER, Role.MEMBER)
    assert assignable_roles(Role.ADMIN, Role.ADMIN) == ()
    assert assignable_roles(Role.ORGANIZER, Role.MEMBER) == ()
    assert assignable_roles(Role.MEMBER, Role.MEMBER) == ()


async def test_removal_refusal_is_the_rule_remove_member_applies(storage: Storage) -> None:
    people = TeamService(storage)
    team = await people.create_team(1, "Склад", timezone="Europe/Moscow", language=Language.RU)
    for user_id in (2, 3, 4):
        await storage.add_member(team.id, user_id, Role.MEMBER)
    await people.set_role(team.id, 1, 2, Role.ADMIN)
    await people.set_role(team.id, 1, 3, Role.ADMIN)
    owner, admin, other_admin, member = [await storage.get_member(team.id, i) for i in (1, 2, 3, 4)]

    assert removal_refusal(owner, member) is None
    assert removal_refusal(owner, admin) is None
    assert removal_refusal(admin, member) is None
    refused = removal_refusal(admin, other_admin)
    assert isinstance(refused, PermissionDenied) and refused.needed is Role.OWNER
    assert isinstance(removal_refusal(admin, owner), PeopleRefused)
    assert isinstance(removal_refusal(owner, owner), PeopleRefused)
    denied = removal_refusal(member, member)
    assert isinstance(denied, PermissionDenied) and denied.needed is Role.ADMIN

    with pytest.raises(PermissionDenied):  # the service says the same
        await people.remove_member(team.id, 2, 3)
    with pytest.raises(PeopleRefused, match="remove_self"):
        await people.remove_member(team.id, 2, 2)
    await people.remove_member(team.id, 2, 4)
    assert await people.member(team.id, 4) is None


async def test_team_chats_lists_linked_chats_the_bot_is_still_in(storage: Storage) -> None:
    people = TeamService(storage)
    chats = ChatService(storage, people, NoMax())
    team = await people.create_team(1, "Склад", timezone="Europe/Moscow", language=Language.RU)
    other = await people.create_team(2, "Офис", timezone="Europe/Moscow", language=Language.RU)
    group = await people.create_group(team.id, 1, "Смена")
    for chat_id in (-10, -20, -30, -40):
        await chats.bot_added(chat_id, added_by=1)  # MAX is offline: the title is the id
    await chats.link(-10, 1, team.id, group.id)
    await chats.link(-20, 1, team.id, None)
    await chats.link(-30, 2, other.id, None)
    await chats.link(-40, 1, team.id, None)
    await chats.bot_removed(-40, actor_id=1)

    found = await chats.team_chats(team.id)

    assert sorted(c.chat_id for c in found) == [-20, -10]
    assert {c.chat_id: c.group_id for c in found} == {-10: group.id, -20: None}
    assert all(c.active for c in found)
    removed = await chats.removed_chats(team.id, now=utcnow())
    assert [(c.chat_id, c.team_id) for c in removed] == [(-40, team.id)]
    assert await chats.removed_chats(other.id, now=utcnow()) == []
