"""The built-in web server: status page, health and readiness, the MAX webhook."""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from maxremind import __version__

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates
from maxremind.http.metrics import METRICS_PATH, Metrics, metrics_endpoint, storage_collector
from maxremind.intake.inbox import Inbox
from maxremind.intake.webhook import WEBHOOK_PATH, webhook_endpoint
from maxremind.resources import web_dir
from maxremind.storage import Storage, StorageError

READY_CACHE_SECONDS = 15.0


@dataclass
class WebContext:
    """What the web layer needs from the running process."""

    storage: Storage
    inbox: Inbox
    bot_name: str
    bot_username: str
    mode: str
    webhook_secret: str
    max_check: Callable[[], Awaitable[object]]  # raises when MAX is unreachable
    metrics: Metrics | None = None
    started_at: float = field(default_factory=time.time)
    _max_ok_at: float = 0.0

    async def max_reachable(self) -> bool:
        if time.monotonic() - self._max_ok_at < READY_CACHE_SECONDS:
            return True
        try:
            await self.max_check()
        except Exception:
            return False
        self._max_ok_at = time.monotonic()
        return True


@functools.cache
def _templates() -> Jinja2Templates:
    # Built on the first page view: Jinja2 is a few MB that an idle bot does not need.
    from starlette.templating import Jinja2Templates

    return Jinja2Templates(directory=str(web_dir() / "templates"))


def create_web_app(ctx: WebContext) -> Starlette:

    async def index(request: Request) -> Response:
        counts = await ctx.storage.count_deliveries()
        context: dict[str, Any] = {
            "version": __version__,
            "bot_name": ctx.bot_name,
            "bot_username": ctx.bot_username,
            "mode": ctx.mode,
            "schema_version": await ctx.storage.schema_version(),
            "updates_received": ctx.inbox.received,
            "deliveries": {status.value: n for status, n in counts.items()},
            "uptime_s": int(time.time() - ctx.started_at),
        }
        return _templates().TemplateResponse(request, "index.html", context)

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
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    routes: list[Route | Mount] = [
        Route("/", index),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Mount("/static", StaticFiles(directory=str(web_dir() / "static")), name="static"),
    ]
    if ctx.metrics is not None:
        collect = storage_collector(ctx.metrics, ctx.storage)
        routes.append(Route(METRICS_PATH, metrics_endpoint(ctx.metrics.registry, collect)))
    if ctx.mode == "webhook":
        endpoint = webhook_endpoint(ctx.inbox, ctx.webhook_secret)
        routes.append(Route(WEBHOOK_PATH, endpoint, methods=["POST"]))  # type: ignore[arg-type]
    return Starlette(routes=routes)
