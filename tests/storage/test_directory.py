"""The directory port's contract: teams, people, groups, tags, chats, invites."""

from __future__ import annotations

from datetime import timedelta

import pytest

from maxremind.domain.models import (
    Language,
    QuietHoursSpec,
    Role,
)
from maxremind.storage import AlreadyExists, InviteUnusable, NotFound, Storage
from tests.storage.kit import NOW, new_event, team_with_people


async def test_team_crud(storage: Storage) -> None:
    team = await storage.create_team(
        "A", timezone="Europe/Moscow", language=Language.RU, created_by=None
    )
    assert (await storage.get_team(team.id)).name == "A"
    updated = await storage.update_team(
        team.id, name="B", language=Language.EN, quiet_hours=QuietHoursSpec("22:00", "08:00")
    )
    assert (updated.name, updated.language, str(updated.quiet_hours)) == (
        "B",
        Language.EN,
        "22:00-08:00",
    )
    cleared = await storage.update_team(team.id, quiet_hours=None)
    assert cleared.quiet_hours is None and cleared.name == "B"
    await storage.delete_team(team.id)
    with pytest.raises(NotFound):
        await storage.get_team(team.id)
    with pytest.raises(NotFound):
        await storage.delete_team(team.id)
    with pytest.raises(NotFound):
        await storage.update_team(team.id, name="C")


async def test_user_upsert_keeps_settings_and_finds_by_username(storage: Storage) -> None:
    await storage.upsert_user(7, name="Анна", username="Anna_K")
    await storage.update_user(
        7,
        language=Language.EN,
        timezone="Asia/Yekaterinburg",
        quiet_hours=QuietHoursSpec("23:00", "07:00"),
    )
    user = await storage.upsert_user(7, name="Анна К.", username="anna_k")
    assert user.name == "Анна К." and user.language == Language.EN
    assert user.timezone == "Asia/Yekaterinburg" and str(user.quiet_hours) == "23:00-07:00"
    found = await storage.find_user_by_username("@ANNA_K")
    assert found is not None and found.user_id == 7
    assert await storage.find_user_by_username("nobody") is None
    await storage.set_user_reachable(7, False, "bot_stopped")
    user = await storage.get_user(7)
    assert not user.reachable and user.unreachable_reason == "bot_stopped"
    await storage.set_user_reachable(7, True, None)
    assert (await storage.get_user(7)).reachable
    user = await storage.update_user(7, language=None)
    assert user.language is None and user.timezone == "Asia/Yekaterinburg"
    with pytest.raises(NotFound):
        await storage.get_user(8)
    with pytest.raises(NotFound):
        await storage.update_user(8, language=Language.RU)
    with pytest.raises(NotFound):
        await storage.set_user_reachable(8, False, "x")


async def test_member_crud_and_roles(storage: Storage) -> None:
    team_id, users = await team_with_people(storage)
    members = await storage.list_members(team_id)
    assert [m.user_id for m in members] == users
    assert members[0].role == Role.OWNER and members[0].name == "User 0"
    with pytest.raises(AlreadyExists):
        await storage.add_member(team_id, users[1], Role.ADMIN)
    with pytest.raises(NotFound):
        await storage.add_member(team_id, 999_999, Role.MEMBER)
    with pytest.raises(NotFound):
        await storage.add_member(424242, users[1], Role.MEMBER)
    member = await storage.set_member_role(team_id, users[1], Role.ORGANIZER)
    assert member.role == Role.ORGANIZER
    assert [t.id for t in await storage.list_teams_of_user(users[1])] == [team_id]
    await storage.update_user(users[1], current_team_id=team_id)
    await storage.remove_member(team_id, users[1])
    with pytest.raises(NotFound):
        await storage.get_member(team_id, users[1])
    assert (await storage.get_user(users[1])).current_team_id is None
    with pytest.raises(NotFound):
        await storage.remove_member(team_id, users[1])
    with pytest.raises(NotFound):
        await storage.set_member_role(team_id, users[1], Role.ADMIN)


