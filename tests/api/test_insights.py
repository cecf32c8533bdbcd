"""The insights routes of the JSON API: the same numbers as the pages, who may read them,
the who-came checklist, the owner's switch, and their place in the OpenAPI document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from maxremind.domain.models import Answer
from tests.web.conftest import IDS, NAMES, WebWorld
from tests.web.insights_kit import Reply, past_event


def replies(week: int, uid: int) -> Reply:
    if uid == IDS["member"]:
        return (Answer.YES, 10)
    if uid == IDS["admin"] and week % 2 == 0:
        return (Answer.NO, 120)
    return None


async def history(web: WebWorld) -> tuple[int, list[int]]:
    people = [IDS[w] for w in ("owner", "admin", "organizer", "member")]
    event, dates = await past_event(
        web.storage,
        web.team.id,
        IDS["organizer"],
        people,
        title="Планёрка",
        weeks=4,
        replies=replies,
        quorum=2,
    )
    return event.id, dates


async def test_team_numbers_by_week_hour_date_and_person(web: WebWorld) -> None:
    await history(web)
    api = await web.api("organizer")
    answer = await api.get(f"/api/v1/teams/{web.team.id}/insights?weeks=8")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    totals = body["totals"]
    assert totals["occurrences"] == 4 and totals["events"] == 1
    assert (totals["answers"]["asked"], totals["answers"]["answered"]) == (16, 6)
    assert totals["answers"]["yes"] == 4 and totals["answers"]["no"] == 2
    assert totals["quorum_checked"] == 4 and totals["quorum_met"] == 0
    assert len(body["weeks"]) in (8, 9)
    assert sum(w["asked"] for w in body["weeks"]) == 16
    (slot,) = body["slots"]
    assert (slot["hour"], slot["asked"], slot["answered"]) == (15, 16, 6)
    assert [o["occurrence_id"] for o in body["occurrences"]] == sorted(
        (o["occurrence_id"] for o in body["occurrences"]), reverse=True
    )
    by_name = {m["name"]: m for m in body["members"]}
    assert by_name[NAMES["member"]]["answer_rate"] == 1.0
    assert by_name[NAMES["member"]]["median_seconds"] == 598  # sent 2 s after due
    assert by_name[NAMES["owner"]]["answered"] == 0
    assert body["members_hidden"] is False


async def test_members_see_their_own_numbers_only(web: WebWorld) -> None:
    await history(web)
    api = await web.api("member")
    assert (await api.get(f"/api/v1/teams/{web.team.id}/insights")).status_code == 403
    mine = await api.get(f"/api/v1/teams/{web.team.id}/insights/me")
    assert mine.status_code == 200, mine.text
    assert mine.json()["user_id"] == IDS["member"]
    assert (mine.json()["asked"], mine.json()["answered"]) == (4, 4)
    settings = await api.get(f"/api/v1/teams/{web.team.id}/insights/settings")
    assert settings.json()["member_stats"] is True
    assert settings.json()["can_change_privacy"] is False
    refused = await api.put(
        f"/api/v1/teams/{web.team.id}/insights/settings", json={"member_stats": False}
    )
    assert refused.status_code == 403


async def test_owner_turns_member_statistics_off(web: WebWorld) -> None:
    await history(web)
    owner = await web.api("owner")
    off = await owner.put(
        f"/api/v1/teams/{web.team.id}/insights/settings", json={"member_stats": False}
    )
    assert off.status_code == 200, off.text
    assert off.json()["member_stats"] is False
    body = (await owner.get(f"/api/v1/teams/{web.team.id}/insights")).json()
    assert body["members"] == [] and body["members_hidden"] is True
    bad = await owner.put(f"/api/v1/teams/{web.team.id}/insights/settings", json={"x": 1})
    assert bad.status_code == 422


async def test_event_numbers_and_who_came(web: WebWorld) -> None:
    event_id, dates = await history(web)
    api = await web.api("organizer")
    base = f"/api/v1/teams/{web.team.id}/events/{event_id}"
    numbers = await api.get(base + "/insights")
    assert numbers.status_code == 200, numbers.text
    assert len(numbers.json()["occurrences"]) == 4
    latest = dates[-1]
    listed = await api.get(f"{base}/occurrences/{latest}/attendance")
    assert listed.status_code == 200, listed.text
    assert [r["user_id"] for r in listed.json()["rows"]] == [IDS["member"]]
    assert listed.json()["started"] is True
    assert listed.json()["rows"][0]["came"] is None
    marked = await api.put(
        f"{base}/occurrences/{latest}/attendance",
        json={"marks": [{"user_id": IDS["member"], "came": False}]},
    )
    assert marked.status_code == 200, marked.text
    assert (marked.json()["marked"], marked.json()["came"]) == (1, 0)
    after = (await api.get(base + "/insights")).json()
    newest = after["occurrences"][0]
    assert newest["occurrence_id"] == latest
    assert newest["attendance"] == {"marked": 1, "came": 0, "no_show": 1}
    # Someone who did not say yes cannot be marked; nothing is saved.
    wrong = await api.put(
        f"{base}/occurrences/{latest}/attendance",
        json={
            "marks": [
                {"user_id": IDS["member"], "came": True},
                {"user_id": IDS["admin"], "came": True},
            ]
        },
    )
    assert wrong.status_code == 422 and "body.marks" in wrong.json()["details"]
    again = (await api.get(f"{base}/occurrences/{latest}/attendance")).json()
    assert again["rows"][0]["came"] is False


async def test_a_date_ahead_cannot_be_marked_yet(web: WebWorld) -> None:
    from maxremind.domain.models import AudienceEntry, AudienceKind, NewEvent, ReminderSpec

    start = (datetime.now(UTC) + timedelta(days=2)).replace(tzinfo=None, microsecond=0)
    event = await web.services.events.create(
        NewEvent(
            team_id=web.team.id,
            organizer_id=IDS["organizer"],
            title="Впереди",
            start_local=start,
            timezone="UTC",
            audience=(AudienceEntry(AudienceKind.TEAM),),
            reminders=(ReminderSpec(offset=timedelta(hours=1)),),
            confirm_required=True,
        )
    )
    (occurrence,) = await web.storage.list_occurrences(event.id)
    api = await web.api("organizer")
    url = f"/api/v1/teams/{web.team.id}/events/{event.id}/occurrences/{occurrence.id}/attendance"
    answer = await api.get(url)
    assert answer.status_code == 200, answer.text
    assert answer.json()["started"] is False and answer.json()["rows"] == []
    early = await api.put(url, json={"marks": [{"user_id": IDS["member"], "came": True}]})
    assert early.status_code == 409
    assert early.json()["error"] == "conflict"


async def test_insights_routes_are_in_the_openapi_document(web: WebWorld) -> None:
    api = await web.api("owner")
    doc = (await api.get("/api/openapi.json")).json()
    paths = doc["paths"]
    team = "/api/v1/teams/{team_id}"
    assert paths[team + "/insights"]["get"]["x-maxremind-role"] == "organizer"
    assert paths[team + "/insights/settings"]["put"]["x-maxremind-role"] == "owner"
    assert "put" in paths[team + "/events/{event_id}/occurrences/{occurrence_id}/attendance"]
    schemas = doc["components"]["schemas"]
    assert {"TeamInsightsOut", "EventInsightsOut", "ChecklistOut", "AttendanceIn"} <= set(schemas)
    query = {p["name"] for p in paths[team + "/insights"]["get"]["parameters"]}
    assert {"weeks", "group_id"} <= query
