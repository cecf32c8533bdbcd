"""A name several things share ("#Склад" is a group and a linked chat, two Annas): ask
with buttons, then run the command again with the choice remembered.

The question waits in the dialog state (command, its text, the name and the readings);
a press puts the chosen reading under that name in ``ctx.extras["aud_picked"]`` and
runs the command again, so its parser resolves the name without asking.
"""

from __future__ import annotations

from collections.abc import Sequence

from maxremind.bot.context import Ctx
from maxremind.bot.router import Router
from maxremind.domain.models import AudienceEntry, AudienceKind, Team
from maxremind.services.oneliner import LineError

DIALOG = "aud_pick"
MAX_SHOWN = 8
MAX_LABEL = 60


def picked(ctx: Ctx) -> dict[str, AudienceEntry]:
    """The readings chosen so far for this command, by the name as typed."""
    raw: dict[str, list[object]] = ctx.extras.get("aud_picked") or {}
    return {name: AudienceEntry(AudienceKind(str(k)), _ref(r)) for name, (k, r) in raw.items()}


def _ref(value: object) -> int | None:
    return None if value is None else int(str(value))


async def choice_label(ctx: Ctx, team: Team, entry: AudienceEntry) -> str:
    """``группа «Склад»``, ``чат «Склад»``, ``Анна Петрова (@anna)``."""
    (part,) = await ctx.services.agenda.audience_parts([entry], ctx.user.user_id)
    name = part.name or ""
    if entry.kind is AudienceKind.MEMBER and entry.ref_id is not None:
        member = await ctx.services.people.member(team.id, entry.ref_id)
        if member is not None:
            name = f"{member.name} (@{member.username})" if member.username else member.name
    text = ctx.t(f"aud_kind_{entry.kind.value}", name=name)
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


async def ask(ctx: Ctx, command: str, team: Team, error: LineError) -> None:
    """Which one did you mean? One button per reading of ``error.detail``."""
    choices: Sequence[AudienceEntry] = error.choices[:MAX_SHOWN]
    chosen = dict(ctx.extras.get("aud_picked") or {})
    await ctx.set_dialog(
        DIALOG,
        command=command,
        args=ctx.args,
        token=error.detail,
        picked=chosen,
        choices=[[e.kind.value, e.ref_id] for e in choices],
    )
    rows = [
        [ctx.button(await choice_label(ctx, team, entry), "audpick", index)]
        for index, entry in enumerate(choices)
    ]
    await ctx.say("aud_which", rows, token=error.detail)


def register(router: Router) -> None:
    async def chosen(ctx: Ctx) -> None:
        (index,) = ctx.extras["args"]
        state = (await ctx.services.state.load(ctx.dialog_key)).value or {}
        command = str(state.get("command", ""))
        choices = state.get("choices") or []
        if (
            state.get("dialog") != DIALOG
            or command not in router.commands
            or int(index) >= len(choices)
        ):
            await ctx.notify(ctx.t("stale_button"))
            return
        await ctx.end_dialog()
        remembered = dict(state.get("picked") or {})
        remembered[str(state.get("token"))] = choices[int(index)]
        ctx.args = str(state.get("args", ""))
        ctx.extras["aud_picked"] = remembered
        await router.run_command(ctx, command)

    async def typed(ctx: Ctx) -> None:
        await ctx.say("ev_use_buttons")

    router.action("audpick", chosen)
    router.dialog(DIALOG, typed)
