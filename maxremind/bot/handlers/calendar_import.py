"""An .ics file sent to the bot in a private dialog is imported into the person's
current team (organizers and up), as an upload on the web page would be; the reply
says what was created, changed and left out, with a link to the import page."""

from __future__ import annotations

from maxremind.bot import texts_calendar_import as _texts  # noqa: F401 (registers texts)
from maxremind.bot.context import Ctx
from maxremind.bot.router import Router
from maxremind.domain.models import Role
from maxremind.i18n import t
from maxremind.maxapi.models import FileAttachment
from maxremind.services.calendar_import import ImportRefused
from maxremind.services.errors import PermissionDenied
from maxremind.services.texts_calendar_import import problem_text, reason_text, summary_text

CALENDAR_SUFFIXES = (".ics", ".ical", ".icalendar", ".ifb")
SHOWN_PROBLEMS = 10


async def import_file(ctx: Ctx, file: FileAttachment) -> None:
    if not (file.filename or "").lower().endswith(CALENDAR_SUFFIXES) or not file.payload.url:
        await ctx.say("calimp_bot_not_ics")
        return
    service = ctx.services.calendar_import
    if service is None:
        await ctx.say("calimp_bot_unavailable")
        return
    team = await ctx.current_team()
    if team is None:
        await ctx.say("calimp_bot_no_team")
        return
    try:
        _, report = await service.upload_from(team.id, ctx.user.user_id, file.payload.url)
    except PermissionDenied:
        await ctx.say("role_needed", role=t(f"role_{Role.ORGANIZER.value}", ctx.lang))
        return
    except ImportRefused as exc:
        await ctx.say("calimp_bot_refused", reason=reason_text(exc.reason, exc.detail, ctx.lang))
        return
    details = report.as_dict()
    lines = [ctx.t("calimp_bot_done", team=team.name), summary_text(details, ctx.lang)]
    problems = [problem_text(p, ctx.lang) for p in details["problems"] + details["notes"]]
    lines += [f"• {line}" for line in problems[:SHOWN_PROBLEMS]]
    buttons = []
    web_url = ctx.services.web_url
    if web_url:
        if len(problems) > SHOWN_PROBLEMS:
            lines.append(ctx.t("calimp_bot_more", count=len(problems) - SHOWN_PROBLEMS))
        page = f"{web_url}/t/{team.id}/events/import"
        buttons = [[ctx.link(ctx.t("calimp_bot_page"), page)]]
    await ctx.reply("\n".join(lines), buttons)


def register(router: Router) -> None:
    router.on_file(import_file)
