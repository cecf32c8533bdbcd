"""MAX group chats: linking a chat to a team/group, and keeping the group in step with
who is in the chat."""

from __future__ import annotations

import logging

from maxremind.bot import texts_platform  # noqa: F401 - registers its texts
from maxremind.bot.context import Ctx, Services
from maxremind.bot.handlers.people_common import guarded, short, show
from maxremind.bot.router import Router
from maxremind.domain.models import Chat, Group, Language, Team
from maxremind.i18n import t
from maxremind.maxapi.models import (
    BotAddedToChatUpdate,
    BotRemovedFromChatUpdate,
    Update,
    UserAddedToChatUpdate,
    UserRemovedFromChatUpdate,
)
from maxremind.maxapi.models import User as MaxUser
from maxremind.services.errors import NotFound

log = logging.getLogger(__name__)


async def _person(services: Services, user: MaxUser) -> Ctx:
    stored = await services.users.remember(
        user.user_id, name=user.display_name, username=user.username
    )
    return Ctx(services, stored, stored.language or Language.RU)


async def ask_team_for_chat(ctx: Ctx, chat: Chat) -> None:
    """In the person's dialog: which of their teams (and group) this chat is for."""
    teams = await ctx.services.chats.teams_for_linking(ctx.user.user_id)
    if not teams:
        await ctx.say("ppl_chat_no_team", title=chat.title)
        return
    buttons = [[ctx.button(short(team.name), "ppl.ct", chat.chat_id, team.id)] for team in teams]
    await ctx.say("ppl_chat_which_team", buttons, title=chat.title)


async def _linked(ctx: Ctx, chat: Chat, team: Team, group: Group | None) -> None:
    if group is not None:
        await ctx.services.chats.import_members(chat.chat_id)
        count = len(await ctx.services.people.group_members(group.id))
        text = ctx.t("ppl_chat_linked_group", title=chat.title, team=team.name, group=group.name)
        text += " " + ctx.t("ppl_chat_group_size", n=count)
        hello = t("ppl_chat_hello_group", team.language, team=team.name, group=group.name)
    else:
        text = ctx.t("ppl_chat_linked", title=chat.title, team=team.name)
        hello = t("ppl_chat_hello", team.language, team=team.name)
    await show(ctx, text)
    await ctx.services.client.send_message(hello, chat_id=chat.chat_id)


async def _added_anonymously(chat_id: int, services: Services) -> None:
    """Since 2026 MAX may not say who added the bot. The chat's owner is asked privately
    when they are someone the bot knows who may link chats; otherwise nobody can be
    asked, and the chat itself hears how an organizer links it (in both languages: the
    chat's is unknown)."""
    chat, owner_id = await services.chats.bot_added_anonymously(chat_id)
    hint = "\n\n".join(t("ppl_chat_added_anonymous", lang) for lang in Language)
    owner = await services.users.get(owner_id) if owner_id is not None else None
    if (
        owner is None
        or not owner.reachable
        or not await services.chats.teams_for_linking(owner.user_id)
    ):
        await services.client.send_message(hint, chat_id=chat_id)
        return
    ctx = Ctx(services, owner, owner.language or Language.RU)
    ctx.otherwise = (hint, chat.chat_id)  # their dialog is closed: the chat hears the hint
    await ask_team_for_chat(ctx, chat)


