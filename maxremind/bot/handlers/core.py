"""/start, /help, /cancel, /lang and choosing the team a command is for."""

from __future__ import annotations

from maxremind.bot.context import Ctx
from maxremind.bot.handlers.people_teams import switched_text
from maxremind.bot.router import Router
from maxremind.domain.models import Language


def register(router: Router) -> None:
    async def start(ctx: Ctx) -> None:
        await ctx.say("welcome")

    async def help_(ctx: Ctx) -> None:
        await ctx.reply(router.help_text(ctx.lang))

    async def cancel(ctx: Ctx) -> None:
        await ctx.end_dialog()
        await ctx.say("cancelled")

    async def lang(ctx: Ctx) -> None:
        await ctx.say(
            "lang_choose",
            [[ctx.button("Русский", "lang", "ru"), ctx.button("English", "lang", "en")]],
        )

    async def lang_chosen(ctx: Ctx) -> None:
        (code,) = ctx.extras["args"]
        chosen = Language(code)
        ctx.user = await ctx.services.users.set_language(ctx.user.user_id, chosen)
        ctx.lang = chosen
        await ctx.say("lang_set")
        await ctx.notify(ctx.t("lang_set"))

    async def team_chosen(ctx: Ctx) -> None:
        (team_id,) = ctx.extras["args"]
        previous = await ctx.current_team()
        team = await ctx.services.users.choose_team(ctx.user.user_id, int(team_id))
        if team is None:
            await ctx.notify(ctx.t("stale_button"))
            return
        ctx.user = await ctx.services.users.get(ctx.user.user_id) or ctx.user
        loaded = await ctx.services.state.load(ctx.dialog_key)
        state = loaded.value or {}
        # Say what changed, and what it changes (issue 15): never a silent switch.
        await ctx.reply(switched_text(ctx, team, previous))
        await ctx.notify(ctx.t("team_chosen", name=team.name))
        pending = str(state.get("pending", "")) if state.get("dialog") == "pick_team" else ""
        if pending:
            await ctx.end_dialog()
            name, _, args = pending.partition(" ")
            if name in router.commands:
                ctx.args = args
                await router.run_command(ctx, name)

    router.command("/start", start, help_key="help_start")
    router.command("/help", help_, help_key="help_help", in_chats=True)
    router.command("/cancel", cancel, help_key="help_cancel")
    router.command("/lang", lang, help_key="help_lang")
    router.action("lang", lang_chosen)
    router.action("team", team_chosen)
