"""``/api/v1/teams/{team}/calendar/imports``: import a calendar file, subscribe the team
(or a group) to an ICS feed, list the sources with their state, refresh one now, remove
one.  Organizers and up; every rule is
:class:`~maxremind.services.calendar_import.CalendarImport`'s.

``POST .../calendar/imports`` takes either the file itself (``Content-Type:
text/calendar``, with ``?group_id=`` and ``?use_alarms=true`` in the query) or a JSON
subscription (``{"url": ..., "group_id": ..., "refresh_minutes": ...}``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import Field
from starlette.responses import Response

from maxremind.calendar.importer import MAX_BYTES
from maxremind.domain.calendar_sources import CalendarSource
from maxremind.domain.models import Role
from maxremind.http.api.common import api_route, path_id, read_body, read_query, reply, slice_page
from maxremind.http.api.models import Id, In, ListQuery, Out, Page
from maxremind.http.api.teams import TEAM
from maxremind.http.web import texts_calendar_import as _texts  # noqa: F401 (registers texts)
from maxremind.http.web.visit import Visit, WebError
from maxremind.services.calendar_import import (
    MAX_REFRESH_MINUTES,
    MIN_REFRESH_MINUTES,
    ImportRefused,
    Refresh,
)
from maxremind.services.texts_calendar_import import problem_text, reason_text

IMPORTS = TEAM + "/calendar/imports"
SOURCE = IMPORTS + "/{source_id:int}"
CALENDAR_TYPES = ("text/calendar", "application/ics", "text/plain")


class ProblemOut(Out):
    """An event of the calendar that was left out (or, in ``notes``, imported with a
    caveat), with the reason code and the organizer's message."""

    uid: str
    title: str
    reason: str
    message: str


