"""Announcements under ``/t/<team>/announcements`` (organizers and up).

An announcement is an event of kind ``announcement``, made by the event service like the
bot's ``/notify``: the first line of the text is its title, the rest its description; it
goes to the audience now, or once at a time set in the team's zone.  The compose form
shows what MAX will show (MAX markdown rendered here, on the server: a "Preview" button
without JavaScript, live as one types with ``announce.js``); each announcement's page
shows its delivery progress, refreshed by ``app.js`` from a small JSON route.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from maxremind.domain.clock import utcnow
from maxremind.domain.ids import digits
from maxremind.domain.markdown import render_markdown
from maxremind.domain.models import AudienceKind, EventKind, EventStatus, Language, NewEvent, Role
from maxremind.http.web import texts_announce as _texts  # noqa: F401  (registers the texts)
from maxremind.http.web.pages.events_form import Choices, EventForm, audience_of
from maxremind.http.web.visit import Visit, WebError, route
from maxremind.i18n import t
from maxremind.maxapi.messages import MAX_TEXT_LENGTH
from maxremind.services.errors import EventRejected
from maxremind.services.events import MAX_TITLE
from maxremind.services.overview import Counts, EventDetail, EventFilters, EventRow

BASE = "/t/{team_id:int}/announcements"
PER_PAGE = 10
MAX_SCHEDULED_SHOWN = 200
MAX_AHEAD = timedelta(days=366)
MAX_PICKED = 5000
DONE = {
    "sent": "web_announce_done_sent",
    "scheduled": "web_announce_done_scheduled",
    "cancelled": "web_announce_done_cancelled",
}
_REJECTED = {
    "empty_title": ("text", "web_announce_err_text"),
    "too_long": ("text", "web_announce_err_too_long"),
    "in_the_past": ("date", "web_announce_err_past"),
    "empty_audience": ("audience", "web_announce_err_empty_audience"),
    "audience_gone": ("audience", "web_announce_err_audience_gone"),
}


# --- the form --------------------------------------------------------------------------------


@dataclass
class AnnounceForm:
    """The fields as typed."""

    text: str = ""
    when: str = "now"  # "now" or "later"
    date: str = ""
    time: str = ""
    audience_team: bool = True
    groups: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    chats: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def picked(self) -> EventForm:
        """The audience part as the event form holds it (one audience model)."""
        return EventForm(
            audience_team=self.audience_team,
            groups=self.groups,
            tags=self.tags,
            people=self.people,
            chats=self.chats,
        )


def read_form(data: FormData) -> AnnounceForm:
    def text(name: str, limit: int) -> str:
        value = data.get(name, "")
        return value[:limit] if isinstance(value, str) else ""

    def many(name: str) -> list[str]:
        found = [v.strip() for v in data.getlist(name) if isinstance(v, str) and v.strip()]
        return found[:MAX_PICKED]

    return AnnounceForm(
        text=text("text", MAX_TEXT_LENGTH * 3).replace("\r\n", "\n").strip(),
        when="later" if text("when", 10) == "later" else "now",
        date=text("date", 40).strip(),
        time=text("time", 40).strip(),
        audience_team=text("audience_team", 10) in ("1", "on", "true"),
        groups=many("groups"),
        tags=many("tags"),
        people=many("people"),
        chats=many("chats"),
    )


def split_text(text: str) -> tuple[str, str]:
    """(title, description): the first line is the title (as ``/notify``)."""
    first, _, rest = text.strip().partition("\n")
    return first.strip(), rest.strip()


def message_text(text: str, lang: Language) -> str:
    """The text as MAX shows it: the title line with its mark, then the rest."""
    title, description = split_text(text)
    head = t("announcement_title", lang, title=title)
    return head + ("\n" + description if description else "")


def preview_html(text: str, lang: Language) -> str:
    return render_markdown(message_text(text, lang)) if text.strip() else ""


@dataclass(frozen=True)
class Checked:
    spec: NewEvent
    scheduled: bool


def check(form: AnnounceForm, visit: Visit, choices: Choices, now: datetime) -> Checked | None:
    """The announcement the form describes, or None with ``form.errors`` set."""
    assert visit.team is not None
    zone = ZoneInfo(visit.team.timezone)
    title, description = split_text(form.text)
    if not title:
        form.error("text", visit.t("web_announce_err_text"))
    elif len(title) > MAX_TITLE:
        form.error("text", visit.t("web_announce_err_title", limit=MAX_TITLE))
    else:
        length = len(message_text(form.text, visit.lang))
        if length > MAX_TEXT_LENGTH:
            form.error(
                "text", visit.t("web_announce_err_too_long", n=length, limit=MAX_TEXT_LENGTH)
            )
    audience, unknown = audience_of(form.picked(), choices)
    if unknown:
        form.error("audience", visit.t("web_announce_err_audience_gone"))
    elif not audience:
        form.error("audience", visit.t("web_announce_err_audience"))
    start = now.astimezone(zone).replace(tzinfo=None, microsecond=0)
    if form.when == "later":
        day = _date(form.date)
        clock = _time(form.time)
        if day is None:
            form.error("date", visit.t("web_announce_err_date"))
        if clock is None:
            form.error("time", visit.t("web_announce_err_time"))
        if day is not None and clock is not None:
            start = datetime.combine(day, clock)
            if start <= now.astimezone(zone).replace(tzinfo=None):
                form.error("date", visit.t("web_announce_err_past"))
            elif start - now.astimezone(zone).replace(tzinfo=None) > MAX_AHEAD:
                form.error("date", visit.t("web_announce_err_far"))
    if form.errors:
        return None
    spec = NewEvent(
        team_id=visit.team_id,
        organizer_id=visit.user.user_id,
        title=title,
        description=description,
        start_local=start,
        timezone=visit.team.timezone,
        kind=EventKind.ANNOUNCEMENT,
        audience=audience,
    )
    return Checked(spec, scheduled=form.when == "later")


def rejected(form: AnnounceForm, visit: Visit, exc: EventRejected) -> None:
    """The event service's refusal next to the field it is about."""
    name, key = _REJECTED.get(exc.reason, ("form", "web_announce_err_other"))
    if exc.reason == "too_long":
        length = len(message_text(form.text, visit.lang))
        form.error(name, visit.t(key, n=length, limit=MAX_TEXT_LENGTH))
    elif name == "form":
        form.error(name, visit.t(key, reason=exc.reason))
    else:
        form.error(name, visit.t(key))


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _time(text: str) -> time | None:
    try:
        return time.fromisoformat(text).replace(second=0, microsecond=0) if text else None
    except ValueError:
        return None


