"""Insights in MAX, the views: what /stats and /digest answer and what a press on a
switch or on the who-came checklist does.  Imported with the first such command or press
(:mod:`.insights` registers them); who may see or change what is the insights service's
rule."""

from __future__ import annotations

import re
from datetime import time
from zoneinfo import ZoneInfo

from maxremind.bot.context import MAX_TEXT, Ctx
from maxremind.bot.handlers.insights import ACTION_DIGEST, ACTION_MEMBERS
from maxremind.core.insights_render import (
    checklist_body,
    count_events,
    percent,
    person,
    span,
    weekly,
    zone_now,
)
from maxremind.domain.ids import digits
from maxremind.domain.timewords import weekday_number
from maxremind.maxapi.attachments import inline_keyboard
from maxremind.maxapi.models import Button, NewMessageBody
from maxremind.services.errors import NotFound, PermissionDenied
from maxremind.services.insights import (
    InsightSettings,
    InsightsRefused,
    InsightsService,
    StatsSummary,
)

ON_WORDS = frozenset({"on", "вкл", "включить", "да", "yes"})
OFF_WORDS = frozenset({"off", "выкл", "выключить", "нет", "no", "stop", "стоп"})
_DAY_AND_TIME = re.compile(r"^(\S+)\s+(\d{1,2})(?:[:.](\d{2}))?$")


def _insights(ctx: Ctx) -> InsightsService:
    if ctx.services.insights is None:
        raise RuntimeError("the bot was built without the insights service")
    return ctx.services.insights


def _role_needed(ctx: Ctx, denied: PermissionDenied) -> str:
    return ctx.t("role_needed", role=ctx.t(f"role_{denied.needed.value}"))


def stats_text(ctx: Ctx, summary: StatsSummary) -> str:
    lang = ctx.lang
    lines = [ctx.t("ins_stats_title", team=summary.team_name, days=summary.days)]
    totals = summary.totals
    if totals is not None:
        if not totals.occurrences:
            lines.append(ctx.t("ins_stats_empty"))
        else:
            answers = totals.answers
            lines.append(
                ctx.t(
                    "ins_stats_team",
                    events=count_events(totals.occurrences, lang),
                    rate=percent(answers.rate, lang),
                    answered=answers.answered,
                    asked=answers.asked,
                    median=span(totals.time_to_answer.median_s, lang),
                    p90=span(totals.time_to_answer.p90_s, lang),
                )
            )
            lines.append(
                ctx.t(
                    "ins_stats_answers",
                    yes=answers.yes,
                    no=answers.no,
                    maybe=answers.maybe,
                    none=answers.none,
                )
            )
            reach = totals.reach
            lines.append(
                ctx.t(
                    "ins_stats_reach",
                    delivered=reach.delivered,
                    sent=reach.sent,
                    unreachable=reach.unreachable,
                    nudges=totals.nudges,
                )
            )
            if totals.quorum_checked:
                lines.append(
                    ctx.t("ins_stats_quorum", met=totals.quorum_met, checked=totals.quorum_checked)
                )
            if totals.attendance.marked:
                lines.append(
                    ctx.t(
                        "ins_stats_came",
                        came=totals.attendance.came,
                        marked=totals.attendance.marked,
                        no_show=totals.attendance.no_show,
                    )
                )
            if summary.members_hidden:
                lines.append(ctx.t("ins_stats_hidden"))
            elif summary.worst:
                lines.append(ctx.t("ins_stats_worst_title"))
                lines += [
                    ctx.t(
                        "ins_stats_worst_line",
                        name=person(m, lang),
                        answered=m.answered,
                        asked=m.asked,
                        rate=percent(m.answer_rate, lang),
                    )
                    for m in summary.worst
                ]
            elif answers.asked:
                lines.append(ctx.t("ins_stats_all_answer"))
        lines.append("")
    me = summary.me
    if not me.asked:
        lines.append(ctx.t("ins_stats_me_empty"))
    else:
        lines.append(
            ctx.t(
                "ins_stats_me",
                answered=me.answered,
                asked=me.asked,
                rate=percent(me.answer_rate, lang),
                median=span(me.median_s, lang),
                yes_rate=percent(me.yes_rate, lang),
            )
        )
        if me.marked_yes:
            lines.append(ctx.t("ins_stats_me_noshow", n=me.no_shows, marked=me.marked_yes))
    if summary.sees_team:
        lines.append(ctx.t("ins_stats_web"))
    return "\n".join(lines)


