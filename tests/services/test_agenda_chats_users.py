"""The rules that moved out of bot handlers, tested on the services themselves:
who may see and manage an event, nudging, chat linking and unlinking, team choice."""

from __future__ import annotations

import pytest

from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    Chat,
    EventKind,
    Role,
)
from maxremind.maxapi.models import Chat as MaxChat
from maxremind.maxapi.users import ChatMember, ChatMembersList
from maxremind.services.agenda import AgendaService, NudgeOutcome
from maxremind.services.chats import ChatService
from maxremind.services.errors import PermissionDenied
from maxremind.services.teams import TeamService
from maxremind.services.users import UserService
from tests.engine.conftest import Env
from tests.engine.test_engine import spec

OUTSIDER = 900


class FakeMax:
    """MAX's answers about a chat, as the chat service reads them (get_chat, members)."""

    def __init__(self, members: list[int]) -> None:
        self.members = members

    async def get_chat(self, chat_id: int) -> MaxChat:
        return MaxChat.model_validate(
            {"chat_id": chat_id, "type": "chat", "status": "active", "title": "Склад",
             "last_event_time": 0, "participants_count": len(self.members), "is_public": False}
        )  # fmt: skip

    async def get_chat_members(self, chat_id, user_ids=None, marker=None, count=None):  # type: ignore[no-untyped-def]
        people = [
            ChatMember.model_validate(
                {
                    "user_id": uid,
                    "first_name": f"Человек {uid}",
                    "is_bot": False,
                    "last_activity_time": 0,
                }
            )
            for uid in self.members
        ]
        return ChatMembersList(members=people, marker=None)


async def test_who_may_see_and_manage_an_event(env: Env) -> None:
    agenda = AgendaService(env.storage, clock=env.clock)
    member, organizer = env.members[0], env.members[1]
    await env.storage.set_member_role(env.team_id, organizer, Role.ORGANIZER)
    only_two = (AudienceEntry(AudienceKind.MEMBER, member),)
    event = await env.events.create(spec(env, organizer_id=organizer, audience=only_two))
    await env.storage.upsert_user(OUTSIDER, name="Чужой", username=None)
    assert await agenda.visible_event(event.id, member) == event  # invited
    assert await agenda.visible_event(event.id, env.owner) == event  # an owner (admin+)
    assert await agenda.visible_event(event.id, env.members[2]) is None  # neither
    assert await agenda.visible_event(event.id, OUTSIDER) is None
    assert await agenda.visible_event("not a number", member) is None
    assert await agenda.managed_event(event.id, member) is None  # sees, may not manage
    assert await agenda.managed_event(event.id, organizer) == event
    assert await agenda.managed_event(event.id, env.owner) == event
    await env.events.cancel(event.id, actor_id=organizer)
    assert await agenda.visible_event(event.id, organizer) is None  # cancelled: gone


async def test_nudge_reaches_the_silent_only_and_only_for_a_manager(env: Env) -> None:
    agenda = AgendaService(env.storage, clock=env.clock)
    event = await env.events.create(spec(env, confirm_required=True))
    occurrence = (await env.storage.list_occurrences(event.id))[0]
    await env.storage.set_confirmation(
        occurrence.id, env.members[0], Answer.YES, comment="", at=env.clock()
    )
    refused = await agenda.nudge(event.id, occurrence.id, env.members[1])
    assert refused.outcome == NudgeOutcome.STALE
    done = await agenda.nudge(event.id, occurrence.id, env.owner)
    assert done.outcome == NudgeOutcome.QUEUED
    assert done.queued == 5  # the owner and four members; not the one who answered
    env.clock.advance(days=2)
    over = await agenda.nudge(event.id, occurrence.id, env.owner)
    assert over.outcome == NudgeOutcome.OVER


async def test_own_reminders_are_cancellable_by_their_owner_only(env: Env) -> None:
    agenda = AgendaService(env.storage, clock=env.clock)
    mine = await env.events.create(
        spec(
            env,
            team_id=None,
            organizer_id=env.members[0],
            kind=EventKind.REMINDER,
            audience=(AudienceEntry(AudienceKind.MEMBER, env.members[0]),),
        )
    )
    assert await agenda.own_reminder(mine.id, env.members[0]) == mine
    assert await agenda.own_reminder(mine.id, env.owner) is None


async def test_linking_a_chat_needs_an_organizer_and_imports_its_people(env: Env) -> None:
    people = TeamService(env.storage, env.events, clock=env.clock)
    chats = ChatService(env.storage, people, FakeMax([env.members[0], 7001]))
    chat: Chat = await chats.bot_added(-77, added_by=env.members[0])
    assert chat.title == "Склад"
    with pytest.raises(PermissionDenied) as refused:
        await chats.link_to_new_group(-77, env.members[0], env.team_id)
    assert refused.value.needed is Role.ORGANIZER
    assert await chats.teams_for_linking(env.members[0]) == []
    linked = await chats.link_to_new_group(-77, env.owner, env.team_id)
    assert linked.group_id is not None
    await chats.import_members(-77)
    assert sorted(await people.group_members(linked.group_id)) == sorted([env.members[0], 7001])
    assert await people.role_of(env.team_id, 7001) is Role.MEMBER  # joined the team too
    await chats.member_removed(-77, 7001)
    assert await people.group_members(linked.group_id) == [env.members[0]]
    assert await people.role_of(env.team_id, 7001) is Role.MEMBER  # stays in the team
    unlinked = await chats.bot_removed(-77, actor_id=env.owner)
    assert unlinked is not None and unlinked.team.id == env.team_id
    assert unlinked.linker is not None and unlinked.linker.user_id == env.members[0]
    gone = await chats.chat(-77)
    assert gone is not None and not gone.active and gone.team_id is None
    actions = [e.action for e in await env.storage.list_audit(env.team_id)]
    assert "chat.unlink" in actions and "chat.link" in actions


async def test_choosing_a_team_needs_membership_and_a_locale_does_not_override_a_choice(
    env: Env,
) -> None:
    from maxremind.domain.models import Language

    users = UserService(env.storage, clock=env.clock)
    other = await env.storage.create_team(
        "Чужая", timezone="Europe/Moscow", language=Language.RU, created_by=None
    )
    assert await users.choose_team(env.members[0], other.id) is None
    chosen = await users.choose_team(env.members[0], env.team_id)
    assert chosen is not None and chosen.id == env.team_id
    fresh = await users.remember(8001, name="Новый", username=None, language=Language.EN)
    assert fresh.language is Language.EN
    await users.set_language(8001, Language.RU)
    again = await users.remember(8001, name="Новый", username=None, language=Language.EN)
    assert again.language is Language.RU
