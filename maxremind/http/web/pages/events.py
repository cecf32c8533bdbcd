"""The events pages: the list (search, filters, pages), the create / edit form with its
preview, the live head count, and cancelling one date or the whole series.

Who sees what is the services' rule: the list comes from ``overview.events`` (members
see only events they organize or are invited to); creating, editing and cancelling need
the organizer role in the team, and editing and cancelling also
``agenda.managed_event`` (the event's organizer or a team admin).  The single event page
(``/t/{team}/events/{id}``) lives in its own module.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from maxremind.domain.ids import digits
from maxremind.domain.models import Event, EventKind, EventStatus, NewEvent, ReminderSpec, Role
from maxremind.domain.timedescribe import describe_rrule
from maxremind.domain.timefmt import format_offset
from maxremind.http.web import texts_events as _texts  # noqa: F401  (registers the texts)
from maxremind.http.web.pages.events_form import (
    ENDS,
    REPEATS,
    Choices,
    EventForm,
    audience_of,
    blank_form,
    form_of,
    parse_version,
    read_form,
    rejected_field,
    selected,
    to_spec,
    weekday_names,
    zone_options,
)
from maxremind.http.web.visit import Visit, WebError, route
from maxremind.services.errors import EditConflict, EventRejected
from maxremind.services.overview import EventFilters, Preview

PER_PAGE = 25
PREVIEW_DATES = 5
STATUSES = ("active", "cancelled", "flagged", "all")
KINDS = tuple(kind.value for kind in EventKind)


def _base(visit: Visit) -> str:
    return f"/t/{visit.team_id}/events"


# --- the list --------------------------------------------------------------------------------


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


@route("/t/{team_id:int}/events")
async def events_list(visit: Visit) -> Response:
    """The team's events the viewer may see, with search, filters and pages."""
    query = visit.request.query_params
    text = query.get("q", "").strip()[:200]
    kind = query.get("kind", "")
    status = query.get("status", "active")
    day_from, day_to = _day(query.get("from", "")), _day(query.get("to", ""))
    mine = query.get("mine", "") in ("1", "on")
    raw_page = query.get("page", "1")
    page = int(raw_page) if digits(raw_page) and len(raw_page) < 7 else 1
    assert visit.team is not None
    zone = ZoneInfo(visit.team.timezone)

    def at_midnight(day: date) -> datetime:
        return datetime.combine(day, time(), zone)

    filters = EventFilters(
        text=text or None,
        kind=EventKind(kind) if kind in KINDS else None,
        status=None if status == "all" else EventStatus(status) if status in STATUSES else None,
        starts_from=at_midnight(day_from) if day_from else None,
        starts_to=at_midnight(day_to + timedelta(days=1)) if day_to else None,
        organizer_id=visit.user.user_id if mine else None,
    )
    found = await visit.services.overview.events(
        visit.user.user_id, visit.team_id, filters, page=page, per_page=PER_PAGE
    )
    kept = {
        "q": text,
        "kind": kind if kind in KINDS else "",
        "status": status if status in STATUSES else "active",
        "from": day_from.isoformat() if day_from else "",
        "to": day_to.isoformat() if day_to else "",
        "mine": "1" if mine else "",
    }

    def page_url(number: int) -> str:
        params = {k: v for k, v in kept.items() if v} | {"page": str(number)}
        return f"{_base(visit)}?{urlencode(params)}"

    return await visit.render(
        "events/list.html",
        rows=found.items,
        found=found,
        filters=kept,
        kinds=KINDS,
        statuses=STATUSES,
        prev_url=page_url(found.page - 1) if found.page > 1 else "",
        next_url=page_url(found.page + 1) if found.page < found.pages else "",
        repeat_text=lambda rrule: _repeat_text(visit, rrule),
        may_create=visit.at_least(Role.ORGANIZER),
    )


def _repeat_text(visit: Visit, rrule: str | None) -> str:
    if not rrule:
        return visit.t("web_events_once")
    return describe_rrule(rrule, visit.lang.value)


# --- the form --------------------------------------------------------------------------------


async def _choices(visit: Visit) -> Choices:
    team_id = visit.team_id
    people = visit.services.people
    chats = await visit.services.chats.team_chats(team_id)
    return Choices(
        groups=[(g.id, g.name) for g in await people.groups(team_id)],
        tags=[(t.id, t.name) for t in await people.tags(team_id)],
        people=[(m.user_id, m.name) for m in await people.members(team_id)],
        chats=[(c.chat_id, c.title or str(c.chat_id)) for c in chats if c.active],
    )


