"""Calendar import from the browser and the JSON API: the page at
``/t/<team>/events/import`` (organizers and up) uploads a file, subscribes to a feed on a
local server, shows each source's state and error, refreshes and removes; the API does
the same (a ``text/calendar`` body or a JSON subscription), and refuses to edit an event
a subscribed calendar owns."""

from __future__ import annotations

from pathlib import Path

import pytest

from maxremind.calendar.fetch import IcsFetcher
from maxremind.domain.models import EventStatus
from tests.calendar.conftest import Answer, Server
from tests.calendar.test_import import ics
from tests.web.conftest import WebWorld

FIXTURES = Path(__file__).parent / "fixtures"
SOON = "DTSTART;TZID=Europe/Moscow:20310310T100000\r\nDURATION:PT1H"


@pytest.fixture
async def fetching(web: WebWorld) -> object:
    """The world's import service with a fetcher that may reach the local server."""
    fetcher = IcsFetcher(allow_private=True)
    web.services.calendar_import.fetcher = fetcher
    yield fetcher
    await fetcher.aclose()


async def titles(web: WebWorld) -> dict[str, EventStatus]:
    return {e.title: e.status for e in await web.storage.list_events(team_id=web.team.id)}


async def test_the_page_is_for_organizers(web: WebWorld) -> None:
    page = f"/t/{web.team.id}/events/import"
    organizer = await web.client("organizer")
    answer = await organizer.get(page)
    assert answer.status_code == 200
    assert 'name="file"' in answer.text and 'name="url"' in answer.text
    member = await web.client("member")
    assert (await member.get(page)).status_code == 403
    outsider = await web.client("outsider")
    assert (await outsider.get(page)).status_code == 404


