"""Insights pages: how reliably the team answers and shows up.

* ``/t/<team>/insights`` — the team (or one group) over a period: totals, the weekly
  answer rate and time to answer, a weekday × hour heat-map of the reminders' times, the
  members (organizers and up see everyone; a member sees their own row; none when the
  owner has turned per-member statistics off) and the events; every table also as CSV.
* ``/t/<team>/events/<id>/insights`` — one event date by date: reach, answers, time to
  answer, quorum, nudges, attendance; and the "who came" checklist for organizers.

The numbers and who may see which of them are the insights service's
(:class:`~maxremind.services.insights.InsightsService`); the pages format and draw.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response
from starlette.routing import Route

from maxremind.domain.ids import digits
from maxremind.domain.models import Group, Language, Role
from maxremind.http.web import texts_insights as _texts  # noqa: F401  (registers the texts)
from maxremind.http.web.charts import Cell, Part, Series, heatmap, line_chart, stacked_bars
from maxremind.http.web.csvfile import csv_response
from maxremind.http.web.visit import Visit, WebError, route
from maxremind.services.errors import PermissionDenied
from maxremind.services.insights import (
    Checklist,
    EventInsights,
    InsightsRefused,
    MemberInsight,
    OccurrenceInsight,
    SlotBucket,
    TeamInsights,
    WeekBucket,
)

TEAM = "/t/{team_id:int}/insights"
EVENT = "/t/{team_id:int}/events/{event_id:int}/insights"
PERIODS = (4, 12, 26, 52)  # weeks a page may show
DEFAULT_PERIOD = 12
BARS_SHOWN = 12  # dates in an event's chart (the table and CSV have all)


# --- formatting ----------------------------------------------------------------------------


def percent(visit: Visit, value: float | None) -> str:
    """``87 %`` / ``87%``; a dash when there is nothing to divide."""
    return "—" if value is None else visit.t("web_insights_pct", n=round(value * 100))


def span(visit: Visit, seconds: float | None) -> str:
    """A time to answer, short: ``12 мин``, ``3 ч 5 мин``, ``2 дн 4 ч``."""
    if seconds is None:
        return "—"
    minutes = max(0, round(seconds / 60))
    if minutes < 60:
        return visit.t("web_insights_dur_min", m=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        if not minutes:
            return visit.t("web_insights_dur_whole_hours", h=hours)
        return visit.t("web_insights_dur_hours", h=hours, m=minutes)
    days, hours = divmod(hours, 24)
    if not hours:
        return visit.t("web_insights_dur_whole_days", d=days)
    return visit.t("web_insights_dur_days", d=days, h=hours)


def day_label(lang: Language, day: date) -> str:
    """A week's Monday on an axis: ``03.03`` / ``Mar 3``."""
    return f"{day:%d.%m}" if lang is Language.RU else f"{day:%b} {day.day}"


def when(lang: Language, moment: datetime) -> str:
    return f"{moment:%d.%m.%Y %H:%M}" if lang is Language.RU else f"{moment:%Y-%m-%d %H:%M}"


def weekday(visit: Visit, number: int) -> str:
    return visit.t(f"web_insights_wd_{number}")


# --- charts --------------------------------------------------------------------------------


