"""The people side of the API: me, teams, members and roles, groups, tags — with the
bot's rules (the services') and the API's shapes: pages, errors with details, tokens
scoped to a team, the session needing its CSRF token."""

from __future__ import annotations

from maxremind.domain.models import Language, Role
from tests.api.conftest import WebWorld

V1 = "/api/v1"


def _team(world: WebWorld) -> str:
    return f"{V1}/teams/{world.team.id}"


async def test_me_and_my_teams(web: WebWorld) -> None:
    api = await web.api("admin")
    me = (await api.get(f"{V1}/me")).json()
    assert me["user_id"] == web.ids["admin"]
    assert me["signed_in_with"] == "token" and me["token_team_id"] == web.team.id
    assert [t["id"] for t in me["teams"]] == [web.team.id]
    assert me["teams"][0]["my_role"] == "admin"

    teams = (await api.get(f"{V1}/teams")).json()
    assert teams["total"] == 1 and teams["items"][0]["name"] == "Отдел продаж"
    team = (await api.get(_team(web))).json()
    assert team["timezone"] == "Europe/Moscow" and team["my_role"] == "admin"


async def test_a_token_works_for_its_team_only(web: WebWorld) -> None:
    # The other team's owner joins team A too; their token for team B still sees only B.
    invite = await web.services.people.create_invite(web.team.id, web.ids["owner"])
    await web.services.people.join(web.ids["other_owner"], invite.code)
    api = await web.api("other_owner", web.other_team)
    assert (await api.get(_team(web))).status_code == 404
    assert (await api.get(f"{_team(web)}/members")).status_code == 404
    mine = await api.get(f"{V1}/teams/{web.other_team.id}")
    assert mine.status_code == 200
    listed = (await api.get(f"{V1}/teams")).json()
    assert [t["id"] for t in listed["items"]] == [web.other_team.id]


async def test_anonymous_and_outsiders_are_refused(web: WebWorld) -> None:
    anonymous = web.anonymous()
    refused = await anonymous.get(f"{_team(web)}/members")
    assert refused.status_code == 401
    assert set(refused.json()) == {"error", "message", "details"}
    bad_token = await anonymous.get(f"{V1}/me", headers={"authorization": "Bearer mr_nonsense"})
    assert bad_token.status_code == 401 and bad_token.json()["error"] == "unauthorized"
    outsider = await web.client("outsider")
    assert (await outsider.get(_team(web))).status_code == 404


async def test_members_page_through_and_show_groups_and_tags(web: WebWorld) -> None:
    owner = web.ids["owner"]
    group = await web.services.people.create_group(web.team.id, owner, "Водители")
    await web.services.people.add_to_group(web.team.id, owner, group.id, [web.ids["member"]])
    api = await web.api("member")
    first = (await api.get(f"{_team(web)}/members?per_page=3")).json()
    assert first["total"] == 4 and len(first["items"]) == 3 and first["page"] == 1
    assert first["next"].endswith("per_page=3&page=2")
    second = (await api.get(first["next"])).json()
    assert len(second["items"]) == 1 and second["next"] is None
    everyone = {m["user_id"]: m for m in first["items"] + second["items"]}
    assert set(everyone) == {web.ids[r] for r in ("owner", "admin", "organizer", "member")}
    assert everyone[web.ids["member"]]["groups"] == [{"id": group.id, "name": "Водители"}]
    one = (await api.get(f"{_team(web)}/members/{web.ids['organizer']}")).json()
    assert one["role"] == "organizer" and one["name"] == "Ирина Организатор"
    assert (await api.get(f"{_team(web)}/members/{web.ids['outsider']}")).status_code == 404


async def test_roles_follow_the_bot_rules(web: WebWorld) -> None:
    target = f"{_team(web)}/members/{web.ids['member']}"
    member = await web.api("member")
    assert (await member.patch(target, json={"role": "organizer"})).status_code == 403
    admin = await web.api("admin")
    promoted = await admin.patch(target, json={"role": "organizer"})
    assert promoted.status_code == 200 and promoted.json()["role"] == "organizer"
    # Only an owner grants admin.
    refused = await admin.patch(target, json={"role": "admin"})
    assert refused.status_code == 403
    assert await web.services.people.role_of(web.team.id, web.ids["member"]) is Role.ORGANIZER
    owner = await web.api("owner")
    last_owner = await owner.patch(
        f"{_team(web)}/members/{web.ids['owner']}", json={"role": "member"}
    )
    assert last_owner.status_code == 400
    assert "владелец" in last_owner.json()["message"]
    invalid = await owner.patch(target, json={"role": "boss"})
    assert invalid.status_code == 422
    assert invalid.json()["error"] == "invalid" and "role" in invalid.json()["details"]


