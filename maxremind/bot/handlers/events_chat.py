"""``/events`` sent in a group chat: the linked team's events addressed to everyone there.

A chat is read by all its members, so it shows only what was addressed to them all (the
whole team, this chat, the group the chat is linked to), without answers or buttons;
the rest -- one's own events, answers, details -- is in the private dialog.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from maxremind.bot.context import Ctx, Handler
from maxremind.bot.handlers.events_render import when_text

MAX_LISTED = 10


def anywhere(private: Handler) -> Handler:
    """``private`` in a person's dialog, the chat's agenda in a group chat."""

    async def run(ctx: Ctx) -> None:
        if ctx.chat_id is None:
            await private(ctx)
        else:
            await chat_events(ctx)

    return run


async def chat_events(ctx: Ctx) -> None:
    assert ctx.chat_id is not None
    found = await ctx.services.agenda.chat_agenda(ctx.chat_id)
    if found is None:
        await ctx.say("chat_events_unlinked")
        return
    team, items = found
    if not items:
        await ctx.say("chat_events_empty", team=team.name)
        return
    tz = ZoneInfo(team.timezone)
    lines = [ctx.t("chat_events_header", team=team.name)]
    for number, item in enumerate(items[:MAX_LISTED], 1):
        when = when_text(ctx, item.occurrence.starts_at, tz)
        lines.append(f"{number}. {item.event.title} — {when}")
    if len(items) > MAX_LISTED:
        lines.append(ctx.t("ev_list_more", n=len(items) - MAX_LISTED))
    lines.append(ctx.t("chat_events_private"))
    await ctx.reply("\n".join(lines))