def weekly_charts(visit: Visit, weeks: Sequence[WeekBucket], prefix: str) -> tuple[str, str]:
    """The weekly answer rate and median time to answer, as two line charts."""
    lang = visit.lang
    labels = [day_label(lang, w.week_start) for w in weeks]
    rates = [w.rate for w in weeks]
    minutes = [
        None if w.time_to_answer.median_s is None else w.time_to_answer.median_s / 60 for w in weeks
    ]

    def described(key: str, values: list[float | None], fmt: Any) -> str:
        found = [v for v in values if v is not None]
        if not found or not labels:
            return visit.t("web_insights_no_values")
        return visit.t(
            key, first=labels[0], last=labels[-1], low=fmt(min(found)), high=fmt(max(found))
        )

    def pct(v: float) -> str:
        return percent(visit, v)

    def mins(v: float) -> str:
        return str(round(v))

    rate_chart = line_chart(
        chart_id=f"{prefix}-rate",
        title=visit.t("web_insights_weekly_rate_title"),
        desc=described("web_insights_weekly_rate_desc", rates, pct),
        labels=labels,
        series=[Series(visit.t("web_insights_answer_rate"), rates)],
        fmt=pct,
        top=1.0,
    )
    time_chart = line_chart(
        chart_id=f"{prefix}-time",
        title=visit.t("web_insights_weekly_time_title"),
        desc=described("web_insights_weekly_time_desc", minutes, mins),
        labels=labels,
        series=[Series(visit.t("web_insights_median"), minutes)],
        fmt=mins,
    )
    return rate_chart, time_chart


def hours_chart(visit: Visit, slots: Sequence[SlotBucket], zone: str, prefix: str) -> str:
    """Weekday × hour of the first reminder: the share who answered, the hours that had
    reminders (and those between them)."""
    if not slots:
        return ""
    by = {(s.weekday, s.hour): s for s in slots}
    first = min(s.hour for s in slots)
    last = max(s.hour for s in slots)
    hours = list(range(first, last + 1))
    days = [weekday(visit, d) for d in range(7)]
    cells: list[list[Cell]] = []
    for day in range(7):
        row = []
        for hour in hours:
            slot = by.get((day, hour))
            if slot is None:
                said = visit.t("web_insights_cell_empty", day=days[day], hour=f"{hour:02d}")
                row.append(Cell(None, "", said))
                continue
            said = visit.t(
                "web_insights_cell",
                day=days[day],
                hour=f"{hour:02d}",
                rate=percent(visit, slot.rate),
                asked=slot.asked,
                answered=slot.answered,
            )
            value = slot.rate if slot.rate is not None else 0.0
            row.append(Cell(value, str(round(value * 100)), said))
        cells.append(row)
    best = max(slots, key=lambda s: (s.rate or 0.0, s.asked))
    best_said = f"{days[best.weekday]} {best.hour:02d}:00, {percent(visit, best.rate)}"
    return heatmap(
        chart_id=f"{prefix}-hours",
        title=visit.t("web_insights_hours_title"),
        desc=visit.t("web_insights_hours_desc", zone=zone, best=best_said),
        rows=days,
        columns=[f"{h:02d}" for h in hours],
        cells=cells,
    )


def answers_chart(visit: Visit, occurrences: Sequence[OccurrenceInsight], prefix: str) -> str:
    """The latest dates' answers as stacked bars (oldest at the top)."""
    shown = list(reversed(occurrences[:BARS_SHOWN]))
    if not shown:
        return ""
    parts = [
        Part("yes", visit.t("web_insights_yes")),
        Part("no", visit.t("web_insights_no")),
        Part("maybe", visit.t("web_insights_maybe")),
        Part("none", visit.t("web_insights_none")),
    ]
    bars = [
        (
            when(visit.lang, o.local_start),
            [o.answers.yes, o.answers.no, o.answers.maybe, o.answers.none],
        )
        for o in shown
    ]
    return stacked_bars(
        chart_id=f"{prefix}-answers",
        title=visit.t("web_insights_bars_title"),
        desc=visit.t(
            "web_insights_bars_desc",
            dates=len(shown),
            yes=sum(o.answers.yes for o in shown),
            no=sum(o.answers.no for o in shown),
            maybe=sum(o.answers.maybe for o in shown),
            none=sum(o.answers.none for o in shown),
        ),
        parts=parts,
        bars=bars,
    )


# --- the team's page -----------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    weeks: int
    group_id: int | None
    since: datetime
    until: datetime

    def query(self) -> str:
        params: dict[str, int] = {"weeks": self.weeks}
        if self.group_id is not None:
            params["group"] = self.group_id
        return urlencode(params)


