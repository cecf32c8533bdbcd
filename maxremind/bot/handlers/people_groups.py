"""Groups and tags: /groups, /group new|add|remove|rename|delete, the ✅/▫️ member
picker, /tags, /tag, /untag."""

from __future__ import annotations

from maxremind.bot.context import Ctx
from maxremind.bot.handlers import people_named
from maxremind.bot.handlers.people_common import (
    group_or_say,
    group_prefix,
    guarded,
    names_of,
    parse_refs,
    resolve_people,
    service,
    short,
    show,
    team_of,
    tell,
)
from maxremind.bot.handlers.people_named import Kind, in_my_team, is_admin
from maxremind.bot.handlers.people_tags import tags
from maxremind.bot.handlers.people_teams import send_invite
from maxremind.bot.router import Router
from maxremind.domain.models import Group, Role, Team
from maxremind.maxapi.models import Button
from maxremind.services.teams import TeamService

PICKER_PAGE = 8
RENAME_DIALOG = "ppl_group_rename"

_SUBCOMMANDS = {
    "new": "new",
    "создать": "new",
    "новая": "new",
    "add": "add",
    "добавить": "add",
    "remove": "remove",
    "убрать": "remove",
    "rename": "rename",
    "переименовать": "rename",
    "delete": "delete",
    "удалить": "delete",
}


GROUP = Kind[Group](
    key="group",
    load=TeamService.group,
    members=TeamService.group_members,
    rename=TeamService.rename_group,
    gone_toast="stale_button",
    dialog=RENAME_DIALOG,
    rename_action="ppl.gren",
    delete_action="ppl.gdel",
    delete_yes_action="ppl.gdel_yes",
)


async def group_card(ctx: Ctx, team: Team, group: Group) -> None:
    text = await people_named.card_text(ctx, GROUP, team, group)
    buttons: list[list[Button]] = []
    if await is_admin(ctx, team):
        buttons = [
            [ctx.button(ctx.t("ppl_btn_edit_members"), "ppl.gedit", group.id, 0)],
            [ctx.button(ctx.t("ppl_btn_group_invite"), "ppl.ginv", group.id)],
            [
                ctx.button(ctx.t("ppl_btn_group_rename"), GROUP.rename_action, group.id),
                ctx.button(ctx.t("ppl_btn_delete"), GROUP.delete_action, group.id),
            ],
        ]
    await ctx.reply(text, buttons)


