"""Routes built on first use.

The web pages and the JSON API are most of the HTTP side's code (their modules, texts
and pydantic models: about 4 MB).  A bot that nobody opens in a browser should not
carry them, so each is a :class:`LazyRoutes` at the end of the app's routes (the API's
only for paths under ``/api/``): one builds its own list the first time a request
gets past the routes before it (or when someone asks for the list, like the API
document and the tests).  Requests for the status, health and readiness addresses never
load either, and a page view does not load the API.

Matching is the router's own: the first route that matches fully handles the request;
else the first partial match (the path with another method: 405) does.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import URLPath
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

# Where matches() leaves the route that matched, for handle().
_MATCHED = "maxremind.lazy_route"


class LazyRoutes(BaseRoute):
    """``build`` makes the routes.  With ``prefix``, every one of them lies under it, and
    a request for another path passes without loading them."""

    def __init__(self, build: Callable[[], list[BaseRoute]], *, prefix: str = "") -> None:
        self._build = build
        self._prefix = prefix
        self._routes: list[BaseRoute] | None = None

    @property
    def routes(self) -> list[BaseRoute]:
        if self._routes is None:
            self._routes = self._build()
        return self._routes

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if self._prefix and not str(scope.get("path", "")).startswith(self._prefix):
            return Match.NONE, {}
        partial: tuple[BaseRoute, Scope] | None = None
        for route in self.routes:
            match, child = route.matches(scope)
            if match is Match.FULL:
                return Match.FULL, {**child, _MATCHED: route}
            if match is Match.PARTIAL and partial is None:
                partial = (route, child)
        if partial is not None:
            route, child = partial
            return Match.PARTIAL, {**child, _MATCHED: route}
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        route: BaseRoute = scope[_MATCHED]
        await route.handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: object) -> URLPath:
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                pass
        raise NoMatchFound(name, path_params)