# --- progress ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """One announcement's delivery: to how many, how many went out, what is left."""

    state: str  # scheduled, sending, done, cancelled
    total: int
    sent: int
    waiting: int
    failed: int
    skipped: int

    @property
    def percent(self) -> int:
        finished = self.sent + self.failed + self.skipped
        return 100 if self.total == 0 else min(100, round(100 * finished / self.total))

    def values(self, visit: Visit) -> dict[str, object]:
        return {
            "state": visit.t(f"web_announce_state_{self.state}"),
            "total": self.total,
            "sent": self.sent,
            "waiting": self.waiting,
            "failed": self.failed,
            "skipped": self.skipped,
            "percent": self.percent,
            "percent_text": visit.t("web_announce_progress_label", percent=self.percent),
            "delivered": visit.t("web_announce_delivered", sent=self.sent, total=self.total),
        }


def progress_of(
    counts: Counts | None, audience: int, *, starts_at: datetime | None, cancelled: bool
) -> Progress:
    c = counts
    made = 0 if c is None else c.pending + c.sent + c.failed + c.unreachable + c.skipped
    total = max(made, audience)
    sent = 0 if c is None else c.sent
    failed = 0 if c is None else c.failed + c.unreachable
    skipped = 0 if c is None else c.skipped
    waiting = max(0, total - sent - failed - skipped)
    if cancelled:
        state = "cancelled"
    elif starts_at is not None and starts_at > utcnow() and made == 0:
        state = "scheduled"
    elif waiting > 0:
        state = "sending"
    else:
        state = "done"
    return Progress(state, total, sent, waiting, failed, skipped)


def _detail_progress(detail: EventDetail) -> Progress:
    occurrence = detail.occurrence
    return progress_of(
        detail.counts,
        detail.audience,
        starts_at=None if occurrence is None else occurrence.starts_at,
        cancelled=detail.event.status is EventStatus.CANCELLED,
    )


