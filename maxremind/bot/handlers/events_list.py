"""``/events`` (view, edit, cancel, export to .ics) and ``/who`` (roster, nudge)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from maxremind.bot.context import Ctx
from maxremind.bot.handlers.events_render import (
    ANSWER_MARK,
    event_card,
    when_text,
)
from maxremind.bot.handlers.people_common import show
from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    Event,
    EventKind,
    EventStatus,
    Occurrence,
)
from maxremind.maxapi.models import Button, NewMessageBody
from maxremind.services.agenda import NudgeOutcome, Upcoming
from maxremind.services.errors import PermissionDenied

MAX_LISTED = 10
NEXT_SHOWN = 5


def reader_zone(ctx: Ctx, event: Event) -> ZoneInfo:
    return ZoneInfo(ctx.user.timezone or event.timezone)


async def visible_event(ctx: Ctx, event_id: str) -> Event | None:
    """The event if this person may see it (invited, organizer or admin), else None."""
    return await ctx.services.agenda.visible_event(event_id, ctx.user.user_id)


async def managed_event(ctx: Ctx, event_id: str) -> Event | None:
    return await ctx.services.agenda.managed_event(event_id, ctx.user.user_id)


async def stale(ctx: Ctx) -> None:
    await ctx.notify(ctx.t("ev_gone"))


# --- /events ----------------------------------------------------------------------------------


async def list_events(ctx: Ctx) -> None:
    await render_events(ctx, 0)


async def events_page(ctx: Ctx) -> None:
    """ "Дальше"/"Назад" under /events: the same message shows another page."""
    (page,) = ctx.extras["args"]
    await render_events(ctx, int(page))


async def render_events(ctx: Ctx, page: int) -> None:
    """Events ahead that the person is invited to, organizes or manages (an owner sees
    what other organizers created), :data:`MAX_LISTED` a page; with several teams each
    line names its team."""
    agenda = ctx.services.agenda
    items = await agenda.upcoming(ctx.user.user_id, (EventKind.EVENT,), managed=True)
    if not items:
        await show(ctx, ctx.t("ev_list_empty"))
        return
    teams = {team.id: team.name for team in await ctx.teams()}
    pages = -(-len(items) // MAX_LISTED)
    page = min(max(page, 0), pages - 1)
    start = page * MAX_LISTED
    lines = [ctx.t("ev_list_header")]
    if pages > 1:
        lines[0] += " " + ctx.t("ev_list_page", page=page + 1, pages=pages)
    rows: list[list[Button]] = []
    for number, item in enumerate(items[start : start + MAX_LISTED], start + 1):
        line = list_line(ctx, number, item)
        if not item.mine:
            organizer = AudienceEntry(AudienceKind.MEMBER, item.event.organizer_id)
            (part,) = await agenda.audience_parts([organizer], ctx.user.user_id)
            if part.name:
                line += " · " + ctx.t("ev_list_by", name=part.name)
        if len(teams) > 1 and item.event.team_id in teams:
            line += " · " + ctx.t("team_line", team=teams[item.event.team_id])
        lines.append(line)
        rows.append(await item_buttons(ctx, number, item))
    nav = []
    if page > 0:
        nav.append(ctx.button(ctx.t("ev_list_prev"), "evp", page - 1))
    if page < pages - 1:
        nav.append(ctx.button(ctx.t("ev_list_next"), "evp", page + 1))
    rows.append(nav)
    await show(ctx, "\n".join(lines), rows)


def list_line(ctx: Ctx, number: int, item: Upcoming) -> str:
    event = item.event
    when = when_text(ctx, item.occurrence.starts_at, reader_zone(ctx, event))
    marks = []
    if item.invited and event.confirm_required:
        marks.append(ANSWER_MARK[item.answer])
    if item.mine:
        marks.append(ctx.t("ev_list_mine"))
    if event.status is EventStatus.FLAGGED:
        marks.append(ctx.t("ev_list_on_hold"))
    suffix = f" · {' '.join(marks)}" if marks else ""
    return f"{number}. {event.title} — {when}{suffix}"


async def item_buttons(ctx: Ctx, number: int, item: Upcoming) -> list[Button]:
    event = item.event
    row = [ctx.button(f"🔎 {number}. {event.title[:24]}", "evv", event.id)]
    if await ctx.services.agenda.can_manage(event, ctx.user.user_id):
        row += [ctx.button("✏️", "eve", event.id), ctx.button("✖️", "evc", event.id)]
    row.append(ctx.button("📅", "evx", event.id))
    return row


async def view(ctx: Ctx) -> None:
    (event_id,) = ctx.extras["args"]
    event = await visible_event(ctx, event_id)
    if event is None:
        await stale(ctx)
        return
    tz = reader_zone(ctx, event)
    agenda = ctx.services.agenda
    occurrences = await agenda.future_occurrences(event.id)
    lines = [await event_card(ctx, event, tz, occurrences)]
    if occurrences:
        lines.append(ctx.t("ev_next_header"))
        lines += [f"• {when_text(ctx, o.starts_at, tz)}" for o in occurrences[:NEXT_SHOWN]]
    rows: list[list[Button]] = []
    invited = await agenda.invited(event, ctx.user.user_id)
    if occurrences and invited and event.confirm_required:
        answer = await agenda.answer_of(occurrences[0].id, ctx.user.user_id)
        lines.append(ctx.t("ev_your_answer", mark=ANSWER_MARK[answer]))
        occurrence_id = occurrences[0].id
        rows.append(
            [
                ctx.button(ctx.t("button_yes"), "c", occurrence_id, "yes"),
                ctx.button(ctx.t("button_no"), "c", occurrence_id, "no"),
            ]
        )
    if await agenda.can_manage(event, ctx.user.user_id):
        rows.append(
            [
                ctx.button(ctx.t("ev_button_edit"), "eve", event.id),
                ctx.button(ctx.t("ev_button_cancel"), "evc", event.id),
            ]
        )
        rows.append([ctx.button(ctx.t("ev_button_who"), "who", event.id)])
        if event.confirm_required:
            rows.append([roster_switch(ctx, event)])
    elif invited and event.roster_visible and event.confirm_required:
        rows.append([ctx.button(ctx.t("roster_button_members"), "who", event.id)])
    rows.append([ctx.button(ctx.t("ev_button_export"), "evx", event.id)])
    await ctx.reply("\n".join(lines), rows)


def roster_switch(ctx: Ctx, event: Event) -> Button:
    """The organizer's switch: may those invited see who answered what?"""
    if event.roster_visible:
        return ctx.button(ctx.t("roster_button_hide"), "evr", event.id, 0)
    return ctx.button(ctx.t("roster_button_show"), "evr", event.id, 1)


