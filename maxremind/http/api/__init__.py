"""The JSON API, ``/api/v1/…``: the same services and rules as the bot and the pages,
pydantic models in and out, an OpenAPI document generated from the routes
(``/api/openapi.json``), errors as ``{error, message, details}``.

``ROUTES`` go last among the web routes: the final one answers any other ``/api/``
address with a JSON 404 (or 405 when only the method is wrong).
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Match, Route

from maxremind.http.api import calendar, calendar_import, events, insights, openapi, teams
from maxremind.http.web.visit import Visit, WebError, route

_ALL = ("GET", "POST", "PUT", "PATCH", "DELETE")


@route("/api/{rest:path}", methods=_ALL, signed_in=False, api=True, undocumented=True)
async def no_such_address(visit: Visit) -> Response:
    """Any other /api/ address: 405 when the path exists with other methods, else 404."""
    scope = visit.request.scope
    allowed: set[str] = set()
    for candidate in visit.request.app.routes:
        if candidate is no_such_address or not isinstance(candidate, Route):
            continue
        match, _ = candidate.matches(scope)
        if match is Match.PARTIAL:
            allowed |= set(candidate.methods or ())
    if allowed:
        raise WebError(405, "web_api_method", allowed=", ".join(sorted(allowed - {"HEAD"})))
    raise WebError(404, "web_api_no_route")


ROUTES: list[Route] = [
    openapi.ROUTE,
    *teams.ROUTES,
    *events.ROUTES,
    *calendar.ROUTES,
    *calendar_import.ROUTES,
    *insights.ROUTES,
    no_such_address,
]
