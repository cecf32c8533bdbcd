"""One door for every page and API route: who is asking, whether they may, CSRF.

A route is declared with :func:`route`; its handler receives a :class:`Visit` that already
knows the viewer, the team in the path (``{team_id:int}``) and the viewer's role there,
and refuses what the viewer may not do, the same way for every route:

* nobody signed in — a page GET is sent to ``/login``; anything else gets 401;
* signed in but not a member of the team in the path (or an API token scoped to another
  team) — 404, so team numbers cannot be probed;
* a member whose role is below the route's — 403;
* a state-changing request made with the session cookie without the session's CSRF token
  (form field ``csrf`` or header ``X-CSRF-Token``), or from another origin — 403.

Bearer-token requests carry no cookie and need no CSRF token.  Handlers call services
and render; the rules themselves live in the services.
"""

from __future__ import annotations

import hmac
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import Message, Receive

from maxremind.domain.ids import INT64_MAX, digits
from maxremind.domain.models import Language, Role, Team, User
from maxremind.http.web.settings import WebSettings
from maxremind.i18n import language_for, t
from maxremind.services.bundle import AppServices
from maxremind.services.errors import (
    AlreadyExists,
    EventRejected,
    InvalidValue,
    InviteUnusable,
    NotFound,
    PeopleRefused,
    PermissionDenied,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_COOKIE = "mr_session"
CSRF_HEADER = "x-csrf-token"
MAX_BODY_BYTES = 1 << 20  # forms and API bodies; a bigger body is refused unread


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a person signed in by session cookie or by API token."""

    user: User
    lang: Language
    via: Literal["session", "token"]
    csrf: str = ""
    cookie: str = ""
    token_team_id: int | None = None  # an API token works for one team only
    admin: bool = False  # instance admin (MAXREMIND_ADMIN_IDS)


class WebError(Exception):
    """An answer other than success: a status, a text key and optional field details."""

    def __init__(
        self,
        status: int,
        key: str,
        *,
        details: dict[str, str] | None = None,
        **params: object,
    ) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.params = params
        self.details = details or {}


ERROR_NAMES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "too_many_requests",
}


@dataclass(frozen=True)
class Access:
    """Who may use a route; read by the authorization-matrix test and the API document."""

    signed_in: bool = True
    role: Role | None = None  # needed in the team of the path
    admin: bool = False  # instance admins only
    api: bool = False
    csrf: bool = True  # state changes need the session's CSRF token
    meta: dict[str, Any] = field(default_factory=dict)


Handler = Callable[["Visit"], Awaitable[Response]]


class Visit:
    """One request, resolved: viewer, team, role, the services, and how to answer."""

    def __init__(self, request: Request, services: AppServices, web: WebSettings, access: Access):
        self.request = request
        self.services = services
        self.web = web
        self.access = access
        self.viewer: Viewer | None = None
        self.team: Team | None = None
        self.role: Role | None = None
        self._form: FormData | None = None

    # --- who ---------------------------------------------------------------------------

    @property
    def lang(self) -> Language:
        if self.viewer is not None:
            return self.viewer.lang
        accepted = self.request.headers.get("accept-language", "")
        return language_for(accepted.split(",")[0].strip() or None)

    @property
    def user(self) -> User:
        if self.viewer is None:
            raise WebError(401, "web_sign_in_needed")
        return self.viewer.user

    @property
    def team_id(self) -> int:
        if self.team is None:
            raise WebError(404, "web_not_found")
        return self.team.id

    def at_least(self, role: Role) -> bool:
        return self.role is not None and self.role.at_least(role)

    def t(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    # --- input -------------------------------------------------------------------------

    async def form(self) -> FormData:
        if self._form is None:
            self._form = await self.request.form()
        return self._form

    async def json_body(self) -> Any:
        body = await self.request.body()
        if not body:
            return None
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise WebError(400, "web_bad_json") from None

    # --- output ------------------------------------------------------------------------

    async def render(self, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        from maxremind.http.web.templates import render

        teams = await self.services.people.teams_of(self.viewer.user.user_id) if self.viewer else []
        return render(self, template, status=status, context={"teams": teams, **context})

    def redirect(self, url: str, *, status: int = 303) -> RedirectResponse:
        return RedirectResponse(url, status_code=status)

    @property
    def wants_json(self) -> bool:
        """API routes, and JSON calls from the pages' scripts, get JSON errors."""
        headers = self.request.headers
        return (
            self.access.api
            or self.request.url.path.startswith("/api/")
            or headers.get("content-type", "").startswith("application/json")
            or headers.get("accept", "").startswith("application/json")
        )

    async def error(self, exc: WebError) -> Response:
        message = t(exc.key, self.lang, **exc.params)
        if self.wants_json:
            body = {
                "error": ERROR_NAMES.get(exc.status, "error"),
                "message": message,
                "details": exc.details,
            }
            return JSONResponse(body, status_code=exc.status)
        if exc.status == 401 and self.request.method in SAFE_METHODS:
            target = self.request.url.path
            if self.request.url.query:
                target += "?" + self.request.url.query
            return self.redirect("/login?next=" + quote(target, safe=""))
        return await self.render(
            "error.html", status=exc.status, message=message, details=exc.details, code=exc.status
        )


# --- sign-in throttling --------------------------------------------------------------------


class Throttle:
    """At most ``limit`` failed attempts per ``window`` seconds per client address; then
    every attempt from it is refused until the oldest failure ages out.

    In-process: one process serves the web in the embedded setup."""

    def __init__(
        self, limit: int = 10, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        now = self._clock()
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and now - times[0] >= self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def blocked(self, key: str) -> bool:
        return len(self._recent(key)) >= self.limit

    def failed(self, key: str) -> None:
        now = self._clock()
        if len(self._failures) > 10_000:  # forget quiet clients: bounded under a flood
            self._failures = {
                k: v for k, v in self._failures.items() if v and now - v[-1] < self.window
            }
        self._failures.setdefault(key, deque()).append(now)


def client_key(request: Request) -> str:
    return request.client.host if request.client else "?"


# --- the door ------------------------------------------------------------------------------


async def resolve_viewer(
    request: Request, services: AppServices, web: WebSettings
) -> Viewer | None:
    """The person behind a bearer token or the session cookie, or ``None``."""
    if "viewer" in request.scope.get("state", {}):
        cached: Viewer | None = request.state.viewer
        return cached
    viewer = await _resolve(request, services, web)
    request.state.viewer = viewer
    return viewer


async def _resolve(request: Request, services: AppServices, web: WebSettings) -> Viewer | None:
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        token = await services.access.authenticate_token(secret.strip())
        if token is None:
            raise WebError(401, "web_bad_token")
        user = await services.users.get(token.user_id)
        if user is None:
            raise WebError(401, "web_bad_token")
        return Viewer(
            user=user,
            lang=language_for(None, user.language),
            via="token",
            token_team_id=token.team_id,
            admin=user.user_id in web.admin_ids,
        )
    cookie = request.cookies.get(SESSION_COOKIE, "")
    if not cookie:
        return None
    found = await services.access.signed_in(cookie)
    if found is None:
        return None
    session, user = found
    return Viewer(
        user=user,
        lang=language_for(None, user.language),
        via="session",
        csrf=session.csrf,
        cookie=cookie,
        admin=user.user_id in web.admin_ids,
    )


def same_origin(request: Request, web: WebSettings) -> bool:
    """A browser's Origin (or Referer) names this site; absent headers pass (not a browser
    form post, or a privacy proxy stripped them; the CSRF token still guards).

    Browsers that send Fetch Metadata are asked first: under ``Referrer-Policy: no-referrer``
    a form post carries ``Origin: null`` and no Referer even to its own site, while
    ``Sec-Fetch-Site`` still says where the request came from."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        referer = request.headers.get("referer")
        if not referer:
            return origin is None
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    own = {web.origin, f"{request.url.scheme}://{request.url.netloc}"}
    return origin in own


async def check_csrf(visit: Visit) -> None:
    viewer = visit.viewer
    if viewer is None or viewer.via != "session":
        return
    if not same_origin(visit.request, visit.web):
        raise WebError(403, "web_csrf")
    given = visit.request.headers.get(CSRF_HEADER, "")
    if not given and _is_form(visit.request):
        value = (await visit.form()).get("csrf", "")
        given = value if isinstance(value, str) else ""
    if not given or not hmac.compare_digest(given.encode(), viewer.csrf.encode()):
        raise WebError(403, "web_csrf")


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


async def enter_team(visit: Visit, role: Role | None) -> None:
    raw = visit.request.path_params.get("team_id")
    if raw is None:
        return
    viewer = visit.viewer
    if viewer is None:
        raise WebError(401, "web_sign_in_needed")
    team_id = int(raw)
    if not 0 < team_id <= INT64_MAX:  # past SQLite's integers: no such team (not a 500)
        raise WebError(404, "web_not_found")
    if viewer.token_team_id is not None and viewer.token_team_id != team_id:
        raise WebError(404, "web_not_found")
    seat = await visit.services.people.seat(team_id, viewer.user.user_id)
    if seat is None:
        raise WebError(404, "web_not_found")
    found, visit.team = seat
    visit.role = found
    if role is not None and not found.at_least(role):
        raise WebError(403, "web_role_needed", role=t(f"role_{role.value}", visit.lang))


def _service_error(exc: Exception) -> WebError:
    if isinstance(exc, PermissionDenied):
        return WebError(403, "web_forbidden")
    if isinstance(exc, NotFound):
        return WebError(404, "web_not_found")
    if isinstance(exc, AlreadyExists):
        return WebError(409, "web_conflict")
    if isinstance(exc, InviteUnusable):
        return WebError(400, "web_invite_unusable")
    raise exc


def route(
    path: str,
    *,
    methods: Iterable[str] = ("GET",),
    role: Role | None = None,
    signed_in: bool = True,
    admin: bool = False,
    api: bool = False,
    csrf: bool = True,
    name: str | None = None,
    **meta: Any,
) -> Callable[[Handler], Route]:
    """Declare a page or API route; see the module docstring for what it enforces.

    ``csrf=False`` only for the sign-in endpoints: they carry their own proof (a one-time
    code, MAX's signature) and check the origin themselves; a stale cookie in the browser
    must not stop someone from signing in again."""
    access = Access(signed_in=signed_in, role=role, admin=admin, api=api, csrf=csrf, meta=meta)

    api_route = api or path.startswith("/api/")

    def wrap(handler: Handler) -> Route:
        async def endpoint(request: Request) -> Response:
            services: AppServices = request.app.state.services
            web: WebSettings = request.app.state.web
            limit = access.meta.get("max_body", MAX_BODY_BYTES)  # a route may take more
            # The body is counted as it arrives: a chunked request has no Content-Length.
            request = Request(request.scope, _capped(request.receive, limit))
            visit = Visit(request, services, web, access)
            try:
                size = request.headers.get("content-length")
                if size is not None and (not digits(size) or int(size) > limit):
                    raise WebError(413, "web_too_large")
                visit.viewer = await resolve_viewer(request, services, web)
                if visit.viewer is None and (signed_in or "team_id" in request.path_params):
                    raise WebError(401, "web_sign_in_needed")
                if visit.viewer is not None and visit.viewer.via == "token" and not api_route:
                    # A personal API token is for the API, scoped to one team; the pages
                    # (tokens, sessions, other teams) are for the person's browser.
                    raise WebError(403, "web_token_not_for_pages")
                if admin and not (visit.viewer and visit.viewer.admin):
                    raise WebError(403, "web_admin_only")
                if request.method not in SAFE_METHODS and csrf:
                    await check_csrf(visit)
                await enter_team(visit, role)
                try:
                    # Looked up per call: the authorization-matrix test swaps it.
                    return await endpoint.handler(visit)  # type: ignore[attr-defined,no-any-return]
                except (PermissionDenied, NotFound, AlreadyExists, InviteUnusable) as exc:
                    raise _service_error(exc) from None
                except (EventRejected, PeopleRefused) as exc:
                    # A page that did not catch it: the reason in words, never its code.
                    from maxremind.http.api.common import refusal

                    raise refusal(visit, exc) from None
                except InvalidValue:  # an id beyond what the database holds: no such thing
                    raise WebError(404, "web_not_found") from None
            except BodyTooLarge:
                return await visit.error(WebError(413, "web_too_large"))
            except WebError as exc:
                return await visit.error(exc)

        endpoint.__doc__ = handler.__doc__
        endpoint.__name__ = handler.__name__
        endpoint.access = access  # type: ignore[attr-defined]
        endpoint.handler = handler  # type: ignore[attr-defined]
        return Route(path, endpoint, methods=list(methods), name=name or handler.__name__)

    return wrap


class BodyTooLarge(Exception):
    """The request body grew past the route's limit while it was being read."""


def _capped(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
        return message

    return counted


def access_of(route_: Route) -> Access:
    """The access rule a route was declared with (for tests and the API document)."""
    found: Access = route_.endpoint.access  # type: ignore[attr-defined]
    return found