async def test_member_ids_and_user_names_are_the_light_reads(storage: Storage) -> None:
    """Ids of a team's members (ascending, members only) and names by id: what the
    audience and a roster need, agreeing with list_members and get_users."""
    team_id, users = await team_with_people(storage, 4)
    await storage.upsert_user(5, name="Не в команде", username=None)
    await storage.remove_member(team_id, users[2])
    other = await storage.create_team(
        "Другой", timezone="Europe/Moscow", language=Language.RU, created_by=None
    )
    await storage.add_member(other.id, 5, Role.OWNER)
    expected = sorted(m.user_id for m in await storage.list_members(team_id))
    assert await storage.member_ids(team_id) == expected == [users[0], users[1], users[3]]
    assert await storage.member_ids(other.id) == [5]
    assert await storage.member_ids(424242) == []
    names = await storage.user_names([users[3], 5, 999_999, users[3]])
    assert names == {users[3]: "User 3", 5: "Не в команде"}
    full = await storage.get_users([users[3], 5, 999_999])
    assert names == {i: u.name for i, u in full.items()}
    assert await storage.user_names([]) == {}


async def test_group_names_unique_case_insensitive_cyrillic(storage: Storage) -> None:
    team_id, _ = await team_with_people(storage)
    group = await storage.create_group(team_id, "Отдел кадров")
    with pytest.raises(AlreadyExists):
        await storage.create_group(team_id, "ОТДЕЛ  КАДРОВ")
    found = await storage.find_group(team_id, "отдел кадров")
    assert found is not None and found.id == group.id
    renamed = await storage.rename_group(group.id, "Кадры")
    assert renamed.name == "Кадры"
    assert [g.name for g in await storage.list_groups(team_id)] == ["Кадры"]
    with pytest.raises(NotFound):
        await storage.rename_group(987654, "x")


async def test_deleting_group_keeps_members(storage: Storage) -> None:
    team_id, users = await team_with_people(storage)
    group = await storage.create_group(team_id, "Водители")
    assert await storage.add_to_group(group.id, users[1:]) == 2
    assert await storage.add_to_group(group.id, users[1:]) == 0  # idempotent
    assert await storage.list_group_members(group.id) == users[1:]
    assert [g.id for g in await storage.list_groups_of_member(team_id, users[1])] == [group.id]
    await storage.delete_group(group.id)
    assert len(await storage.list_members(team_id)) == 3
    assert await storage.list_groups_of_member(team_id, users[1]) == []
    with pytest.raises(NotFound):
        await storage.get_group(group.id)
    with pytest.raises(NotFound):
        await storage.delete_group(group.id)


async def test_group_links_only_team_members(storage: Storage) -> None:
    team_id, users = await team_with_people(storage)
    outsider = await storage.upsert_user(5555, name="Outsider", username=None)
    group = await storage.create_group(team_id, "G")
    with pytest.raises(NotFound):
        await storage.add_to_group(group.id, [outsider.user_id])
    with pytest.raises(NotFound):
        await storage.add_to_group(31337, [users[0]])
    assert await storage.list_group_members(group.id) == []


async def test_removing_member_removes_group_and_tag_links(storage: Storage) -> None:
    team_id, users = await team_with_people(storage)
    group = await storage.create_group(team_id, "G")
    tag = await storage.create_tag(team_id, "водитель")
    await storage.add_to_group(group.id, users)
    await storage.tag_members(tag.id, [users[2]])
    await storage.remove_member(team_id, users[2])
    assert await storage.list_group_members(group.id) == users[:2]
    assert await storage.list_tag_members(tag.id) == []
    assert await storage.remove_from_group(group.id, [users[0], 424242]) == 1


async def test_tag_crud(storage: Storage) -> None:
    team_id, users = await team_with_people(storage)
    tag = await storage.create_tag(team_id, "Водитель")
    with pytest.raises(AlreadyExists):
        await storage.create_tag(team_id, "водитель")
    assert (await storage.get_tag(tag.id)).name == "Водитель"
    found = await storage.find_tag(team_id, "ВОДИТЕЛЬ")
    assert found is not None and found.id == tag.id
    assert await storage.tag_members(tag.id, [users[0], users[0], users[1]]) == 2
    assert [t.name for t in await storage.list_tags_of_member(team_id, users[0])] == ["Водитель"]
    assert await storage.untag_members(tag.id, [users[0]]) == 1
    assert await storage.list_tag_members(tag.id) == [users[1]]
    assert [t.id for t in await storage.list_tags(team_id)] == [tag.id]
    await storage.delete_tag(tag.id)
    assert len(await storage.list_members(team_id)) == 3
    with pytest.raises(NotFound):
        await storage.get_tag(tag.id)


