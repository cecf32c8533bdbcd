"""The web pages and the API load on the first request for one of them: health,
readiness and the status page never load them, a page view does not load the API, and
routing is the same once loaded."""

from __future__ import annotations

import json
import subprocess
import sys

from maxremind.http.lazy import LazyRoutes
from tests.web.conftest import WebWorld


def _lazy(web: WebWorld) -> tuple[LazyRoutes, LazyRoutes]:
    api, pages = [r for r in web.app.router.routes if isinstance(r, LazyRoutes)]
    return api, pages


async def test_operational_addresses_do_not_load_the_web(web: WebWorld) -> None:
    api_routes, pages = _lazy(web)
    browser = web.anonymous()
    for path in ("/healthz", "/readyz", "/status", "/static/app.js"):
        await browser.get(path)
    assert pages._routes is None and api_routes._routes is None
    # The first page loads the pages, not the API; routing is then the router's own.
    assert (await browser.get("/login")).status_code == 200
    assert pages._routes is not None
    owner = await web.client("owner")
    assert (await owner.get(f"/t/{web.team.id}/")).status_code == 200
    assert (await owner.get("/no/such/page")).status_code == 404
    # A path with another method: 405, from the lazily loaded routes as from any.
    assert (await owner.delete(f"/t/{web.team.id}/")).status_code == 405
    assert api_routes._routes is None
    api = await web.api("owner")
    assert (await api.delete("/api/v1/teams")).status_code == 405
    assert (await api.get("/api/v1/no/such")).status_code == 404
    assert api_routes._routes is not None
    # The app's list names every route (the API document and the tests read it).
    listed = web.app.routes
    for lazy in (api_routes, pages):
        assert all(any(r is s for s in listed) for r in lazy.routes)
    assert web.app.url_path_for("dashboard", team_id=web.team.id) == f"/t/{web.team.id}/"


async def test_the_api_first_does_not_load_the_pages(web: WebWorld) -> None:
    api_routes, pages = _lazy(web)
    api = await web.api("owner")
    assert (await api.get("/api/v1/teams")).status_code == 200
    assert api_routes._routes is not None and pages._routes is None


async def test_listing_the_routes_loads_them(web: WebWorld) -> None:
    api_routes, pages = _lazy(web)
    assert pages._routes is None and api_routes._routes is None
    paths = {getattr(r, "path", None) for r in web.app.routes}
    assert "/t/{team_id:int}/" in paths and "/healthz" in paths
    assert "/api/openapi.json" in paths
    assert pages._routes is not None and api_routes._routes is not None


def test_the_pages_do_not_import_the_api() -> None:
    # A fresh interpreter: this test process has long imported everything.
    code = (
        "import json, sys; from maxremind.http.web import page_routes; page_routes(); "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('maxremind.http.api'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == []
