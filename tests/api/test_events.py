"""Events through the API: create, list with filters and pages, read, edit with conflict
detection, cancel a date or the series, answers, the delivery ledger, announcements and
quick reminders — each refused the way the bot refuses it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from maxremind.domain.models import (
    DeliveryKind,
    DeliveryStatus,
    EventKind,
    EventStatus,
    NewDelivery,
    RecipientKind,
)
from tests.api.conftest import WebWorld

MOSCOW = ZoneInfo("Europe/Moscow")


def _events(world: WebWorld) -> str:
    return f"/api/v1/teams/{world.team.id}/events"


def _tomorrow_at(hour: int) -> str:
    day = datetime.now(MOSCOW).date() + timedelta(days=1)
    return f"{day.isoformat()}T{hour:02d}:00:00"


def _planning(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Планёрка",
        "place": "Переговорная 3",
        "start_local": _tomorrow_at(10),
        "rrule": "FREQ=DAILY",
        "audience": [{"kind": "team"}],
        "reminders": [
            {"offset_seconds": 3600},
            {"offset_seconds": 900, "target": "unanswered"},
        ],
        "confirm_required": True,
    }
    body.update(changes)
    return body


async def _create(api: httpx.AsyncClient, world: WebWorld, **changes: Any) -> dict[str, Any]:
    answer = await api.post(_events(world), json=_planning(**changes))
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


async def _warehouse(api: httpx.AsyncClient, world: WebWorld) -> dict[str, Any]:
    """A group with the admin in it (not the member)."""
    teams = f"/api/v1/teams/{world.team.id}/groups"
    group: dict[str, Any] = (await api.post(teams, json={"name": "Склад"})).json()
    added = await api.post(
        f"{teams}/{group['id']}/members", json={"user_ids": [world.ids["admin"]]}
    )
    assert added.json() == {"changed": 1}
    return group


async def test_an_organizer_creates_a_repeating_event(web: WebWorld) -> None:
    api = await web.api("organizer")
    event = await _create(api, web)
    assert event["title"] == "Планёрка" and event["kind"] == "event"
    assert event["timezone"] == "Europe/Moscow"  # the team's, as none was given
    assert event["start_local"] == _tomorrow_at(10)
    assert event["audience_size"] == 4 and event["can_manage"] is True
    assert [r["offset_seconds"] for r in event["reminders"]] == [3600, 900]
    next_date = event["next_occurrence"]
    assert next_date["local_start"] == _tomorrow_at(10)
    expected = datetime.fromisoformat(_tomorrow_at(10)).replace(tzinfo=MOSCOW).astimezone(UTC)
    assert datetime.fromisoformat(next_date["starts_at"]) == expected
    saved = await web.services.agenda.event(event["id"])
    assert (
        saved is not None
        and saved.rrule == "FREQ=DAILY"
        and saved.organizer_id == web.ids["organizer"]
    )
    assert len(await web.services.agenda.future_occurrences(event["id"])) > 20


async def test_a_moment_with_an_offset_becomes_the_wall_time_of_the_zone(web: WebWorld) -> None:
    api = await web.api("owner")
    day = datetime.now(UTC).date() + timedelta(days=2)
    event = await _create(
        api,
        web,
        start_local=f"{day.isoformat()}T07:00:00Z",
        timezone="Asia/Yekaterinburg",
        rrule=None,
    )
    assert event["start_local"] == f"{day.isoformat()}T12:00:00"
    assert event["timezone"] == "Asia/Yekaterinburg"


async def test_members_may_not_create_and_bad_events_are_refused_with_details(
    web: WebWorld,
) -> None:
    member = await web.api("member")
    assert (await member.post(_events(web), json=_planning())).status_code == 403
    api = await web.api("organizer")
    past = await api.post(
        _events(web), json=_planning(start_local="2020-01-01T10:00:00", rrule=None)
    )
    assert past.status_code == 400
    assert past.json()["details"] == {"start_local": "Это время уже прошло."}
    gone = await api.post(_events(web), json=_planning(audience=[{"kind": "group", "id": 999}]))
    assert gone.status_code == 400 and "audience" in gone.json()["details"]
    bad = await api.post(
        _events(web),
        json=_planning(
            title="",
            timezone="Europe",
            audience=[{"kind": "team", "id": 5}],
            reminders=[{"offset_seconds": 60, "at": "2030-01-01T10:00:00Z"}],
        ),
    )
    assert bad.status_code == 422
    details = bad.json()["details"]
    assert set(details) == {"title", "timezone", "audience.0", "reminders.0"}
    assert "Europe/Moscow" in details["timezone"]
    assert await web.services.agenda.managed(web.ids["organizer"]) == []  # nothing saved


async def test_the_list_shows_what_the_viewer_may_see_with_filters_and_pages(
    web: WebWorld,
) -> None:
    owner = await web.api("owner")
    group = await _warehouse(owner, web)
    for n in range(3):
        await _create(owner, web, title=f"Смена {n}", start_local=_tomorrow_at(8 + n), rrule=None)
    await _create(
        owner,
        web,
        title="Только склад",
        audience=[{"kind": "group", "id": group["id"]}],
        rrule=None,
    )
    first = (await owner.get(f"{_events(web)}?per_page=2")).json()
    assert first["total"] == 4 and [e["event"]["title"] for e in first["items"]] == [
        "Смена 0",
        "Смена 1",
    ]
    second = (await owner.get(first["next"])).json()
    assert [e["event"]["title"] for e in second["items"]] == ["Смена 2", "Только склад"]
    assert second["next"] is None
    row = first["items"][0]
    assert row["can_manage"] is True and row["audience_size"] == 4
    assert row["counts"]["no_answer"] == 4

    found = (await owner.get(f"{_events(web)}?q=смена 1")).json()
    assert [e["event"]["title"] for e in found["items"]] == ["Смена 1"]
    # The member is not in the group: they do not see that event, nor any counts.
    member = await web.api("member")
    theirs = (await member.get(_events(web))).json()
    assert [e["event"]["title"] for e in theirs["items"]] == ["Смена 0", "Смена 1", "Смена 2"]
    assert all(e["counts"] is None and e["can_manage"] is False for e in theirs["items"])
    bad = await member.get(f"{_events(web)}?status=gone&starts_from=tomorrow")
    assert bad.status_code == 422 and set(bad.json()["details"]) == {"status", "starts_from"}


async def test_reading_an_event_and_what_others_may_not_see(web: WebWorld) -> None:
    owner = await web.api("owner")
    group = await _warehouse(owner, web)
    event = await _create(owner, web, audience=[{"kind": "group", "id": group["id"]}])
    url = f"{_events(web)}/{event['id']}"
    answer = await owner.get(url)
    assert answer.status_code == 200
    assert answer.headers["etag"].strip('"').isdigit()
    assert answer.json()["updated_at"] == event["updated_at"]
    member = await web.api("member")
    assert (await member.get(url)).status_code == 404  # not invited, not theirs
    dates = (await owner.get(f"{url}/occurrences?per_page=5")).json()
    assert len(dates["items"]) == 5 and dates["total"] > 20
    assert all(d["status"] == "planned" for d in dates["items"])
    # Another team's event is not reachable through this team's address.
    other = await web.api("other_owner", web.other_team)
    assert (
        await other.get(f"/api/v1/teams/{web.other_team.id}/events/{event['id']}")
    ).status_code == 404


async def test_edits_need_the_version_and_a_stale_one_is_a_conflict(web: WebWorld) -> None:
    organizer = await web.api("organizer")
    event = await _create(organizer, web)
    url = f"{_events(web)}/{event['id']}"
    unversioned = await organizer.put(url, json=_planning(title="Без версии"))
    assert unversioned.status_code == 422
    assert "expected_updated_at" in unversioned.json()["details"]

    etag = (await organizer.get(url)).headers["etag"]
    await asyncio.sleep(0.01)  # versions are milliseconds
    admin = await web.api("admin")
    first = await admin.put(
        url, json=_planning(title="Планёрка в 11", expected_updated_at=event["updated_at"])
    )
    assert first.status_code == 200, first.text
    assert first.json()["title"] == "Планёрка в 11"
    assert first.json()["updated_at"] != event["updated_at"]
    # The organizer edits from the version they loaded before the admin's change.
    stale = await organizer.put(url, json=_planning(title="Моя правка"), headers={"if-match": etag})
    assert stale.status_code == 409
    assert stale.json()["error"] == "conflict"
    saved = await web.services.agenda.event(event["id"])
    assert saved is not None and saved.title == "Планёрка в 11"
    fresh = await organizer.get(url)
    redo = await organizer.put(
        url, json=_planning(title="Моя правка"), headers={"if-match": fresh.headers["etag"]}
    )
    assert redo.status_code == 200 and redo.json()["title"] == "Моя правка"
    # Someone who may see but not manage it is refused.
    member = await web.api("member")
    refused = await member.put(url, json=_planning(expected_updated_at=redo.json()["updated_at"]))
    assert refused.status_code == 403


async def test_cancel_one_date_then_the_series(web: WebWorld) -> None:
    owner = await web.api("owner")
    event = await _create(owner, web)
    url = f"{_events(web)}/{event['id']}"
    dates = (await owner.get(f"{url}/occurrences")).json()["items"]
    second = dates[1]
    member = await web.api("member")
    assert (await member.post(f"{url}/occurrences/{second['id']}/cancel")).status_code == 403
    done = await owner.post(f"{url}/occurrences/{second['id']}/cancel")
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["event"]["status"] == "active" and body["notified"] == 0
    assert body["event"]["exdates"] == [second["local_start"][:10]]
    after = {d["id"]: d["status"] for d in (await owner.get(f"{url}/occurrences")).json()["items"]}
    assert after[second["id"]] == "cancelled" and after[dates[0]["id"]] == "planned"
    again = await owner.post(f"{url}/occurrences/{second['id']}/cancel")
    assert again.status_code == 409

    series = await owner.post(f"{url}/cancel")
    assert series.status_code == 200 and series.json()["event"]["status"] == "cancelled"
    saved = await web.services.agenda.event(event["id"])
    assert saved is not None and saved.status is EventStatus.CANCELLED
    assert (await owner.post(f"{url}/cancel")).status_code == 409
    assert (await owner.get(url)).status_code == 200  # the organizer still sees it


async def test_answers_and_the_ledger_of_a_date(web: WebWorld) -> None:
    organizer = await web.api("organizer")
    event = await _create(organizer, web)
    url = f"{_events(web)}/{event['id']}"
    occurrence_id = event["next_occurrence"]["id"]
    date_url = f"{url}/occurrences/{occurrence_id}"

    member = await web.api("member")
    mine = await member.put(f"{date_url}/answer", json={"answer": "yes"})
    assert mine.status_code == 200 and mine.json() == {
        "occurrence_id": occurrence_id,
        "answer": "yes",
    }
    admin = await web.api("admin")
    assert (await admin.put(f"{date_url}/answer", json={"answer": "no"})).status_code == 200
    assert (await member.put(f"{date_url}/answer", json={"answer": "soon"})).status_code == 422
    assert (await member.get(f"{date_url}/answers")).status_code == 403

    answers = (await organizer.get(f"{date_url}/answers")).json()
    assert answers["yes"] == ["Мария Участник"] and answers["no"] == ["Антон Админ"]
    assert {p["user_id"] for p in answers["silent"]} == {web.ids["owner"], web.ids["organizer"]}
    assert answers["counts"]["yes"] == 1 and answers["counts"]["no_answer"] == 2
    assert answers["timeline"][-1]["yes"] == 1 and answers["timeline"][-1]["no"] == 1

    # A sent reminder and a failed one, as the engine records them.
    now = datetime.now(UTC)
    await web.storage.add_deliveries(
        [
            NewDelivery(
                key=f"test:{occurrence_id}:user:{user_id}",
                recipient_kind=RecipientKind.USER,
                recipient_id=user_id,
                due_at=now,
                send_at=now,
                kind=DeliveryKind.REMINDER,
                occurrence_id=occurrence_id,
                status=status,
            )
            for user_id, status in (
                (web.ids["member"], DeliveryStatus.SENT),
                (web.ids["admin"], DeliveryStatus.FAILED),
            )
        ]
    )
    ledger = (await organizer.get(f"{date_url}/deliveries")).json()
    assert ledger["total"] == 2
    assert {(d["recipient_name"], d["status"]) for d in ledger["items"]} == {
        ("Мария Участник", "sent"),
        ("Антон Админ", "failed"),
    }
    failed = (await organizer.get(f"{date_url}/deliveries?status=failed")).json()
    assert [d["recipient_id"] for d in failed["items"]] == [web.ids["admin"]]
    assert (await member.get(f"{date_url}/deliveries")).status_code == 403


async def test_an_announcement_goes_out_now(web: WebWorld) -> None:
    url = f"/api/v1/teams/{web.team.id}/announcements"
    member = await web.api("member")
    assert (
        await member.post(url, json={"text": "Собрание", "audience": [{"kind": "team"}]})
    ).status_code == 403
    organizer = await web.api("organizer")
    sent = await organizer.post(
        url,
        json={"text": "Собрание в 15:00\nВ большом зале", "audience": [{"kind": "team"}]},
    )
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert body["audience_size"] == 4
    assert body["event"]["kind"] == "announcement"
    assert body["event"]["title"] == "Собрание в 15:00"
    assert body["event"]["description"] == "В большом зале"
    saved = await web.services.agenda.event(body["event"]["id"])
    assert saved is not None and saved.kind is EventKind.ANNOUNCEMENT
    occurrences = await web.services.agenda.coming_dates(saved.id)
    assert occurrences == [] or occurrences[0].starts_at <= datetime.now(UTC) + timedelta(seconds=5)
    # Sent announcements are not edited.
    edit = await organizer.put(
        f"{_events(web)}/{saved.id}",
        json=_planning(expected_updated_at=body["event"]["updated_at"]),
    )
    assert edit.status_code == 409


async def test_an_announcement_can_wait_for_its_moment(web: WebWorld) -> None:
    organizer = await web.api("organizer")
    at = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    url = f"/api/v1/teams/{web.team.id}/announcements"
    later = await organizer.post(
        url, json={"text": "Завтра субботник", "audience": [{"kind": "team"}], "at": at.isoformat()}
    )
    assert later.status_code == 201, later.text
    event = later.json()["event"]
    assert datetime.fromisoformat(event["next_occurrence"]["starts_at"]) == at
    assert event["start_local"] == at.astimezone(MOSCOW).replace(tzinfo=None).isoformat()
    past = await organizer.post(
        url, json={"text": "Вчера", "audience": [{"kind": "team"}], "at": "2021-05-01T10:00:00Z"}
    )
    assert past.status_code == 400 and "start_local" in past.json()["details"]


async def test_my_quick_reminders(web: WebWorld) -> None:
    api = await web.api("member")
    at = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    made = await api.post(
        "/api/v1/me/reminders", json={"text": "Позвонить в бухгалтерию", "at": at.isoformat()}
    )
    assert made.status_code == 201, made.text
    reminder = made.json()
    assert reminder["team_id"] is None and reminder["title"] == "Позвонить в бухгалтерию"
    assert datetime.fromisoformat(reminder["next_at"]) == at
    listed = (await api.get("/api/v1/me/reminders")).json()
    assert [r["id"] for r in listed["items"]] == [reminder["id"]]
    other = await web.api("admin")
    assert (await other.delete(f"/api/v1/me/reminders/{reminder['id']}")).status_code == 404
    assert (await api.delete(f"/api/v1/me/reminders/{reminder['id']}")).status_code == 204
    assert (await api.get("/api/v1/me/reminders")).json()["items"] == []
    past = await api.post(
        "/api/v1/me/reminders", json={"text": "x", "at": "2021-01-01T10:00:00+03:00"}
    )
    assert past.status_code == 400
    naive = await api.post("/api/v1/me/reminders", json={"text": "x", "at": "2031-01-01T10:00"})
    assert naive.status_code == 422 and "at" in naive.json()["details"]