def window(visit: Visit) -> Window:
    """The period and group the page (or its CSV) asks for; unknown values: the defaults."""
    params = visit.request.query_params
    raw = params.get("weeks", "")
    weeks = int(raw) if digits(raw) and int(raw) in PERIODS else DEFAULT_PERIOD
    raw = params.get("group", "")
    group_id = int(raw) if digits(raw) and len(raw) < 19 else None
    since, until = visit.services.insights.period(weeks)
    return Window(weeks, group_id, since, until)


@dataclass(frozen=True)
class EventRow:
    """One event's dates in the window, added up (the page's events table)."""

    event_id: int
    title: str
    dates: int
    asked: int
    answered: int
    quorum_checked: int
    quorum_met: int
    nudges: int
    marked: int
    no_shows: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None


def event_rows(occurrences: Sequence[OccurrenceInsight]) -> list[EventRow]:
    """Per event, the events that miss their quorum most first, then by title."""
    grouped: dict[int, list[OccurrenceInsight]] = {}
    for o in occurrences:
        grouped.setdefault(o.event_id, []).append(o)
    rows = [
        EventRow(
            event_id=event_id,
            title=items[0].event_title,
            dates=len(items),
            asked=sum(o.answers.asked for o in items),
            answered=sum(o.answers.answered for o in items),
            quorum_checked=sum(1 for o in items if o.quorum_met is not None),
            quorum_met=sum(1 for o in items if o.quorum_met),
            nudges=sum(o.nudges for o in items),
            marked=sum(o.attendance.marked for o in items),
            no_shows=sum(o.attendance.no_show for o in items),
        )
        for event_id, items in grouped.items()
    ]
    rows.sort(key=lambda r: (-(r.quorum_checked - r.quorum_met), r.title.casefold(), r.event_id))
    return rows


async def _team_numbers(visit: Visit, win: Window) -> TeamInsights:
    try:
        return await visit.services.insights.team(
            visit.team_id,
            visit.user.user_id,
            since=win.since,
            until=win.until,
            group_id=win.group_id,
        )
    except InsightsRefused:
        raise WebError(400, "web_invalid") from None


async def _groups(visit: Visit) -> list[Group]:
    return await visit.services.people.groups(visit.team_id)


@route(TEAM)
async def team_page(visit: Visit) -> Response:
    """The team's insights; a member sees their own numbers only."""
    win = window(visit)
    insights = visit.services.insights
    settings = await insights.settings(visit.team_id, visit.user.user_id)
    context: dict[str, Any] = {
        "win": win,
        "periods": PERIODS,
        "settings": settings,
        "percent": lambda v: percent(visit, v),
        "span": lambda v: span(visit, v),
        "day_label": lambda d: day_label(visit.lang, d),
        "weekday": lambda n: weekday(visit, n),
        "local": lambda m: when(visit.lang, m),
    }
    if not visit.at_least(Role.ORGANIZER):
        mine = await insights.member(
            visit.team_id, visit.user.user_id, since=win.since, until=win.until
        )
        return await visit.render("insights/team.html", numbers=None, mine=mine, **context)
    numbers = await _team_numbers(visit, win)
    rate_chart, time_chart = weekly_charts(visit, numbers.weeks, "team")
    return await visit.render(
        "insights/team.html",
        numbers=numbers,
        mine=None,
        groups=await _groups(visit),
        rate_chart=rate_chart,
        time_chart=time_chart,
        hours_chart=hours_chart(visit, numbers.slots, numbers.timezone, "team"),
        events=event_rows(numbers.occurrences),
        **context,
    )


# --- CSV -----------------------------------------------------------------------------------


def _file(visit: Visit, what: str, win: Window) -> str:
    group = f"-group{win.group_id}" if win.group_id is not None else ""
    return f"insights-{visit.team_id}{group}-{what}-{win.until:%Y%m%d}.csv"


def _num(value: float | None) -> str:
    """A rate or a number of minutes in a CSV cell: plain, dot decimal, empty for none."""
    return "" if value is None else f"{value:.3f}".rstrip("0").rstrip(".")


