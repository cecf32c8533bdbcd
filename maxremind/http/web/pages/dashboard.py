"""The team's dashboard: problems first, then the next 14 days with live counts and the
fan-outs going out now.

The page is complete without JavaScript.  Its numbers carry ``data-live-key`` names and
the page names ``/t/<team>/live`` as its ``data-live`` source: app.js polls it and
replaces the numbers in place.  Both read :meth:`OverviewService.dashboard`, so the live
numbers follow the same visibility rules as the page and cost the same grouped queries.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from maxremind.domain.ids import digits
from maxremind.http.web import texts_dashboard as _texts  # noqa: F401  (registers the texts)
from maxremind.http.web.visit import Visit, route
from maxremind.services.overview import DASHBOARD_DAYS, Counts, Dashboard, FanOut

MAX_WATCHED_JOBS = 50  # fan-outs one page may ask about


def occurrence_values(occurrence_id: int, counts: Counts) -> dict[str, str | int]:
    """The live numbers of one date, by ``data-live-key``."""
    key = f"o{occurrence_id}"
    return {
        f"{key}-sent": f"{counts.reached} / {counts.audience}",
        f"{key}-yes": counts.yes,
        f"{key}-maybe": counts.maybe,
        f"{key}-no": counts.no,
        f"{key}-none": counts.no_answer,
    }


def fanout_done(fanout: FanOut) -> int:
    """Deliveries of the step that are no longer waiting (sent, given up, skipped)."""
    return fanout.sent + fanout.failed + fanout.skipped


def fanout_fraction(fanout: FanOut) -> float:
    return round(fanout_done(fanout) / fanout.total, 4) if fanout.total else 1.0


def fanout_values(visit: Visit, fanout: FanOut) -> dict[str, str | int | float]:
    key = f"f{fanout.job_id}"
    return {
        f"{key}-progress": fanout_fraction(fanout),
        f"{key}-text": visit.t(
            "web_dashboard_fanout_progress", sent=fanout.sent, total=fanout.total
        ),
        f"{key}-failed": fanout.failed,
        f"{key}-held": fanout.held,
    }


def live_values(visit: Visit, board: Dashboard, watched: set[int]) -> dict[str, Any]:
    """Everything the page shows as a live number; fan-outs the page still shows that
    are no longer going out read as finished."""
    values: dict[str, Any] = {"problems": len(board.problems)}
    for item in board.upcoming:
        if item.counts is not None:
            values.update(occurrence_values(item.occurrence_id, item.counts))
    going = set()
    for fanout in board.fanouts:
        going.add(fanout.job_id)
        values.update(fanout_values(visit, fanout))
    for job_id in sorted(watched - going):
        values[f"f{job_id}-progress"] = 1.0
        values[f"f{job_id}-text"] = visit.t("web_dashboard_fanout_over")
    return values


def _watched(visit: Visit) -> set[int]:
    raw = visit.request.query_params.get("jobs", "")
    ids = {int(part) for part in raw.split(",")[:MAX_WATCHED_JOBS] if digits(part)}
    return {i for i in ids if i < 1 << 62}


def reason_text(visit: Visit, reason: str | None) -> str | None:
    """A member's unreachable reason in words when it is one we know, else as stored."""
    if reason in ("bot_stopped", "dialog_removed"):
        return visit.t(f"web_dashboard_reason_{reason}")
    return reason


class Rendered:
    """The pages last rendered from a shared dashboard, by viewer, language and address.

    :meth:`OverviewService.dashboard` hands out the same :class:`Dashboard` object while
    nothing has been written (:mod:`maxremind.services.sharing`); while it does, the
    viewer's role, team and teams the page shows are unchanged too (the door's reads
    are shared by the same rule), so the page rendered from that object for the same
    session is the page a new rendering would make.  Rendering is most of a page's cost
    once its data is shared."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._pages: dict[tuple[object, ...], tuple[Dashboard, Response]] = {}

    def get(self, key: tuple[object, ...], board: Dashboard) -> Response | None:
        found = self._pages.get(key)
        if found is None or found[0] is not board:
            return None
        page = found[1]
        return Response(page.body, page.status_code, headers=dict(page.headers))

    def put(self, key: tuple[object, ...], board: Dashboard, page: Response) -> None:
        self._pages.pop(key, None)
        self._pages[key] = (board, page)
        while len(self._pages) > self.size:
            del self._pages[next(iter(self._pages))]


RENDERED = Rendered()


def _page_key(visit: Visit) -> tuple[object, ...]:
    viewer = visit.viewer
    who = (viewer.via, viewer.cookie, viewer.csrf, viewer.user.user_id) if viewer else None
    return (who, visit.lang, visit.role, str(visit.request.url))


@route("/t/{team_id:int}/")
async def dashboard(visit: Visit) -> Response:
    """Problems first, then the next 14 days with live counts and fan-outs in flight."""
    board = await visit.services.overview.dashboard(visit.user.user_id, visit.team_id)
    key = _page_key(visit)
    if (page := RENDERED.get(key, board)) is not None:
        return page
    page = await _render(visit, board)
    RENDERED.put(key, board, page)
    return page


async def _render(visit: Visit, board: Dashboard) -> Response:
    jobs = ",".join(str(f.job_id) for f in board.fanouts[:MAX_WATCHED_JOBS])
    live_url = f"/t/{visit.team_id}/live" + (f"?jobs={jobs}" if jobs else "")
    return await visit.render(
        "dashboard/index.html",
        board=board,
        days=DASHBOARD_DAYS,
        live_url=live_url,
        with_counts=any(item.counts is not None for item in board.upcoming),
        fraction=fanout_fraction,
        reason=lambda r: reason_text(visit, r),
    )


@route("/t/{team_id:int}/live")
async def dashboard_live(visit: Visit) -> Response:
    """The dashboard's live numbers: ``{"values": {data-live-key: value}}``."""
    board = await visit.services.overview.dashboard(visit.user.user_id, visit.team_id)
    return JSONResponse(
        {"values": live_values(visit, board, _watched(visit))},
        headers={"cache-control": "no-store"},
    )


ROUTES: list[Route] = [dashboard, dashboard_live]
