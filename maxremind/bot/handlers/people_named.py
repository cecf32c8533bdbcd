"""What groups and tags share in the bot, parametrised by :class:`Kind`: a button's item
checked against the presser's role, the card's names, renaming (a button, then the new
name typed; or typed in one go) and the confirmation before a deletion.

The texts follow one pattern per kind: ``ppl_<key>_card``, ``ppl_<key>_rename_ask``,
``ppl_<key>_renamed``, ``ppl_<key>_gone`` and ``ppl_<key>_delete_confirm``, each given
the item's name as its ``<key>`` parameter (``group=…`` / ``tag=…``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from maxremind.bot.context import Ctx
from maxremind.bot.handlers.people_common import guarded, names_of, refuse, service
from maxremind.bot.router import Router
from maxremind.domain.models import Group, Role, Tag, Team
from maxremind.services.errors import NotFound
from maxremind.services.teams import PeopleRefused, TeamService

CARD_NAMES = 30  # names a card lists; the rest are counted

Named = TypeVar("Named", Group, Tag)


@dataclass(frozen=True)
class Kind(Generic[Named]):
    """How the shared flow reaches one kind of named set of people."""

    key: str  # "group" / "tag": the texts' names and their name parameter
    load: Callable[[TeamService, int], Awaitable[Named]]  # by id; NotFound when gone
    members: Callable[[TeamService, int], Awaitable[list[int]]]
    rename: Callable[[TeamService, int, int, int, str], Awaitable[Named]]
    gone_toast: str  # what a press on a button of an item that is gone says
    dialog: str  # the rename dialog
    rename_action: str  # the card's "Rename" button
    delete_action: str  # the card's "Delete" button
    delete_yes_action: str  # the confirmation's "Delete" button


async def in_my_team(
    ctx: Ctx, kind: Kind[Named], item_id: int, role: Role
) -> tuple[Team, Named] | None:
    """The item and its team if the presser may act on it; otherwise a toast says why."""
    try:
        item = await kind.load(ctx.services.people, item_id)
        team = await ctx.services.people.team(item.team_id)
    except NotFound:
        await ctx.notify(ctx.t(kind.gone_toast))
        return None
    mine = await ctx.role_in(team)
    if mine is None or not mine.at_least(role):
        await ctx.notify(ctx.t("role_needed", role=ctx.t(f"role_{role.value}")))
        return None
    return team, item


async def is_admin(ctx: Ctx, team: Team) -> bool:
    role = await ctx.role_in(team)
    return role is not None and role.at_least(Role.ADMIN)


async def card_text(ctx: Ctx, kind: Kind[Named], team: Team, item: Named) -> str:
    """The card's text: the item, how many of the team are in it, and the first names."""
    ids = set(await kind.members(ctx.services.people, item.id))
    people = [m for m in await ctx.services.people.members(team.id) if m.user_id in ids]
    text = ctx.t(f"ppl_{kind.key}_card", n=len(people), **{kind.key: item.name})
    if people:
        text += "\n" + names_of(people[:CARD_NAMES])
        if len(people) > CARD_NAMES:
            text += " " + ctx.t("ppl_more", n=len(people) - CARD_NAMES)
    return text


async def rename(ctx: Ctx, kind: Kind[Named], team: Team, item: Named, new_name: str) -> None:
    renamed = await kind.rename(service(ctx), team.id, ctx.user.user_id, item.id, new_name)
    await ctx.reply(ctx.t(f"ppl_{kind.key}_renamed", old=item.name, **{kind.key: renamed.name}))


async def confirm_delete(ctx: Ctx, kind: Kind[Named], item: Named, **params: object) -> None:
    """Ask before deleting ``item``; ``params`` fill the rest of the question's text."""
    await ctx.say(
        f"ppl_{kind.key}_delete_confirm",
        [
            [
                ctx.button(ctx.t("ppl_btn_delete_yes"), kind.delete_yes_action, item.id),
                ctx.button(ctx.t("ppl_btn_keep"), "ppl.stay"),
            ]
        ],
        **{kind.key: item.name},
        **params,
    )


def register_rename_and_delete(
    router: Router,
    kind: Kind[Named],
    ask_delete: Callable[[Ctx, Named], Awaitable[None]],
) -> None:
    """The card's "Rename" button and the name typed after it, and its "Delete" button,
    which asks with ``ask_delete`` (the kind's :func:`confirm_delete`)."""

    async def rename_pressed(ctx: Ctx) -> None:
        found = await in_my_team(ctx, kind, int(ctx.extras["args"][0]), Role.ADMIN)
        if found is None:
            return
        team, item = found
        await ctx.set_dialog(kind.dialog, team_id=team.id, **{f"{kind.key}_id": item.id})
        await ctx.reply(ctx.t(f"ppl_{kind.key}_rename_ask", **{kind.key: item.name}))

    async def rename_typed(ctx: Ctx) -> None:
        """The new name after "Rename"; a refused name (taken, too long) keeps the dialog
        open for another try (or /cancel); a lost role is said by ``guarded``."""
        item_id = int(ctx.extras["state"][f"{kind.key}_id"])
        await ctx.end_dialog()
        try:
            item = await kind.load(ctx.services.people, item_id)
            team = await ctx.services.people.team(item.team_id)
        except NotFound:
            await ctx.say(f"ppl_{kind.key}_gone")
            return
        try:
            await rename(ctx, kind, team, item, ctx.args.strip())
        except PeopleRefused as exc:
            await ctx.set_dialog(kind.dialog, team_id=team.id, **{f"{kind.key}_id": item.id})
            await refuse(ctx, exc)

    async def delete_pressed(ctx: Ctx) -> None:
        found = await in_my_team(ctx, kind, int(ctx.extras["args"][0]), Role.ADMIN)
        if found is not None:
            await ask_delete(ctx, found[1])

    router.action(kind.rename_action, guarded(rename_pressed))
    router.dialog(kind.dialog, guarded(rename_typed))
    router.action(kind.delete_action, delete_pressed)
