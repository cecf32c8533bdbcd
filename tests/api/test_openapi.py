"""The OpenAPI document is generated from the routes: it lists exactly the API routes,
each with its models, and it is a valid OpenAPI 3.1 document."""

from __future__ import annotations

from openapi_spec_validator import validate
from starlette.routing import Route

from maxremind.http.api.openapi import PREFIX, openapi_path
from maxremind.http.web.visit import access_of
from tests.api.conftest import WebWorld


def _declared(world: WebWorld) -> set[tuple[str, str]]:
    """(method, path) of every route of the app under /api/v1/, door routes or not."""
    found = set()
    for route in world.app.routes:
        if isinstance(route, Route) and route.path.startswith(PREFIX):
            for method in route.methods or ():
                if method != "HEAD":
                    found.add((method.lower(), openapi_path(route.path)))
    return found


async def test_document_lists_exactly_the_api_routes_and_is_valid(web: WebWorld) -> None:
    anonymous = web.anonymous()
    answer = await anonymous.get("/api/openapi.json")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    doc = answer.json()

    validate(doc)  # raises on anything OpenAPI 3.1 does not allow
    assert doc["openapi"] == "3.1.0"
    documented = {(method, path) for path, ops in doc["paths"].items() for method in ops}
    assert documented == _declared(web)
    assert len(documented) >= 30
    assert {"bearer", "session"} <= set(doc["components"]["securitySchemes"])

    for route in web.app.routes:
        if not (isinstance(route, Route) and route.path.startswith(PREFIX)):
            continue
        access = access_of(route)  # every /api/v1 route goes through the door
        assert access.api, route.path
        for method in route.methods or ():
            if method == "HEAD":
                continue
            op = doc["paths"][openapi_path(route.path)][method.lower()]
            assert op["summary"] and op["tags"], route.path
            assert "4XX" in op["responses"]
            if access.role is not None:
                assert op["x-maxremind-role"] == access.role.value
            if access.meta.get("body") is not None:
                assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            names = {p["name"] for p in op["parameters"] if p["in"] == "path"}
            assert names == set(route.param_convertors), route.path


async def test_document_shapes_parameters_and_models(web: WebWorld) -> None:
    doc = (await web.anonymous().get("/api/openapi.json")).json()
    events = doc["paths"]["/api/v1/teams/{team_id}/events"]
    team_id = next(p for p in events["get"]["parameters"] if p["name"] == "team_id")
    assert team_id["schema"]["type"] == "integer" and team_id["required"] is True
    query = {p["name"]: p for p in events["get"]["parameters"] if p["in"] == "query"}
    assert {"page", "per_page", "q", "kind", "status", "starts_from"} <= set(query)
    assert query["per_page"]["schema"]["maximum"] == 200
    assert events["post"]["x-maxremind-role"] == "organizer"
    assert "201" in events["post"]["responses"]
    schemas = doc["components"]["schemas"]
    event_in = next(s for n, s in schemas.items() if n.startswith("EventIn"))
    assert {"title", "start_local", "audience"} <= set(event_in["required"])
    assert event_in["additionalProperties"] is False
    assert "ErrorOut" in schemas
    assert set(schemas["ErrorOut"]["properties"]) == {"error", "message", "details"}
    removal = doc["paths"]["/api/v1/teams/{team_id}/members/{user_id}"]["delete"]
    assert "content" not in removal["responses"]["204"]


async def test_unknown_api_addresses_answer_json(web: WebWorld) -> None:
    api = await web.api("member")
    missing = await api.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    wrong_method = await api.post(f"/api/v1/teams/{web.team.id}")
    assert wrong_method.status_code == 405
    body = wrong_method.json()
    assert body["error"] == "method_not_allowed" and "GET" in body["message"]


async def test_ids_past_sqlite_integers_name_nothing(web: WebWorld) -> None:
    browser = await web.client("owner")
    huge = "99999999999999999999"
    team = f"/api/v1/teams/{web.team.id}"
    for url in (
        f"/api/v1/teams/{huge}",
        f"/api/v1/teams/{huge}/members",
        f"{team}/events/{huge}",
        f"{team}/groups/{huge}",
        f"{team}/members/{huge}",
        f"{team}/events/{huge}/occurrences/{huge}/answers",
    ):
        answer = await browser.get(url)
        assert answer.status_code == 404, url
        assert answer.json()["error"] == "not_found"
