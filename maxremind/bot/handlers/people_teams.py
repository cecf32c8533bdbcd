"""Teams and members: /team, /teams, /invite, /invites, joining by link, /members,
/role, /remove, /leave."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from maxremind.bot.context import Ctx
from maxremind.bot.handlers.people_common import (
    PICK_DIALOG,
    group_or_say,
    group_prefix,
    guarded,
    label,
    lang_code,
    parse_refs,
    resolve_people,
    role_name,
    service,
    short,
    show,
    team_of,
    tell,
)
from maxremind.bot.numbers import small_int
from maxremind.bot.router import Router
from maxremind.domain.models import Invite, Member, Role, Team
from maxremind.domain.timefmt import format_date
from maxremind.services.errors import InviteUnusable, NotFound
from maxremind.services.teams import invite_link

MEMBERS_PAGE = 15
INVITES_SHOWN = 10

# Invite codes are secrets.token_urlsafe output; other deep-link payloads are not ours.
_INVITE_CODE = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
_VALIDITY = re.compile(r"^(\d{1,3})(d|д|дн|дня|дней|h|ч|w|н|нед)$")
_UNITS = {"d": 1.0, "д": 1.0, "дн": 1.0, "дня": 1.0, "дней": 1.0, "w": 7.0, "н": 7.0}
_UNITS |= {"нед": 7.0, "h": 1 / 24, "ч": 1 / 24}

ROLE_WORDS: dict[str, Role] = {
    "owner": Role.OWNER,
    "владелец": Role.OWNER,
    "admin": Role.ADMIN,
    "админ": Role.ADMIN,
    "администратор": Role.ADMIN,
    "organizer": Role.ORGANIZER,
    "организатор": Role.ORGANIZER,
    "member": Role.MEMBER,
    "участник": Role.MEMBER,
}


def member_line(ctx: Ctx, member: Member, number: int | None = None) -> str:
    prefix = f"{number}. " if number is not None else "• "
    line = f"{prefix}{label(member)} — {role_name(ctx, member.role)}"
    return line if member.reachable else f"{line} {ctx.t('ppl_unreachable_mark')}"


async def send_invite(ctx: Ctx, team: Team, invite: Invite, intro: str = "") -> None:
    """The link with its terms and a revoke button (``intro`` goes first, same message)."""
    link = invite_link(ctx.services.bot_username, invite.code)
    group = None if invite.group_id is None else await ctx.services.people.group(invite.group_id)
    text = ctx.t(
        "ppl_invite_group" if group else "ppl_invite_team",
        team=team.name,
        group=group.name if group else "",
        link=link,
        terms=invite_terms(ctx, invite, team),
    )
    revoke = [[ctx.button(ctx.t("ppl_btn_revoke"), "ppl.revoke", invite.code)]]
    await ctx.reply(f"{intro}\n\n{text}" if intro else text, revoke)


def invite_terms(ctx: Ctx, invite: Invite, team: Team) -> str:
    parts = []
    if invite.expires_at is not None:
        when = format_date(invite.expires_at, ZoneInfo(team.timezone), lang_code(ctx.lang))
        parts.append(ctx.t("ppl_invite_until", date=when))
    if invite.max_uses is not None:
        parts.append(ctx.t("ppl_invite_uses", uses=invite.uses, max=invite.max_uses))
    return ", ".join(parts) if parts else ctx.t("ppl_invite_unlimited")


def parse_invite_options(words: list[str]) -> tuple[timedelta | None, int | None, str | None]:
    """Options at the end of /invite: "7d", "24ч", "2w" and a use limit "20".

    Returns (validity, uses, the first word not understood).
    """
    validity: timedelta | None = None
    uses: int | None = None
    for word in words:
        match = _VALIDITY.match(word.casefold())
        if match and validity is None:
            validity = timedelta(days=int(match.group(1)) * _UNITS[match.group(2)])
        elif small_int(word) is not None and uses is None:
            uses = small_int(word)
        else:
            return validity, uses, word
    return validity, uses, None


def switched_text(ctx: Ctx, team: Team, previous: Team | None) -> str:
    """The current team changed: say so, and what it changes (issue 15: never silently)."""
    if previous is None or previous.id == team.id:
        return ctx.t("team_switched_first", name=team.name)
    return ctx.t("team_switched", name=team.name, previous=previous.name)


async def pick_team(ctx: Ctx, mine: list[Team]) -> None:
    """``/team`` alone: the person's teams as buttons, the current one ticked."""
    current = await ctx.current_team()
    rows = [
        [
            ctx.button(
                short(("✅ " if current is not None and t.id == current.id else "") + t.name),
                "team",
                t.id,
            )
        ]
        for t in mine
    ]
    head = ctx.t("team_pick", name=current.name) if current else ctx.t("team_pick_none")
    await ctx.reply(head + "\n" + ctx.t("team_pick_footer"), rows)


