"""``/api/v1/me/calendar`` — my calendar feeds: list them, get (or renew) one, revoke
one, through :class:`~maxremind.services.calendar.CalendarService` (which holds the rules:
a group's feed for its members and the team's admins, a team's for its admins).  An API
token works for its own team only, so it may ask for that team's (or its groups') feeds
and for the personal one."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field
from starlette.responses import Response

from maxremind.domain.feeds import FeedKind
from maxremind.http.api.common import api_route, path_id, read_body, reply
from maxremind.http.api.models import In, Out
from maxremind.http.web import texts_calendar as _texts  # noqa: F401  (registers the texts)
from maxremind.http.web.visit import Visit, WebError
from maxremind.services.calendar import FeedLink, FeedRefused
from maxremind.services.errors import NotFound, PermissionDenied

V1 = "/api/v1"
BASE = V1 + "/me/calendar"


class FeedIn(In):
    kind: Literal["personal", "team", "group"] = "personal"
    team_id: int | None = Field(None, ge=1, le=2**63 - 1, description="for a team feed")
    group_id: int | None = Field(None, ge=1, le=2**63 - 1, description="for a group feed")
    renew: bool = Field(False, description="a new address; the old one stops working")


class FeedOut(Out):
    id: int
    kind: Literal["personal", "team", "group"]
    team_id: int | None
    group_id: int | None
    title: str
    url: str = Field(description="https address of the .ics feed (the token is in it)")
    webcal: str = Field(description="the same address as webcal://, for calendar apps")
    created_at: datetime

    @classmethod
    def of(cls, link: FeedLink, base: str) -> FeedOut:
        feed = link.feed
        return cls(
            id=feed.id,
            kind=feed.kind.value,
            team_id=feed.team_id,
            group_id=feed.group_id,
            title=link.title,
            url=link.url(base),
            webcal=link.webcal(base),
            created_at=feed.created_at,
        )


class FeedList(Out):
    items: list[FeedOut]


def _token_may(visit: Visit, team_id: int | None) -> bool:
    viewer = visit.viewer
    return viewer is None or viewer.token_team_id in (None, team_id)


@api_route(BASE, summary="My calendar feeds", tag="calendar", response=FeedList)
async def list_feeds(visit: Visit) -> Response:
    links = await visit.services.calendar.links(visit.user.user_id)
    base = visit.web.web_url
    items = [
        FeedOut.of(link, base)
        for link in links
        if link.feed.team_id is None or _token_may(visit, link.feed.team_id)
    ]
    return reply(visit, FeedList(items=items))


@api_route(
    BASE,
    methods=("POST",),
    summary="Get my feed of a kind (made if needed), or renew its address",
    tag="calendar",
    body=FeedIn,
    response=FeedOut,
)
async def make_feed(visit: Visit) -> Response:
    body = await read_body(visit, FeedIn)
    kind = FeedKind(body.kind)
    viewer = visit.viewer
    scope = viewer.token_team_id if viewer is not None else None
    team_id = body.team_id or (scope if kind is FeedKind.GROUP else None)
    missing = visit.t("web_api_field_missing")
    if kind is FeedKind.TEAM and team_id is None:
        raise WebError(422, "web_invalid", details={"team_id": missing})
    if kind is FeedKind.GROUP and body.group_id is None:
        raise WebError(422, "web_invalid", details={"group_id": missing})
    if kind is not FeedKind.PERSONAL and not _token_may(visit, team_id):
        raise WebError(403, "web_cal_err_choice")
    calendar = visit.services.calendar
    make = calendar.renew if body.renew else calendar.link
    try:
        link = await make(
            visit.user.user_id,
            kind,
            team_id=None if kind is FeedKind.PERSONAL else team_id,
            group_id=body.group_id if kind is FeedKind.GROUP else None,
        )
    except FeedRefused:
        raise WebError(409, "web_cal_err_too_many") from None
    except (PermissionDenied, NotFound):
        raise WebError(403, "web_cal_err_choice") from None
    return reply(visit, FeedOut.of(link, visit.web.web_url))


@api_route(
    BASE + "/{feed_id:int}",
    methods=("DELETE",),
    summary="Revoke one of my calendar feeds",
    tag="calendar",
    status=204,
)
async def revoke_feed(visit: Visit) -> Response:
    feed_id = path_id(visit, "feed_id")
    calendar = visit.services.calendar
    mine = {link.feed.id: link for link in await calendar.links(visit.user.user_id)}
    found = mine.get(feed_id)
    if found is None or (
        found.feed.team_id is not None and not _token_may(visit, found.feed.team_id)
    ):
        raise WebError(404, "web_not_found")
    await calendar.revoke(visit.user.user_id, feed_id)
    return reply(visit, None)


ROUTES = [list_feeds, make_feed, revoke_feed]