def _minutes(seconds: float | None) -> str:
    return "" if seconds is None else _num(seconds / 60)


def member_header(visit: Visit) -> list[str]:
    t = visit.t
    return [
        t("web_insights_member"),
        t("web_insights_left"),
        t("web_insights_asked"),
        t("web_insights_answered"),
        t("web_insights_answer_rate"),
        t("web_insights_median") + ", min",
        t("web_insights_yes"),
        t("web_insights_no"),
        t("web_insights_maybe"),
        t("web_insights_yes_rate"),
        t("web_insights_came"),
        t("web_insights_no_shows"),
    ]


def member_cells(visit: Visit, m: MemberInsight) -> list[object]:
    return [
        m.name,
        visit.t("web_insights_yes_no_show") if m.former else "",
        m.asked,
        m.answered,
        _num(m.answer_rate),
        _minutes(m.median_s),
        m.yes,
        m.no,
        m.maybe,
        _num(m.yes_rate),
        m.marked_yes - m.no_shows,
        m.no_shows,
    ]


def date_header(visit: Visit) -> list[str]:
    t = visit.t
    return [
        t("web_insights_event"),
        t("web_insights_date"),
        t("web_insights_sent"),
        t("web_insights_delivered"),
        t("web_insights_unreachable"),
        t("web_insights_yes"),
        t("web_insights_no"),
        t("web_insights_maybe"),
        t("web_insights_none"),
        t("web_insights_median") + ", min",
        t("web_insights_p90") + ", min",
        t("web_insights_quorum"),
        t("web_insights_nudges"),
        t("web_insights_came"),
        t("web_insights_no_shows"),
    ]


def date_cells(visit: Visit, o: OccurrenceInsight) -> list[object]:
    quorum = ""
    if o.quorum_met is not None:
        quorum = visit.t(
            "web_insights_quorum_met" if o.quorum_met else "web_insights_quorum_not_met"
        )
    return [
        o.event_title,
        o.local_start.isoformat(sep=" ", timespec="minutes"),
        o.reach.sent,
        o.reach.delivered,
        o.reach.unreachable + o.reach.failed,
        o.answers.yes,
        o.answers.no,
        o.answers.maybe,
        o.answers.none,
        _minutes(o.time_to_answer.median_s),
        _minutes(o.time_to_answer.p90_s),
        quorum,
        o.nudges,
        o.attendance.came,
        o.attendance.no_show,
    ]


async def _team_csv(
    visit: Visit,
    what: str,
    header: Sequence[str],
    rows: Callable[[TeamInsights], Iterable[Sequence[object]]],
) -> Response:
    """A team CSV of the window and group the request asks for: ``header``, then
    ``rows`` of the team's numbers, named by ``what``, the team, group and window."""
    win = window(visit)
    numbers = await _team_numbers(visit, win)
    return csv_response(header, rows(numbers), _file(visit, what, win))


def bucket_header(visit: Visit) -> list[str]:
    """The columns a week and a weekday-hour share."""
    t = visit.t
    return [
        t("web_insights_asked"),
        t("web_insights_answered"),
        t("web_insights_answer_rate"),
        t("web_insights_median") + ", min",
    ]


def bucket_cells(b: WeekBucket | SlotBucket) -> list[object]:
    return [b.asked, b.answered, _num(b.rate), _minutes(b.time_to_answer.median_s)]


@route(TEAM + "/weeks.csv", role=Role.ORGANIZER)
async def weeks_csv(visit: Visit) -> Response:
    header = [
        visit.t("web_insights_week"),
        *bucket_header(visit),
        visit.t("web_insights_p90") + ", min",
    ]
    return await _team_csv(
        visit,
        "weeks",
        header,
        lambda numbers: (
            [w.week_start.isoformat(), *bucket_cells(w), _minutes(w.time_to_answer.p90_s)]
            for w in numbers.weeks
        ),
    )