async def render_picker(
    ctx: Ctx, team: Team, group: Group, page: int, note: str | None = None
) -> None:
    everyone = await ctx.services.people.members(team.id)
    inside = set(await ctx.services.people.group_members(group.id))
    pages = max(1, -(-len(everyone) // PICKER_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = everyone[page * PICKER_PAGE : (page + 1) * PICKER_PAGE]
    rows: list[list[Button]] = [
        [
            ctx.button(
                short(("✅ " if m.user_id in inside else "▫️ ") + m.name),
                "ppl.gtog",
                group.id,
                m.user_id,
                page,
            )
        ]
        for m in shown
    ]
    nav = []
    if page > 0:
        nav.append(ctx.button(ctx.t("ppl_btn_prev"), "ppl.gedit", group.id, page - 1))
    if page < pages - 1:
        nav.append(ctx.button(ctx.t("ppl_btn_next"), "ppl.gedit", group.id, page + 1))
    rows.append(nav)
    rows.append([ctx.button(ctx.t("ppl_btn_done"), "ppl.gdone", group.id)])
    text = ctx.t("ppl_picker", group=group.name, n=len(inside))
    if pages > 1:
        text += " " + ctx.t("ppl_page", page=page + 1, pages=pages)
    await show(ctx, text, rows, note=note)


async def confirm_delete(ctx: Ctx, group: Group) -> None:
    await people_named.confirm_delete(ctx, GROUP, group)


def register(router: Router) -> None:
    async def groups(ctx: Ctx) -> None:
        team = team_of(ctx)
        found = await ctx.services.people.groups(team.id)
        if not found:
            await ctx.say("ppl_groups_none", team=team.name)
            return
        lines = [ctx.t("ppl_groups_header", team=team.name)]
        buttons = []
        for group in found:
            count = len(await ctx.services.people.group_members(group.id))
            lines.append(ctx.t("ppl_groups_line", group=group.name, n=count))
            buttons.append(ctx.button(short(group.name), "ppl.group", group.id))
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        await ctx.reply("\n".join(lines), rows)

    async def open_group(ctx: Ctx) -> None:
        found = await in_my_team(ctx, GROUP, int(ctx.extras["args"][0]), Role.MEMBER)
        if found is not None:
            await group_card(ctx, *found)

    async def group(ctx: Ctx) -> None:
        team = team_of(ctx)
        text = ctx.args.strip()
        if text.startswith("#"):
            named = await group_or_say(ctx, team, parse_refs(text).groups[0])
            if named is not None:
                await group_card(ctx, team, named)
            return
        word, _, rest = text.partition(" ")
        sub = _SUBCOMMANDS.get(word.casefold())
        if sub is None:
            head = ctx.t("ppl_group_unknown", word=word) + "\n" if word else ""
            await ctx.reply(head + ctx.t("ppl_group_usage"))
            return
        role = await ctx.role_in(team)
        if role is None or not role.at_least(Role.ADMIN):
            await ctx.say("role_needed", role=ctx.t("role_admin"))
            return
        await {
            "new": group_new,
            "add": group_add,
            "remove": group_add,
            "rename": group_rename,
            "delete": group_delete,
        }[sub](ctx, team, rest.strip(), sub)

    async def group_new(ctx: Ctx, team: Team, rest: str, _: str) -> None:
        name = rest.lstrip("#").strip()
        if not name:
            await ctx.say("ppl_group_new_usage")
            return
        created = await service(ctx).create_group(team.id, ctx.user.user_id, name)
        await ctx.say(
            "ppl_group_created",
            [[ctx.button(ctx.t("ppl_btn_edit_members"), "ppl.gedit", created.id, 0)]],
            group=created.name,
        )

    async def group_add(ctx: Ctx, team: Team, rest: str, sub: str) -> None:
        refs = parse_refs(rest)
        if len(refs.groups) != 1 or refs.head:
            await ctx.say(f"ppl_group_{sub}_usage")
            return
        target = await group_or_say(ctx, team, refs.groups[0])
        if target is None:
            return
        if not refs.people:
            await render_picker(ctx, team, target, 0)
            return
        people = await resolve_people(ctx, team, refs.people, "/group")
        if people is None:
            return
        ids = [m.user_id for m in people]
        if sub == "add":
            count = await service(ctx).add_to_group(team.id, ctx.user.user_id, target.id, ids)
        else:
            count = await service(ctx).remove_from_group(team.id, ctx.user.user_id, target.id, ids)
        key = "ppl_group_added" if sub == "add" else "ppl_group_removed"
        await ctx.say(key, group=target.name, names=names_of(people), n=count)

    async def group_rename(ctx: Ctx, team: Team, rest: str, _: str) -> None:
        refs = parse_refs(rest)
        old: Group | None = None
        new_name = ""
        if len(refs.groups) == 2 and not refs.head:
            old = await group_or_say(ctx, team, refs.groups[0])
            if old is None:
                return
            new_name = refs.groups[1]
        elif len(refs.groups) == 1 and not refs.head:
            # "#Старое Новое": the longest start naming a group is the old name.
            old, new_name = await group_prefix(ctx, team, refs.groups[0])
        if old is None or not new_name:
            await ctx.say("ppl_group_rename_usage")
            return
        await people_named.rename(ctx, GROUP, team, old, new_name)

    async def group_delete(ctx: Ctx, team: Team, rest: str, _: str) -> None:
        refs = parse_refs(rest)
        if len(refs.groups) != 1 or refs.head or refs.people:
            await ctx.say("ppl_group_delete_usage")
            return
        target = await group_or_say(ctx, team, refs.groups[0])
        if target is not None:
            await confirm_delete(ctx, target)

    async def delete_confirmed(ctx: Ctx) -> None:
        found = await in_my_team(ctx, GROUP, int(ctx.extras["args"][0]), Role.ADMIN)
        if found is None:
            return
        team, target = found
        members = len(await ctx.services.people.group_members(target.id))
        flagged = await service(ctx).delete_group(team.id, ctx.user.user_id, target.id)
        for event in flagged:
            await tell(
                ctx, event.organizer_id, "ppl_event_flagged", title=event.title, group=target.name
            )
        text = ctx.t("ppl_group_deleted", group=target.name)
        text += "\n" + ctx.t("ppl_group_deleted_members", n=members)
        if flagged:
            text += "\n" + ctx.t(
                "ppl_group_deleted_events",
                n=len(flagged),
                titles=", ".join(e.title for e in flagged),
            )
        else:
            text += "\n" + ctx.t("ppl_group_deleted_no_events")
        await show(ctx, text)

    async def picker(ctx: Ctx) -> None:
        group_id, page = (int(a) for a in ctx.extras["args"])
        found = await in_my_team(ctx, GROUP, group_id, Role.ADMIN)
        if found is not None:
            await render_picker(ctx, *found, page)

    async def toggle(ctx: Ctx) -> None:
        group_id, user_id, page = (int(a) for a in ctx.extras["args"])
        found = await in_my_team(ctx, GROUP, group_id, Role.ADMIN)
        if found is None:
            return
        team, target = found
        member = await ctx.services.people.member(team.id, user_id)
        if member is None:
            await ctx.notify(ctx.t("stale_button"))
            return
        inside = await service(ctx).toggle_in_group(team.id, ctx.user.user_id, group_id, user_id)
        note = ctx.t("ppl_toggled_in" if inside else "ppl_toggled_out", name=member.name)
        await render_picker(ctx, team, target, page, note=note)

    async def picker_done(ctx: Ctx) -> None:
        found = await in_my_team(ctx, GROUP, int(ctx.extras["args"][0]), Role.MEMBER)
        if found is None:
            return
        _, target = found
        count = len(await ctx.services.people.group_members(target.id))
        await show(ctx, ctx.t("ppl_picker_done", group=target.name, n=count))

    async def group_invite(ctx: Ctx) -> None:
        found = await in_my_team(ctx, GROUP, int(ctx.extras["args"][0]), Role.ADMIN)
        if found is None:
            return
        team, target = found
        created = await service(ctx).create_invite(team.id, ctx.user.user_id, group_id=target.id)
        await send_invite(ctx, team, created)

    # --- tags --------------------------------------------------------------------

    async def tag(ctx: Ctx) -> None:
        team = team_of(ctx)
        refs = parse_refs(ctx.args)
        name = refs.head or (refs.groups[0] if refs.groups else "")
        if not name or not refs.people:
            await ctx.say("ppl_tag_usage")
            return
        people = await resolve_people(ctx, team, refs.people, "/tag")
        if people is None:
            return
        made, created, count = await service(ctx).tag(
            team.id, ctx.user.user_id, name, [m.user_id for m in people]
        )
        key = "ppl_tag_created" if created else "ppl_tagged"
        await ctx.say(key, tag=made.name, names=names_of(people), n=count)

    async def untag(ctx: Ctx) -> None:
        team = team_of(ctx)
        refs = parse_refs(ctx.args)
        name = (refs.head or (refs.groups[0] if refs.groups else "")).lstrip("#")
        if not name or not refs.people:
            await ctx.say("ppl_untag_usage")
            return
        found = await ctx.services.people.find_tag(team.id, name)
        if found is None:
            names = ", ".join(t.name for t in await ctx.services.people.tags(team.id))
            await ctx.say("ppl_tag_not_found", tag=name, names=names or ctx.t("nobody"))
            return
        people = await resolve_people(ctx, team, refs.people, "/untag")
        if people is None:
            return
        count = await service(ctx).untag(
            team.id, ctx.user.user_id, found, [m.user_id for m in people]
        )
        await ctx.say("ppl_untagged", tag=found.name, names=names_of(people), n=count)

    router.command(
        "/groups", groups, help_key="ppl_help_groups", team_role=Role.MEMBER, in_chats=True
    )
    router.command("/group", guarded(group), help_key="ppl_help_group", team_role=Role.MEMBER)
    router.command("/tags", guarded(tags), help_key="ppl_help_tags", team_role=Role.MEMBER)
    router.command("/tag", guarded(tag), help_key="ppl_help_tag", team_role=Role.ADMIN)
    router.command("/untag", guarded(untag), help_key="ppl_help_untag", team_role=Role.ADMIN)
    router.action("ppl.group", open_group)
    router.action("ppl.gedit", picker)
    router.action("ppl.gtog", guarded(toggle))
    router.action("ppl.gdone", picker_done)
    people_named.register_rename_and_delete(router, GROUP, confirm_delete)
    router.action(GROUP.delete_yes_action, guarded(delete_confirmed))
    router.action("ppl.ginv", guarded(group_invite))
