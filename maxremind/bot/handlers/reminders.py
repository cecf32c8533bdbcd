"""Quick reminders: ``/remind`` (for oneself or, for organizers, an audience),
``/notify`` (an announcement now) and ``/reminders`` (one's pending reminders)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from maxremind.bot.context import Ctx
from maxremind.bot.handlers import audience_pick
from maxremind.bot.handlers.events_render import (
    audience_text,
    lang_code,
    line_error_text,
    now_utc,
    rejected_text,
    repeat_text,
    team_line,
    time_error_text,
    when_text,
    zone_of,
)
from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    EventKind,
    NewEvent,
    ReminderSpec,
    Role,
    Team,
)
from maxremind.domain.timesplit import SplitError, local_start, split_when
from maxremind.services.errors import EventRejected, PermissionDenied
from maxremind.services.events import MAX_TITLE
from maxremind.services.oneliner import LineError

DIALOG = "remind"
MAX_LISTED = 15


def addressed(text: str) -> bool:
    """Whether a /remind or /notify text starts with a recipient (``#…`` or ``@…``)."""
    return text.strip()[:1] in ("#", "@")


async def leading_audience(
    ctx: Ctx, team: Team, command: str, usage: str
) -> tuple[tuple[AudienceEntry, ...], str] | None:
    """The recipients at the start of ``ctx.args`` (names with spaces matched against
    the team's) and the text after them; None after asking which one or saying why not."""
    try:
        lead = await ctx.services.typed.leading(team.id, ctx.args, audience_pick.picked(ctx))
    except LineError as exc:
        if exc.reason == "ambiguous" and exc.choices:
            await audience_pick.ask(ctx, command, team, exc)
        else:
            await ctx.reply(line_error_text(ctx, exc) + "\n\n" + ctx.t(usage))
        return None
    return lead.audience, lead.rest


async def team_for(ctx: Ctx, command: str) -> Team | None:
    """The team an audience belongs to, with the organizer role checked; None after
    asking (which team? / role needed) — the same rules the router applies."""
    team = await ctx.current_team()
    if team is None:
        teams = await ctx.teams()
        if not teams:
            await ctx.say("no_team")
            return None
        await ctx.set_dialog("pick_team", pending=f"{command} {ctx.args}".strip())
        await ctx.say("pick_team", [[ctx.button(t.name, "team", t.id)] for t in teams])
        return None
    role = await ctx.role_in(team)
    if role is None or not role.at_least(Role.ORGANIZER):
        await ctx.say("role_needed", role=ctx.t("role_organizer"))
        return None
    return team


def titled(text: str) -> tuple[str, str]:
    """A long or multi-line text as (title, description): the first line is the title."""
    first, _, rest = text.strip().partition("\n")
    if len(first) <= MAX_TITLE:
        return first, rest.strip()
    return first[: MAX_TITLE - 1] + "…", text.strip()


# --- /remind --------------------------------------------------------------------------------


async def remind(ctx: Ctx) -> None:
    head = addressed(ctx.args)
    rest = ctx.args.strip()
    team: Team | None = None
    audience: tuple[AudienceEntry, ...] = (AudienceEntry(AudienceKind.MEMBER, ctx.user.user_id),)
    if head:
        team = await team_for(ctx, "/remind")
        if team is None:
            return
        found = await leading_audience(ctx, team, "/remind", "rm_example")
        if found is None:
            return
        audience, rest = found
    else:
        team = await ctx.current_team()
    if not rest:
        await ctx.say("rm_usage")
        return
    tz = zone_of(ctx, team)
    draft: dict[str, Any] = {
        "team_id": team.id if head and team else None,
        "tz": tz.key,
        "audience": [[e.kind.value, e.ref_id] for e in audience],
    }
    try:
        when, text = split_when(rest, now=now_utc(), tz=tz, lang=lang_code(ctx))
    except SplitError as exc:
        if exc.reason == "ambiguous" and exc.alternatives:
            await ask_which(ctx, draft, exc, tz)
            return
        if exc.reason == "empty":
            message = ctx.t("rm_no_text")
        else:
            message = time_error_text(ctx, exc.reason, exc.day_month)
        await ctx.reply(message + "\n\n" + ctx.t("rm_example"))
        return
    draft.update(text=text, start=local_start(when, tz).isoformat(), rrule=when.rrule)
    await create_reminder(ctx, draft)


async def ask_which(ctx: Ctx, draft: dict[str, Any], exc: SplitError, tz: ZoneInfo) -> None:
    """Morning or afternoon? One button per reading; the draft waits in the state port."""
    draft["text"] = exc.text
    draft["alts"] = [[local_start(w, tz).isoformat(), w.rrule] for w in exc.alternatives]
    await ctx.set_dialog(DIALOG, **draft)
    rows = [
        [ctx.button(when_text(ctx, w.start, tz), "rmw", i)] for i, w in enumerate(exc.alternatives)
    ]
    await ctx.say("ev_time_which", rows)


async def remind_choice(ctx: Ctx) -> None:
    (index,) = ctx.extras["args"]
    loaded = await ctx.services.state.load(ctx.dialog_key)
    draft = loaded.value
    if draft is None or draft.get("dialog") != DIALOG or int(index) >= len(draft["alts"]):
        await ctx.notify(ctx.t("ev_dialog_gone"))
        return
    await ctx.end_dialog()
    draft["start"], draft["rrule"] = draft["alts"][int(index)]
    await create_reminder(ctx, draft)


async def remind_text(ctx: Ctx) -> None:
    """Typing while the morning/afternoon question is open: point at the buttons."""
    await ctx.say("ev_use_buttons")


async def create_reminder(ctx: Ctx, draft: dict[str, Any]) -> None:
    title, description = titled(draft["text"])
    spec = NewEvent(
        team_id=draft["team_id"],
        organizer_id=ctx.user.user_id,
        title=title,
        description=description,
        start_local=datetime.fromisoformat(draft["start"]),
        timezone=draft["tz"],
        kind=EventKind.REMINDER,
        rrule=draft.get("rrule"),
        audience=tuple(AudienceEntry(AudienceKind(k), r) for k, r in draft["audience"]),
        reminders=(ReminderSpec(offset=timedelta(0)),),
    )
    try:
        event = await ctx.services.events.create(spec)
    except EventRejected as exc:
        await ctx.reply(rejected_text(ctx, exc.reason))
        return
    except PermissionDenied as exc:
        await ctx.say("role_needed", role=ctx.t(f"role_{exc.needed.value}"))
        return
    tz = ZoneInfo(draft["tz"])
    occurrences = await ctx.services.agenda.coming_dates(event.id)
    when = when_text(ctx, occurrences[0].starts_at, tz) if occurrences else ""
    if event.rrule:
        when += f" ({repeat_text(ctx, event.rrule)})"
    if event.team_id is None:
        text = ctx.t("rm_created_self", when=when, text=event.title)
    else:
        who = await audience_text(ctx, event.audience)
        text = ctx.t("rm_created_for", when=when, text=event.title, audience=who)
        team = await team_line(ctx, event.team_id)
        text += f"\n{team}" if team else ""
    await ctx.reply(text, [[ctx.button(ctx.t("rm_button_cancel"), "rmc", event.id)]])


# --- /notify --------------------------------------------------------------------------------


async def notify(ctx: Ctx) -> None:
    team: Team = ctx.extras["team"]
    if not addressed(ctx.args):
        await ctx.say("nt_usage")
        return
    found = await leading_audience(ctx, team, "/notify", "nt_usage")
    if found is None:
        return
    audience, text = found
    if not text:
        await ctx.say("nt_usage")
        return
    title, description = titled(text)
    now = now_utc()
    spec = NewEvent(
        team_id=team.id,
        organizer_id=ctx.user.user_id,
        title=title,
        description=description,
        start_local=now.replace(tzinfo=None),  # the service sets "now" in the team's zone
        timezone=team.timezone,
        kind=EventKind.ANNOUNCEMENT,
        audience=audience,
    )
    try:
        event = await ctx.services.events.create(spec)
    except EventRejected as exc:
        await ctx.reply(rejected_text(ctx, exc.reason))
        return
    except PermissionDenied as exc:
        await ctx.say("role_needed", role=ctx.t(f"role_{exc.needed.value}"))
        return
    size = await ctx.services.agenda.audience_size(event)
    text = ctx.t("nt_sent", n=size, audience=await audience_text(ctx, event.audience))
    team_named = await team_line(ctx, event.team_id)
    await ctx.reply(f"{text}\n{team_named}" if team_named else text)


# --- /reminders -----------------------------------------------------------------------------


async def list_reminders(ctx: Ctx) -> None:
    items = [
        item
        for item in await ctx.services.agenda.upcoming(ctx.user.user_id, (EventKind.REMINDER,))
        if item.mine
    ]
    if not items:
        await ctx.say("rm_list_empty")
        return
    lines = [ctx.t("rm_list_header")]
    rows = []
    for number, item in enumerate(items[:MAX_LISTED], 1):
        tz = ZoneInfo(ctx.user.timezone or item.event.timezone)
        when = when_text(ctx, item.occurrence.starts_at, tz)
        extra = ""
        if item.event.team_id is not None:
            extra = " → " + await audience_text(ctx, item.event.audience)
        lines.append(f"{number}. {when} — {item.event.title}{extra}")
        rows.append([ctx.button(f"✖️ {number}. {item.event.title[:28]}", "rmc", item.event.id)])
    await ctx.reply("\n".join(lines), rows)


async def cancel_reminder(ctx: Ctx) -> None:
    (event_id,) = ctx.extras["args"]
    event = await ctx.services.agenda.own_reminder(event_id, ctx.user.user_id)
    if event is None:
        await ctx.notify(ctx.t("ev_gone"))
        return
    await ctx.services.events.cancel(event.id, actor_id=ctx.user.user_id)
    await ctx.notify(ctx.t("ev_cancelled_short"))
    await ctx.say("rm_cancelled", text=event.title)
