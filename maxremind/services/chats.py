"""MAX group chats: remembering them (``GET /chats`` is gone, so only from updates),
linking a chat to a team or group, keeping that group in step with who is in the
chat, and unlinking a chat the bot was removed from."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from maxremind.domain.models import Chat, Group, Role, Team, User
from maxremind.maxapi.errors import MaxApiError
from maxremind.maxapi.models import Chat as MaxChat
from maxremind.maxapi.users import ChatMembersList
from maxremind.services.teams import TeamService, check_name
from maxremind.storage import NotFound, Storage
from maxremind.storage.ports.overview import ChatRemoved

log = logging.getLogger(__name__)

REMOVED_SHOWN_FOR = timedelta(days=30)  # how long an unlinked chat stays on the list
MAX_MEMBER_PAGES = 20  # 100 per page: chats beyond 2,000 people are synced by joins only


class ChatDirectory(Protocol):
    """What the chat service reads from MAX (the client)."""

    async def get_chat(self, chat_id: int) -> MaxChat: ...

    async def get_chat_members(
        self,
        chat_id: int,
        user_ids: Sequence[int] | None = None,
        marker: int | None = None,
        count: int | None = None,
    ) -> ChatMembersList: ...


@dataclass(frozen=True)
class Unlinked:
    """A chat the bot left: which team it served and who linked it (to be told)."""

    chat: Chat
    team: Team
    linker: User | None


class ChatService:
    def __init__(self, storage: Storage, people: TeamService, max_chats: ChatDirectory) -> None:
        self.storage = storage
        self.people = people
        self.max_chats = max_chats

    async def chat(self, chat_id: int) -> Chat | None:
        try:
            return await self.storage.get_chat(chat_id)
        except NotFound:
            return None

    async def team_chats(self, team_id: int) -> list[Chat]:
        """The chats linked to a team that the bot is still in, by title."""
        return await self.storage.list_chats(team_id)

    async def removed_chats(
        self, team_id: int, *, now: datetime, since: timedelta = REMOVED_SHOWN_FOR
    ) -> list[ChatRemoved]:
        """Chats that served the team and that the bot was removed from (unlinked since
        ``since`` ago, or still named by an event), newest change first."""
        found = await self.storage.problems([team_id], now=now, since=now - since, limit=50)
        return list(found.chats_removed)

    async def bot_added(self, chat_id: int, *, added_by: int | None) -> Chat:
        """Remember a chat the bot was added to, with its title as MAX tells it."""
        title, chat_type = "", "chat"
        try:
            info = await self.max_chats.get_chat(chat_id)
            title, chat_type = info.title or "", info.type
        except MaxApiError as exc:
            log.info("could not read chat %s: %s", chat_id, exc)
        return await self.storage.upsert_chat(
            chat_id, title=title or str(chat_id), chat_type=chat_type, added_by=added_by
        )

    async def bot_added_anonymously(self, chat_id: int) -> tuple[Chat, int | None]:
        """Remember a chat the bot was added to without MAX saying by whom (possible
        since 2026); also the chat's owner as MAX tells it, if it does, to ask them."""
        title, chat_type, owner_id = "", "chat", None
        try:
            info = await self.max_chats.get_chat(chat_id)
            title, chat_type, owner_id = info.title or "", info.type, info.owner_id
        except MaxApiError as exc:
            log.info("could not read chat %s: %s", chat_id, exc)
        chat = await self.storage.upsert_chat(
            chat_id, title=title or str(chat_id), chat_type=chat_type, added_by=None
        )
        return chat, owner_id

    async def known(self, chat_id: int, *, added_by: int) -> Chat:
        """The chat, remembered now if it was added before chats were kept."""
        found = await self.chat(chat_id)
        if found is not None:
            return found
        return await self.storage.upsert_chat(
            chat_id, title=str(chat_id), chat_type="chat", added_by=added_by
        )

    async def teams_for_linking(self, user_id: int) -> list[Team]:
        """Teams where ``user_id`` may link a chat (organizers and up)."""
        teams = []
        for team in await self.storage.list_teams_of_user(user_id):
            role = await self.people.role_of(team.id, user_id)
            if role is not None and role.at_least(Role.ORGANIZER):
                teams.append(team)
        return teams

    async def link(self, chat_id: int, actor_id: int, team_id: int, group_id: int | None) -> Chat:
        """Link a chat to a team (and group). :raises PermissionDenied: :raises NotFound:"""
        await self.people.require_role(team_id, actor_id, Role.ORGANIZER)
        if group_id is not None:
            await self.people.team_group(team_id, group_id)
        chat = await self.storage.link_chat(chat_id, team_id, group_id)
        await self.people.record_change(
            team_id, actor_id, "chat.link", f"chat:{chat_id}", group=group_id
        )
        return chat

    async def link_to_new_group(self, chat_id: int, actor_id: int, team_id: int) -> Chat:
        """Link a chat to a new group named after it (organizers may do this too)."""
        await self.people.require_role(team_id, actor_id, Role.ORGANIZER)
        chat = await self.storage.get_chat(chat_id)
        name = check_name(chat.title or str(chat_id))
        group = await self.storage.find_group(team_id, name)
        if group is None:
            group = await self.storage.create_group(team_id, name)
            await self.people.record_change(
                team_id, actor_id, "group.create", f"group:{group.id}", name=name
            )
        return await self.link(chat_id, actor_id, team_id, group.id)

    async def import_members(self, chat_id: int) -> None:
        """Who is in the chat already joins its team and group, as later joiners will.

        Needs the bot to be an admin of the chat; otherwise joins fill the group in.
        """
        marker: int | None = None
        try:
            for _ in range(MAX_MEMBER_PAGES):
                page = await self.max_chats.get_chat_members(chat_id, marker=marker, count=100)
                for person in page.members:
                    if person.is_bot:
                        continue
                    await self.storage.upsert_user(
                        person.user_id, name=person.display_name, username=person.username
                    )
                    await self.member_added(chat_id, person.user_id)
                marker = page.marker
                if not marker:
                    break
        except MaxApiError as exc:
            log.info("could not list members of chat %s: %s", chat_id, exc)

    async def member_added(self, chat_id: int, user_id: int) -> Group | None:
        """Someone joined a linked chat: they join its team (as member) and group."""
        chat = await self.chat(chat_id)
        if chat is None or chat.team_id is None or not chat.active:
            return None
        if await self.people.member(chat.team_id, user_id) is None:
            await self.storage.add_member(chat.team_id, user_id, Role.MEMBER)
            await self.people.record_change(
                chat.team_id, None, "member.join", f"user:{user_id}", chat=chat_id
            )
        if chat.group_id is None:
            return None
        if await self.storage.add_to_group(chat.group_id, [user_id]):
            await self.people.record_change(
                chat.team_id, None, "group.add", f"group:{chat.group_id}", users=[user_id]
            )
        return await self.storage.get_group(chat.group_id)

    async def member_removed(self, chat_id: int, user_id: int) -> Group | None:
        """Someone left a linked chat: they leave its group (but stay in the team)."""
        chat = await self.chat(chat_id)
        if chat is None or chat.team_id is None or chat.group_id is None:
            return None
        if await self.storage.remove_from_group(chat.group_id, [user_id]):
            await self.people.record_change(
                chat.team_id, None, "group.remove", f"group:{chat.group_id}", users=[user_id]
            )
        return await self.storage.get_group(chat.group_id)

    async def bot_removed(self, chat_id: int, *, actor_id: int | None) -> Unlinked | None:
        """The bot left or was removed: the chat is unlinked; returns what it served (for
        telling the person who linked it), or None when it served no team."""
        chat = await self.chat(chat_id)
        if chat is None:
            return None
        await self.storage.deactivate_chat(chat.chat_id)
        if chat.team_id is None:
            return None
        team = await self.storage.get_team(chat.team_id)
        await self.people.record_change(
            team.id, actor_id, "chat.unlink", f"chat:{chat.chat_id}", title=chat.title
        )
        linker = None
        if chat.added_by is not None:
            try:
                linker = await self.storage.get_user(chat.added_by)
            except NotFound:
                linker = None
        return Unlinked(chat, team, linker)
