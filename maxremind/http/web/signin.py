"""Signing in and out: the bot's one-time link, the MAX mini-app, sign-out (everywhere).

The link the bot sends is ``<web>/login#<token>``: the token sits in the fragment, which
browsers never send, so it reaches neither access logs nor a Referer.  The page posts it
(JavaScript, or a pasted code without it); the POST redeems it once and starts a fresh
session, so a session id planted before sign-in is worthless (rotation).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from maxremind.domain.clock import utcnow
from maxremind.http.security import content_security_policy
from maxremind.http.web.visit import (
    SESSION_COOKIE,
    Throttle,
    Visit,
    WebError,
    client_key,
    route,
    same_origin,
)
from maxremind.services.access import AccessRefused, IssuedSession

log = logging.getLogger(__name__)

_EVENT_PARAM = re.compile(r"^event-(\d{1,18})$")


def set_session_cookie(
    response: Response, visit: Visit, issued: IssuedSession, *, framed: bool
) -> None:
    """HttpOnly, SameSite=Lax, Secure on https.  A session begun inside MAX's web client
    (a frame on another site) is a partitioned third-party cookie there: SameSite=None
    with ``Partitioned`` (CHIPS) keeps it to that frame, so no other site can use it."""
    max_age = max(0, int((issued.expires_at - utcnow()).total_seconds()))
    if framed and visit.web.secure:
        response.headers.append(
            "set-cookie",
            f"{SESSION_COOKIE}={issued.cookie}; Max-Age={max_age}; Path=/; HttpOnly; Secure; "
            "SameSite=None; Partitioned",
        )
        return
    response.set_cookie(
        SESSION_COOKIE,
        issued.cookie,
        max_age=max_age,
        path="/",
        httponly=True,
        secure=visit.web.secure,
        samesite="lax",
    )


def _safe_next(target: str) -> str:
    """Only a path on this site: ``//evil.example`` or ``https://…`` fall back to ``/``."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _throttle(visit: Visit) -> Throttle:
    """Sign-in failures per client address (10 a minute), one counter per web app."""
    state = visit.request.app.state
    if not hasattr(state, "sign_in_throttle"):
        state.sign_in_throttle = Throttle(limit=10, window=60.0)
    throttle: Throttle = state.sign_in_throttle
    if throttle.blocked(client_key(visit.request)):
        raise WebError(429, "web_too_many_attempts")
    return throttle


@route("/login", signed_in=False)
async def login_page(visit: Visit) -> Response:
    """The sign-in page: explains how to get a link, takes a pasted code."""
    nxt = _safe_next(visit.request.query_params.get("next", "/"))
    return await visit.render("login.html", next=nxt, error="", bot_username=visit.web.bot_username)


@route("/login", methods=("POST",), signed_in=False, csrf=False)
async def login(visit: Visit) -> Response:
    """Redeem a one-time link (the code from the fragment, or pasted)."""
    if not same_origin(visit.request, visit.web):
        raise WebError(403, "web_csrf")
    throttle = _throttle(visit)
    form = await visit.form()
    code = str(form.get("token", "")).strip().lstrip("#")
    nxt = _safe_next(str(form.get("next", "/")))
    issued = None
    if 16 <= len(code) <= 128:
        agent = visit.request.headers.get("user-agent", "")[:200]
        old = visit.viewer.cookie if visit.viewer is not None else None
        # The old session (if any) ends in the same transaction: a new sign-in rotates it.
        issued = await visit.services.access.redeem_login(code, user_agent=agent, replacing=old)
    if issued is None:
        throttle.failed(client_key(visit.request))
        return await visit.render(
            "login.html",
            status=400,
            next=nxt,
            error=visit.t("web_login_bad_link"),
            bot_username=visit.web.bot_username,
        )
    response = visit.redirect(nxt)
    set_session_cookie(response, visit, issued, framed=False)
    log.info("web sign-in by link for user %s", issued.user_id)
    return response


@route("/logout", methods=("POST",))
async def logout(visit: Visit) -> Response:
    viewer = visit.viewer
    if viewer is not None and viewer.cookie:
        await visit.services.access.sign_out(viewer.cookie)
    response = visit.redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@route("/logout/everywhere", methods=("POST",))
async def logout_everywhere(visit: Visit) -> Response:
    """Ends every session of this person, on every device (and the mini-app)."""
    await visit.services.access.sign_out_everywhere(visit.user.user_id)
    response = visit.redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@route("/app", signed_in=False)
async def mini_app(visit: Visit) -> Response:
    """What MAX opens: a small page that posts the launch data from the fragment."""
    response = await visit.render("miniapp.html", bridge_url=visit.web.bridge_url)
    bridge = urlsplit(visit.web.bridge_url)
    response.headers["content-security-policy"] = content_security_policy(
        visit.web.frame_ancestors, extra_script=f"{bridge.scheme}://{bridge.netloc}"
    )
    return response


@route("/auth/miniapp", methods=("POST",), signed_in=False, csrf=False)
async def mini_app_sign_in(visit: Visit) -> Response:
    """Check MAX's launch data (signature, age) and start a session for that person."""
    if not same_origin(visit.request, visit.web):
        raise WebError(403, "web_csrf")
    throttle = _throttle(visit)
    body = await visit.json_body()
    raw = body.get("init_data") if isinstance(body, dict) else None
    if not isinstance(raw, str) or not raw or len(raw) > 8192:
        throttle.failed(client_key(visit.request))
        raise WebError(400, "web_miniapp_no_data")
    agent = visit.request.headers.get("user-agent", "")[:200]
    try:
        old = visit.viewer.cookie if visit.viewer is not None else None
        signed = await visit.services.access.sign_in_mini_app(raw, user_agent=agent, replacing=old)
    except AccessRefused as exc:
        throttle.failed(client_key(visit.request))
        log.info("mini-app sign-in refused: %s", exc.reason)
        raise WebError(403, "web_miniapp_refused") from None
    target = "/"
    match = _EVENT_PARAM.match(signed.start_param or "")
    if match:
        target = f"/go/event/{match.group(1)}"
    response = JSONResponse({"redirect": target})
    set_session_cookie(response, visit, signed.session, framed=True)
    return response


@route("/go/event/{event_id:int}")
async def go_to_event(visit: Visit) -> Response:
    """A deep link to an event (from the mini-app's payload or a message): its page."""
    event = await visit.services.agenda.visible_event(
        visit.request.path_params["event_id"], visit.user.user_id
    )
    if event is None or event.team_id is None:
        raise WebError(404, "web_not_found")
    return visit.redirect(f"/t/{event.team_id}/events/{event.id}")


@route("/", signed_in=False)
async def home(visit: Visit) -> Response:
    """Signed out: how to sign in.  Signed in: the current team's dashboard."""
    if visit.viewer is None:
        return await visit.render("landing.html", bot_username=visit.web.bot_username)
    team = await visit.services.users.current_team(visit.viewer.user)
    if team is None:
        teams = await visit.services.people.teams_of(visit.viewer.user.user_id)
        team = teams[0] if teams else None
    if team is None:
        return await visit.render("no_team.html", bot_username=visit.web.bot_username)
    return visit.redirect(f"/t/{team.id}/")


ROUTES: list[Route] = [
    home,
    login_page,
    login,
    logout,
    logout_everywhere,
    mini_app,
    mini_app_sign_in,
    go_to_event,
]
