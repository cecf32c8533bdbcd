"""Tags: /tags (the list; for admins a button per tag), a tag's card, renaming (typed
or by button, then the new name) and deleting (with a confirmation that says what it
touches).  /tag and /untag live with the groups (``people_groups``)."""

from __future__ import annotations

import re

from maxremind.bot import texts_tags  # noqa: F401 - adds the texts on import
from maxremind.bot.context import Ctx
from maxremind.bot.handlers import people_named
from maxremind.bot.handlers.people_common import (
    guarded,
    names_of,
    service,
    short,
    show,
    team_of,
    tell,
)
from maxremind.bot.handlers.people_named import Kind, in_my_team, is_admin
from maxremind.bot.router import Router
from maxremind.domain.models import Role, Tag, Team
from maxremind.maxapi.models import Button
from maxremind.services.teams import TeamService

RENAME_DIALOG = "ppl_tag_rename"
_RENAME = {"rename", "переименовать"}
_DELETE = {"delete", "удалить"}
# "старое → новое": an arrow (or "=") between the names says where one ends.
_ARROW = re.compile(r"\s*(?:→|->|=>|=)\s*")

TAG = Kind[Tag](
    key="tag",
    load=TeamService.tag_by_id,
    members=TeamService.tag_members,
    rename=TeamService.rename_tag,
    gone_toast="ppl_tag_gone",
    dialog=RENAME_DIALOG,
    rename_action="ppl.tren",
    delete_action="ppl.tdel",
    delete_yes_action="ppl.tdel_yes",
)


async def _find(ctx: Ctx, team: Team, name: str) -> Tag | None:
    """The tag named ``name`` (a leading # ignored), or a message listing the tags."""
    found = await ctx.services.people.find_tag(team.id, name.strip().lstrip("#").strip())
    if found is None:
        names = ", ".join(t.name for t in await ctx.services.people.tags(team.id))
        await ctx.say("ppl_tag_not_found", tag=name.strip(), names=names or ctx.t("nobody"))
    return found


async def _split_rename(ctx: Ctx, team: Team, text: str) -> tuple[Tag | None, str]:
    """``старое → новое``, or ``старое новое`` where the longest start that names a tag is
    the old name (tag names may have spaces)."""
    parts = _ARROW.split(text, maxsplit=1)
    if len(parts) == 2:
        old = await ctx.services.people.find_tag(team.id, parts[0].lstrip("#").strip())
        return old, parts[1].lstrip("#").strip()
    words = text.split()
    for cut in range(len(words) - 1, 0, -1):
        old = await ctx.services.people.find_tag(team.id, " ".join(words[:cut]).lstrip("#").strip())
        if old is not None:
            return old, " ".join(words[cut:]).lstrip("#").strip()
    return None, ""


async def tag_card(ctx: Ctx, team: Team, tag: Tag) -> None:
    text = await people_named.card_text(ctx, TAG, team, tag)
    buttons: list[list[Button]] = []
    if await is_admin(ctx, team):
        buttons = [
            [
                ctx.button(ctx.t("ppl_btn_tag_rename"), TAG.rename_action, tag.id),
                ctx.button(ctx.t("ppl_btn_tag_delete"), TAG.delete_action, tag.id),
            ]
        ]
    await ctx.reply(text, buttons)


async def confirm_delete(ctx: Ctx, tag: Tag) -> None:
    count = len(await ctx.services.people.tag_members(tag.id))
    await people_named.confirm_delete(ctx, TAG, tag, n=count)


async def tags(ctx: Ctx) -> None:
    """/tags: the list; /tags rename|delete …"""
    team = team_of(ctx)
    word, _, rest = ctx.args.strip().partition(" ")
    if word:
        await tags_sub(ctx, team, word.casefold(), rest.strip())
        return
    found = await ctx.services.people.tags(team.id)
    if not found:
        await ctx.say("ppl_tags_none")
        return
    everyone = {m.user_id: m for m in await ctx.services.people.members(team.id)}
    lines = [ctx.t("ppl_tags_header", team=team.name)]
    for tag in found:
        ids = await ctx.services.people.tag_members(tag.id)
        people = [everyone[i] for i in ids if i in everyone]
        lines.append(f"• {tag.name} ({len(people)}): {names_of(people) or ctx.t('nobody')}")
    rows: list[list[Button]] = []
    if await is_admin(ctx, team):
        lines.append(ctx.t("ppl_tags_manage"))
        buttons = [ctx.button(short(f"🏷 {tag.name}"), "ppl.tag", tag.id) for tag in found]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    await ctx.reply("\n".join(lines), rows)


async def tags_sub(ctx: Ctx, team: Team, word: str, rest: str) -> None:
    if word not in _RENAME | _DELETE:
        await ctx.say("ppl_tags_usage")
        return
    if not await is_admin(ctx, team):
        await ctx.say("role_needed", role=ctx.t("role_admin"))
        return
    if word in _DELETE:
        if not rest:
            await ctx.say("ppl_tag_delete_usage")
            return
        found = await _find(ctx, team, rest)
        if found is not None:
            await confirm_delete(ctx, found)
        return
    old, new_name = await _split_rename(ctx, team, rest)
    if old is None or not new_name:
        await ctx.say("ppl_tag_rename_usage")
        return
    await people_named.rename(ctx, TAG, team, old, new_name)


async def open_tag(ctx: Ctx) -> None:
    found = await in_my_team(ctx, TAG, int(ctx.extras["args"][0]), Role.MEMBER)
    if found is not None:
        await tag_card(ctx, *found)


async def delete_confirmed(ctx: Ctx) -> None:
    found = await in_my_team(ctx, TAG, int(ctx.extras["args"][0]), Role.ADMIN)
    if found is None:
        return
    team, tag = found
    deleted = await service(ctx).delete_tag(team.id, ctx.user.user_id, tag.id)
    for event in deleted.flagged:
        await tell(
            ctx, event.organizer_id, "ppl_event_flagged_tag", title=event.title, tag=tag.name
        )
    lines = [ctx.t("ppl_tag_deleted", tag=deleted.name, n=deleted.members)]
    if deleted.flagged:
        titles = ", ".join(e.title for e in deleted.flagged)
        lines.append(ctx.t("ppl_group_deleted_events", n=len(deleted.flagged), titles=titles))
    else:
        lines.append(ctx.t("ppl_tag_deleted_no_events"))
    await show(ctx, "\n".join(lines))


def register(router: Router) -> None:
    """Buttons and the rename dialog; /tags itself is registered with /tag and /untag."""
    router.action("ppl.tag", open_tag)
    people_named.register_rename_and_delete(router, TAG, confirm_delete)
    router.action(TAG.delete_yes_action, guarded(delete_confirmed))
