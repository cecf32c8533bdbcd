"""The web UI and the JSON API: routes declared with :func:`.visit.route`, rendered from
``web/templates``; see :mod:`.visit` for the authorization every route goes through."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from maxremind.http.web import texts as _texts  # noqa: F401  (registers the layout's texts)


def web_routes() -> list[BaseRoute]:
    """Every page and API route, in matching order."""
    from maxremind.http import api
    from maxremind.http.web import pages, signin

    # The API goes last: its final route answers any other /api/ address.
    routes: list[Route] = [*signin.ROUTES, *pages.routes(), *api.ROUTES]
    return list(routes)
