"""One event's page: its dates, the roster, the delivery ledger, answers over time, nudging
those who have not answered, the member's own answer, .ics and CSV downloads.

Who sees what is :meth:`OverviewService.event_detail`'s rule: an invited member sees the
event, its dates and their answer; those who may manage it also the roster, ledger and
chart.  The event must belong to the team in the path, or the page does not exist.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from maxremind.domain.ids import digits
from maxremind.domain.models import Answer, DeliveryStatus, Language, Role
from maxremind.http.web import texts_event_page as _texts  # noqa: F401  (registers texts)
from maxremind.http.web.charts import ANSWER_COLOURS, Series, line_chart
from maxremind.http.web.visit import Visit, WebError, route
from maxremind.i18n import t
from maxremind.services.answers import AnswerOutcome
from maxremind.services.overview import AnswerPoint, EventDetail

EVENT = "/t/{team_id:int}/events/{event_id:int}"
CSV_PAGE = 200
ROSTER_NAMES = 200  # names the page lists per answer; the rest are counted (CSV: all)
CHART_MOMENTS = 13  # the answers-over-time chart's points, first answer to last


def _int_param(visit: Visit, name: str) -> int | None:
    raw = visit.request.query_params.get(name, "")
    return int(raw) if digits(raw) and len(raw) < 19 else None


async def _detail(
    visit: Visit,
    *,
    occurrence_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
    status: DeliveryStatus | None = None,
    names: int | None = None,
) -> EventDetail:
    detail = await visit.services.overview.event_detail(
        visit.user.user_id,
        visit.request.path_params["event_id"],
        occurrence_id,
        page=page,
        per_page=per_page,
        status=status,
        names=names,
    )
    if detail is None or detail.event.team_id != visit.team_id:
        raise WebError(404, "web_not_found")
    return detail


def _moments(first: datetime, last: datetime) -> list[datetime]:
    """Evenly spaced moments from the first answer to the last, at most one a minute (so
    no two axis labels read the same), :data:`CHART_MOMENTS` at the most."""
    span = last - first
    steps = min(CHART_MOMENTS - 1, int(span.total_seconds() // 60))
    if steps < 1:
        return [last]
    return [first + span * step / steps for step in range(steps + 1)]


def _moment_label(lang: Language, local: datetime) -> str:
    """A moment on the chart's axis: ``12.03 18:30`` / ``Mar 12 18:30``."""
    return (
        f"{local:%d.%m %H:%M}" if lang is Language.RU else f"{local:%b} {local.day} {local:%H:%M}"
    )


def answer_chart(lang: Language, points: tuple[AnswerPoint, ...], zone: str) -> str:
    """Answers over time: how many said yes, no and maybe at evenly spaced moments from
    the first answer to the last (each person's latest answer given by then), so the x
    axis is time, as a line chart of :mod:`~maxremind.http.web.charts` named by the
    chart's label, its description the window and the latest counts.  No answers, no
    chart."""
    if not points:
        return ""
    moments = _moments(points[0].at, points[-1].at)
    counts: list[AnswerPoint] = []
    given = 0
    for moment in moments:
        while given + 1 < len(points) and points[given + 1].at <= moment:
            given += 1
        counts.append(points[given])
    labels = [_moment_label(lang, m.astimezone(ZoneInfo(zone))) for m in moments]
    answers = ("yes", "no", "maybe")
    series = [
        Series(t(f"web_event_{a}", lang), [getattr(c, a) for c in counts], ANSWER_COLOURS[a])
        for a in answers
    ]
    latest = ", ".join(f"{getattr(counts[-1], a)} {t(f'web_event_{a}', lang)}" for a in answers)
    span = labels[0] if len(labels) == 1 else f"{labels[0]} – {labels[-1]}"
    most = max(max(c.yes, c.no, c.maybe) for c in counts)
    return line_chart(
        chart_id="event-timeline",
        title=t("web_event_chart_label", lang),
        desc=f"{span}: {latest}",
        labels=labels,
        series=series,
        fmt=lambda v: f"{v:.0f}",
        top=4.0 * max(1, math.ceil(most / 4)),  # the grid's quarters are whole people
    )


@route(EVENT)
async def event_page(visit: Visit) -> Response:
    status_raw = visit.request.query_params.get("status", "")
    status = DeliveryStatus(status_raw) if status_raw in DeliveryStatus._value2member_map_ else None
    detail = await _detail(
        visit,
        occurrence_id=_int_param(visit, "date"),
        page=_int_param(visit, "page") or 1,
        status=status,
        names=ROSTER_NAMES,
    )
    notice = visit.request.query_params.get("done", "")
    source = await visit.services.calendar_import.source_of(detail.event.id)
    return await visit.render(
        "event/page.html",
        d=detail,
        e=detail.event,
        occ=detail.occurrence,
        chart=answer_chart(visit.lang, detail.timeline or (), detail.event.timezone),
        statuses=[s.value for s in DeliveryStatus],
        ledger_status=status.value if status else "",
        notice=notice if notice in ("nudged", "nudge_over", "answered", "answer_over") else "",
        nudged=_int_param(visit, "n") or 0,
        answers=[a.value for a in Answer],
        source=source.name if source is not None else "",
    )


