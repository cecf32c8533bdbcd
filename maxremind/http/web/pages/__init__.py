"""Pages by area; each module exposes ``ROUTES``."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from maxremind.domain.ids import digits
from maxremind.http.web.visit import Visit, WebError, route


@route("/teams/switch")
async def switch_team(visit: Visit) -> Response:
    """The team picker in the header: only a redirect, the URL carries the team."""
    raw = visit.request.query_params.get("team", "")
    if not digits(raw):
        raise WebError(404, "web_not_found")
    if await visit.services.people.role_of(int(raw), visit.user.user_id) is None:
        raise WebError(404, "web_not_found")
    return visit.redirect(f"/t/{int(raw)}/")


def routes() -> list[Route]:
    from maxremind.http.web.pages import (
        announcements,
        calendar,
        calendar_import,
        dashboard,
        event_page,
        events,
        insights,
        instance,
        me,
        people,
        settings,
    )

    modules: list[list[Route]] = [events.ROUTES, people.ROUTES]
    modules.append(dashboard.ROUTES)
    modules.append(instance.ROUTES)
    modules.append(event_page.ROUTES)
    modules.append(announcements.ROUTES)
    modules.append(me.ROUTES)
    modules.append(calendar.ROUTES)
    modules.append(calendar_import.ROUTES)
    modules.append(settings.ROUTES)
    modules.append(insights.ROUTES)
    return [switch_team, *(r for module in modules for r in module)]
