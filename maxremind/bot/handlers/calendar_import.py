"""An .ics file sent to the bot in a private dialog is imported into the person's
current team (organizers and up), as an upload on the web page would be.

Downloading the file from MAX may take up to 30 s, so the handler only records the
request (with the update's other writes) and says it is on its way; the import loop
downloads and imports it outside the update's transaction and the result — what was
created, changed and left out, with a link to the import page, or why nothing was —
reaches the person through the outbox (:func:`result_messages`, wired in ``app.py``)."""

from __future__ import annotations

from collections.abc import Sequence

from maxremind.bot import texts_calendar_import as _texts  # noqa: F401 (registers texts)
from maxremind.bot.context import Ctx, split_text
from maxremind.bot.router import Router
from maxremind.domain.models import Role
from maxremind.i18n import t
from maxremind.maxapi.attachments import inline_keyboard, link_button
from maxremind.maxapi.models import Button, FileAttachment, NewMessageBody
from maxremind.services.calendar_import import ImportRefused, UploadDone
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
    web_url = ctx.services.web_url
    try:
        await service.request_upload(
            team.id,
            ctx.user.user_id,
            file.payload.url,
            language=ctx.lang,
            filename=file.filename or "",
            chat_id=ctx.chat_id,
            page_url=f"{web_url}/t/{team.id}/events/import" if web_url else None,
        )
    except PermissionDenied:
        await ctx.say("role_needed", role=t(f"role_{Role.ORGANIZER.value}", ctx.lang))
        return
    except ImportRefused as exc:
        await ctx.say("calimp_bot_refused", reason=reason_text(exc.reason, exc.detail, ctx.lang))
        return
    await ctx.say("calimp_bot_accepted", team=team.name)


def result_messages(done: UploadDone) -> list[NewMessageBody]:
    """What the person who sent a file is told once it is imported, or why it was not."""
    lang = done.upload.language
    buttons: list[list[Button]] = []
    if done.report is None:
        if done.reason == "forbidden":
            text = t("role_needed", lang, role=t(f"role_{Role.ORGANIZER.value}", lang))
        elif done.reason == "failed":
            text = t("calimp_bot_failed", lang, detail=done.detail)
        else:
            reason = reason_text(done.reason, done.detail, lang)
            text = t("calimp_bot_refused", lang, reason=reason)
        return _bodies(text, buttons)
    details = done.report.as_dict()
    lines = [t("calimp_bot_done", lang, team=done.team_name), summary_text(details, lang)]
    problems = [problem_text(p, lang) for p in details["problems"] + details["notes"]]
    lines += [f"• {line}" for line in problems[:SHOWN_PROBLEMS]]
    if done.upload.page_url:
        if len(problems) > SHOWN_PROBLEMS:
            lines.append(t("calimp_bot_more", lang, count=len(problems) - SHOWN_PROBLEMS))
        buttons = [[link_button(t("calimp_bot_page", lang), done.upload.page_url)]]
    return _bodies("\n".join(lines), buttons)


def _bodies(text: str, buttons: Sequence[Sequence[Button]]) -> list[NewMessageBody]:
    """As :meth:`Ctx.reply` sends it: long texts in parts, the buttons under the last."""
    parts = split_text(text)
    rows = [list(r) for r in buttons if r]
    return [
        NewMessageBody(
            text=part,
            attachments=[inline_keyboard(*rows)] if rows and i == len(parts) - 1 else None,
        )
        for i, part in enumerate(parts)
    ]


def register(router: Router) -> None:
    router.on_file(import_file)