async def test_upload_a_file_from_the_page(web: WebWorld) -> None:
    browser = await web.client("organizer")
    base = f"/t/{web.team.id}/events/import"
    data = (FIXTURES / "outlook.ics").read_bytes()
    answer = await browser.post(
        base + "/upload",
        data={"csrf": browser.csrf, "group": ""},
        files={"file": ("calendar.ics", data, "text/calendar")},
        headers={"origin": "http://testserver"},
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == base + "?done=upload"
    page = await browser.get(base + "?done=upload")
    assert "Файл импортирован." in page.text
    assert "Новых: 6" in page.text  # six events, the Martian one left out and said why
    assert "«Встреча на Марсе»: неизвестный часовой пояс Mars Standard Time" in page.text
    found = await titles(web)
    assert found["Совещание отдела"] is EventStatus.ACTIVE
    assert "Встреча на Марсе" not in found

    wrong = await browser.post(
        base + "/upload",
        data={"csrf": browser.csrf},
        files={"file": ("x.ics", b"<html>nope</html>", "text/html")},
        headers={"origin": "http://testserver"},
    )
    assert wrong.status_code == 400
    assert "Это не календарь .ics" in wrong.text


async def test_subscribe_refresh_and_remove_from_the_page(
    web: WebWorld, server: Server, fetching: object
) -> None:
    server.answers["/team.ics"] = Answer(
        body=ics(f"UID:a\r\nSUMMARY:Планёрка\r\n{SOON}", name="Команда"),
        headers={"etag": '"1"', "content-type": "text/calendar"},
    )
    browser = await web.client("organizer")
    base = f"/t/{web.team.id}/events/import"
    added = await browser.post_form(
        base + "/subscribe", {"url": server.url("/team.ics"), "refresh": "30", "group": ""}
    )
    assert added.status_code == 303, added.text
    [source] = await web.services.calendar_import.sources(web.team.id, web.ids["organizer"])
    assert (source.name, source.refresh_minutes) == ("Команда", 30)
    assert await titles(web) == {"Планёрка": EventStatus.ACTIVE}
    # The feed owns the event: its page says so and offers no editor.
    found = await web.services.overview.events(web.ids["organizer"], web.team.id)
    event_url = f"/t/{web.team.id}/events/{found.items[0].event.id}"
    page = await browser.get(event_url)
    assert "Событие из календаря «Команда»" in page.text and event_url + "/edit" not in page.text
    assert (await browser.get(event_url + "/edit")).status_code == 409
    cancel = await browser.post_form(event_url + "/cancel")
    assert cancel.status_code == 409 and "календарю по подписке" in cancel.text
    assert "from_calendar" not in cancel.text  # the reason in words, not its code

    server.answers["/team.ics"] = Answer(500, b"down")
    refreshed = await browser.post_form(f"{base}/{source.id}/refresh")
    assert refreshed.status_code == 303
    page = await browser.get(base)
    assert "Сервер календаря ответил ошибкой 500." in page.text
    assert "Последнее удачное состояние сохранено." in page.text
    assert await titles(web) == {"Планёрка": EventStatus.ACTIVE}

    bad = await browser.post_form(base + "/subscribe", {"url": "ftp://x", "refresh": "60"})
    assert bad.status_code == 400 and "webcal://" in bad.text

    removed = await browser.post_form(f"{base}/{source.id}/remove")
    assert removed.status_code == 303
    assert await web.services.calendar_import.sources(web.team.id, web.ids["organizer"]) == []


async def test_the_api_imports_subscribes_and_guards_what_a_feed_owns(
    web: WebWorld, server: Server, fetching: object
) -> None:
    api = await web.api("organizer")
    imports = f"/api/v1/teams/{web.team.id}/calendar/imports"
    uploaded = await api.post(
        imports,
        content=(FIXTURES / "yandex.ics").read_bytes(),
        headers={"content-type": "text/calendar"},
    )
    assert uploaded.status_code == 200, uploaded.text
    body = uploaded.json()
    assert body["status"] == "applied" and body["source"]["kind"] == "upload"
    assert body["source"]["report"]["created"] > 0
    assert body["source"]["report"]["notes"][0]["reason"] == "expanded"

    server.answers["/feed.ics"] = Answer(body=ics(f"UID:f\r\nSUMMARY:Из ленты\r\n{SOON}"))
    secret = server.url("/feed.ics") + "?private_token=s3cret"
    subscribed = await api.post(imports, json={"url": secret, "refresh_minutes": 15})
    assert subscribed.status_code == 200, subscribed.text
    feed = subscribed.json()["source"]
    assert feed["kind"] == "url" and "s3cret" not in subscribed.text
    assert feed["refresh_minutes"] == 15 and feed["next_fetch_at"] is not None

    listed = await api.get(imports)
    assert [s["kind"] for s in listed.json()["items"]] == ["upload", "url"]

    [event] = [
        e for e in await web.storage.list_events(team_id=web.team.id) if e.title == "Из ленты"
    ]
    edit = await api.put(
        f"/api/v1/teams/{web.team.id}/events/{event.id}",
        json={
            "title": "Своё",
            "start_local": "2031-03-10T10:00:00",
            "audience": [{"kind": "team"}],
            "expected_updated_at": event.updated_at.isoformat(),
        },
    )
    assert edit.status_code == 409, edit.text
    assert "календар" in edit.json()["message"]

    server.answers["/feed.ics"] = Answer(200, b"<html></html>", {"content-type": "text/html"})
    refreshed = await api.post(f"{imports}/{feed['id']}/refresh")
    assert refreshed.json()["status"] == "failed"
    assert refreshed.json()["source"]["last_error"] == "html"

    bad = await api.post(imports, content=b"hello", headers={"content-type": "text/calendar"})
    assert bad.status_code == 400 and bad.json()["details"]["body"]

    gone = await api.delete(f"{imports}/{feed['id']}")
    assert gone.status_code == 204
    assert (await api.get(f"{imports}/{feed['id']}")).status_code == 404
    member = await web.api("member")
    assert (await member.get(imports)).status_code == 403


async def test_a_team_has_a_bounded_number_of_subscriptions(
    web: WebWorld, server: Server, fetching: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import maxremind.services.calendar_import as calendar_import

    monkeypatch.setattr(calendar_import, "MAX_SOURCES", 1)
    server.answers["/a.ics"] = Answer(
        body=ics(f"UID:a\r\nSUMMARY:Планёрка\r\n{SOON}", name="A"),
        headers={"content-type": "text/calendar"},
    )
    service = web.services.calendar_import
    await service.subscribe(web.team.id, web.ids["organizer"], server.url("/a.ics"))
    with pytest.raises(calendar_import.ImportRefused) as refused:
        await service.subscribe(web.team.id, web.ids["organizer"], server.url("/a.ics"))
    assert refused.value.reason == "too_many_sources"


async def test_the_events_list_leads_organizers_to_the_import_page(web: WebWorld) -> None:
    link = f'href="/t/{web.team.id}/events/import"'
    organizer = await (await web.client("organizer")).get(f"/t/{web.team.id}/events")
    member = await (await web.client("member")).get(f"/t/{web.team.id}/events")
    assert link in organizer.text and link not in member.text