def register(router: Router) -> None:
    async def bot_added(update: Update, services: Services) -> None:
        if not isinstance(update, BotAddedToChatUpdate):
            return
        if update.user is None:
            await _added_anonymously(update.chat_id, services)
            return
        ctx = await _person(services, update.user)
        chat = await services.chats.bot_added(update.chat_id, added_by=ctx.user.user_id)
        # If they never pressed Start their dialog is closed to us: say so in the chat.
        ctx.otherwise = (t("ppl_chat_start_first", Language.RU, name=ctx.user.name), chat.chat_id)
        await ask_team_for_chat(ctx, chat)

    async def link_command(ctx: Ctx) -> None:
        if ctx.chat_id is None:
            await ctx.say("ppl_link_in_chat")
            return
        chat = await ctx.services.chats.known(ctx.chat_id, added_by=ctx.user.user_id)
        dm = Ctx(ctx.services, ctx.user, ctx.lang)
        # The question goes to their dialog; the chat hears whether it got there.
        dm.otherwise = (ctx.t("ppl_chat_start_first", name=ctx.user.name), ctx.chat_id)
        dm.then = (ctx.t("ppl_link_sent", name=ctx.user.name), ctx.chat_id)
        await ask_team_for_chat(dm, chat)

    async def team_chosen(ctx: Ctx) -> None:
        chat_id, team_id = (int(a) for a in ctx.extras["args"])
        chat = await ctx.services.chats.chat(chat_id)
        try:
            team = await ctx.services.people.team(team_id)
        except NotFound:
            chat = None
        if chat is None:
            await ctx.notify(ctx.t("stale_button"))
            return
        groups = await ctx.services.people.groups(team.id)
        rows = [[ctx.button(short(g.name), "ppl.cl", chat_id, team_id, g.id)] for g in groups[:20]]
        rows.append([ctx.button(short(ctx.t("ppl_btn_chat_new_group", title=chat.title)),
                                "ppl.cn", chat_id, team_id)])  # fmt: skip
        rows.append([ctx.button(ctx.t("ppl_btn_chat_whole_team"), "ppl.cl", chat_id, team_id, 0)])
        await show(ctx, ctx.t("ppl_chat_which_group", title=chat.title, team=team.name), rows)

    async def link_chosen(ctx: Ctx) -> None:
        chat_id, team_id, group_id = (int(a) for a in ctx.extras["args"])
        try:
            chat = await ctx.services.chats.link(
                chat_id, ctx.user.user_id, team_id, group_id or None
            )
            team = await ctx.services.people.team(team_id)
            group = await ctx.services.people.group(group_id) if group_id else None
        except NotFound:
            await ctx.notify(ctx.t("stale_button"))
            return
        await _linked(ctx, chat, team, group)

    async def new_group_chosen(ctx: Ctx) -> None:
        chat_id, team_id = (int(a) for a in ctx.extras["args"])
        try:
            chat = await ctx.services.chats.link_to_new_group(chat_id, ctx.user.user_id, team_id)
            team = await ctx.services.people.team(team_id)
        except NotFound:
            await ctx.notify(ctx.t("stale_button"))
            return
        group = None if chat.group_id is None else await ctx.services.people.group(chat.group_id)
        await _linked(ctx, chat, team, group)

    async def user_added(update: Update, services: Services) -> None:
        if not isinstance(update, UserAddedToChatUpdate) or update.user.is_bot:
            return
        ctx = await _person(services, update.user)
        await services.chats.member_added(update.chat_id, ctx.user.user_id)

    async def user_removed(update: Update, services: Services) -> None:
        if not isinstance(update, UserRemovedFromChatUpdate) or update.user.is_bot:
            return
        ctx = await _person(services, update.user)
        await services.chats.member_removed(update.chat_id, ctx.user.user_id)

    async def bot_removed(update: Update, services: Services) -> None:
        if not isinstance(update, BotRemovedFromChatUpdate):
            return
        unlinked = await services.chats.bot_removed(update.chat_id, actor_id=update.user.user_id)
        if unlinked is None or unlinked.linker is None:
            return
        chat, team, linker = unlinked.chat, unlinked.team, unlinked.linker
        ctx = Ctx(services, linker, linker.language or Language.RU)
        await ctx.say("ppl_chat_removed", title=chat.title, team=team.name)

    router.on("bot_added", bot_added)
    router.on("bot_removed", bot_removed)
    router.on("user_added", user_added)
    router.on("user_removed", user_removed)
    router.command("/link", link_command, help_key="ppl_help_link", in_chats=True)
    router.action("ppl.ct", team_chosen)
    router.action("ppl.cl", guarded(link_chosen))
    router.action("ppl.cn", guarded(new_group_chosen))
