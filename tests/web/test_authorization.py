"""Every page and API route × every kind of viewer: allowed, 401/redirect, 403 or 404.

The expectation comes from the rule each route declares (:class:`Access`): signed in or
not, the role needed in the team of its path, instance admins only.  Outsiders and the
owner of another team get 404 on a team's routes (team numbers cannot be probed), a
member below the route's role 403, nobody signed in a redirect to the sign-in page (a
page) or 401.  GET routes run for real for everyone (no 5xx, allowed ones answer 200 or
a redirect); a state-changing route runs for real for those it must refuse, and for
those it must let in the door is checked with the handler swapped for a recorder, so
one allowed "delete" does not change the world the next check sees — what the handler
itself decides is tested per page.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from maxremind.domain.feeds import FeedKind
from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    EventKind,
    NewEvent,
    ReminderSpec,
    Role,
)
from maxremind.http.web.visit import Visit, access_of
from tests.web.conftest import BASE, IDS, WebWorld

VIEWERS = ("anonymous", "outsider", "member", "organizer", "admin", "owner", "other_owner")
RANK = {
    "member": Role.MEMBER,
    "organizer": Role.ORGANIZER,
    "admin": Role.ADMIN,
    "owner": Role.OWNER,
}
PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
# Routes outside the door (operational pages and assets) and the sign-in endpoints,
# which are tested in test_signin.py.
OUTSIDE_THE_DOOR = {"/status", "/healthz", "/readyz", "/metrics", "/static", "/max/webhook"}


def door_routes(app: object) -> list[Route]:
    return [
        r
        for r in app.routes  # type: ignore[attr-defined]
        if isinstance(r, Route) and hasattr(r.endpoint, "access")
    ]


async def seed_params(web: WebWorld) -> dict[str, int | str]:
    services = web.services
    team = web.team.id
    event = await services.events.create(
        NewEvent(
            team_id=team,
            organizer_id=IDS["organizer"],
            title="Планёрка",
            start_local=(datetime.now() + timedelta(days=3)).replace(
                hour=10, minute=0, second=0, microsecond=0
            ),
            timezone="Europe/Moscow",
            rrule="FREQ=WEEKLY",
            audience=(AudienceEntry(AudienceKind.TEAM),),
            reminders=(ReminderSpec(offset=timedelta(hours=1)),),
            confirm_required=True,
        )
    )
    occurrences = await services.agenda.future_occurrences(event.id)
    announcement = await services.events.create(
        NewEvent(
            team_id=team,
            organizer_id=IDS["organizer"],
            title="Объявление",
            start_local=datetime.now(),
            timezone="Europe/Moscow",
            kind=EventKind.ANNOUNCEMENT,
            audience=(AudienceEntry(AudienceKind.TEAM),),
        )
    )
    group = await services.people.create_group(team, IDS["owner"], "Склад")
    await services.people.tag(team, IDS["owner"], "дежурные", [IDS["member"]])
    tag = await services.people.find_tag(team, "дежурные")
    assert tag is not None
    invite = await services.people.create_invite(team, IDS["owner"])
    token, _ = await services.access.create_api_token(IDS["owner"], team, "matrix")
    feed = await services.calendar.link(IDS["member"], FeedKind.PERSONAL)
    source, _ = await services.calendar_import.upload(team, IDS["organizer"], CALENDAR)
    return {
        "team_id": team,
        "event_id": event.id,
        "announcement_id": announcement.id,
        "occurrence_id": occurrences[0].id,
        "occ_id": occurrences[0].id,
        "group_id": group.id,
        "tag_id": tag.id,
        "code": invite.code,
        "invite_code": invite.code,
        "token_id": token.id,
        "token": feed.token,  # a calendar feed's: /cal/{token}.ics
        "feed_id": feed.feed.id,
        "source_id": source.id,
        "user_id": IDS["member"],
        "member_id": IDS["member"],
        "rest": "no/such/thing",  # the API's catch-all: a JSON 404 for any other address
    }


CALENDAR = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//matrix//EN\r\nEND:VCALENDAR\r\n"

# Query strings some routes need to mean anything.
QUERIES = {"/teams/switch": "?team={team_id}"}


def concrete(path: str, params: dict[str, int | str]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in params, f"the matrix has no value for {{{name}}} in {path}: add one"
        return str(params[name])

    return PARAM.sub(fill, path + QUERIES.get(path, ""))


def expected(route: Route, method: str, viewer: str) -> str:
    """'allowed', 'login' (redirect to sign-in), 401, 403 or 404."""
    access = access_of(route)
    team_route = "{team_id" in route.path
    if route.path == "/api/{rest:path}":
        return "404"  # the API's answer to any address it does not have
    if viewer == "anonymous":
        if not (access.signed_in or team_route):
            return "allowed"
        api = access.api or route.path.startswith("/api/")
        return "login" if method == "GET" and not api else "401"
    if access.admin and viewer != "owner":  # the fixture's only instance admin
        return "403"
    # Team A's things are not found by those outside it, whether the team is in the path
    # or the route finds the team from the thing (an event's deep link, the team picker).
    names_team_a = team_route or "{event_id" in route.path or route.path in QUERIES
    if names_team_a and viewer in ("outsider", "other_owner"):
        return "404"
    if team_route and access.role is not None and not RANK[viewer].at_least(access.role):
        return "403"
    return "allowed"


@pytest.mark.timeout(300)
async def test_every_route_for_every_kind_of_viewer(web: WebWorld) -> None:
    params = await seed_params(web)
    routes = door_routes(web.app)
    assert len(routes) > 20, "the pages and the API should be registered"
    clients = {"anonymous": web.anonymous()}
    for viewer in VIEWERS[1:]:
        clients[viewer] = await web.client(viewer)
    checked = 0
    problems: list[str] = []
    for route in routes:
        for method in sorted(route.methods or {"GET"}):
            if method == "HEAD":
                continue
            url = concrete(route.path, params)
            for viewer in VIEWERS:
                want = expected(route, method, viewer)
                browser = clients[viewer]
                if method == "GET":
                    answer = await browser.get(url)
                elif want == "allowed":
                    answer = await _through_the_door(web, route, browser, method, url)
                else:
                    answer = await browser.request(
                        method, url, headers={"x-csrf-token": browser.csrf, "origin": BASE}
                    )
                got = answer.status_code
                ok = {
                    "login": got == 303 and answer.headers["location"].startswith("/login"),
                    "allowed": got < 400 or (route.path == "/login" and got == 400),
                }.get(want, str(got) == want)
                if got >= 500 or not ok:
                    problems.append(f"{method} {route.path} as {viewer}: {got}, expected {want}")
                checked += 1
    assert not problems, "\n".join(problems)
    assert checked >= len(routes) * len(VIEWERS)


async def _through_the_door(
    web: WebWorld, route: Route, browser: object, method: str, url: str
) -> object:
    """Send a state change with the handler replaced by a recorder: the door's verdict."""
    seen: list[Visit] = []

    async def recorder(visit: Visit) -> Response:
        seen.append(visit)
        return PlainTextResponse("reached", status_code=200)

    original = route.endpoint.handler  # type: ignore[attr-defined]
    route.endpoint.handler = recorder  # type: ignore[attr-defined]
    try:
        answer = await browser.request(  # type: ignore[attr-defined]
            method,
            url,
            headers={"x-csrf-token": browser.csrf, "origin": BASE},  # type: ignore[attr-defined]
        )
    finally:
        route.endpoint.handler = original  # type: ignore[attr-defined]
    if answer.status_code == 200:
        assert (seen and seen[0].viewer is not None) or not access_of(route).signed_in
        if "{team_id" in route.path:
            assert seen[0].team is not None and seen[0].role is not None
    return answer