async def test_chat_link_unlink_and_readd(storage: Storage) -> None:
    team_id, users = await team_with_people(storage)
    group = await storage.create_group(team_id, "G")
    chat = await storage.upsert_chat(-100, title="Чат отдела", chat_type="chat", added_by=users[0])
    assert chat.active and chat.team_id is None
    linked = await storage.link_chat(-100, team_id, group.id)
    assert (linked.team_id, linked.group_id) == (team_id, group.id)
    assert [c.chat_id for c in await storage.list_chats(team_id)] == [-100]
    again = await storage.upsert_chat(-100, title="Новое имя", chat_type="chat", added_by=None)
    assert again.group_id == group.id and again.added_by == users[0] and again.title == "Новое имя"
    await storage.delete_group(group.id)
    assert (await storage.get_chat(-100)).group_id is None
    await storage.deactivate_chat(-100)
    chat = await storage.get_chat(-100)
    assert not chat.active and chat.team_id is None
    assert await storage.list_chats(team_id) == []
    other_team = await storage.create_team(
        "X", timezone="UTC", language=Language.EN, created_by=None
    )
    other_group = await storage.create_group(other_team.id, "Y")
    with pytest.raises(NotFound):
        await storage.link_chat(-100, team_id, other_group.id)
    with pytest.raises(NotFound):
        await storage.link_chat(-1, team_id, None)
    with pytest.raises(NotFound):
        await storage.deactivate_chat(-1)


async def test_invites_limits(storage: Storage) -> None:
    team_id, users = await team_with_people(storage)
    group = await storage.create_group(team_id, "G")
    await storage.create_invite(
        "code1",
        team_id=team_id,
        group_id=group.id,
        created_by=users[0],
        expires_at=NOW + timedelta(days=1),
        max_uses=2,
    )
    with pytest.raises(AlreadyExists):
        await storage.create_invite(
            "code1",
            team_id=team_id,
            group_id=None,
            created_by=users[0],
            expires_at=None,
            max_uses=None,
        )
    assert (await storage.use_invite("code1", now=NOW)).group_id == group.id
    await storage.use_invite("code1", now=NOW)
    with pytest.raises(InviteUnusable) as exc:
        await storage.use_invite("code1", now=NOW)
    assert exc.value.reason == "used_up"
    assert (await storage.get_invite("code1")).uses == 2

    await storage.create_invite(
        "code2", team_id=team_id, group_id=None, created_by=users[0], expires_at=NOW, max_uses=None
    )
    with pytest.raises(InviteUnusable, match="expired"):
        await storage.use_invite("code2", now=NOW)
    await storage.create_invite(
        "code3", team_id=team_id, group_id=None, created_by=users[0], expires_at=None, max_uses=None
    )
    await storage.revoke_invite("code3")
    with pytest.raises(InviteUnusable, match="revoked"):
        await storage.use_invite("code3", now=NOW)
    with pytest.raises(NotFound):
        await storage.use_invite("nope", now=NOW)
    assert {i.code for i in await storage.list_invites(team_id)} == {"code1", "code2", "code3"}
    await storage.delete_group(group.id)
    assert {i.code for i in await storage.list_invites(team_id)} == {"code2", "code3"}


async def test_deleting_team_keeps_people_and_unlinks_chats(storage: Storage) -> None:
    team_id, users = await team_with_people(storage)
    await storage.upsert_chat(-5, title="c", chat_type="chat", added_by=users[0])
    await storage.link_chat(-5, team_id, None)
    await storage.create_event(new_event(team_id, users[0]))
    await storage.delete_team(team_id)
    assert (await storage.get_user(users[1])).name == "User 1"
    chat = await storage.get_chat(-5)
    assert chat.team_id is None
    assert await storage.list_events(team_id=team_id) == []
