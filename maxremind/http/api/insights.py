"""``/api/v1/teams/<team>/insights`` and an event's: the numbers the insights pages show,
the who-came checklist of a date, and the owner's switch for per-member statistics —
through :class:`~maxremind.services.insights.InsightsService`, which holds every rule."""

from __future__ import annotations

from starlette.responses import Response

from maxremind.domain.models import Role
from maxremind.http.api.common import api_route, path_id, read_body, read_query, reply
from maxremind.http.api.models_insights import (
    AttendanceIn,
    ChecklistOut,
    EventInsightsOut,
    EventInsightsQuery,
    InsightSettingsIn,
    InsightSettingsOut,
    InsightsQuery,
    MemberInsightOut,
    MyInsightsQuery,
    TeamInsightsOut,
)
from maxremind.http.web import texts_insights as _texts  # noqa: F401  (registers the texts)
from maxremind.http.web.visit import Visit, WebError
from maxremind.services.insights import Checklist, InsightsRefused

TEAM = "/api/v1/teams/{team_id:int}"
EVENT = TEAM + "/events/{event_id:int}"
OCCURRENCE = EVENT + "/occurrences/{occurrence_id:int}"


def _refused(exc: InsightsRefused) -> WebError:
    if exc.reason == "not_started":
        return WebError(409, "web_api_insights_not_started")
    if exc.reason == "not_yes":
        return WebError(422, "web_api_insights_not_yes")
    return WebError(400, "web_invalid")


@api_route(
    TEAM + "/insights",
    summary="How the team (or a group) answers: totals, by week, by reminder time, by date,"
    " by person",
    tag="insights",
    role=Role.ORGANIZER,
    query=InsightsQuery,
    response=TeamInsightsOut,
)
async def team_insights(visit: Visit) -> Response:
    query = read_query(visit, InsightsQuery)
    insights = visit.services.insights
    since, until = insights.period(query.weeks)
    numbers = await insights.team(
        visit.team_id,
        visit.user.user_id,
        since=since,
        until=until,
        group_id=query.group_id,
    )
    return reply(visit, TeamInsightsOut.of(numbers))


@api_route(
    TEAM + "/insights/me",
    summary="My own answers in the team (every member)",
    tag="insights",
    query=MyInsightsQuery,
    response=MemberInsightOut,
)
async def my_insights(visit: Visit) -> Response:
    query = read_query(visit, MyInsightsQuery)
    insights = visit.services.insights
    since, until = insights.period(query.weeks)
    mine = await insights.member(
        visit.team_id,
        visit.user.user_id,
        since=since,
        until=until,
    )
    return reply(visit, MemberInsightOut.of(mine))


@api_route(
    TEAM + "/insights/settings",
    summary="Whether organizers see per-member statistics, and my weekly digest",
    tag="insights",
    response=InsightSettingsOut,
)
async def insight_settings(visit: Visit) -> Response:
    found = await visit.services.insights.settings(visit.team_id, visit.user.user_id)
    return reply(visit, InsightSettingsOut.of(found))


@api_route(
    TEAM + "/insights/settings",
    methods=("PUT",),
    summary="Turn per-member statistics on or off (the owner)",
    tag="insights",
    role=Role.OWNER,
    body=InsightSettingsIn,
    response=InsightSettingsOut,
)
async def set_insight_settings(visit: Visit) -> Response:
    body = await read_body(visit, InsightSettingsIn)
    found = await visit.services.insights.set_member_stats(
        visit.team_id, visit.user.user_id, body.member_stats
    )
    return reply(visit, InsightSettingsOut.of(found))


@api_route(
    EVENT + "/insights",
    summary="One event date by date: reach, answers, time to answer, quorum, nudges, who came",
    tag="insights",
    role=Role.ORGANIZER,
    query=EventInsightsQuery,
    response=EventInsightsOut,
)
async def event_insights(visit: Visit) -> Response:
    query = read_query(visit, EventInsightsQuery)
    insights = visit.services.insights
    since, until = insights.period(query.weeks)
    numbers = await insights.event(
        path_id(visit, "event_id"),
        visit.user.user_id,
        since=since,
        until=until,
    )
    if numbers.team_id != visit.team_id:
        raise WebError(404, "web_not_found")
    return reply(visit, EventInsightsOut.of(numbers))


async def _checklist(visit: Visit) -> Checklist:
    try:
        found = await visit.services.insights.checklist(
            path_id(visit, "occurrence_id"), visit.user.user_id
        )
    except InsightsRefused as exc:
        raise _refused(exc) from None
    if found.team_id != visit.team_id or found.event_id != path_id(visit, "event_id"):
        raise WebError(404, "web_not_found")
    return found


@api_route(
    OCCURRENCE + "/attendance",
    summary="Who said yes to a date, and who of them came (once it has started)",
    tag="insights",
    role=Role.ORGANIZER,
    response=ChecklistOut,
)
async def attendance(visit: Visit) -> Response:
    try:
        return reply(visit, ChecklistOut.of(await _checklist(visit)))
    except WebError as exc:
        if exc.key != "web_api_insights_not_started":
            raise
    # A date ahead (the service let the viewer in before refusing the time): no marks yet.
    event_id, occurrence_id = path_id(visit, "event_id"), path_id(visit, "occurrence_id")
    event = await visit.services.agenda.event(event_id)
    ahead = await visit.services.agenda.future_occurrences(event_id) if event else []
    found = next((o for o in ahead if o.id == occurrence_id), None)
    if event is None or event.team_id != visit.team_id or found is None:
        raise WebError(404, "web_not_found")
    return reply(
        visit,
        ChecklistOut(
            event_id=event_id,
            occurrence_id=occurrence_id,
            starts_at=found.starts_at,
            local_start=found.local_start,
            started=False,
            came=0,
            marked=0,
            rows=[],
        ),
    )


@api_route(
    OCCURRENCE + "/attendance",
    methods=("PUT",),
    summary="Mark who came (true), who did not (false), or clear a mark (null)",
    tag="insights",
    role=Role.ORGANIZER,
    body=AttendanceIn,
    response=ChecklistOut,
)
async def mark_attendance(visit: Visit) -> Response:
    body = await read_body(visit, AttendanceIn)
    found = await _checklist(visit)
    yes = {r.user_id for r in found.rows}
    wrong = [m.user_id for m in body.marks if m.user_id not in yes]
    if wrong:  # checked whole first: a wrong mark saves nothing
        said = visit.t("web_api_insights_not_yes_who", user_id=wrong[0])
        raise WebError(422, "web_api_insights_not_yes", details={"body.marks": said})
    for mark in body.marks:
        found = await visit.services.insights.mark(
            found.occurrence_id, visit.user.user_id, mark.user_id, mark.came
        )
    return reply(visit, ChecklistOut.of(found))


ROUTES = [
    team_insights,
    my_insights,
    insight_settings,
    set_insight_settings,
    event_insights,
    attendance,
    mark_attendance,
]
