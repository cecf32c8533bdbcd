"""Events, their dates, answers and deliveries; announcements; my quick reminders.

Who may see an event and who may manage it is the services' rule
(:class:`~maxremind.services.overview.OverviewService` shows what the viewer may see,
:class:`~maxremind.services.events.EventService` refuses what they may not change);
routes only add that an event must belong to the team in the address.

Editing is guarded against lost updates: ``PUT`` needs the version it was edited from,
``expected_updated_at`` in the body or the GET's ``ETag`` as ``If-Match``; when someone
else saved in between, the answer is 409 and nothing changes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from starlette.responses import Response

from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    Event,
    EventKind,
    EventStatus,
    NewEvent,
    ReminderSpec,
    Role,
)
from maxremind.http.api.common import (
    api_route,
    page_fields,
    path_id,
    read_body,
    read_query,
    reply,
    slice_page,
)
from maxremind.http.api.models import (
    AnnouncementIn,
    AnnouncementOut,
    AnswerIn,
    AnswerPointOut,
    AnswersOut,
    CancellationOut,
    CountsOut,
    DeliveryOut,
    EventIn,
    EventOut,
    EventRowOut,
    EventsQuery,
    EventSummaryOut,
    EventUpdateIn,
    LedgerQuery,
    ListQuery,
    MyAnswerOut,
    OccurrenceOut,
    Page,
    PersonRef,
    QuickReminderIn,
    QuickReminderOut,
)
from maxremind.http.api.teams import TEAM, V1
from maxremind.http.web.visit import Visit, WebError
from maxremind.services.answers import AnswerOutcome
from maxremind.services.overview import Counts, EventDetail, EventFilters

MAX_TITLE = 200
_ETAG = re.compile(r'(?:W/)?"([0-9]{1,15})"')
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

EVENT = TEAM + "/events/{event_id:int}"
OCCURRENCE = EVENT + "/occurrences/{occurrence_id:int}"


# --- helpers -------------------------------------------------------------------------------


def etag(event: Event) -> str:
    """The event's version as an ETag: its ``updated_at`` in milliseconds."""
    return f'"{round((event.updated_at - _EPOCH) / timedelta(milliseconds=1))}"'


def _version(visit: Visit, given: datetime | None) -> datetime:
    """The version an edit starts from: the body's, else ``If-Match``.

    :raises WebError: 422 when neither is given (an edit must say what it replaces).
    """
    if given is not None:
        return given
    header = visit.request.headers.get("if-match")
    if header is None:
        raise WebError(
            422, "web_invalid", details={"expected_updated_at": visit.t("web_api_field_version")}
        )
    found = _ETAG.fullmatch(header.strip())
    if found is None:
        raise WebError(422, "web_invalid", details={"If-Match": visit.t("web_api_field_if_match")})
    return datetime.fromtimestamp(int(found[1]) / 1000, tz=UTC)


async def _detail(
    visit: Visit,
    occurrence_id: int | None = None,
    *,
    page: int = 1,
    per_page: int = 50,
    query: LedgerQuery | None = None,
) -> EventDetail:
    """The event in the path as the viewer may see it. :raises WebError: 404"""
    event_id = path_id(visit, "event_id")
    detail = await visit.services.overview.event_detail(
        visit.user.user_id,
        event_id,
        occurrence_id,
        page=page,
        per_page=per_page,
        status=None if query is None else query.status,
    )
    if detail is None or detail.event.team_id != visit.team_id:
        raise WebError(404, "web_not_found")
    return detail


async def _event_out(visit: Visit, event: Event, *, can_manage: bool) -> EventOut:
    agenda = visit.services.agenda
    return EventOut.of(
        event,
        next_occurrence=await agenda.next_occurrence(event),
        size=await agenda.audience_size(event),
        can_manage=can_manage,
    )


def _spec(body: EventIn, *, team_id: int, organizer_id: int, zone: str) -> NewEvent:
    timezone = body.timezone or zone
    start = body.start_local
    if start.tzinfo is not None:  # a moment: the wall time it is in the event's zone
        start = start.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)
    return NewEvent(
        team_id=team_id,
        organizer_id=organizer_id,
        title=body.title,
        start_local=start,
        timezone=timezone,
        kind=EventKind(body.kind),
        description=body.description,
        place=body.place,
        duration=None
        if body.duration_minutes is None
        else timedelta(minutes=body.duration_minutes),
        rrule=body.rrule,
        exdates=tuple(sorted({d.isoformat() for d in body.exdates})),
        audience=tuple(a.entry() for a in body.audience),
        reminders=tuple(
            ReminderSpec(
                offset=None if r.offset_seconds is None else timedelta(seconds=r.offset_seconds),
                at=r.at,
                target=r.target,
            )
            for r in body.reminders
        ),
        confirm_required=body.confirm_required,
        urgent=body.urgent,
        quorum=body.quorum,
        roster_visible=body.roster_visible,
    )