@route(TEAM + "/hours.csv", role=Role.ORGANIZER)
async def hours_csv(visit: Visit) -> Response:
    header = [visit.t("web_insights_weekday"), visit.t("web_insights_hour"), *bucket_header(visit)]
    return await _team_csv(
        visit,
        "hours",
        header,
        lambda numbers: (
            [weekday(visit, s.weekday), f"{s.hour:02d}:00", *bucket_cells(s)] for s in numbers.slots
        ),
    )


@route(TEAM + "/members.csv")
async def members_csv(visit: Visit) -> Response:
    """Everyone's numbers for organizers (unless turned off), a member's own for them."""
    win = window(visit)
    if visit.at_least(Role.ORGANIZER):
        members: Sequence[MemberInsight] = (await _team_numbers(visit, win)).members
    else:
        members = [
            await visit.services.insights.member(
                visit.team_id, visit.user.user_id, since=win.since, until=win.until
            )
        ]
    rows = [member_cells(visit, m) for m in members]
    return csv_response(member_header(visit), rows, _file(visit, "members", win))


@route(TEAM + "/events.csv", role=Role.ORGANIZER)
async def events_csv(visit: Visit) -> Response:
    t = visit.t
    header = [
        t("web_insights_event"),
        t("web_insights_dates"),
        t("web_insights_asked"),
        t("web_insights_answered"),
        t("web_insights_answer_rate"),
        t("web_insights_quorum_met"),
        t("web_insights_quorum_missed"),
        t("web_insights_nudges"),
        t("web_insights_no_shows"),
    ]
    return await _team_csv(
        visit,
        "events",
        header,
        lambda numbers: (
            [
                r.title,
                r.dates,
                r.asked,
                r.answered,
                _num(r.rate),
                r.quorum_met,
                r.quorum_checked - r.quorum_met,
                r.nudges,
                r.no_shows,
            ]
            for r in event_rows(numbers.occurrences)
        ),
    )


@route(TEAM + "/dates.csv", role=Role.ORGANIZER)
async def dates_csv(visit: Visit) -> Response:
    return await _team_csv(
        visit,
        "dates",
        date_header(visit),
        lambda numbers: (date_cells(visit, o) for o in numbers.occurrences),
    )


# --- one event -----------------------------------------------------------------------------


async def _event_numbers(visit: Visit) -> EventInsights:
    numbers = await visit.services.insights.event(
        visit.request.path_params["event_id"], visit.user.user_id
    )
    if numbers.team_id != visit.team_id:
        raise WebError(404, "web_not_found")
    return numbers


def from_first(weeks: Sequence[WeekBucket], least: int = 4) -> Sequence[WeekBucket]:
    """An event's weeks from its first date on (a year's window would squeeze a new
    event's few weeks into the chart's right edge), at least ``least`` of them."""
    first = next((i for i, w in enumerate(weeks) if w.asked), len(weeks))
    return weeks[max(0, min(first, len(weeks) - least)) :]


async def _checklist(visit: Visit, occurrence_id: int | None) -> Checklist | None:
    """The "who came" list of a date, when the viewer keeps it (may manage the event)."""
    if occurrence_id is None:
        return None
    try:
        return await visit.services.insights.checklist(occurrence_id, visit.user.user_id)
    except (PermissionDenied, InsightsRefused):
        return None


@route(EVENT, role=Role.ORGANIZER)
async def event_page(visit: Visit) -> Response:
    """One event date by date, with the "who came" checklist of a chosen past date."""
    numbers = await _event_numbers(visit)
    raw = visit.request.query_params.get("date", "")
    dates = {o.occurrence_id for o in numbers.occurrences}
    chosen = int(raw) if digits(raw) and len(raw) < 19 and int(raw) in dates else None
    if chosen is None and numbers.occurrences:
        chosen = numbers.occurrences[0].occurrence_id
    done = visit.request.query_params.get("done", "")
    came = visit.request.query_params.get("n", "")
    rate_chart, time_chart = weekly_charts(visit, from_first(numbers.weeks), "event")
    return await visit.render(
        "insights/event.html",
        numbers=numbers,
        answers_chart=answers_chart(visit, numbers.occurrences, "event"),
        rate_chart=rate_chart,
        time_chart=time_chart,
        checklist=await _checklist(visit, chosen),
        chosen=chosen,
        saved=visit.t("web_insights_attendance_saved", n=int(came))
        if done == "attendance" and digits(came) and len(came) < 7
        else "",
        percent=lambda v: percent(visit, v),
        span=lambda v: span(visit, v),
        local=lambda m: when(visit.lang, m),
    )


