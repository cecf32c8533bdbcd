"""Importing calendars at ``/t/<team>/events/import``: upload an .ics file, subscribe the
team (or a group) to a calendar's address, and see each source's state — when it was
last fetched, what the last import did, what it left out and why, the error of a feed
that failed (its last good state stays) — with "refresh now" and "remove".

Organizers and up; the rules (who may, which group, what a feed owns) are
:class:`~maxremind.services.calendar_import.CalendarImport`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import UploadFile
from starlette.responses import Response
from starlette.routing import Route

from maxremind.calendar.importer import MAX_BYTES
from maxremind.domain.calendar_sources import CalendarSource, SourceKind
from maxremind.domain.ids import INT64_MAX, digits, parse_id
from maxremind.domain.models import Group, Role
from maxremind.http.web import texts_calendar_import as _texts  # noqa: F401 (registers texts)
from maxremind.http.web.visit import Visit, WebError, route
from maxremind.services.calendar_import import (
    MAX_REFRESH_MINUTES,
    MIN_REFRESH_MINUTES,
    ImportRefused,
)
from maxremind.services.errors import NotFound
from maxremind.services.texts_calendar_import import problem_text, reason_text, summary_text

BASE = "/t/{team_id:int}/events/import"
SOURCE = BASE + "/{source_id:int}"
# The file rides in a multipart form: room for the form around it.
MAX_UPLOAD_BODY = MAX_BYTES + 64 * 1024


@dataclass(frozen=True)
class SourceRow:
    source: CalendarSource
    group: Group | None
    host: str
    error: str
    summary: str
    problems: list[str]
    notes: list[str]


def _row(visit: Visit, source: CalendarSource, groups: dict[int, Group]) -> SourceRow:
    report: dict[str, Any] = source.last_report or {}
    error = ""
    if source.last_error:
        error = reason_text(source.last_error, source.last_error_detail or "", visit.lang)
    return SourceRow(
        source=source,
        group=groups.get(source.group_id) if source.group_id else None,
        host=_shown(source.url),
        error=error,
        summary=summary_text(report, visit.lang) if report else "",
        problems=[problem_text(p, visit.lang) for p in report.get("problems", [])],
        notes=[problem_text(p, visit.lang) for p in report.get("notes", [])],
    )


def _shown(url: str | None) -> str:
    """A feed's address as the page shows it: host and path, never the query (private
    calendar addresses carry their secret there)."""
    if not url:
        return ""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path if len(parts.path) <= 40 else parts.path[:39] + "…"
    return f"{parts.hostname}{path}" + ("?…" if parts.query else "")


async def _page(
    visit: Visit,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    team_id = visit.team_id
    service = visit.services.calendar_import
    groups = {g.id: g for g in await visit.services.people.groups(team_id)}
    sources = await service.sources(team_id, visit.user.user_id)
    done = visit.request.query_params.get("done", "")
    known_done = {"upload", "subscribe", "refresh", "removed"}
    return await visit.render(
        "calendar_import/index.html",
        status=status,
        rows=[_row(visit, s, groups) for s in sources],
        groups=list(groups.values()),
        errors=errors or {},
        values=values or {"refresh": str(service.refresh_minutes)},
        done=visit.t(f"web_calimp_done_{done}") if done in known_done else "",
        min_refresh=MIN_REFRESH_MINUTES,
        max_refresh=MAX_REFRESH_MINUTES,
        SourceKind=SourceKind,
    )


def _group_id(raw: object) -> int | None:
    text = raw if isinstance(raw, str) else ""
    if not text:
        return None
    found = parse_id(text)
    if found is None:
        raise ValueError(text)
    return found


@route(BASE, role=Role.ORGANIZER)
async def import_page(visit: Visit) -> Response:
    """The team's calendar sources, and the forms to add one."""
    return await _page(visit)


@route(BASE + "/upload", methods=("POST",), role=Role.ORGANIZER, max_body=MAX_UPLOAD_BODY)
async def upload(visit: Visit) -> Response:
    form = await visit.form()
    values = {"group": str(form.get("group", "") or ""), "alarms": str(form.get("alarms", ""))}
    file = form.get("file")
    data = await file.read(MAX_BYTES + 1) if isinstance(file, UploadFile) else b""
    if not data:
        return await _page(visit, status=400, errors={"file": visit.t("web_calimp_err_file")})
    try:
        group_id = _group_id(values["group"])
        await visit.services.calendar_import.upload(
            visit.team_id,
            visit.user.user_id,
            data,
            group_id,
            use_alarms=bool(values["alarms"]),
        )
    except (ValueError, NotFound) as exc:
        if isinstance(exc, ImportRefused):
            message = reason_text(exc.reason, exc.detail, visit.lang)
            return await _page(visit, status=400, errors={"file": message})
        return await _page(visit, status=400, errors={"group": visit.t("web_calimp_err_group")})
    return visit.redirect(f"/t/{visit.team_id}/events/import?done=upload")


@route(BASE + "/subscribe", methods=("POST",), role=Role.ORGANIZER)
async def subscribe(visit: Visit) -> Response:
    form = await visit.form()
    values = {
        name: value.strip()[:2100] if isinstance(value := form.get(name, ""), str) else ""
        for name in ("url", "group", "refresh", "alarms")
    }
    refresh = values["refresh"]
    if not digits(refresh) or not MIN_REFRESH_MINUTES <= int(refresh) <= MAX_REFRESH_MINUTES:
        message = reason_text("bad_refresh", "", visit.lang)
        return await _page(visit, status=400, errors={"refresh": message}, values=values)
    try:
        group_id = _group_id(values["group"])
        await visit.services.calendar_import.subscribe(
            visit.team_id,
            visit.user.user_id,
            values["url"],
            group_id,
            int(refresh),
            use_alarms=bool(values["alarms"]),
        )
    except ImportRefused as exc:
        message = reason_text(exc.reason, exc.detail, visit.lang)
        return await _page(visit, status=400, errors={"url": message}, values=values)
    except (ValueError, NotFound):
        errors = {"group": visit.t("web_calimp_err_group")}
        return await _page(visit, status=400, errors=errors, values=values)
    return visit.redirect(f"/t/{visit.team_id}/events/import?done=subscribe")


async def _source(visit: Visit) -> CalendarSource:
    source_id = int(visit.request.path_params["source_id"])
    if not 0 < source_id <= INT64_MAX:
        raise WebError(404, "web_not_found")
    return await visit.services.calendar_import.source(visit.team_id, source_id, visit.user.user_id)


@route(SOURCE + "/refresh", methods=("POST",), role=Role.ORGANIZER)
async def refresh_now(visit: Visit) -> Response:
    """Fetch a subscription now; its state (or error) shows on the page."""
    source = await _source(visit)
    if source.kind is not SourceKind.URL:
        raise WebError(404, "web_not_found")
    await visit.services.calendar_import.refresh(source.id, actor_id=visit.user.user_id)
    return visit.redirect(f"/t/{visit.team_id}/events/import?done=refresh")


@route(SOURCE + "/remove", methods=("POST",), role=Role.ORGANIZER)
async def remove(visit: Visit) -> Response:
    source = await _source(visit)
    await visit.services.calendar_import.remove(visit.team_id, source.id, visit.user.user_id)
    return visit.redirect(f"/t/{visit.team_id}/events/import?done=removed")


ROUTES: list[Route] = [import_page, upload, subscribe, refresh_now, remove]