def _titled(text: str) -> tuple[str, str]:
    """A message as (title, description): the first line is the title (as /notify)."""
    first, _, rest = text.strip().partition("\n")
    if len(first) <= MAX_TITLE:
        return first, rest.strip()
    return first[: MAX_TITLE - 1] + "…", text.strip()


def _counts(counts: Counts) -> CountsOut:
    return CountsOut(
        audience=counts.audience,
        people=counts.people,
        planned=counts.planned,
        held=counts.held,
        claimed=counts.claimed,
        sent=counts.sent,
        failed=counts.failed,
        unreachable=counts.unreachable,
        skipped=counts.skipped,
        reached=counts.reached,
        yes=counts.yes,
        no=counts.no,
        maybe=counts.maybe,
        no_answer=counts.no_answer,
    )


# --- events --------------------------------------------------------------------------------


@api_route(
    TEAM + "/events",
    summary="Events I may see: filters, soonest next date first",
    tag="events",
    role=Role.MEMBER,
    query=EventsQuery,
    response=Page[EventRowOut],
)
async def list_events(visit: Visit) -> Response:
    query = read_query(visit, EventsQuery)
    filters = EventFilters(
        text=query.q,
        kind=query.kind,
        status=None if query.status == "all" else EventStatus(query.status),
        starts_from=query.starts_from,
        starts_to=query.starts_to,
        organizer_id=query.organizer_id,
    )
    found = await visit.services.overview.events(
        visit.user.user_id, visit.team_id, filters, page=query.page, per_page=query.per_page
    )
    rows = [
        EventRowOut(
            event=EventSummaryOut.model_validate(row.event, from_attributes=True),
            audience_size=row.audience,
            can_manage=row.can_manage,
            my_answer=row.my_answer,
            counts=None if row.counts is None else _counts(row.counts),
        )
        for row in found.items
    ]
    return reply(visit, Page[EventRowOut](**page_fields(visit, query, rows, found.total)))


@api_route(
    TEAM + "/events",
    methods=("POST",),
    summary="Create an event (or a reminder for others: kind=reminder)",
    tag="events",
    role=Role.ORGANIZER,
    body=EventIn,
    response=EventOut,
    status=201,
)
async def create_event(visit: Visit) -> Response:
    body = await read_body(visit, EventIn)
    team = visit.team
    if team is None:  # pragma: no cover - the door resolved the team
        raise WebError(404, "web_not_found")
    spec = _spec(body, team_id=team.id, organizer_id=visit.user.user_id, zone=team.timezone)
    event = await visit.services.events.create(spec)
    out = await _event_out(visit, event, can_manage=True)
    return reply(visit, out, headers={"etag": etag(event)})


@api_route(
    EVENT,
    summary="One event (its ETag is the version to edit)",
    tag="events",
    role=Role.MEMBER,
    response=EventOut,
)
async def get_event(visit: Visit) -> Response:
    detail = await _detail(visit)
    out = await _event_out(visit, detail.event, can_manage=detail.can_manage)
    return reply(visit, out, headers={"etag": etag(detail.event)})


@api_route(
    EVENT,
    methods=("PUT",),
    summary="Replace an event; 409 when someone else changed it since your version",
    tag="events",
    role=Role.MEMBER,
    body=EventUpdateIn,
    response=EventOut,
)
async def update_event(visit: Visit) -> Response:
    detail = await _detail(visit)
    body = await read_body(visit, EventUpdateIn)
    expected = _version(visit, body.expected_updated_at)
    current = detail.event
    if current.kind is EventKind.ANNOUNCEMENT:
        raise WebError(409, "web_api_announcement_sent")
    spec = _spec(
        body, team_id=visit.team_id, organizer_id=current.organizer_id, zone=current.timezone
    )
    event = await visit.services.events.update(
        current.id, spec, actor_id=visit.user.user_id, expected_updated_at=expected
    )
    out = await _event_out(visit, event, can_manage=True)
    return reply(visit, out, headers={"etag": etag(event)})


@api_route(
    EVENT + "/cancel",
    methods=("POST",),
    summary="Cancel the event (every date ahead); those already reminded are told",
    tag="events",
    role=Role.MEMBER,
    response=CancellationOut,
)
async def cancel_event(visit: Visit) -> Response:
    detail = await _detail(visit)
    if detail.event.status is EventStatus.CANCELLED:
        raise WebError(409, "web_api_occurrence_over")
    done = await visit.services.events.cancel(detail.event.id, actor_id=visit.user.user_id)
    out = await _event_out(visit, done.event, can_manage=True)
    return reply(visit, CancellationOut(event=out, notified=done.notified))