async def test_an_api_token_works_only_for_its_team_and_only_in_the_api(web: WebWorld) -> None:
    api = await web.api("owner")
    other = await web.api("other_owner", web.other_team)
    checked = 0
    for route in door_routes(web.app):
        if "{team_id" not in route.path or "GET" not in (route.methods or ()):
            continue
        if set(PARAM.findall(route.path)) - {"team_id"}:
            continue
        url = route.path.replace("{team_id:int}", str(web.team.id))
        mine, theirs = await api.get(url), await other.get(url)
        if route.path.startswith("/api/"):
            assert mine.status_code < 400, (route.path, mine.status_code)
            assert theirs.status_code == 404, (route.path, theirs.status_code)
        else:  # a page: tokens are for the API, whatever the team
            assert mine.status_code == theirs.status_code == 403, route.path
        checked += 1
    assert checked > 10
    # A token scoped to team A cannot mint one for team B, nor end the browser's sessions.
    mint = await api.post("/me/tokens", data={"name": "x", "team": str(web.other_team.id)})
    assert mint.status_code == 403
    assert (await api.post("/logout/everywhere")).status_code == 403
    assert (await api.get("/me")).status_code == 403


async def test_a_chunked_body_past_the_limit_is_refused_without_a_length(web: WebWorld) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(40):
            yield b"x" * 65536  # 2.5 MiB in all, no Content-Length

    browser = web.anonymous()
    answer = await browser.post(
        "/auth/miniapp",
        content=chunks(),
        headers={"origin": BASE, "content-type": "application/json"},
    )
    assert answer.status_code == 413 and answer.json()["error"] == "too_large"


async def test_ids_beyond_the_database_are_not_found(web: WebWorld) -> None:
    owner = await web.client("owner")
    huge = 2**64
    for url in (
        f"/t/{web.team.id}/people/{huge}",
        f"/t/{web.team.id}/events/{huge}",
        f"/go/event/{huge}",
    ):
        assert (await owner.get(url)).status_code == 404, url


async def test_unicode_digits_are_not_numbers(web: WebWorld) -> None:
    """'²'.isdigit() is true but int('²') fails: such input is refused, never a 500."""
    owner = await web.client("owner")
    team = web.team.id
    for url in (
        "/teams/switch?team=²",
        f"/t/{team}/events?page=²",
        f"/t/{team}/people?page=²&group=²&tag=²",
        f"/t/{team}/announcements?page=²",
        f"/t/{team}/live?jobs=1,²",
    ):
        assert (await owner.get(url)).status_code < 500, url
    answer = await owner.post_form("/me/tokens", {"name": "x", "team": "²"})
    assert answer.status_code == 400