class ReportOut(Out):
    """What the last import of a source did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0
    unlinked: int = 0
    past: int = 0
    notified: int = 0
    problems: list[ProblemOut] = Field(default_factory=list)
    notes: list[ProblemOut] = Field(default_factory=list)

    @classmethod
    def of(cls, report: dict[str, Any], visit: Visit) -> ReportOut:
        def problems(key: str) -> list[ProblemOut]:
            return [
                ProblemOut(
                    uid=str(p.get("uid", "")),
                    title=str(p.get("title", "")),
                    reason=str(p.get("reason", "")),
                    message=problem_text(p, visit.lang),
                )
                for p in report.get(key, [])
            ]

        counts = {
            k: int(report.get(k, 0))
            for k in (
                "created",
                "updated",
                "unchanged",
                "cancelled",
                "unlinked",
                "past",
                "notified",
            )
        }
        return cls(**counts, problems=problems("problems"), notes=problems("notes"))


class CalendarSourceOut(Out):
    """A calendar the team imports from: ``upload`` (files uploaded to the team or a
    group) or ``url`` (a subscription).  ``address`` shows a feed's host and path only
    (private calendar addresses carry their secret in the query)."""

    id: int
    kind: str
    name: str
    group_id: int | None
    address: str | None
    refresh_minutes: int
    use_alarms: bool
    created_by: int
    created_at: datetime
    last_fetched_at: datetime | None
    last_ok_at: datetime | None
    next_fetch_at: datetime | None
    last_error: str | None = Field(description="reason code of the last failure, null if fine")
    last_error_message: str | None
    report: ReportOut

    @classmethod
    def of(cls, source: CalendarSource, visit: Visit) -> CalendarSourceOut:
        message = None
        if source.last_error:
            message = reason_text(source.last_error, source.last_error_detail or "", visit.lang)
        return cls(
            id=source.id,
            kind=source.kind.value,
            name=source.name,
            group_id=source.group_id,
            address=_address(source.url),
            refresh_minutes=source.refresh_minutes,
            use_alarms=source.use_alarms,
            created_by=source.created_by,
            created_at=source.created_at,
            last_fetched_at=source.last_fetched_at,
            last_ok_at=source.last_ok_at,
            next_fetch_at=source.due_at(),
            last_error=source.last_error,
            last_error_message=message,
            report=ReportOut.of(source.last_report, visit),
        )


class ImportOut(Out):
    """The outcome of an import, a subscription or a refresh: ``status`` is ``applied``,
    ``not_modified`` or ``failed`` (the source's ``last_error`` says why; the last good
    state is kept)."""

    status: str
    source: CalendarSourceOut


class SubscriptionIn(In):
    """Subscribe to an ICS feed (``https://``, ``http://`` or ``webcal://``)."""

    url: Annotated[str, Field(min_length=1, max_length=2000)]
    group_id: Id | None = None
    refresh_minutes: int | None = Field(None, ge=MIN_REFRESH_MINUTES, le=MAX_REFRESH_MINUTES)
    use_alarms: bool = Field(False, description="remind as the calendar's alarms say")


class UploadQuery(In):
    """With a ``text/calendar`` body: where the file's events go."""

    group_id: Id | None = None
    use_alarms: bool = Field(False, description="remind as the calendar's alarms say")


def _address(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _refused(visit: Visit, exc: ImportRefused, field: str) -> WebError:
    reason = reason_text(exc.reason, exc.detail, visit.lang)
    return WebError(400, "web_api_refused", details={field: reason}, reason=reason)


@api_route(
    IMPORTS,
    summary="The team's calendar sources",
    tag="calendar",
    role=Role.ORGANIZER,
    query=ListQuery,
    response=Page[CalendarSourceOut],
)
async def list_sources(visit: Visit) -> Response:
    query = read_query(visit, ListQuery)
    sources = await visit.services.calendar_import.sources(visit.team_id, visit.user.user_id)
    items = [CalendarSourceOut.of(s, visit) for s in sources]
    return reply(visit, Page[CalendarSourceOut](**slice_page(visit, query, items)))


@api_route(
    IMPORTS,
    methods=("POST",),
    summary="Import a calendar file (text/calendar body) or subscribe to a feed (JSON)",
    tag="calendar",
    role=Role.ORGANIZER,
    body=SubscriptionIn,
    query=UploadQuery,
    response=ImportOut,
    raw_body=CALENDAR_TYPES,
    max_body=MAX_BYTES + 1,
)
async def add_source(visit: Visit) -> Response:
    """A ``text/calendar`` body is imported at once (a file uploaded again applies its
    changes); a JSON body subscribes the team or a group to a feed, fetched now and then
    every ``refresh_minutes``."""
    service = visit.services.calendar_import
    kind = visit.request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in CALENDAR_TYPES:
        query = read_query(visit, UploadQuery)
        data = await visit.request.body()
        try:
            source, _ = await service.upload(
                visit.team_id, visit.user.user_id, data, query.group_id, use_alarms=query.use_alarms
            )
        except ImportRefused as exc:
            raise _refused(visit, exc, "body") from None
        return reply(visit, ImportOut(status="applied", source=CalendarSourceOut.of(source, visit)))
    body = await read_body(visit, SubscriptionIn)
    try:
        done = await service.subscribe(
            visit.team_id,
            visit.user.user_id,
            body.url,
            body.group_id,
            body.refresh_minutes,
            use_alarms=body.use_alarms,
        )
    except ImportRefused as exc:
        raise _refused(visit, exc, "url") from None
    return reply(visit, _outcome(visit, done))


def _outcome(visit: Visit, done: Refresh) -> ImportOut:
    return ImportOut(status=done.status, source=CalendarSourceOut.of(done.source, visit))


async def _source(visit: Visit) -> CalendarSource:
    source_id = path_id(visit, "source_id")
    return await visit.services.calendar_import.source(visit.team_id, source_id, visit.user.user_id)


@api_route(
    SOURCE,
    summary="One calendar source",
    tag="calendar",
    role=Role.ORGANIZER,
    response=CalendarSourceOut,
)
async def get_source(visit: Visit) -> Response:
    return reply(visit, CalendarSourceOut.of(await _source(visit), visit))


@api_route(
    SOURCE + "/refresh",
    methods=("POST",),
    summary="Fetch a subscription now",
    tag="calendar",
    role=Role.ORGANIZER,
    response=ImportOut,
)
async def refresh_source(visit: Visit) -> Response:
    source = await _source(visit)
    try:
        done = await visit.services.calendar_import.refresh(source.id, actor_id=visit.user.user_id)
    except ImportRefused as exc:
        raise _refused(visit, exc, "source_id") from None
    return reply(visit, _outcome(visit, done))


@api_route(
    SOURCE,
    methods=("DELETE",),
    summary="Stop importing from a source (its events stay, editable)",
    tag="calendar",
    role=Role.ORGANIZER,
    status=204,
)
async def remove_source(visit: Visit) -> Response:
    source = await _source(visit)
    await visit.services.calendar_import.remove(visit.team_id, source.id, visit.user.user_id)
    return reply(visit, None)


ROUTES = [list_sources, add_source, get_source, refresh_source, remove_source]