# --- dates ---------------------------------------------------------------------------------


@api_route(
    EVENT + "/occurrences",
    summary="The event's dates from 90 days ago on, cancelled ones included",
    tag="events",
    role=Role.MEMBER,
    query=ListQuery,
    response=Page[OccurrenceOut],
)
async def list_occurrences(visit: Visit) -> Response:
    query = read_query(visit, ListQuery)
    detail = await _detail(visit)
    dates = [OccurrenceOut.of(o) for o in detail.dates]
    return reply(visit, Page[OccurrenceOut](**slice_page(visit, query, dates)))


@api_route(
    OCCURRENCE + "/cancel",
    methods=("POST",),
    summary="Cancel one date (a one-off event: the event); those already reminded are told",
    tag="events",
    role=Role.MEMBER,
    response=CancellationOut,
)
async def cancel_occurrence(visit: Visit) -> Response:
    occurrence_id = path_id(visit, "occurrence_id")
    detail = await _detail(visit, occurrence_id)
    done = await visit.services.events.cancel_occurrence(
        detail.event.id, occurrence_id, actor_id=visit.user.user_id
    )
    out = await _event_out(visit, done.event, can_manage=True)
    return reply(visit, CancellationOut(event=out, notified=done.notified))


@api_route(
    OCCURRENCE + "/answers",
    summary="Who answered what for one date, and the answers over time (managers)",
    tag="confirmations",
    role=Role.ORGANIZER,
    response=AnswersOut,
)
async def list_answers(visit: Visit) -> Response:
    occurrence_id = path_id(visit, "occurrence_id")
    detail = await _detail(visit, occurrence_id)
    if not detail.can_manage:
        raise WebError(403, "web_forbidden")
    roster, counts, occurrence = detail.roster, detail.counts, detail.occurrence
    if roster is None or counts is None or occurrence is None:
        raise WebError(404, "web_not_found")
    return reply(
        visit,
        AnswersOut(
            occurrence=OccurrenceOut.of(occurrence),
            counts=_counts(counts),
            yes=roster.yes,
            no=roster.no,
            maybe=roster.maybe,
            silent=[
                PersonRef(user_id=i, name=n)
                for i, n in zip(roster.silent_ids, roster.silent, strict=True)
            ],
            timeline=[
                AnswerPointOut(at=p.at, yes=p.yes, no=p.no, maybe=p.maybe)
                for p in detail.timeline or ()
            ],
        ),
    )


@api_route(
    OCCURRENCE + "/answer",
    methods=("PUT",),
    summary="My answer for one date (yes / no / maybe), as the reminder's buttons",
    tag="confirmations",
    role=Role.MEMBER,
    body=AnswerIn,
    response=MyAnswerOut,
)
async def answer(visit: Visit) -> Response:
    occurrence_id = path_id(visit, "occurrence_id")
    await _detail(visit, occurrence_id)  # the viewer sees the event, in this team
    given = await read_body(visit, AnswerIn)
    result = await visit.services.answers.answer(occurrence_id, visit.user.user_id, given.answer)
    if result.outcome is AnswerOutcome.NOT_INVITED:
        raise WebError(403, "web_api_not_invited")
    if result.outcome is AnswerOutcome.STALE:
        raise WebError(404, "web_not_found")
    if result.outcome is not AnswerOutcome.SAVED or result.answer is None:
        raise WebError(409, "web_api_occurrence_over")
    return reply(visit, MyAnswerOut(occurrence_id=occurrence_id, answer=result.answer))


@api_route(
    OCCURRENCE + "/deliveries",
    summary="The delivery ledger of one date: who got what when, failures and why (managers)",
    tag="deliveries",
    role=Role.ORGANIZER,
    query=LedgerQuery,
    response=Page[DeliveryOut],
)
async def list_deliveries(visit: Visit) -> Response:
    query = read_query(visit, LedgerQuery)
    occurrence_id = path_id(visit, "occurrence_id")
    detail = await _detail(
        visit, occurrence_id, page=query.page, per_page=query.per_page, query=query
    )
    if not detail.can_manage:
        raise WebError(403, "web_forbidden")
    if detail.ledger is None:
        raise WebError(404, "web_not_found")
    rows = [
        DeliveryOut(
            id=r.delivery_id,
            occurrence_id=r.occurrence_id,
            kind=r.kind,
            recipient_kind=r.recipient_kind,
            recipient_id=r.recipient_id,
            recipient_name=r.recipient_name,
            status=r.status,
            due_at=r.due_at,
            send_at=r.send_at,
            sent_at=r.sent_at,
            attempts=r.attempts,
            last_error=r.last_error,
            skip_reason=r.skip_reason,
            note=r.note,
            updated_at=r.updated_at,
        )
        for r in detail.ledger.items
    ]
    return reply(visit, Page[DeliveryOut](**page_fields(visit, query, rows, detail.ledger.total)))