def _when(ctx: Ctx, settings: InsightSettings) -> tuple[str, str]:
    """ "по пятницам в 17:30", "МСК": when the team's digest goes out."""
    return (
        weekly(settings.digest_weekday, settings.digest_time, ctx.lang),
        zone_now(settings.timezone, _insights(ctx).clock(), ctx.lang),
    )


def settings_buttons(ctx: Ctx, settings: InsightSettings, view: str) -> list[list[Button]]:
    """The digest on/off for organizers; per-member statistics on/off for the owner.
    ``view`` names the message they sit on (``s`` /stats, ``d`` /digest), redrawn after
    a press."""
    team = settings.team_id
    rows = []
    if settings.can_subscribe:
        on = not settings.subscribed
        key = "ins_button_digest_on" if on else "ins_button_digest_off"
        rows.append([ctx.button(ctx.t(key), ACTION_DIGEST, team, int(on), view)])
    if settings.can_change_privacy:
        on = not settings.member_stats
        key = "ins_button_members_on" if on else "ins_button_members_off"
        rows.append([ctx.button(ctx.t(key), ACTION_MEMBERS, team, int(on), view)])
    return rows


async def stats_view(ctx: Ctx, team_id: int) -> tuple[str, list[list[Button]]]:
    insights = _insights(ctx)
    summary = await insights.summary(team_id, ctx.user.user_id)
    settings = await insights.settings(team_id, ctx.user.user_id)
    text = stats_text(ctx, summary)
    if settings.subscribed:
        when, zone = _when(ctx, settings)
        text += "\n" + ctx.t("ins_stats_digest_on", when=when, zone=zone)
    return text, settings_buttons(ctx, settings, "s")


async def digest_view(ctx: Ctx, team_id: int) -> tuple[str, list[list[Button]]]:
    settings = await _insights(ctx).settings(team_id, ctx.user.user_id)
    when, zone = _when(ctx, settings)
    key = "ins_digest_status_on" if settings.subscribed else "ins_digest_status_off"
    text = ctx.t(key, when=when, zone=zone)
    if settings.can_change_digest_time:
        text += "\n" + ctx.t("ins_digest_time_hint")
    return text, settings_buttons(ctx, settings, "d")


async def stats(ctx: Ctx) -> None:
    text, buttons = await stats_view(ctx, ctx.extras["team"].id)
    await ctx.reply(text, buttons)


async def digest(ctx: Ctx) -> None:
    team = ctx.extras["team"]
    insights = _insights(ctx)
    words = ctx.args.strip().casefold()
    user_id = ctx.user.user_id
    try:
        if not words:
            text, buttons = await digest_view(ctx, team.id)
            await ctx.reply(text, buttons)
            return
        if words in ON_WORDS or words in OFF_WORDS:
            settings = await insights.subscribe_digest(team.id, user_id, words in ON_WORDS)
            when, zone = _when(ctx, settings)
            if settings.subscribed:
                await ctx.say("ins_digest_on", when=when, zone=zone)
            else:
                await ctx.say("ins_digest_off")
            return
        parsed = _day_and_time(words)
        if parsed is None:
            await ctx.say("ins_digest_bad", text=ctx.args.strip())
            return
        weekday, hour, minute = parsed
        settings = await insights.set_digest_time(team.id, user_id, weekday, time(hour, minute))
        when, zone = _when(ctx, settings)
        await ctx.say("ins_digest_time_set", team=team.name, when=when, zone=zone)
    except PermissionDenied as denied:
        await ctx.reply(_role_needed(ctx, denied))