def register(router: Router) -> None:
    async def team_new(ctx: Ctx) -> None:
        name = ctx.args.strip()
        mine = await ctx.teams()
        if not name:
            if len(mine) > 1:
                await pick_team(ctx, mine)
            else:
                await ctx.say("ppl_team_usage")
            return
        previous = await ctx.current_team()
        existing = await ctx.services.users.team_named(ctx.user.user_id, name)
        if existing is not None:
            # A team of one's own by that name: switch to it, do not found a second one.
            if previous is not None and previous.id == existing.id:
                await ctx.say("team_already_current", name=existing.name)
                return
            await ctx.services.users.choose_team(ctx.user.user_id, existing.id)
            await ctx.reply(switched_text(ctx, existing, previous))
            return
        team = await service(ctx).create_team(
            ctx.user.user_id,
            name,
            timezone=ctx.user.timezone or ctx.services.default_timezone,
            language=ctx.lang,
        )
        invite = await service(ctx).create_invite(team.id, ctx.user.user_id)
        intro = ctx.t("ppl_team_created", name=team.name)
        if mine:  # the new team is now the current one: the old one's commands moved
            intro += "\n" + switched_text(ctx, team, previous)
        await send_invite(ctx, team, invite, intro=intro)

    async def teams(ctx: Ctx) -> None:
        mine = await ctx.teams()
        if not mine:
            await ctx.say("no_team")
            return
        current = await ctx.current_team()
        lines = [ctx.t("ppl_teams_header")]
        buttons = []
        for team in mine:
            role = await ctx.role_in(team)
            mark = " ✅" if current is not None and team.id == current.id else ""
            lines.append(f"• {team.name} — {role_name(ctx, role or Role.MEMBER)}{mark}")
            buttons.append([ctx.button(short(team.name), "team", team.id)])
        lines.append(ctx.t("ppl_teams_footer" if len(mine) > 1 else "ppl_teams_footer_one"))
        await ctx.reply("\n".join(lines), buttons if len(mine) > 1 else ())

    async def invite(ctx: Ctx) -> None:
        team = team_of(ctx)
        words = ctx.args.split()
        # Options come last ("/invite #Водители 7d 20"); what is left names the group.
        tail = len(words)
        while tail > 0 and parse_invite_options([words[tail - 1]])[2] is None:
            tail -= 1
        validity, uses, bad = parse_invite_options(words[tail:])
        rest = " ".join(words[:tail])
        refs = parse_refs(rest)
        if bad is not None or refs.head or refs.people or len(refs.groups) > 1:
            wrong = bad or refs.head or (refs.people[0] if refs.people else rest)
            await ctx.say("ppl_invite_bad", token=wrong)
            return
        group_id = None
        if refs.groups:
            group, extra = await group_prefix(ctx, team, refs.groups[0])
            if group is not None and extra:
                await ctx.say("ppl_invite_bad", token=extra)
                return
            if group is None:
                await group_or_say(ctx, team, refs.groups[0])
                return
            group_id = group.id
        created = await service(ctx).create_invite(
            team.id, ctx.user.user_id, group_id=group_id, valid_for=validity, max_uses=uses
        )
        await send_invite(ctx, team, created)

    async def invites(ctx: Ctx) -> None:
        team = team_of(ctx)
        usable = await service(ctx).usable_invites(team.id)
        if not usable:
            await ctx.say("ppl_invites_none")
            return
        groups = {g.id: g.name for g in await ctx.services.people.groups(team.id)}
        lines = [ctx.t("ppl_invites_header", team=team.name)]
        buttons = []
        for number, item in enumerate(usable[:INVITES_SHOWN], 1):
            where = (
                f"#{groups.get(item.group_id, '?')}" if item.group_id else ctx.t("ppl_whole_team")
            )
            link = invite_link(ctx.services.bot_username, item.code)
            lines.append(f"{number}. {where} · {invite_terms(ctx, item, team)}\n{link}")
            buttons.append(
                [ctx.button(ctx.t("ppl_btn_revoke_n", n=number), "ppl.revoke", item.code)]
            )
        if len(usable) > INVITES_SHOWN:
            lines.append(ctx.t("ppl_more", n=len(usable) - INVITES_SHOWN))
        await ctx.reply("\n".join(lines), buttons)

    async def revoke(ctx: Ctx) -> None:
        (code,) = ctx.extras["args"]
        try:
            revoked = await service(ctx).revoke_invite(ctx.user.user_id, code)
        except NotFound:
            await ctx.notify(ctx.t("stale_button"))
            return
        team = await ctx.services.people.team(revoked.team_id)
        await ctx.say("ppl_invite_revoked", team=team.name)
        await ctx.notify(ctx.t("ppl_invite_revoked", team=team.name))

    async def on_start_payload(ctx: Ctx, payload: str) -> bool:
        if not _INVITE_CODE.match(payload):
            return False
        try:
            joined = await service(ctx).join(ctx.user.user_id, payload)
        except NotFound:
            await ctx.say("ppl_join_unknown")
            return True
        except InviteUnusable as exc:
            await ctx.say(f"ppl_join_{exc.reason}")
            return True
        group = joined.group.name if joined.group else ""
        if joined.already_member:
            key = "ppl_join_already_group" if joined.group else "ppl_join_already"
        else:
            key = "ppl_join_ok_group" if joined.group else "ppl_join_ok"
        text = ctx.t(key, team=joined.team.name, group=group)
        if len(await ctx.teams()) > 1:  # joining made it the current team: say so
            text += "\n" + ctx.t("team_switched_first", name=joined.team.name)
        await ctx.reply(text)
        return True

    async def members(ctx: Ctx) -> None:
        team = team_of(ctx)
        if ctx.chat_id is not None:
            role = await ctx.role_in(team)
            if role is None or not role.at_least(Role.ORGANIZER):
                await ctx.say("role_needed", role=role_name(ctx, Role.ORGANIZER))
                return
        page = (small_int(ctx.args) or 1) - 1
        await render_members(ctx, team, page)

    async def members_page(ctx: Ctx) -> None:
        team_id, page = (int(a) for a in ctx.extras["args"])
        try:
            team = await ctx.services.people.team(team_id)
        except NotFound:
            await ctx.notify(ctx.t("stale_button"))
            return
        if await ctx.role_in(team) is None:
            await ctx.notify(ctx.t("stale_button"))
            return
        await render_members(ctx, team, page)

    async def render_members(ctx: Ctx, team: Team, page: int) -> None:
        everyone = await ctx.services.people.members(team.id)
        pages = max(1, -(-len(everyone) // MEMBERS_PAGE))
        page = min(max(page, 0), pages - 1)
        start = page * MEMBERS_PAGE
        shown = everyone[start : start + MEMBERS_PAGE]
        lines = [ctx.t("ppl_members_header", team=team.name, n=len(everyone))]
        if pages > 1:
            lines[0] += " " + ctx.t("ppl_page", page=page + 1, pages=pages)
        lines += [member_line(ctx, m, start + i) for i, m in enumerate(shown, 1)]
        nav = []
        if page > 0:
            nav.append(ctx.button(ctx.t("ppl_btn_prev"), "ppl.members", team.id, page - 1))
        if page < pages - 1:
            nav.append(ctx.button(ctx.t("ppl_btn_next"), "ppl.members", team.id, page + 1))
        await show(ctx, "\n".join(lines), [nav])

    async def role(ctx: Ctx) -> None:
        team = team_of(ctx)
        head, _, last = ctx.args.strip().rpartition(" ")
        wanted = ROLE_WORDS.get(last.casefold())
        refs = parse_refs(head)
        if wanted is None or not (refs.people or refs.head):
            await ctx.say("ppl_role_usage")
            return
        tokens = refs.people or [refs.head]
        found = await resolve_people(ctx, team, tokens[:1], "/role")
        if found is None:
            return
        target = found[0]
        if target.role is wanted:
            await ctx.say("ppl_role_same", name=target.name, role=role_name(ctx, wanted))
            return
        await service(ctx).set_role(team.id, ctx.user.user_id, target.user_id, wanted)
        # The person is told by the service (TeamService.set_role), as from the web.
        await ctx.say("ppl_role_set", name=target.name, role=role_name(ctx, wanted))

    async def remove(ctx: Ctx) -> None:
        team = team_of(ctx)
        refs = parse_refs(ctx.args)
        tokens = refs.people or ([refs.head] if refs.head else [])
        if len(tokens) != 1:
            await ctx.say("ppl_remove_usage")
            return
        found = await resolve_people(ctx, team, tokens, "/remove")
        if found is None:
            return
        removed = await service(ctx).remove_member(team.id, ctx.user.user_id, found[0].user_id)
        await ctx.say("ppl_removed", name=removed.name, team=team.name)
        await tell(ctx, removed.user_id, "ppl_removed_told", team=team.name)

    async def leave(ctx: Ctx) -> None:
        team = team_of(ctx)
        await ctx.say(
            "ppl_leave_confirm",
            [
                [
                    ctx.button(ctx.t("ppl_btn_leave"), "ppl.leave", team.id),
                    ctx.button(ctx.t("ppl_btn_stay"), "ppl.stay"),
                ]
            ],
            team=team.name,
        )

    async def leave_confirmed(ctx: Ctx) -> None:
        (team_id,) = (int(a) for a in ctx.extras["args"])
        try:
            team = await ctx.services.people.team(team_id)
            await service(ctx).leave(team_id, ctx.user.user_id)
        except NotFound:
            await ctx.notify(ctx.t("stale_button"))
            return
        await show(ctx, ctx.t("ppl_left", team=team.name))

    async def stay(ctx: Ctx) -> None:
        await show(ctx, ctx.t("ppl_stayed"))

    async def picked(ctx: Ctx) -> None:
        """A namesake chosen by button: run the command again with that choice."""
        (user_id,) = ctx.extras["args"]
        loaded = await ctx.services.state.load(ctx.dialog_key)
        state = loaded.value or {}
        command = str(state.get("command", ""))
        if state.get("dialog") != PICK_DIALOG or command not in router.commands:
            await ctx.notify(ctx.t("stale_button"))
            return
        await ctx.end_dialog()
        choices = dict(state.get("picked") or {})
        choices[str(state.get("token"))] = int(user_id)
        ctx.args = str(state.get("args", ""))
        ctx.extras["picked"] = choices
        await router.run_command(ctx, command)

    router.command("/team", guarded(team_new), help_key="ppl_help_team")
    router.command("/teams", teams, help_key="ppl_help_teams")
    router.command("/invite", guarded(invite), help_key="ppl_help_invite", team_role=Role.ADMIN)
    router.command("/invites", invites, help_key="ppl_help_invites", team_role=Role.ADMIN)
    router.command(
        "/members", members, help_key="ppl_help_members", team_role=Role.MEMBER, in_chats=True
    )
    router.command("/role", guarded(role), help_key="ppl_help_role", team_role=Role.ADMIN)
    router.command("/remove", guarded(remove), help_key="ppl_help_remove", team_role=Role.ADMIN)
    router.command("/leave", leave, help_key="ppl_help_leave", team_role=Role.MEMBER)
    router.action("ppl.revoke", guarded(revoke))
    router.action("ppl.members", members_page)
    router.action("ppl.leave", guarded(leave_confirmed))
    router.action("ppl.stay", stay)
    router.action("ppl.pick", picked)
    router.on_start_payload(on_start_payload)