async def _announcement(visit: Visit) -> EventDetail:
    """The announcement in the path, if the viewer manages it. :raises WebError: 404"""
    event_id: int = visit.request.path_params["announcement_id"]
    detail = await visit.services.overview.event_detail(visit.user.user_id, event_id, per_page=1)
    if (
        detail is None
        or not detail.can_manage
        or detail.event.kind is not EventKind.ANNOUNCEMENT
        or detail.event.team_id != visit.team_id
    ):
        raise WebError(404, "web_not_found")
    return detail


# --- helpers ---------------------------------------------------------------------------------


def _base(visit: Visit) -> str:
    return f"/t/{visit.team_id}/announcements"


async def _choices(visit: Visit) -> Choices:
    team_id = visit.team_id
    people = visit.services.people
    chats = await visit.services.chats.team_chats(team_id)
    return Choices(
        groups=[(g.id, g.name) for g in await people.groups(team_id)],
        tags=[(tg.id, tg.name) for tg in await people.tags(team_id)],
        people=[(m.user_id, m.name) for m in await people.members(team_id)],
        chats=[(c.chat_id, c.title or str(c.chat_id)) for c in chats if c.active],
    )


def _blank(visit: Visit) -> AnnounceForm:
    assert visit.team is not None
    local = utcnow().astimezone(ZoneInfo(visit.team.timezone))
    soon = (local + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    return AnnounceForm(date=soon.date().isoformat(), time=soon.strftime("%H:%M"))


@dataclass(frozen=True)
class Listed:
    row: EventRow
    progress: Progress | None  # None: the viewer does not manage it


async def _listed(visit: Visit, rows: tuple[EventRow, ...]) -> list[Listed]:
    found = []
    for row in rows:
        progress = None
        if row.can_manage:
            detail = await visit.services.overview.event_detail(
                visit.user.user_id, row.event.id, per_page=1
            )
            if detail is not None:
                progress = _detail_progress(detail)
        found.append(Listed(row, progress))
    return found


async def _lists(visit: Visit, page: int) -> dict[str, Any]:
    """Scheduled announcements (soonest first), then the sent ones, newest first, paged.

    The events list orders those with a date ahead first (soonest first), then the rest
    oldest first; the sent ones are its tail, read from the end."""
    overview = visit.services.overview
    user_id, team_id = visit.user.user_id, visit.team_id
    every = EventFilters(kind=EventKind.ANNOUNCEMENT, status=None)
    ahead = EventFilters(kind=EventKind.ANNOUNCEMENT, status=None, starts_from=utcnow())
    scheduled = await overview.events(user_id, team_id, ahead, per_page=MAX_SCHEDULED_SHOWN)
    total = (await overview.events(user_id, team_id, every, per_page=1)).total
    first_sent = scheduled.total
    count = max(0, total - first_sent)
    pages = max(1, -(-count // PER_PAGE))
    page = min(max(1, page), pages)
    end = total - (page - 1) * PER_PAGE
    start = max(first_sent, end - PER_PAGE)
    rows: list[EventRow] = []
    if end > start:
        for number in sorted({start // PER_PAGE + 1, (end - 1) // PER_PAGE + 1}):
            got = await overview.events(user_id, team_id, every, page=number, per_page=PER_PAGE)
            offset = (number - 1) * PER_PAGE
            rows += [r for i, r in enumerate(got.items, offset) if start <= i < end]
    rows.reverse()
    return {
        "scheduled": await _listed(visit, scheduled.items),
        "sent": await _listed(visit, tuple(r for r in rows if r.event.next_occurrence_id is None)),
        "page": page,
        "pages": pages,
    }


async def _render_compose(
    visit: Visit, form: AnnounceForm, *, status: int = 200, preview: str | None = None
) -> Response:
    assert visit.team is not None
    params = visit.request.query_params
    page = int(params["page"]) if digits(params.get("page", "")) else 1
    key = DONE.get(params.get("done", ""))
    return await visit.render(
        "announcements/index.html",
        status=status,
        form=form,
        choices=await _choices(visit),
        preview=preview_html(form.text, visit.lang) if preview is None else preview,
        limit=MAX_TEXT_LENGTH,
        length=len(message_text(form.text, visit.lang)) if form.text else 0,
        base=_base(visit),
        done=visit.t(key) if key else "",
        selected=_selected,
        **(await _lists(visit, page)),
    )


def _selected(values: list[str], ident: int) -> bool:
    return str(ident) in values


# --- routes ----------------------------------------------------------------------------------


@route(BASE, role=Role.ORGANIZER)
async def announcements_page(visit: Visit) -> Response:
    """The compose form, the scheduled announcements and the sent ones with counts."""
    return await _render_compose(visit, _blank(visit))


@route(BASE, methods=("POST",), role=Role.ORGANIZER)
async def announce(visit: Visit) -> Response:
    """Preview (``action=preview``) or send / schedule the announcement."""
    data = await visit.form()
    form = read_form(data)
    if data.get("action") == "preview":
        return await _render_compose(visit, form)
    checked = check(form, visit, await _choices(visit), utcnow())
    if checked is None:
        return await _render_compose(visit, form, status=400)
    try:
        event = await visit.services.events.create(checked.spec, scheduled=checked.scheduled)
    except EventRejected as exc:
        rejected(form, visit, exc)
        return await _render_compose(visit, form, status=400)
    done = "scheduled" if checked.scheduled else "sent"
    return visit.redirect(f"{_base(visit)}/{event.id}?done={done}")


@route(BASE + "/preview", methods=("POST",), role=Role.ORGANIZER)
async def preview(visit: Visit) -> Response:
    """The live preview of ``announce.js``: ``{"text"}`` in, the HTML and length out."""
    body = await visit.json_body()
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str):
        raise WebError(400, "web_bad_json")
    text = text[: MAX_TEXT_LENGTH * 3].replace("\r\n", "\n").strip()
    length = len(message_text(text, visit.lang)) if text else 0
    return JSONResponse(
        {
            "html": preview_html(text, visit.lang),
            "length": length,
            "limit": MAX_TEXT_LENGTH,
            "length_text": visit.t("web_announce_length", n=length, limit=MAX_TEXT_LENGTH),
        },
        headers={"cache-control": "no-store"},
    )


@route(BASE + "/{announcement_id:int}", role=Role.ORGANIZER)
async def announcement_page(visit: Visit) -> Response:
    """One announcement: its text as MAX shows it, to whom, and its delivery progress."""
    detail = await _announcement(visit)
    event = detail.event
    parts = await visit.services.agenda.audience_parts(event.audience, visit.user.user_id)
    words = []
    for part in parts:
        if part.kind is AudienceKind.TEAM:
            words.append(visit.t("web_announce_aud_team"))
        elif part.is_viewer:
            words.append(visit.t("web_announce_aud_you"))
        elif part.name is None:
            words.append(visit.t("web_announce_aud_gone"))
        else:
            words.append(visit.t(f"web_announce_aud_{part.kind.value}", name=part.name))
    progress = _detail_progress(detail)
    text = event.title + ("\n" + event.description if event.description else "")
    key = DONE.get(visit.request.query_params.get("done", ""))
    return await visit.render(
        "announcements/one.html",
        event=event,
        occurrence=detail.occurrence,
        audience=", ".join(words),
        progress=progress,
        values=progress.values(visit),
        preview=preview_html(text, visit.lang),
        base=_base(visit),
        done=visit.t(key) if key else "",
        cancellable=progress.state == "scheduled",
        ledger_url=f"/t/{visit.team_id}/events/{event.id}",
    )


@route(BASE + "/{announcement_id:int}/progress", role=Role.ORGANIZER)
async def progress(visit: Visit) -> Response:
    """The delivery counts for live polling: ``{"values": {...}}``."""
    detail = await _announcement(visit)
    values = _detail_progress(detail).values(visit)
    return JSONResponse({"values": values}, headers={"cache-control": "no-store"})


@route(BASE + "/{announcement_id:int}/cancel", methods=("POST",), role=Role.ORGANIZER)
async def cancel(visit: Visit) -> Response:
    """Cancel a scheduled announcement before it goes out."""
    detail = await _announcement(visit)
    if _detail_progress(detail).state != "scheduled":
        raise WebError(409, "web_announce_not_cancellable")
    await visit.services.events.cancel(detail.event.id, actor_id=visit.user.user_id)
    return visit.redirect(f"{_base(visit)}/{detail.event.id}?done=cancelled")


ROUTES: list[Route] = [announcements_page, announce, preview, announcement_page, progress, cancel]