@route(EVENT + "/live")
async def event_live(visit: Visit) -> Response:
    """The counts of the date shown, for the page's adaptive polling."""
    detail = await _detail(visit, occurrence_id=_int_param(visit, "date"), per_page=1, names=0)
    c = detail.counts
    values: dict[str, int] = {}
    if c is not None:
        values = {
            "sent": c.sent,
            "pending": c.pending,
            "failed": c.failed + c.unreachable,
            "yes": c.yes,
            "no": c.no,
            "maybe": c.maybe,
            "no_answer": c.no_answer,
        }
    return JSONResponse({"values": values}, headers={"cache-control": "no-store"})


@route(EVENT + "/nudge", methods=("POST",), role=Role.ORGANIZER)
async def nudge(visit: Visit) -> Response:
    """Remind now everyone who has not answered the date (those who manage it only)."""
    form = await visit.form()
    occurrence = str(form.get("occurrence_id", ""))
    await _detail(visit, occurrence_id=int(occurrence) if digits(occurrence) else None)
    done = await visit.services.agenda.nudge(
        visit.request.path_params["event_id"], occurrence, visit.user.user_id
    )
    if done.outcome == "stale":
        raise WebError(403, "web_forbidden")
    base = f"/t/{visit.team_id}/events/{visit.request.path_params['event_id']}?date={occurrence}"
    if done.outcome == "over":
        return visit.redirect(base + "&done=nudge_over")
    return visit.redirect(base + f"&done=nudged&n={done.queued}")


@route(EVENT + "/answer", methods=("POST",))
async def answer(visit: Visit) -> Response:
    """The viewer's own answer to a date, as the buttons in MAX give it."""
    form = await visit.form()
    occurrence = str(form.get("occurrence_id", ""))
    choice = str(form.get("answer", ""))
    if not digits(occurrence) or choice not in Answer._value2member_map_:
        raise WebError(400, "web_invalid")
    await _detail(visit, occurrence_id=int(occurrence))
    result = await visit.services.answers.answer(
        int(occurrence), visit.user.user_id, Answer(choice)
    )
    if result.outcome is AnswerOutcome.NOT_INVITED or result.outcome is AnswerOutcome.STALE:
        raise WebError(403, "web_event_not_invited")
    done = "answered" if result.outcome is AnswerOutcome.SAVED else "answer_over"
    event_id = visit.request.path_params["event_id"]
    return visit.redirect(f"/t/{visit.team_id}/events/{event_id}?date={occurrence}&done={done}")


@route(EVENT + "/event.ics")
async def ics(visit: Visit) -> Response:
    detail = await _detail(visit, per_page=1)
    body = await visit.services.agenda.ics(detail.event)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="event-{detail.event.id}.ics"'},
    )


def _csv(rows: list[list[str]], name: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        # A cell starting with = + - @ would be a formula in a spreadsheet: quote it away.
        writer.writerow(["'" + c if c[:1] in ("=", "+", "-", "@") else c for c in row])
    return Response(
        "\ufeff" + out.getvalue(),  # BOM: Excel reads UTF-8 (Cyrillic names) correctly
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@route(EVENT + "/roster.csv", role=Role.ORGANIZER)
async def roster_csv(visit: Visit) -> Response:
    detail = await _detail(visit, occurrence_id=_int_param(visit, "date"), per_page=1)
    if detail.roster is None or detail.occurrence is None:
        raise WebError(403, "web_forbidden")
    t = visit.t
    rows = [[t("web_event_csv_name"), t("web_event_csv_answer")]]
    for key, names in (
        ("web_event_yes", detail.roster.yes),
        ("web_event_no", detail.roster.no),
        ("web_event_maybe", detail.roster.maybe),
        ("web_event_silent", detail.roster.silent),
    ):
        rows.extend([name, t(key)] for name in names)
    day = detail.occurrence.local_start.date().isoformat()
    return _csv(rows, f"roster-{detail.event.id}-{day}.csv")


@route(EVENT + "/ledger.csv", role=Role.ORGANIZER)
async def ledger_csv(visit: Visit) -> Response:
    occurrence_id = _int_param(visit, "date")
    detail = await _detail(visit, occurrence_id=occurrence_id, per_page=CSV_PAGE)
    if detail.ledger is None or detail.occurrence is None:
        raise WebError(403, "web_forbidden")
    t = visit.t
    rows = [
        [
            t("web_event_csv_recipient"),
            t("web_event_csv_kind"),
            t("web_event_csv_status"),
            t("web_event_csv_due"),
            t("web_event_csv_sent"),
            t("web_event_csv_attempts"),
            t("web_event_csv_reason"),
        ]
    ]
    page = detail.ledger
    number = 1
    while True:
        for r in page.items:
            rows.append(
                [
                    r.recipient_name or str(r.recipient_id),
                    r.kind.value,
                    r.status.value,
                    r.due_at.isoformat(),
                    r.sent_at.isoformat() if r.sent_at else "",
                    str(r.attempts),
                    r.last_error or r.skip_reason or r.note or "",
                ]
            )
        if number >= page.pages:
            break
        number += 1
        more = await _detail(
            visit, occurrence_id=detail.occurrence.id, page=number, per_page=CSV_PAGE
        )
        if more.ledger is None:
            break
        page = more.ledger
    day = detail.occurrence.local_start.date().isoformat()
    return _csv(rows, f"ledger-{detail.event.id}-{day}.csv")


ROUTES: list[Route] = [event_live, nudge, answer, ics, roster_csv, ledger_csv, event_page]
