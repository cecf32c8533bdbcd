"""The built-in web server: status page, health and readiness, the MAX webhook."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from maxremind import __version__
from maxremind.config import DEFAULT_STATUS_ALLOW, IPNetwork, parse_networks

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

    from maxremind.http.web.settings import WebSettings
    from maxremind.services.bundle import AppServices
from maxremind.http.lazy import LazyRoutes
from maxremind.http.metrics import METRICS_PATH, Metrics, metrics_endpoint, storage_collector
from maxremind.http.security import (
    CONTENT_SECURITY_POLICY,
    GuardedPaths,
    SecurityHeaders,
    StatusGuard,
)
from maxremind.intake.inbox import Inbox
from maxremind.intake.webhook import WEBHOOK_PATH, webhook_endpoint
from maxremind.resources import web_dir
from maxremind.storage import Storage, StorageError

READY_CACHE_SECONDS = 15.0  # how long a successful MAX check is trusted
# A failed check is remembered too: while MAX is down, every probe (a load balancer, an
# uptime monitor, someone pressing F5) would otherwise add one more call to a struggling
# API and wait for its timeout.
NOT_READY_CACHE_SECONDS = 15.0

STATUS_PAGE_PATH = "/status"


@dataclass
class WebContext:
    """What the web layer needs from the running process.

    ``status_allow`` (networks, parsed by :mod:`maxremind.config`) and ``status_token``
    decide who may open the status page and /metrics (see :mod:`maxremind.http.security`);
    ``public_url``, when set, is where page links point, never the request's Host header.
    """

    storage: Storage
    inbox: Inbox
    bot_name: str
    bot_username: str
    mode: str
    webhook_secret: str
    max_check: Callable[[], Awaitable[object]]  # raises when MAX is unreachable
    metrics: Metrics | None = None
    public_url: str = ""
    status_allow: Sequence[IPNetwork] = parse_networks(DEFAULT_STATUS_ALLOW)
    status_token: str = ""
    # The web UI and API; without services (a process without the web role, some tests)
    # only the operational pages run.
    services: AppServices | None = None
    # Whether MAX's webhook posts are taken here (a process with the bot role).
    accepts_updates: bool = True
    # Readiness checks beside the database and MAX (Redis in scale mode): "ok" or why not.
    more_checks: Mapping[str, Callable[[], Awaitable[str]]] = field(default_factory=dict)
    web: WebSettings | None = None
    started_at: float = field(default_factory=time.time)
    _max_checked_at: float = field(default=float("-inf"), repr=False)
    _max_ok: bool = field(default=False, repr=False)
    _max_checking: asyncio.Task[bool] | None = field(default=None, repr=False)

    async def max_reachable(self) -> bool:
        """Whether MAX answered recently; concurrent callers share one check."""
        age = time.monotonic() - self._max_checked_at
        if age < (READY_CACHE_SECONDS if self._max_ok else NOT_READY_CACHE_SECONDS):
            return self._max_ok
        if self._max_checking is None or self._max_checking.done():
            self._max_checking = asyncio.get_running_loop().create_task(self._check_max())
        # Shielded: a caller that gives up (its client hung up) must not cancel the check
        # the other callers wait for.
        return await asyncio.shield(self._max_checking)

    async def _check_max(self) -> bool:
        try:
            await self.max_check()
        except Exception:
            ok = False
        else:
            ok = True
        self._max_ok, self._max_checked_at = ok, time.monotonic()
        self._max_checking = None
        return ok


class _SecuredStarlette(Starlette):
    frame_ancestors = ""

    def build_middleware_stack(self) -> ASGIApp:
        # Outside Starlette's own error handler, so even its 500 page gets the headers.
        return SecurityHeaders(super().build_middleware_stack(), self.frame_ancestors)

    @property
    def routes(self) -> list[BaseRoute]:
        """Every route, the lazily loaded web and API ones included (loading them)."""
        found: list[BaseRoute] = []
        for item in self.router.routes:
            found.extend(item.routes if isinstance(item, LazyRoutes) else [item])
        return found


# Every route of the JSON API lies under this path, and no page does.
API_PREFIX = "/api/"


def _page_routes() -> list[BaseRoute]:
    from maxremind.http.web import page_routes

    return page_routes()


def _api_routes() -> list[BaseRoute]:
    from maxremind.http.web import api_routes

    return api_routes()


@functools.cache
def _templates() -> Jinja2Templates:
    # Built on the first page view: Jinja2 is a few MB that an idle bot does not need.
    from starlette.templating import Jinja2Templates

    return Jinja2Templates(directory=str(web_dir() / "templates"))


def create_web_app(ctx: WebContext) -> Starlette:

    async def index(request: Request) -> Response:
        counts = await ctx.storage.count_deliveries()
        context: dict[str, Any] = {
            # Links are built from the configured address, or left relative: the Host
            # header is whatever the client wrote, so it must never end up in a page.
            "base": ctx.public_url.rstrip("/"),
            "version": __version__,
            "bot_name": ctx.bot_name,
            "bot_username": ctx.bot_username,
            "mode": ctx.mode,
            "schema_version": await ctx.storage.schema_version(),
            "updates_received": ctx.inbox.received,
            "deliveries": {status.value: n for status, n in counts.items()},
            "uptime_s": int(time.time() - ctx.started_at),
        }
        response = _templates().TemplateResponse(request, "status.html", context)
        # Operational details are never shown inside someone else's frame.
        response.headers["content-security-policy"] = CONTENT_SECURITY_POLICY
        response.headers["x-frame-options"] = "DENY"
        return response

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def readyz(request: Request) -> Response:
        checks: dict[str, str] = {}
        try:
            await ctx.storage.ping()
            checks["database"] = "ok"
        except StorageError as exc:
            checks["database"] = f"error: {exc}"
        checks["max"] = "ok" if await ctx.max_reachable() else "unreachable"
        for name, check in ctx.more_checks.items():
            checks[name] = await check()
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    guard = StatusGuard(tuple(ctx.status_allow), ctx.status_token)
    routes: list[BaseRoute] = [
        Route(STATUS_PAGE_PATH, index),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Mount("/static", StaticFiles(directory=str(web_dir() / "static")), name="static"),
    ]
    if ctx.metrics is not None:
        collect = storage_collector(ctx.metrics, ctx.storage)
        routes.append(Route(METRICS_PATH, metrics_endpoint(ctx.metrics.registry, collect)))
    if ctx.mode == "webhook" and ctx.accepts_updates:
        endpoint = webhook_endpoint(ctx.inbox, ctx.webhook_secret)
        routes.append(Route(WEBHOOK_PATH, endpoint, methods=["POST"]))  # type: ignore[arg-type]
    if ctx.services is not None and ctx.web is not None:
        # Each loaded by the first request for one of them: a page view does not load
        # the API, nor an API call the pages.
        routes.append(LazyRoutes(_api_routes, prefix=API_PREFIX))
        routes.append(LazyRoutes(_page_routes))
    closed = [STATUS_PAGE_PATH]
    if ctx.metrics is not None:
        closed.append(METRICS_PATH)
    middleware = [Middleware(GuardedPaths, guard=guard, paths=closed)]
    app = _SecuredStarlette(routes=routes, middleware=middleware)
    app.state.services = ctx.services
    app.state.web = ctx.web
    app.state.ops = ctx  # what only the running process knows, for the instance page
    if ctx.web is not None:
        app.frame_ancestors = ctx.web.frame_ancestors
    return app