async def _event_csv(
    visit: Visit,
    what: str,
    header: Sequence[str],
    rows: Callable[[EventInsights], Iterable[Sequence[object]]],
) -> Response:
    """An event's CSV (the page's window), the counterpart of :func:`_team_csv`."""
    numbers = await _event_numbers(visit)
    name = f"insights-event-{numbers.event_id}-{what}-{numbers.until:%Y%m%d}.csv"
    return csv_response(header, rows(numbers), name)


@route(EVENT + "/dates.csv", role=Role.ORGANIZER)
async def event_dates_csv(visit: Visit) -> Response:
    return await _event_csv(
        visit,
        "dates",
        date_header(visit),
        lambda numbers: (date_cells(visit, o) for o in numbers.occurrences),
    )


@route(EVENT + "/members.csv", role=Role.ORGANIZER)
async def event_members_csv(visit: Visit) -> Response:
    return await _event_csv(
        visit,
        "members",
        member_header(visit),
        lambda numbers: (member_cells(visit, m) for m in numbers.members),
    )


@route(EVENT + "/attendance", methods=("POST",), role=Role.ORGANIZER)
async def save_attendance(visit: Visit) -> Response:
    """The "who came" checklist of one date: each listed "yes" person came (ticked) or
    did not (not ticked)."""
    form = await visit.form()
    raw = str(form.get("occurrence_id", ""))
    if not digits(raw) or len(raw) > 18:
        raise WebError(400, "web_invalid")
    occurrence_id = int(raw)
    came = {
        int(v) for v in form.getlist("came") if isinstance(v, str) and digits(v) and len(v) < 19
    }
    listed = {
        int(v) for v in form.getlist("listed") if isinstance(v, str) and digits(v) and len(v) < 19
    }
    insights = visit.services.insights
    try:
        checklist = await insights.checklist(occurrence_id, visit.user.user_id)
        if checklist.team_id != visit.team_id or checklist.event_id != int(
            visit.request.path_params["event_id"]
        ):
            raise WebError(404, "web_not_found")
        for row in checklist.rows:
            if row.user_id in listed and row.came != (row.user_id in came):
                checklist = await insights.mark(
                    occurrence_id, visit.user.user_id, row.user_id, row.user_id in came
                )
    except InsightsRefused:
        raise WebError(400, "web_invalid") from None
    base = f"/t/{visit.team_id}/events/{checklist.event_id}/insights"
    query = urlencode({"date": occurrence_id, "done": "attendance", "n": checklist.came})
    return visit.redirect(f"{base}?{query}#attendance")


# --- the owner's switch --------------------------------------------------------------------


@route("/t/{team_id:int}/settings/insights", methods=("POST",), role=Role.OWNER)
async def member_stats(visit: Visit) -> Response:
    """Per-member statistics on or off for the team (the owner only)."""
    form = await visit.form()
    enabled = str(form.get("member_stats", "")) == "on"
    await visit.services.insights.set_member_stats(visit.team_id, visit.user.user_id, enabled)
    return visit.redirect(f"/t/{visit.team_id}/settings?done=insights#insights")


ROUTES: list[Route] = [
    weeks_csv,
    hours_csv,
    members_csv,
    events_csv,
    dates_csv,
    team_page,
    event_dates_csv,
    event_members_csv,
    save_attendance,
    event_page,
    member_stats,
]