async def roster_visibility(ctx: Ctx) -> None:
    """ "👥 Show the list to members" / "hide it" under an event's details."""
    event_id, visible = ctx.extras["args"]
    event = await managed_event(ctx, event_id)
    if event is None:
        await stale(ctx)
        return
    try:
        event = await ctx.services.events.set_roster_visible(
            event.id, visible == "1", actor_id=ctx.user.user_id
        )
    except PermissionDenied as exc:
        await ctx.say("role_needed", role=ctx.t(f"role_{exc.needed.value}"))
        return
    key = "roster_now_visible" if event.roster_visible else "roster_now_hidden"
    await ctx.notify(ctx.t(key))
    await ctx.say(key + "_long", [[roster_switch(ctx, event)]], title=event.title)


async def edit(ctx: Ctx) -> None:
    (event_id,) = ctx.extras["args"]
    event = await managed_event(ctx, event_id)
    if event is None or event.kind is not EventKind.EVENT:
        await stale(ctx)
        return
    from maxremind.bot.handlers.events_dialog import open_editor  # loads with its first use

    await open_editor(ctx, event)


async def cancel_ask(ctx: Ctx) -> None:
    (event_id,) = ctx.extras["args"]
    event = await managed_event(ctx, event_id)
    if event is None:
        await stale(ctx)
        return
    rows = [
        [
            ctx.button(ctx.t("ev_cancel_yes"), "evcy", event.id),
            ctx.button(ctx.t("ev_cancel_no"), "evcn", event.id),
        ]
    ]
    await ctx.say("ev_cancel_confirm", rows, title=event.title)


async def cancel_yes(ctx: Ctx) -> None:
    (event_id,) = ctx.extras["args"]
    event = await managed_event(ctx, event_id)
    if event is None:
        await stale(ctx)
        return
    try:
        cancellation = await ctx.services.events.cancel(event.id, actor_id=ctx.user.user_id)
    except PermissionDenied as exc:
        await ctx.say("role_needed", role=ctx.t(f"role_{exc.needed.value}"))
        return
    await ctx.notify(ctx.t("ev_cancelled_short"))
    await ctx.say("ev_cancelled", title=event.title)
    if cancellation.notified:
        await ctx.say("ev_cancel_notified", n=cancellation.notified)


