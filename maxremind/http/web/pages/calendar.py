"""Calendar feeds on the web: ``GET /cal/<token>.ics`` for calendar apps (the token is the
credential, no session needed; conditional GET and HEAD), and the "Calendar" section of
``/me`` — one's personal feed, and the team and group feeds one may have — with the
https and ``webcal://`` addresses, a new address (the old one stops working) and revoke."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from maxremind.domain.feeds import FeedKind
from maxremind.domain.ids import digits
from maxremind.domain.models import Role
from maxremind.http.web import texts_calendar as _texts  # noqa: F401  (registers the texts)
from maxremind.http.web.visit import Visit, WebError, route
from maxremind.services.calendar import FeedLink, FeedRefused, RenderedFeed
from maxremind.services.errors import NotFound, PermissionDenied

BASE = "/me/calendar"
MEDIA_TYPE = "text/calendar; charset=utf-8"
# Calendar apps may keep a copy this long; after that they ask again, and an unchanged
# feed answers 304 (the URL is a secret: no shared caches).
CACHE_CONTROL = "private, max-age=300"


# --- the feed itself -----------------------------------------------------------------------


@route("/cal/{token}.ics", signed_in=False)
async def feed(visit: Visit) -> Response:
    """A calendar feed: 200 with the calendar, 304 when the app has it already, 404 for
    an unknown or revoked token."""
    token: str = visit.request.path_params["token"]
    try:
        rendered = await visit.services.calendar.serve(token)
    except NotFound:
        return Response("Not Found\n", status_code=404, media_type="text/plain")
    headers = {
        "etag": rendered.etag,
        "last-modified": format_datetime(rendered.last_modified, usegmt=True),
        "cache-control": CACHE_CONTROL,
    }
    if not_modified(visit, rendered):
        return Response(status_code=304, headers=headers)
    if visit.request.method == "HEAD":
        headers["content-length"] = str(len(rendered.body))
        return Response(b"", media_type=MEDIA_TYPE, headers=headers)
    return Response(rendered.body, media_type=MEDIA_TYPE, headers=headers)


def not_modified(visit: Visit, rendered: RenderedFeed) -> bool:
    """RFC 9110 §13.2: If-None-Match decides when present (weak comparison), else
    If-Modified-Since."""
    headers = visit.request.headers
    tags = headers.get("if-none-match")
    if tags is not None:
        wanted = rendered.etag.removeprefix("W/")
        given = {tag.strip().removeprefix("W/") for tag in tags.split(",")}
        return "*" in given or wanted in given
    since = headers.get("if-modified-since")
    if not since:
        return False
    try:
        moment = parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError):
        return False
    if moment.tzinfo is None:
        return False
    return rendered.last_modified <= moment


# --- the /me section -----------------------------------------------------------------------


@dataclass(frozen=True)
class FeedRow:
    link: FeedLink
    url: str
    webcal: str


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def rows(visit: Visit, links: list[FeedLink]) -> list[FeedRow]:
    base = visit.web.web_url
    return [FeedRow(link, link.url(base), link.webcal(base)) for link in links]


async def calendar_context(visit: Visit) -> dict[str, Any]:
    """What the Calendar section of /me shows: my feeds and the ones I could make."""
    user_id = visit.user.user_id
    people = visit.services.people
    links = await visit.services.calendar.links(user_id)
    have = {(link.feed.kind, link.feed.team_id, link.feed.group_id) for link in links}
    choices: list[Choice] = []
    for team in await people.teams_of(user_id):
        role = await people.role_of(team.id, user_id)
        admin = role is not None and role.at_least(Role.ADMIN)
        if admin and (FeedKind.TEAM, team.id, None) not in have:
            choices.append(Choice(f"team:{team.id}", visit.t("web_cal_team_feed", team=team.name)))
        groups = await people.groups(team.id) if admin else await people.groups_of(team.id, user_id)
        for group in groups:
            if (FeedKind.GROUP, team.id, group.id) not in have:
                label = visit.t("web_cal_group_feed", team=team.name, group=group.name)
                choices.append(Choice(f"group:{group.id}", label))
    personal = next((r for r in rows(visit, links) if r.link.feed.kind is FeedKind.PERSONAL), None)
    return {
        "cal_personal": personal,
        "cal_shared": [r for r in rows(visit, links) if r.link.feed.kind is not FeedKind.PERSONAL],
        "cal_choices": choices,
    }


async def _field(visit: Visit, name: str) -> str:
    value = (await visit.form()).get(name, "")
    return value.strip()[:100] if isinstance(value, str) else ""


def parse_choice(raw: str) -> tuple[FeedKind, int | None, int | None]:
    """``personal``, ``team:<id>`` or ``group:<id>`` → kind, team, group.

    :raises ValueError:"""
    if raw in ("", "personal"):
        return FeedKind.PERSONAL, None, None
    kind, _, number = raw.partition(":")
    if not digits(number) or len(number) > 19:
        raise ValueError(raw)
    if kind == "team":
        return FeedKind.TEAM, int(number), None
    if kind == "group":
        return FeedKind.GROUP, None, int(number)
    raise ValueError(raw)


@route(BASE, methods=("POST",))
async def make_feed(visit: Visit) -> Response:
    """My feed of the chosen kind (made if I have none); ``renew`` gives it a new address
    and the old one stops working."""
    try:
        kind, team_id, group_id = parse_choice(await _field(visit, "feed"))
    except ValueError:
        raise WebError(400, "web_cal_err_choice") from None
    calendar = visit.services.calendar
    make = calendar.renew if await _field(visit, "renew") else calendar.link
    try:
        await make(visit.user.user_id, kind, team_id=team_id, group_id=group_id)
    except (PermissionDenied, NotFound):
        raise WebError(403, "web_cal_err_choice") from None
    except FeedRefused:
        raise WebError(400, "web_cal_err_too_many") from None
    return visit.redirect("/me?done=calendar#calendar")


@route(BASE + "/{feed_id:int}/revoke", methods=("POST",))
async def revoke_feed(visit: Visit) -> Response:
    feed_id: int = visit.request.path_params["feed_id"]
    try:
        await visit.services.calendar.revoke(visit.user.user_id, feed_id)
    except NotFound:
        raise WebError(404, "web_not_found") from None
    return visit.redirect("/me?done=calendar_revoked#calendar")


ROUTES: list[Route] = [feed, make_feed, revoke_feed]