def _day_and_time(words: str) -> tuple[int, int, int] | None:
    match = _DAY_AND_TIME.match(words)
    if match is None:
        return None
    try:
        weekday = weekday_number(match[1])
    except KeyError:
        return None
    hour, minute = int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59:
        return None
    return weekday, hour, minute


def _switch(ctx: Ctx) -> tuple[int, bool, str] | None:
    args = ctx.extras["args"]
    if len(args) != 3 or not digits(args[0]) or args[1] not in {"0", "1"}:
        return None
    if args[2] not in {"s", "d"}:
        return None
    return int(args[0]), args[1] == "1", args[2]


async def _redraw(ctx: Ctx, team_id: int, view: str, toast: str) -> None:
    """The toast, and the pressed message drawn again with the switches as they are now."""
    text, buttons = await (stats_view(ctx, team_id) if view == "s" else digest_view(ctx, team_id))
    rows = [row for row in buttons if row]
    body = NewMessageBody(
        text=text[:MAX_TEXT], attachments=[inline_keyboard(*rows)] if rows else []
    )
    await ctx.answer_press(toast, message=body)


async def on_digest_button(ctx: Ctx) -> None:
    parsed = _switch(ctx)
    if parsed is None:
        await ctx.notify(ctx.t("stale_button"))
        return
    team_id, on, view = parsed
    try:
        settings = await _insights(ctx).subscribe_digest(team_id, ctx.user.user_id, on)
    except PermissionDenied as denied:
        await ctx.notify(_role_needed(ctx, denied))
        return
    when, zone = _when(ctx, settings)
    toast = ctx.t("ins_digest_on", when=when, zone=zone) if on else ctx.t("ins_digest_off")
    await _redraw(ctx, team_id, view, toast)


async def on_members_button(ctx: Ctx) -> None:
    parsed = _switch(ctx)
    if parsed is None:
        await ctx.notify(ctx.t("stale_button"))
        return
    team_id, on, view = parsed
    try:
        await _insights(ctx).set_member_stats(team_id, ctx.user.user_id, on)
    except PermissionDenied as denied:
        await ctx.notify(_role_needed(ctx, denied))
        return
    toast = ctx.t("ins_members_on_done" if on else "ins_members_off_done")
    await _redraw(ctx, team_id, view, toast)


_REFUSED = {
    "not_yes": "ins_check_not_yes",
    "not_started": "ins_check_not_started",
}


async def on_mark(ctx: Ctx) -> None:
    """A name on the checklist: the payload says which mark to set, so a press MAX
    delivers twice sets the same mark twice."""
    args = ctx.extras["args"]
    if len(args) != 3 or not digits(args[0]) or not digits(args[1]) or args[2] not in {"0", "1"}:
        await ctx.notify(ctx.t("stale_button"))
        return
    occurrence_id, user_id, came = int(args[0]), int(args[1]), args[2] == "1"
    insights = _insights(ctx)
    try:
        checklist = await insights.mark(occurrence_id, ctx.user.user_id, user_id, came)
    except PermissionDenied as denied:
        await ctx.notify(_role_needed(ctx, denied))
        return
    except InsightsRefused as refused:
        await ctx.notify(ctx.t(_REFUSED.get(refused.reason, "stale_button")))
        return
    except NotFound:
        await ctx.notify(ctx.t("ins_check_gone"))
        return
    zone = ctx.user.timezone or checklist.timezone
    if checklist.team_id is not None:
        team = await ctx.services.people.team(checklist.team_id)
        zone = ctx.user.timezone or team.timezone
    body = checklist_body(
        checklist, ctx.services.signer, ctx.lang, ZoneInfo(zone), now=insights.clock()
    )
    name = next((r.name for r in checklist.rows if r.user_id == user_id), str(user_id))
    await ctx.answer_press(
        ctx.t("ins_check_came" if came else "ins_check_missed", name=name), message=body
    )