async def cancel_no(ctx: Ctx) -> None:
    await ctx.notify(ctx.t("ev_cancel_kept"))


async def export(ctx: Ctx) -> None:
    (event_id,) = ctx.extras["args"]
    event = await visible_event(ctx, event_id)
    if event is None:
        await stale(ctx)
        return
    data = await ctx.services.agenda.ics(event)
    client = ctx.services.client
    attachment = await client.upload_file("file", "event.ics", data)
    body = NewMessageBody(text=ctx.t("ev_export_text", title=event.title), attachments=[attachment])
    # MAX may still be processing the file when the message goes out; the reply is
    # retried then (intake.outbox).
    await client.send_message(body, user_id=ctx.user.user_id)


# --- /who -----------------------------------------------------------------------------------


async def who(ctx: Ctx) -> None:
    # Events one runs, and those one is invited to whose organizer opened the roster.
    items = await ctx.services.agenda.rosters(ctx.user.user_id)
    if not items:
        await ctx.say("ev_who_none")
        return
    wanted = ctx.args.strip().lower()
    if wanted:
        matches = [i for i in items if wanted in i.event.title.lower()]
        if len(matches) == 1:
            await show_roster(ctx, matches[0].event, matches[0].occurrence)
            return
        if matches:
            items = matches
        else:
            await ctx.say("ev_who_not_found", query=ctx.args.strip())
    rows = [[ctx.button(who_label(ctx, item), "who", item.event.id)] for item in items[:MAX_LISTED]]
    await ctx.say("ev_who_pick", rows)


def who_label(ctx: Ctx, item: Upcoming) -> str:
    when = when_text(ctx, item.occurrence.starts_at, reader_zone(ctx, item.event))
    return f"{item.event.title[:30]} — {when}"


async def who_pressed(ctx: Ctx) -> None:
    (event_id,) = ctx.extras["args"]
    event = await ctx.services.agenda.roster_event(event_id, ctx.user.user_id)
    occurrence = await ctx.services.agenda.next_occurrence(event) if event else None
    if event is None or occurrence is None:
        await stale(ctx)
        return
    await show_roster(ctx, event, occurrence)


async def show_roster(ctx: Ctx, event: Event, occurrence: Occurrence) -> None:
    found = await ctx.services.agenda.roster(event, occurrence)
    nobody = ctx.t("nobody")
    when = when_text(ctx, occurrence.starts_at, reader_zone(ctx, event))
    lines = [ctx.t("ev_who_header", title=event.title, when=when)]
    lines.append(ctx.t("summary_yes", n=len(found.yes), names=", ".join(found.yes) or nobody))
    lines.append(ctx.t("summary_no", n=len(found.no), names=", ".join(found.no) or nobody))
    if found.maybe:
        lines.append(ctx.t("summary_maybe", n=len(found.maybe), names=", ".join(found.maybe)))
    silent = ", ".join(found.silent) or nobody
    lines.append(ctx.t("summary_none", n=len(found.silent), names=silent))
    if not event.confirm_required:
        lines.append(ctx.t("ev_who_no_confirm"))
    rows: list[list[Button]] = []
    manages = await ctx.services.agenda.can_manage(event, ctx.user.user_id)
    if found.silent and manages:  # a member may see the roster, not nudge
        rows.append([ctx.button(ctx.t("ev_button_nudge"), "nudge", event.id, occurrence.id)])
    await ctx.reply("\n".join(lines), rows)


async def nudge(ctx: Ctx) -> None:
    event_id, occurrence_id = ctx.extras["args"]
    nudged = await ctx.services.agenda.nudge(event_id, occurrence_id, ctx.user.user_id)
    if nudged.outcome == NudgeOutcome.STALE:
        await stale(ctx)
        return
    if nudged.outcome == NudgeOutcome.CANCELLED:
        await ctx.notify(ctx.t("press_event_cancelled"))
        return
    if nudged.outcome == NudgeOutcome.OVER:
        await ctx.notify(ctx.t("event_over"))
        return
    await ctx.notify(ctx.t("ev_nudged", n=nudged.queued))
    await ctx.say("ev_nudged", n=nudged.queued)