async def _headcount(visit: Visit, form: EventForm, choices: Choices) -> Preview:
    """How many the picked audience reaches, by the same rule the planner uses."""
    assert visit.team is not None
    audience, _ = audience_of(form, choices)
    zone = ZoneInfo(visit.team.timezone)
    spec = NewEvent(
        team_id=visit.team_id,
        organizer_id=visit.user.user_id,
        title="-",
        start_local=datetime.now(zone).replace(tzinfo=None, microsecond=0),
        timezone=visit.team.timezone,
        audience=audience,
    )
    return await visit.services.overview.preview(spec, count=0)


def _headcount_values(visit: Visit, counted: Preview) -> dict[str, str]:
    chats = visit.t("web_events_f_headcount_chats", n=counted.chats) if counted.chats else ""
    unreachable = ""
    if counted.unreachable:
        unreachable = visit.t("web_events_f_headcount_unreachable", n=counted.unreachable)
    return {
        "headcount": visit.t("web_events_f_headcount", people=counted.people, chats=chats),
        "unreachable": unreachable,
    }


async def _render_form(
    visit: Visit,
    form: EventForm,
    choices: Choices,
    *,
    event: Event | None = None,
    status: int = 200,
    preview: Preview | None = None,
    conflict: str = "",
) -> Response:
    counted = await _headcount(visit, form, choices)
    base = _base(visit)
    dates = []
    if event is not None:
        dates = (await visit.services.agenda.future_occurrences(event.id))[:10]
    return await visit.render(
        "events/form.html",
        status=status,
        form=form,
        choices=choices,
        event=event,
        action=f"{base}/{event.id}/edit" if event else f"{base}/new",
        zones=zone_options(visit.lang, form.timezone),
        weekdays=weekday_names(visit.lang),
        repeats=REPEATS,
        ends=ENDS,
        selected=selected,
        headcount=_headcount_values(visit, counted),
        preview=preview,
        offset_text=lambda offset: (
            visit.t("web_events_preview_at_start")
            if not offset
            else format_offset(offset, visit.lang.value)
        ),
        conflict=conflict,
        dates=dates,
        base=base,
    )


@route("/t/{team_id:int}/events/new", role=Role.ORGANIZER)
async def new_event(visit: Visit) -> Response:
    """An empty form: tomorrow 10:00 in the team's zone, for the whole team."""
    assert visit.team is not None
    today = datetime.now(ZoneInfo(visit.team.timezone)).date()
    form = blank_form(visit.team, today, visit.lang)
    return await _render_form(visit, form, await _choices(visit))


@route("/t/{team_id:int}/events/new", methods=("POST",), role=Role.ORGANIZER)
async def create_event(visit: Visit) -> Response:
    """Save a new event, or show its preview ("Preview" button) without saving."""
    data = await visit.form()
    form = read_form(data)
    form.version = ""
    choices = await _choices(visit)
    spec = to_spec(
        form,
        team_id=visit.team_id,
        organizer_id=visit.user.user_id,
        choices=choices,
        lang=visit.lang,
    )
    if data.get("action") == "count":  # "Recount" without JavaScript: nothing checked yet
        form.errors.clear()
        return await _render_form(visit, form, choices)
    if spec is None:
        return await _render_form(visit, form, choices, status=400)
    if data.get("action") == "preview":
        return await _preview(visit, form, choices, spec)
    try:
        event = await visit.services.events.create(spec)
    except EventRejected as exc:
        rejected_field(form, exc.reason, visit.lang)
        return await _render_form(visit, form, choices, status=400)
    return visit.redirect(f"{_base(visit)}/{event.id}")


async def _preview(
    visit: Visit,
    form: EventForm,
    choices: Choices,
    spec: NewEvent,
    *,
    event: Event | None = None,
) -> Response:
    """The form again with the next dates and when each reminder reaches whom; what the
    service would refuse on saving is shown next to its field already."""
    preview = None
    try:
        preview = await visit.services.overview.preview(spec, count=PREVIEW_DATES)
        await visit.services.events.validate(spec)
    except EventRejected as exc:
        rejected_field(form, exc.reason, visit.lang)
    status = 400 if form.errors else 200
    return await _render_form(visit, form, choices, event=event, status=status, preview=preview)


async def _managed(visit: Visit) -> Event:
    """The event of the path if the viewer may change it: 404 when they may not even see
    it (or it is another team's), 403 when they see it but may not manage it."""
    agenda = visit.services.agenda
    event_id = int(visit.request.path_params["event_id"])
    event = await agenda.event(event_id)
    if event is None or event.team_id != visit.team_id:
        raise WebError(404, "web_not_found")
    if await agenda.managed_event(event_id, visit.user.user_id) is not None:
        return event
    if await agenda.visible_event(event_id, visit.user.user_id) is not None:
        raise WebError(403, "web_forbidden")
    if event.status is not EventStatus.ACTIVE and await agenda.can_manage(
        event, visit.user.user_id
    ):
        raise WebError(409, "web_events_not_active")
    raise WebError(404, "web_not_found")


