"""One's own settings at ``/me``: language, time zone and quiet hours (as the bot's /lang,
/tz and /quiet), personal API tokens (the secret shown once), and the browsers signed in
with a "sign out everywhere" (``POST /logout/everywhere``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from maxremind.domain.access import ApiToken
from maxremind.domain.ids import digits
from maxremind.domain.models import Language, QuietHoursSpec
from maxremind.domain.quiet_hours import quiet_spec
from maxremind.http.web import texts_settings as _texts  # noqa: F401  (registers the texts)
from maxremind.http.web.pages.calendar import calendar_context
from maxremind.http.web.pages.events_form import all_zones, zone_options
from maxremind.http.web.visit import Visit, WebError, route
from maxremind.services.access import MAX_TOKEN_NAME, AccessRefused
from maxremind.services.errors import NotFound, PermissionDenied

BASE = "/me"
DONE = {
    "language": "web_me_done_language",
    "clock": "web_me_done_clock",
    "revoked": "web_me_done_revoked",
    "calendar": "web_me_done_calendar",
    "calendar_revoked": "web_me_done_calendar_revoked",
}


@dataclass
class Fields:
    """What a form posted, as typed, and what is wrong with it."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def zone_known(zone: str) -> bool:
    return zone in all_zones() or zone == "UTC"


async def _field(visit: Visit, name: str, limit: int = 200) -> str:
    value = (await visit.form()).get(name, "")
    return value.strip()[:limit] if isinstance(value, str) else ""


@dataclass(frozen=True)
class TokenRow:
    token: ApiToken
    team_name: str


async def _render(
    visit: Visit,
    *,
    status: int = 200,
    clock: Fields | None = None,
    token_form: Fields | None = None,
    secret: str = "",
    created: ApiToken | None = None,
) -> Response:
    user = visit.user
    access = visit.services.access
    teams = await visit.services.people.teams_of(user.user_id)
    names = {team.id: team.name for team in teams}
    tokens = [
        TokenRow(token, names.get(token.team_id, "—"))
        for token in await access.api_tokens(user.user_id)
    ]
    current = await access.session(visit.viewer.cookie) if visit.viewer else None
    if clock is None:
        clock = Fields(
            {
                "zone": user.timezone or "",
                "quiet": "" if user.quiet_hours is None else str(user.quiet_hours),
            }
        )
    key = DONE.get(visit.request.query_params.get("done", ""))
    context: dict[str, Any] = {
        "clock": clock,
        "token_form": token_form or Fields({"team": str(user.current_team_id or "")}),
        "tokens": tokens,
        "my_teams": teams,
        "sessions": await access.sessions(user.user_id),
        "current_session": None if current is None else current.id,
        "zones": zone_options(visit.lang, clock.values.get("zone", "")),
        "secret": secret,
        "created": created,
        "done": visit.t(key) if key else "",
        "token_limit": MAX_TOKEN_NAME,
        "languages": [lang.value for lang in Language],
        "my_zone": user.timezone or "UTC",
        **await calendar_context(visit),
    }
    return await visit.render("me.html", status=status, **context)


@route(BASE)
async def me_page(visit: Visit) -> Response:
    """My language, clock, API tokens and sessions."""
    return await _render(visit)


@route(BASE + "/language", methods=("POST",))
async def set_language(visit: Visit) -> Response:
    raw = await _field(visit, "language", 10)
    if raw not in {lang.value for lang in Language}:
        raise WebError(400, "web_me_err_language")
    await visit.services.users.set_language(visit.user.user_id, Language(raw))
    return visit.redirect(BASE + "?done=language")


@route(BASE + "/clock", methods=("POST",))
async def set_clock(visit: Visit) -> Response:
    """My time zone (empty: the team's) and quiet hours (empty: the team's)."""
    fields = Fields(
        {"zone": await _field(visit, "zone", 64), "quiet": await _field(visit, "quiet")}
    )
    zone = fields.values["zone"] or None
    if zone is not None and not zone_known(zone):
        fields.errors["zone"] = visit.t("web_settings_err_zone")
    quiet: QuietHoursSpec | None = None
    try:
        quiet = quiet_spec(fields.values["quiet"])
    except ValueError:
        fields.errors["quiet"] = visit.t("web_settings_err_quiet")
    if fields.errors:
        return await _render(visit, status=400, clock=fields)
    people = visit.services.people
    user_id = visit.user.user_id
    if zone != visit.user.timezone:
        await people.set_user_timezone(user_id, zone)
    if quiet != visit.user.quiet_hours:
        await people.set_user_quiet(user_id, quiet)
    return visit.redirect(BASE + "?done=clock")


@route(BASE + "/tokens", methods=("POST",))
async def create_token(visit: Visit) -> Response:
    """A new API token: the page shows its secret this once (never stored, never again)."""
    fields = Fields(
        {
            "name": await _field(visit, "name", MAX_TOKEN_NAME * 2),
            "team": await _field(visit, "team"),
        }
    )
    name = fields.values["name"]
    team = fields.values["team"]
    if not name or len(name) > MAX_TOKEN_NAME:
        fields.errors["name"] = visit.t("web_me_err_token_name", limit=MAX_TOKEN_NAME)
    if not digits(team):
        fields.errors["team"] = visit.t("web_me_err_token_team")
    if fields.errors:
        return await _render(visit, status=400, token_form=fields)
    try:
        token, secret = await visit.services.access.create_api_token(
            visit.user.user_id, int(team), name
        )
    except PermissionDenied:
        fields.errors["team"] = visit.t("web_me_err_token_team")
        return await _render(visit, status=400, token_form=fields)
    except AccessRefused as exc:
        if exc.reason == "name":
            fields.errors["name"] = visit.t("web_me_err_token_name", limit=MAX_TOKEN_NAME)
        else:
            fields.errors["form"] = visit.t("web_me_err_too_many")
        return await _render(visit, status=400, token_form=fields)
    return await _render(visit, secret=secret, created=token)


@route(BASE + "/tokens/{token_id:int}/revoke", methods=("POST",))
async def revoke_token(visit: Visit) -> Response:
    token_id: int = visit.request.path_params["token_id"]
    try:
        await visit.services.access.revoke_api_token(visit.user.user_id, token_id)
    except NotFound:
        raise WebError(404, "web_not_found") from None
    return visit.redirect(BASE + "?done=revoked")


ROUTES: list[Route] = [me_page, set_language, set_clock, create_token, revoke_token]