# --- announcements -------------------------------------------------------------------------


@api_route(
    TEAM + "/announcements",
    methods=("POST",),
    summary="Send an announcement now or at a later moment (as /notify)",
    tag="announcements",
    role=Role.ORGANIZER,
    body=AnnouncementIn,
    response=AnnouncementOut,
    status=201,
)
async def announce(visit: Visit) -> Response:
    body = await read_body(visit, AnnouncementIn)
    team = visit.team
    if team is None:  # pragma: no cover - the door resolved the team
        raise WebError(404, "web_not_found")
    title, description = _titled(body.text)
    when = body.at or datetime.now(UTC)  # now: the service sets it in the team's zone
    spec = NewEvent(
        team_id=team.id,
        organizer_id=visit.user.user_id,
        title=title,
        description=description,
        start_local=when.astimezone(ZoneInfo(team.timezone)).replace(tzinfo=None),
        timezone=team.timezone,
        kind=EventKind.ANNOUNCEMENT,
        audience=tuple(a.entry() for a in body.audience),
    )
    event = await visit.services.events.create(spec, scheduled=body.at is not None)
    out = await _event_out(visit, event, can_manage=True)
    return reply(visit, AnnouncementOut(event=out, audience_size=out.audience_size))


# --- my quick reminders --------------------------------------------------------------------


def _token_may_see(visit: Visit, event: Event) -> bool:
    """A personal reminder belongs to no team; one of a team is out of reach of another
    team's token."""
    viewer = visit.viewer
    if viewer is None or viewer.token_team_id is None:
        return True
    return event.team_id in (None, viewer.token_team_id)


@api_route(
    V1 + "/me/reminders",
    summary="My quick reminders still ahead (as /reminders)",
    tag="reminders",
    query=ListQuery,
    response=Page[QuickReminderOut],
)
async def list_reminders(visit: Visit) -> Response:
    query = read_query(visit, ListQuery)
    items = [
        QuickReminderOut.of(item.event, item.occurrence)
        for item in await visit.services.agenda.upcoming(visit.user.user_id, (EventKind.REMINDER,))
        if item.mine and _token_may_see(visit, item.event)
    ]
    return reply(visit, Page[QuickReminderOut](**slice_page(visit, query, items)))


@api_route(
    V1 + "/me/reminders",
    methods=("POST",),
    summary="Remind me (as /remind): a text at a moment, optionally repeated",
    tag="reminders",
    body=QuickReminderIn,
    response=QuickReminderOut,
    status=201,
)
async def create_reminder(visit: Visit) -> Response:
    body = await read_body(visit, QuickReminderIn)
    user = visit.user
    zone = body.timezone or user.timezone or "UTC"
    title, description = _titled(body.text)
    spec = NewEvent(
        team_id=None,
        organizer_id=user.user_id,
        title=title,
        description=description,
        start_local=body.at.astimezone(ZoneInfo(zone)).replace(tzinfo=None),
        timezone=zone,
        kind=EventKind.REMINDER,
        rrule=body.rrule,
        audience=(AudienceEntry(AudienceKind.MEMBER, user.user_id),),
        reminders=(ReminderSpec(offset=timedelta(0)),),
    )
    event = await visit.services.events.create(spec)
    upcoming = await visit.services.agenda.next_occurrence(event)
    return reply(visit, QuickReminderOut.of(event, upcoming))


@api_route(
    V1 + "/me/reminders/{event_id:int}",
    methods=("DELETE",),
    summary="Cancel one of my quick reminders",
    tag="reminders",
    status=204,
)
async def cancel_reminder(visit: Visit) -> Response:
    event_id = path_id(visit, "event_id")
    event = await visit.services.agenda.own_reminder(event_id, visit.user.user_id)
    if event is None or event.kind is not EventKind.REMINDER or not _token_may_see(visit, event):
        raise WebError(404, "web_not_found")
    await visit.services.events.cancel(event.id, actor_id=visit.user.user_id)
    return reply(visit, None)


ROUTES = [
    list_events,
    create_event,
    get_event,
    update_event,
    cancel_event,
    list_occurrences,
    cancel_occurrence,
    list_answers,
    answer,
    list_deliveries,
    announce,
    list_reminders,
    create_reminder,
    cancel_reminder,
]
