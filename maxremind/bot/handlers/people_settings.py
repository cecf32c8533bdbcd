"""Personal and team settings: /tz, /quiet, /teamtz, /teamquiet, /shortnotice, /me."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from maxremind.bot.context import Ctx
from maxremind.bot.handlers.people_common import (
    guarded,
    lang_code,
    role_name,
    service,
    team_of,
)
from maxremind.bot.router import Router
from maxremind.domain.models import Language, QuietHoursSpec, Role, Team
from maxremind.domain.quiet_hours import QUIET_OFF_WORDS, quiet_spec
from maxremind.domain.timefmt import zone_label
from maxremind.maxapi.models import Button
from maxremind.services.zones import COMMON_ZONES, UnknownZone, parse_zone, zone_name

OFF_WORDS = QUIET_OFF_WORDS
# /shortnotice's words: True skips a step whose time passed before its event was made.
SHORT_NOTICE_WORDS = {
    "прислать": False,
    "присылать": False,
    "отправлять": False,
    "send": False,
    "пропустить": True,
    "пропускать": True,
    "skip": True,
}
ZONES_PER_ROW = 3


def describe_zone(ctx: Ctx, zone: str) -> str:
    """ "Новосибирск (МСК+4), сейчас 18:05" — the local time proves the choice right."""
    tz = ZoneInfo(zone)
    now = ctx.services.events.clock().astimezone(tz)
    label = zone_label(tz, now, lang_code(ctx.lang))
    return ctx.t(
        "ppl_zone", zone=zone_name(zone, lang_code(ctx.lang)), label=label, time=f"{now:%H:%M}"
    )


async def read_zone(ctx: Ctx, text: str) -> str | None:
    """The zone ``text`` names; None after telling the person it is unknown."""
    try:
        return parse_zone(text)
    except UnknownZone:
        await ctx.say("ppl_tz_bad", text=text)
        return None


async def read_quiet(ctx: Ctx, text: str) -> tuple[bool, QuietHoursSpec | None]:
    """``(True, spec)`` for valid quiet hours (None: off); ``(False, None)`` after
    telling the person what was wrong."""
    try:
        return True, quiet_spec(text)
    except ValueError:
        await ctx.say("ppl_quiet_bad", text=text)
        return False, None


def zone_buttons(ctx: Ctx, action: str) -> list[list[Button]]:
    lang = lang_code(ctx.lang)
    buttons = [
        ctx.button(ru if lang == "ru" else en, action, i)
        for i, (ru, en, _) in enumerate(COMMON_ZONES)
    ]
    return [buttons[i : i + ZONES_PER_ROW] for i in range(0, len(buttons), ZONES_PER_ROW)]


def register(router: Router) -> None:
    async def team_default(ctx: Ctx) -> Team | None:
        return await ctx.current_team()

    async def tz(ctx: Ctx) -> None:
        text = ctx.args.strip()
        team = await team_default(ctx)
        if not text:
            if ctx.user.timezone:
                current = ctx.t("ppl_tz_current", zone=describe_zone(ctx, ctx.user.timezone))
            else:
                zone = team.timezone if team else ctx.services.default_timezone
                current = ctx.t("ppl_tz_current_default", zone=describe_zone(ctx, zone))
            await ctx.reply(current + "\n" + ctx.t("ppl_tz_choose"), zone_buttons(ctx, "ppl.tz"))
            return
        if text.casefold() in OFF_WORDS:
            await service(ctx).set_user_timezone(ctx.user.user_id, None)
            zone = team.timezone if team else ctx.services.default_timezone
            await ctx.say("ppl_tz_reset", zone=describe_zone(ctx, zone))
            return
        chosen = await read_zone(ctx, text)
        if chosen is None:
            return
        await service(ctx).set_user_timezone(ctx.user.user_id, chosen)
        await ctx.say("ppl_tz_set", zone=describe_zone(ctx, chosen))

    async def tz_pressed(ctx: Ctx) -> None:
        zone = COMMON_ZONES[int(ctx.extras["args"][0])][2]
        await service(ctx).set_user_timezone(ctx.user.user_id, zone)
        text = ctx.t("ppl_tz_set", zone=describe_zone(ctx, zone))
        await ctx.reply(text)
        await ctx.notify(text)

    async def quiet(ctx: Ctx) -> None:
        text = ctx.args.strip()
        if not text:
            own = ctx.user.quiet_hours
            team = await team_default(ctx)
            if own is not None:
                await ctx.say("ppl_quiet_current", quiet=str(own))
            elif team is not None and team.quiet_hours is not None:
                await ctx.say("ppl_quiet_team", quiet=str(team.quiet_hours), team=team.name)
            else:
                await ctx.say("ppl_quiet_none")
            return
        valid, spec = await read_quiet(ctx, text)
        if not valid:
            return
        await service(ctx).set_user_quiet(ctx.user.user_id, spec)
        if spec is None:
            await ctx.say("ppl_quiet_off")
        else:
            await ctx.say("ppl_quiet_set", quiet=str(spec))

    async def team_tz(ctx: Ctx) -> None:
        team = team_of(ctx)
        text = ctx.args.strip()
        if not text:
            await ctx.say(
                "ppl_teamtz_current", team=team.name, zone=describe_zone(ctx, team.timezone)
            )
            return
        zone = await read_zone(ctx, text)
        if zone is None:
            return
        await service(ctx).set_team_timezone(team.id, ctx.user.user_id, zone)
        await ctx.say("ppl_teamtz_set", team=team.name, zone=describe_zone(ctx, zone))

    async def team_quiet(ctx: Ctx) -> None:
        team = team_of(ctx)
        text = ctx.args.strip()
        if not text:
            current = str(team.quiet_hours) if team.quiet_hours else ctx.t("ppl_quiet_none_short")
            await ctx.say("ppl_teamquiet_current", team=team.name, quiet=current)
            return
        valid, spec = await read_quiet(ctx, text)
        if not valid:
            return
        await service(ctx).set_team_quiet(team.id, ctx.user.user_id, spec)
        shown = str(spec) if spec else ctx.t("ppl_quiet_none_short")
        await ctx.say("ppl_teamquiet_set", team=team.name, quiet=shown)

    # --- /shortnotice: a step whose time passed before its event was made ----------
    async def short_notice(ctx: Ctx) -> None:
        team = team_of(ctx)
        word = ctx.args.strip().casefold()
        if not word:
            current = ctx.t("ppl_sn_skip" if team.skip_short_notice else "ppl_sn_send")
            buttons = [
                ctx.button(ctx.t(f"ppl_sn_button_{choice}"), "ppl.sn", team.id, choice)
                for choice in ("send", "skip")
            ]
            await ctx.reply(ctx.t("ppl_sn_current", team=team.name, current=current), [buttons])
            return
        if word not in SHORT_NOTICE_WORDS:
            await ctx.say("ppl_sn_usage")
            return
        await set_short_notice(ctx, team, skip=SHORT_NOTICE_WORDS[word])

    async def short_notice_pressed(ctx: Ctx) -> None:
        team_id, choice = ctx.extras["args"]
        team = next((t for t in await ctx.teams() if t.id == int(team_id)), None)
        if team is None:
            await ctx.notify(ctx.t("stale_button"))
            return
        await set_short_notice(ctx, team, skip=choice == "skip")

    async def set_short_notice(ctx: Ctx, team: Team, *, skip: bool) -> None:
        await service(ctx).set_team_short_notice(team.id, ctx.user.user_id, skip=skip)
        current = ctx.t("ppl_sn_skip" if skip else "ppl_sn_send")
        await ctx.say("ppl_sn_set", team=team.name, current=current)

    async def me(ctx: Ctx) -> None:
        user = ctx.user
        lines = [f"👤 {user.name}" + (f" (@{user.username})" if user.username else "")]
        teams = await ctx.teams()
        current = await ctx.current_team()
        if not teams:
            lines.append(ctx.t("ppl_me_no_team"))
        for team in teams:
            role = await ctx.role_in(team) or Role.MEMBER
            mark = " ✅" if current is not None and current.id == team.id else ""
            lines.append(f"🏢 {team.name} — {role_name(ctx, role)}{mark}")
            groups = await ctx.services.people.groups_of(team.id, user.user_id)
            tags = await ctx.services.people.tags_of(team.id, user.user_id)
            if groups:
                lines.append(
                    "   " + ctx.t("ppl_me_groups", names=", ".join(g.name for g in groups))
                )
            if tags:
                lines.append("   " + ctx.t("ppl_me_tags", names=", ".join(t.name for t in tags)))
        zone = user.timezone or (current.timezone if current else ctx.services.default_timezone)
        key = "ppl_me_tz" if user.timezone else "ppl_me_tz_default"
        lines.append(ctx.t(key, zone=describe_zone(ctx, zone)))
        if user.quiet_hours is not None:
            lines.append(ctx.t("ppl_me_quiet", quiet=str(user.quiet_hours)))
        elif current is not None and current.quiet_hours is not None:
            lines.append(ctx.t("ppl_me_quiet_team", quiet=str(current.quiet_hours)))
        else:
            lines.append(ctx.t("ppl_me_quiet", quiet=ctx.t("ppl_quiet_none_short")))
        language = "English" if ctx.lang is Language.EN else "Русский"
        lines.append(ctx.t("ppl_me_lang", language=language))
        if not user.reachable:
            lines.append(ctx.t("ppl_unreachable_mark"))
        lines.append(ctx.t("ppl_me_footer"))
        await ctx.reply("\n".join(lines))

    router.command("/me", me, help_key="ppl_help_me")
    router.command("/tz", tz, help_key="ppl_help_tz")
    router.command("/quiet", quiet, help_key="ppl_help_quiet")
    router.command("/teamtz", guarded(team_tz), help_key="ppl_help_teamtz", team_role=Role.ADMIN)
    router.command(
        "/teamquiet", guarded(team_quiet), help_key="ppl_help_teamquiet", team_role=Role.ADMIN
    )
    router.action("ppl.tz", tz_pressed)
    router.command(
        "/shortnotice",
        guarded(short_notice),
        help_key="ppl_help_shortnotice",
        team_role=Role.ADMIN,
    )
    router.action("ppl.sn", guarded(short_notice_pressed))