async def test_removing_a_member(web: WebWorld) -> None:
    admin = await web.api("admin")
    gone = await admin.delete(f"{_team(web)}/members/{web.ids['member']}")
    assert gone.status_code == 204 and gone.content == b""
    assert await web.services.people.role_of(web.team.id, web.ids["member"]) is None
    owner_refused = await admin.delete(f"{_team(web)}/members/{web.ids['owner']}")
    assert owner_refused.status_code == 400
    assert (await admin.delete(f"{_team(web)}/members/{web.ids['admin']}")).status_code == 400


async def test_groups_lifecycle(web: WebWorld) -> None:
    api = await web.api("admin")
    created = await api.post(f"{_team(web)}/groups", json={"name": "  Отдел   кадров "})
    assert created.status_code == 201
    group = created.json()
    assert group["name"] == "Отдел кадров"
    again = await api.post(f"{_team(web)}/groups", json={"name": "Отдел кадров"})
    assert again.status_code == 409 and "name" in again.json()["details"]

    url = f"{_team(web)}/groups/{group['id']}"
    added = await api.post(
        f"{url}/members", json={"user_ids": [web.ids["member"], web.ids["organizer"]]}
    )
    assert added.json() == {"changed": 2}
    stranger = await api.post(f"{url}/members", json={"user_ids": [web.ids["outsider"]]})
    assert stranger.status_code == 422
    assert str(web.ids["outsider"]) in stranger.json()["details"]["user_ids"]
    detail = (await api.get(url)).json()
    assert detail["member_ids"] == sorted([web.ids["member"], web.ids["organizer"]])
    removed = await api.delete(f"{url}/members/{web.ids['member']}")
    assert removed.json() == {"changed": 1}
    renamed = await api.patch(url, json={"name": "Кадры"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Кадры"
    listed = (await api.get(f"{_team(web)}/groups")).json()
    assert [g["name"] for g in listed["items"]] == ["Кадры"]

    member = await web.api("member")
    assert (await member.get(url)).status_code == 200
    assert (await member.delete(url)).status_code == 403
    assert (await api.delete(url)).status_code == 204
    assert (await api.get(url)).status_code == 404
    # A group of another team is not reachable through this team's address.
    other = await web.services.people.create_group(
        web.other_team.id, web.ids["other_owner"], "Чужая"
    )
    assert (await api.get(f"{_team(web)}/groups/{other.id}")).status_code == 404


async def test_tags(web: WebWorld) -> None:
    api = await web.api("admin")
    tagged = await api.post(
        f"{_team(web)}/tags", json={"name": "#водитель", "user_ids": [web.ids["member"]]}
    )
    assert tagged.status_code == 200
    body = tagged.json()
    assert body["created"] is True and body["changed"] == 1 and body["tag"]["name"] == "водитель"
    url = f"{_team(web)}/tags/{body['tag']['id']}"
    more = await api.post(f"{url}/members", json={"user_ids": [web.ids["organizer"]]})
    assert more.json() == {"changed": 1}
    assert (await api.get(url)).json()["member_ids"] == sorted(
        [web.ids["member"], web.ids["organizer"]]
    )
    untagged = await api.delete(f"{url}/members/{web.ids['member']}")
    assert untagged.json() == {"changed": 1}
    tags = (await api.get(f"{_team(web)}/tags")).json()
    assert [t["name"] for t in tags["items"]] == ["водитель"]
    organizer = await web.api("organizer")
    refused = await organizer.post(
        f"{_team(web)}/tags", json={"name": "x", "user_ids": [web.ids["member"]]}
    )
    assert refused.status_code == 403


async def test_invalid_input_has_details_per_field_in_the_viewers_language(web: WebWorld) -> None:
    await web.services.users.set_language(web.ids["admin"], Language.EN)
    api = await web.api("admin")
    answer = await api.post(f"{_team(web)}/groups", json={"name": "", "colour": "red"})
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"] == "invalid"
    assert body["message"] == "Please check the form fields."
    assert body["details"] == {"name": "Too short (at least 1).", "colour": "Unknown field."}
    not_json = await api.post(
        f"{_team(web)}/groups", content=b"{name:", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 400 and not_json.json()["error"] == "bad_request"
    not_object = await api.post(f"{_team(web)}/groups", json=["Кадры"])
    assert not_object.status_code == 422 and "body" in not_object.json()["details"]
    bad_page = await api.get(f"{_team(web)}/members?per_page=1000&page=0")
    assert bad_page.status_code == 422
    assert set(bad_page.json()["details"]) == {"per_page", "page"}


async def test_the_session_needs_its_csrf_token_for_changes(web: WebWorld) -> None:
    browser = await web.client("admin")
    url = f"{_team(web)}/groups"
    without = await browser.post(
        url, json={"name": "Без токена"}, headers={"origin": "http://testserver"}
    )
    assert without.status_code == 403 and without.json()["error"] == "forbidden"
    with_token = await browser.send_json("POST", url, {"name": "С токеном"})
    assert with_token.status_code == 201
    me = (await browser.get(f"{V1}/me")).json()
    assert me["signed_in_with"] == "session" and me["token_team_id"] is None