def _editable(event: Event) -> Event:
    if event.kind is EventKind.ANNOUNCEMENT:  # already sent; nothing to edit
        raise WebError(404, "web_not_found")
    return event


@route("/t/{team_id:int}/events/{event_id:int}/edit", role=Role.ORGANIZER)
async def edit_event(visit: Visit) -> Response:
    """The form filled with the event; it carries the version it was opened at."""
    event = _editable(await _managed(visit))
    source = await visit.services.calendar_import.source_of(event.id)
    if source is not None:  # its calendar owns it: a change here would be undone
        raise WebError(409, "web_event_from_calendar", name=source.name)
    form = form_of(event, visit.lang)
    return await _render_form(visit, form, await _choices(visit), event=event)


@route("/t/{team_id:int}/events/{event_id:int}/edit", methods=("POST",), role=Role.ORGANIZER)
async def update_event(visit: Visit) -> Response:
    """Save the edit unless someone changed the event since the form was opened (409)."""
    event = _editable(await _managed(visit))
    data = await visit.form()
    form = read_form(data)
    choices = await _choices(visit)
    spec = to_spec(
        form,
        team_id=visit.team_id,
        organizer_id=event.organizer_id,
        choices=choices,
        lang=visit.lang,
        exdates=event.exdates,
        kind=event.kind,
    )
    if data.get("action") == "count":
        form.errors.clear()
        return await _render_form(visit, form, choices, event=event)
    if spec is None:
        return await _render_form(visit, form, choices, event=event, status=400)
    # Reminders at a fixed time (the form edits offsets only) are kept as they were.
    fixed = tuple(
        ReminderSpec(at=r.at, target=r.target) for r in event.reminders if r.at is not None
    )
    spec = replace(spec, reminders=spec.reminders + fixed)
    if data.get("action") == "preview":
        return await _preview(visit, form, choices, spec, event=event)
    try:
        saved = await visit.services.events.update(
            event.id,
            spec,
            actor_id=visit.user.user_id,
            expected_updated_at=parse_version(form.version) or event.updated_at,
        )
    except EditConflict as exc:
        assert visit.team is not None
        when = exc.event.updated_at.astimezone(ZoneInfo(visit.team.timezone))
        message = visit.t("web_events_conflict", when=when.strftime("%d.%m.%Y %H:%M:%S"))
        return await _render_form(
            visit, form, choices, event=exc.event, status=409, conflict=message
        )
    except EventRejected as exc:
        rejected_field(form, exc.reason, visit.lang)
        return await _render_form(visit, form, choices, event=event, status=400)
    return visit.redirect(f"{_base(visit)}/{saved.id}")


@route("/t/{team_id:int}/events/headcount", methods=("POST",), role=Role.ORGANIZER)
async def headcount(visit: Visit) -> Response:
    """The head count of the audience picked in a form (app.js posts the form here)."""
    form = read_form(await visit.form())
    counted = await _headcount(visit, form, await _choices(visit))
    values: dict[str, Any] = {
        **_headcount_values(visit, counted),
        "people": counted.people,
        "chats": counted.chats,
        "unreachable_count": counted.unreachable,
    }
    return JSONResponse({"values": values})


# --- cancelling ------------------------------------------------------------------------------


def _back(visit: Visit, target: object, event_id: int) -> str:
    """Where to go after cancelling: a page of this team the form names, else the event."""
    own = f"/t/{visit.team_id}/"
    if isinstance(target, str) and target.startswith(own) and "//" not in target:
        return target
    return f"{_base(visit)}/{event_id}"


@route("/t/{team_id:int}/events/{event_id:int}/cancel", methods=("POST",), role=Role.ORGANIZER)
async def cancel_series(visit: Visit) -> Response:
    """Cancel every date ahead; those already reminded are told."""
    event = await _managed(visit)
    await visit.services.events.cancel(event.id, actor_id=visit.user.user_id)
    return visit.redirect(_back(visit, (await visit.form()).get("next"), event.id))


@route(
    "/t/{team_id:int}/events/{event_id:int}/occurrences/{occurrence_id:int}/cancel",
    methods=("POST",),
    role=Role.ORGANIZER,
)
async def cancel_date(visit: Visit) -> Response:
    """Cancel one date; the others stay (a one-off event is cancelled)."""
    event = await _managed(visit)
    occurrence_id = int(visit.request.path_params["occurrence_id"])
    try:
        await visit.services.events.cancel_occurrence(
            event.id, occurrence_id, actor_id=visit.user.user_id
        )
    except EventRejected:
        raise WebError(409, "web_events_date_over") from None
    return visit.redirect(_back(visit, (await visit.form()).get("next"), event.id))


ROUTES: list[Route] = [
    events_list,
    new_event,
    create_event,
    headcount,
    edit_event,
    update_event,
    cancel_series,
    cancel_date,
]

__all__ = ["ROUTES"]
