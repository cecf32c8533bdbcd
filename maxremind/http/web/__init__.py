"""The web UI and the JSON API: routes declared with :func:`.visit.route`, rendered from
``web/templates``; see :mod:`.visit` for the authorization every route goes through."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from maxremind.http.web import texts as _texts  # noqa: F401  (registers the layout's texts)


def page_routes() -> list[BaseRoute]:
    """The pages and sign-in, in matching order (none of them under ``/api/``)."""
    from maxremind.http.web import pages, signin

    routes: list[Route] = [*signin.ROUTES, *pages.routes()]
    return list(routes)


def api_routes() -> list[BaseRoute]:
    """The JSON API, every route under ``/api/``: its final one answers any other
    ``/api/`` address.  Apart from the pages, so that viewing a page does not load the
    API's modules and pydantic models (about 1.5 MB), nor an API call the pages'."""
    from maxremind.http import api

    return list(api.ROUTES)


def web_routes() -> list[BaseRoute]:
    """Every page and API route, in matching order."""
    return [*page_routes(), *api_routes()]
