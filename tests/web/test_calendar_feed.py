"""Calendar feeds over HTTP: ``/cal/<token>.ics`` answers calendar apps without a session
(conditional GET with ETag and If-Modified-Since, HEAD, 404 once revoked), the Calendar
section of /me makes, renews and revokes feeds, the API does the same, and nobody gets a
team's feed who may not see all of its events."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

from icalendar import Calendar

from maxremind.domain.feeds import FeedKind
from maxremind.domain.models import Answer, AudienceEntry, AudienceKind, NewEvent, ReminderSpec
from tests.web.conftest import BASE, IDS, WebWorld


async def seed_event(web: WebWorld, title: str = "Планёрка") -> int:
    event = await web.services.events.create(
        NewEvent(
            team_id=web.team.id,
            organizer_id=IDS["organizer"],
            title=title,
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
    return event.id


def feed_path(url: str) -> str:
    assert url.startswith(BASE + "/cal/") and url.endswith(".ics")
    return url.removeprefix(BASE)


async def test_conditional_get_head_and_revocation(web: WebWorld) -> None:
    event_id = await seed_event(web)
    link = await web.services.calendar.link(IDS["member"], FeedKind.PERSONAL)
    app = web.anonymous()  # a calendar app: no cookie, the token is the credential
    first = await app.get(link.path)
    assert first.status_code == 200
    assert first.headers["content-type"] == "text/calendar; charset=utf-8"
    assert first.headers["cache-control"] == "private, max-age=300"
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('"') and parsedate_to_datetime(modified).tzinfo is not None
    calendar = Calendar.from_ical(first.content)
    assert [str(v["SUMMARY"]) for v in calendar.walk("VEVENT")] == ["Планёрка"]
    assert b"\r\n" in first.content

    same = await app.get(link.path, headers={"if-none-match": etag})
    assert same.status_code == 304 and same.content == b""
    assert same.headers["etag"] == etag
    weak = await app.get(link.path, headers={"if-none-match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    since = await app.get(link.path, headers={"if-modified-since": modified})
    assert since.status_code == 304
    earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(hours=1), usegmt=True)
    assert (await app.get(link.path, headers={"if-modified-since": earlier})).status_code == 200
    # If-None-Match decides over If-Modified-Since.
    both = await app.get(
        link.path, headers={"if-none-match": '"other"', "if-modified-since": modified}
    )
    assert both.status_code == 200

    head = await app.head(link.path)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(first.content))
    assert head.headers["etag"] == etag

    date = (await web.services.agenda.future_occurrences(event_id))[0]
    await web.services.answers.answer(date.id, IDS["member"], Answer.NO)
    changed = await app.get(link.path, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert b"PARTSTAT=DECLINED" in changed.content.replace(b"\r\n ", b"")  # unfolded

    browser = await web.client("member")
    revoked = await browser.post_form(f"/me/calendar/{link.feed.id}/revoke")
    assert revoked.status_code == 303
    assert (await app.get(link.path)).status_code == 404
    assert (await app.head(link.path)).status_code == 404
    assert (await app.get("/cal/" + "A" * 43 + ".ics")).status_code == 404
    assert (await app.get("/cal/short.ics")).status_code == 404


async def test_me_page_makes_renews_and_revokes_my_feed(web: WebWorld) -> None:
    await seed_event(web)
    browser = await web.client("member")
    page = await browser.get("/me")
    assert page.status_code == 200 and 'id="calendar"' in page.text
    assert "/cal/" not in page.text  # nothing made until asked
    made = await browser.post_form("/me/calendar", {"feed": "personal"})
    assert made.status_code == 303 and made.headers["location"].startswith("/me?done=calendar")
    page = await browser.get("/me")
    (link,) = await web.services.calendar.links(IDS["member"])
    assert f"{BASE}{link.path}" in page.text
    assert f"webcal://testserver{link.path}" in page.text
    assert (await browser.get(link.path)).status_code == 200
    renewed = await browser.post_form("/me/calendar", {"feed": "personal", "renew": "1"})
    assert renewed.status_code == 303
    (new,) = await web.services.calendar.links(IDS["member"])
    assert new.token != link.token
    assert (await browser.get(link.path)).status_code == 404
    assert (await browser.get(new.path)).status_code == 200
    # Without the CSRF token nothing is made.
    forged = await browser.post("/me/calendar", data={"feed": "personal", "renew": "1"})
    assert forged.status_code == 403
    assert [x.token for x in await web.services.calendar.links(IDS["member"])] == [new.token]


async def test_only_those_who_see_every_event_get_a_team_feed(web: WebWorld) -> None:
    team = web.team.id
    for who in ("member", "organizer", "other_owner", "outsider"):
        browser = await web.client(who)
        answer = await browser.post_form("/me/calendar", {"feed": f"team:{team}"})
        assert answer.status_code == 403, who
        assert await web.services.calendar.links(IDS[who]) == []
    page = await (await web.client("member")).get("/me")
    assert f"team:{team}" not in page.text  # not offered either
    admin = await web.client("admin")
    assert f"team:{team}" in (await admin.get("/me")).text
    assert (await admin.post_form("/me/calendar", {"feed": f"team:{team}"})).status_code == 303
    (link,) = await web.services.calendar.links(IDS["admin"])
    assert link.feed.kind is FeedKind.TEAM and link.feed.team_id == team
    # A group's feed: its members, not other members of the team.
    group = await web.services.people.create_group(team, IDS["owner"], "Склад")
    await web.services.people.add_to_group(team, IDS["owner"], group.id, [IDS["member"]])
    member = await web.client("member")
    assert f"group:{group.id}" in (await member.get("/me")).text
    assert (
        await member.post_form("/me/calendar", {"feed": f"group:{group.id}"})
    ).status_code == 303
    organizer = await web.client("organizer")
    refused = await organizer.post_form("/me/calendar", {"feed": f"group:{group.id}"})
    assert refused.status_code == 403
    other = await web.client("other_owner")
    assert (await other.post_form("/me/calendar", {"feed": f"group:{group.id}"})).status_code == 403
    bad = await other.post_form("/me/calendar", {"feed": "team:x"})
    assert bad.status_code == 400


async def test_the_api_lists_makes_and_revokes_feeds(web: WebWorld) -> None:
    await seed_event(web)
    api = await web.api("admin")
    assert (await api.get("/api/v1/me/calendar")).json() == {"items": []}
    made = await api.post("/api/v1/me/calendar", json={"kind": "personal"})
    assert made.status_code == 200, made.text
    feed = made.json()
    assert feed["kind"] == "personal" and feed["webcal"].startswith("webcal://testserver/cal/")
    again = await api.post("/api/v1/me/calendar", json={})
    assert again.json()["url"] == feed["url"]
    team = await api.post("/api/v1/me/calendar", json={"kind": "team", "team_id": web.team.id})
    assert team.status_code == 200 and team.json()["team_id"] == web.team.id
    # The API token works for team A only.
    other = await api.post(
        "/api/v1/me/calendar", json={"kind": "team", "team_id": web.other_team.id}
    )
    assert other.status_code == 403
    missing = await api.post("/api/v1/me/calendar", json={"kind": "team"})
    assert missing.status_code == 422 and "team_id" in missing.json()["details"]
    listed = (await api.get("/api/v1/me/calendar")).json()["items"]
    assert {f["kind"] for f in listed} == {"personal", "team"}
    body = await web.anonymous().get(feed_path(team.json()["url"]))
    assert body.status_code == 200 and "Планёрка".encode() in body.content
    assert (await api.delete(f"/api/v1/me/calendar/{feed['id']}")).status_code == 204
    assert (await web.anonymous().get(feed_path(feed["url"]))).status_code == 404
    assert (await api.delete(f"/api/v1/me/calendar/{feed['id']}")).status_code == 404
    member_api = await web.api("member")
    refused = await member_api.post(
        "/api/v1/me/calendar", json={"kind": "team", "team_id": web.team.id}
    )
    assert refused.status_code == 403
