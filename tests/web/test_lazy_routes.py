"""The web pages and the API load on the first request for one of them: health,
readiness and the status page never load them, and routing is the same once loaded."""

from __future__ import annotations

from maxremind.http.lazy import LazyRoutes
from tests.web.conftest import WebWorld


def _lazy(web: WebWorld) -> LazyRoutes:
    (lazy,) = [r for r in web.app.router.routes if isinstance(r, LazyRoutes)]
    return lazy


async def test_operational_addresses_do_not_load_the_web(web: WebWorld) -> None:
    lazy = _lazy(web)
    browser = web.anonymous()
    for path in ("/healthz", "/readyz", "/status", "/static/app.js"):
        await browser.get(path)
    assert lazy._routes is None
    # The first page loads them; routing is then the router's own.
    assert (await browser.get("/login")).status_code == 200
    assert lazy._routes is not None
    owner = await web.client("owner")
    assert (await owner.get(f"/t/{web.team.id}/")).status_code == 200
    assert (await owner.get("/no/such/page")).status_code == 404
    # A path with another method: 405, from the lazily loaded routes as from any.
    assert (await owner.delete(f"/t/{web.team.id}/")).status_code == 405
    api = await web.api("owner")
    assert (await api.delete("/api/v1/teams")).status_code == 405
    # The app's list names every route (the API document and the tests read it).
    listed = web.app.routes
    assert all(any(r is s for s in listed) for r in lazy.routes)
    assert web.app.url_path_for("dashboard", team_id=web.team.id) == f"/t/{web.team.id}/"


async def test_listing_the_routes_loads_them(web: WebWorld) -> None:
    lazy = _lazy(web)
    assert lazy._routes is None
    paths = {getattr(r, "path", None) for r in web.app.routes}
    assert "/t/{team_id:int}/" in paths and "/healthz" in paths
    assert lazy._routes is not None
