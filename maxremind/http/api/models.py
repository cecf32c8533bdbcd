"""What the JSON API takes and gives: pydantic models, one per shape.

Input models forbid unknown fields (a typo is a 422, not a silently ignored value) and
bound every number and string, so what reaches the services is already sane; the
services still decide every rule.  Output models are built from the domain objects the
services return.  The OpenAPI document (:mod:`.openapi`) is generated from these.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Generic, Literal, TypeVar
from zoneinfo import available_timezones

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from maxremind.domain.ids import INT64_MAX
from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    DeliveryKind,
    DeliveryStatus,
    Event,
    EventKind,
    EventStatus,
    Group,
    Language,
    Member,
    Occurrence,
    OccurrenceStatus,
    RecipientKind,
    Reminder,
    ReminderTarget,
    Role,
    Tag,
    Team,
    User,
)

MAX_INT64 = INT64_MAX
MAX_PAGE = 200
DEFAULT_PAGE = 50
MAX_OFFSET_SECONDS = 366 * 24 * 3600
FIRST_YEAR, LAST_YEAR = 2000, 2200  # times outside are typos, and far outside overflow

Id = Annotated[int, Field(ge=1, le=MAX_INT64)]
_WALL = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?$"
LocalTime = Annotated[
    datetime,
    WithJsonSchema(
        {"type": "string", "pattern": _WALL, "description": "wall time in the event's zone"}
    ),
]
"""A naive wall-clock time (``2026-05-01T10:00:00``): RFC 3339 has no offset-less
date-time, so the document gives its pattern."""
StartTime = Annotated[
    datetime,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": _WALL},
                {"type": "string", "format": "date-time"},
            ],
            "description": "wall time in the event's zone, or a moment with an offset",
        }
    ),
]
Name = Annotated[str, Field(min_length=1, max_length=100)]


class In(BaseModel):
    """A request body or query: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _zone(value: str | None) -> str | None:
    """An IANA zone name this installation knows (``Europe/Moscow``)."""
    if value is not None and value not in _zones():
        raise ValueError("timezone")
    return value


def _in_range(value: datetime) -> datetime:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError("year")
    return value


# --- errors and pages ----------------------------------------------------------------------


class ErrorOut(Out):
    """Every refusal: a machine word, a message in the viewer's language, and for
    invalid input a message per field (``body.title``, ``query.limit``)."""

    error: str = Field(examples=["invalid"])
    message: str
    details: dict[str, str] = Field(default_factory=dict)


T = TypeVar("T")


class Page(Out, Generic[T]):
    """One page of a list: ``?page=`` counts from 1, ``?per_page=`` up to 200.
    ``next`` is the address of the following page (same filters), null on the last;
    ``total`` counts every item that matches."""

    items: list[T]
    total: int
    page: int
    per_page: int
    next: str | None = None


class ListQuery(In):
    page: int = Field(1, ge=1, le=1_000_000, description="page number, from 1")
    per_page: int = Field(DEFAULT_PAGE, ge=1, le=MAX_PAGE, description="items per page")


class CountOut(Out):
    """How many things a request changed (added to a group, tagged, ...)."""

    changed: int


# --- people --------------------------------------------------------------------------------


def _quiet(value: object) -> str | None:
    return None if value is None else str(value)


class TeamOut(Out):
    id: int
    name: str
    timezone: str
    language: Language
    quiet_hours: str | None = Field(description="local HH:MM-HH:MM, may cross midnight")
    created_at: datetime
    my_role: Role
    skip_short_notice: bool = Field(
        description="a reminder due before its event was made is skipped (true) or sent at"
        " once saying the event was scheduled at short notice (false); set on the team's"
        " settings page or with /shortnotice"
    )

    @classmethod
    def of(cls, team: Team, role: Role) -> TeamOut:
        return cls(
            id=team.id,
            name=team.name,
            timezone=team.timezone,
            language=team.language,
            quiet_hours=_quiet(team.quiet_hours),
            created_at=team.created_at,
            my_role=role,
            skip_short_notice=team.skip_short_notice,
        )


class MeOut(Out):
    user_id: int
    name: str
    username: str | None
    language: Language | None
    timezone: str | None
    quiet_hours: str | None
    reachable: bool
    signed_in_with: Literal["session", "token"]
    token_team_id: int | None = Field(description="the one team an API token works for")
    teams: list[TeamOut]

    @classmethod
    def of(
        cls,
        user: User,
        via: Literal["session", "token"],
        token_team: int | None,
        teams: list[TeamOut],
    ) -> MeOut:
        return cls(
            user_id=user.user_id,
            name=user.name,
            username=user.username,
            language=user.language,
            timezone=user.timezone,
            quiet_hours=_quiet(user.quiet_hours),
            reachable=user.reachable,
            signed_in_with=via,
            token_team_id=token_team,
            teams=teams,
        )


class MemberOut(Out):
    user_id: int
    name: str
    username: str | None
    role: Role
    joined_at: datetime
    language: Language | None
    timezone: str | None
    quiet_hours: str | None
    reachable: bool

    @classmethod
    def of(cls, member: Member) -> MemberOut:
        return cls(
            user_id=member.user_id,
            name=member.name,
            username=member.username,
            role=member.role,
            joined_at=member.joined_at,
            language=member.language,
            timezone=member.timezone,
            quiet_hours=_quiet(member.quiet_hours),
            reachable=member.reachable,
        )


class NamedRef(Out):
    id: int
    name: str


class MemberDetailOut(MemberOut):
    groups: list[NamedRef]
    tags: list[NamedRef]


class RoleIn(In):
    role: Role


class GroupOut(Out):
    id: int
    name: str
    created_at: datetime

    @classmethod
    def of(cls, group: Group) -> GroupOut:
        return cls(id=group.id, name=group.name, created_at=group.created_at)


class GroupDetailOut(GroupOut):
    member_ids: list[int]


class GroupIn(In):
    name: Name


class UserIdsIn(In):
    user_ids: list[Id] = Field(min_length=1, max_length=500)


class TagOut(Out):
    id: int
    name: str
    created_at: datetime

    @classmethod
    def of(cls, tag: Tag) -> TagOut:
        return cls(id=tag.id, name=tag.name, created_at=tag.created_at)


class TagDetailOut(TagOut):
    member_ids: list[int]


class TagIn(In):
    """Tag people; the tag is created when the team has none of that name."""

    name: Name
    user_ids: list[Id] = Field(min_length=1, max_length=500)


class TaggedOut(Out):
    tag: TagOut
    created: bool
    changed: int


# --- events --------------------------------------------------------------------------------


class AudienceItem(BaseModel):
    """Who an event reaches: the whole ``team`` (no id), a ``group``, a ``tag``, a
    ``member`` (their user id) or a linked ``chat`` (its chat id)."""

    model_config = ConfigDict(extra="forbid")

    kind: AudienceKind
    id: int | None = Field(None, ge=-MAX_INT64, le=MAX_INT64)

    @model_validator(mode="after")
    def _ref(self) -> AudienceItem:
        if (self.kind is AudienceKind.TEAM) != (self.id is None):
            raise ValueError(f"ref:{self.kind.value}")
        return self

    def entry(self) -> AudienceEntry:
        return AudienceEntry(self.kind, self.id)

    @classmethod
    def of(cls, entry: AudienceEntry) -> AudienceItem:
        return cls(kind=entry.kind, id=entry.ref_id)


class ReminderIn(In):
    """A reminder step: ``offset_seconds`` before each date, or once ``at`` a moment;
    ``target`` is everyone, those who have not answered, or a summary to the organizer."""

    offset_seconds: int | None = Field(None, ge=0, le=MAX_OFFSET_SECONDS)
    at: AwareDatetime | None = None
    target: ReminderTarget = ReminderTarget.ALL

    @model_validator(mode="after")
    def _one(self) -> ReminderIn:
        if (self.offset_seconds is None) == (self.at is None):
            raise ValueError("one_time")
        if self.at is not None:
            _in_range(self.at)
        return self


class ReminderOut(Out):
    id: int
    offset_seconds: int | None
    at: datetime | None
    target: ReminderTarget

    @classmethod
    def of(cls, reminder: Reminder) -> ReminderOut:
        offset = None if reminder.offset is None else int(reminder.offset.total_seconds())
        return cls(id=reminder.id, offset_seconds=offset, at=reminder.at, target=reminder.target)


class EventIn(In):
    """An event (or a quick reminder to others, ``kind: reminder``) of the team.

    ``start_local`` is the wall time in ``timezone`` (the team's when omitted) of the
    first date; a time with an offset is converted to that zone.  ``rrule`` repeats it
    (RFC 5545, ``FREQ=WEEKLY;BYDAY=MO``), ``exdates`` are local dates skipped."""

    kind: Literal["event", "reminder"] = "event"
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=2000)
    place: str = Field("", max_length=200)
    start_local: StartTime
    timezone: str | None = Field(None, min_length=1, max_length=64)
    duration_minutes: int | None = Field(None, ge=1, le=60 * 24 * 31)
    rrule: str | None = Field(None, min_length=1, max_length=500)
    exdates: list[date] = Field(default_factory=list, max_length=366)
    audience: list[AudienceItem] = Field(min_length=1, max_length=200)
    reminders: list[ReminderIn] = Field(default_factory=list, max_length=20)
    confirm_required: bool = False
    urgent: bool = False
    quorum: int | None = Field(None, ge=1, le=10_000)
    roster_visible: bool = Field(
        False, description="those invited may see who answered what (off by default)"
    )

    @field_validator("start_local")
    @classmethod
    def _start(cls, value: datetime) -> datetime:
        return _in_range(value)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return _zone(value)

    @field_validator("exdates")
    @classmethod
    def _days(cls, value: list[date]) -> list[date]:
        for day in value:
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise ValueError("year")
        return value


class EventUpdateIn(EventIn):
    """The whole event again, and the version it was edited from: ``updated_at`` of the
    GET (or send that answer's ``ETag`` as ``If-Match``).  Someone else's change in
    between makes it a 409 and nothing is saved."""

    expected_updated_at: AwareDatetime | None = None


class OccurrenceOut(Out):
    id: int
    event_id: int
    starts_at: datetime
    local_start: LocalTime
    adjustment: str = Field(description="none, or how a DST gap or overlap moved it")
    status: OccurrenceStatus

    @classmethod
    def of(cls, occurrence: Occurrence) -> OccurrenceOut:
        return cls(
            id=occurrence.id,
            event_id=occurrence.event_id,
            starts_at=occurrence.starts_at,
            local_start=occurrence.local_start,
            adjustment=occurrence.adjustment,
            status=occurrence.status,
        )


class EventOut(Out):
    id: int
    team_id: int | None
    organizer_id: int
    kind: EventKind
    title: str
    description: str
    place: str
    start_local: LocalTime
    timezone: str
    duration_minutes: int | None
    rrule: str | None
    exdates: list[date]
    audience: list[AudienceItem]
    reminders: list[ReminderOut]
    confirm_required: bool
    urgent: bool
    quorum: int | None
    roster_visible: bool
    status: EventStatus
    status_reason: str | None
    created_at: datetime
    updated_at: datetime = Field(description="send it back as expected_updated_at to edit")
    next_occurrence: OccurrenceOut | None
    audience_size: int
    can_manage: bool

    @classmethod
    def of(
        cls, event: Event, *, next_occurrence: Occurrence | None, size: int, can_manage: bool
    ) -> EventOut:
        minutes = None if event.duration is None else int(event.duration.total_seconds() // 60)
        return cls(
            id=event.id,
            team_id=event.team_id,
            organizer_id=event.organizer_id,
            kind=event.kind,
            title=event.title,
            description=event.description,
            place=event.place,
            start_local=event.start_local,
            timezone=event.timezone,
            duration_minutes=minutes,
            rrule=event.rrule,
            exdates=[date.fromisoformat(d) for d in event.exdates],
            audience=[AudienceItem.of(e) for e in event.audience],
            reminders=[ReminderOut.of(r) for r in event.reminders],
            confirm_required=event.confirm_required,
            urgent=event.urgent,
            quorum=event.quorum,
            roster_visible=event.roster_visible,
            status=event.status,
            status_reason=event.status_reason,
            created_at=event.created_at,
            updated_at=event.updated_at,
            next_occurrence=None if next_occurrence is None else OccurrenceOut.of(next_occurrence),
            audience_size=size,
            can_manage=can_manage,
        )


class EventSummaryOut(Out):
    """An event as lists show it, with its next planned date."""

    id: int
    team_id: int | None
    organizer_id: int
    organizer_name: str | None
    kind: EventKind
    title: str
    place: str
    start_local: LocalTime
    timezone: str
    rrule: str | None
    confirm_required: bool
    urgent: bool
    quorum: int | None
    status: EventStatus
    status_reason: str | None
    next_occurrence_id: int | None
    next_starts_at: datetime | None
    next_local_start: LocalTime | None


class EventRowOut(Out):
    """An event in the list: its audience size, whether I may manage it, my answer for
    its next date, and (managers only) that date's counts."""

    event: EventSummaryOut
    audience_size: int
    can_manage: bool
    my_answer: Answer | None
    counts: CountsOut | None


class EventsQuery(ListQuery):
    q: str | None = Field(None, max_length=200, description="words of the title or place")
    kind: EventKind | None = None
    status: Literal["active", "cancelled", "flagged", "all"] = Field(
        "active", description="all: any status"
    )
    starts_from: AwareDatetime | None = Field(None, description="next date at or after")
    starts_to: AwareDatetime | None = Field(None, description="next date before")
    organizer_id: Id | None = None

    @field_validator("starts_from", "starts_to")
    @classmethod
    def _bounds(cls, value: datetime | None) -> datetime | None:
        return None if value is None else _in_range(value)


class OccurrencesQuery(ListQuery):
    starts_from: AwareDatetime | None = Field(
        None, description="dates starting at or after (default: now)"
    )

    @field_validator("starts_from")
    @classmethod
    def _bounds(cls, value: datetime | None) -> datetime | None:
        return None if value is None else _in_range(value)


class CancellationOut(Out):
    event: EventOut
    notified: int = Field(description="people and chats told that it is off")


# --- answers, ledger, announcements, quick reminders --------------------------------------


class AnswerIn(In):
    answer: Answer


class MyAnswerOut(Out):
    occurrence_id: int
    answer: Answer


class PersonRef(Out):
    user_id: int
    name: str


class CountsOut(Out):
    """One date at a glance: reminder deliveries by status and the answers.
    ``audience`` people and chats reached (``people`` of them people)."""

    audience: int
    people: int
    planned: int
    held: int
    claimed: int
    sent: int
    failed: int
    unreachable: int
    skipped: int
    reached: int
    yes: int
    no: int
    maybe: int
    no_answer: int


class AnswerPointOut(Out):
    at: datetime
    yes: int
    no: int
    maybe: int


class AnswersOut(Out):
    """Who answered what for one date (names, in audience order), who has not
    answered yet, and the answers over time."""

    occurrence: OccurrenceOut
    counts: CountsOut
    yes: list[str]
    no: list[str]
    maybe: list[str]
    silent: list[PersonRef]
    timeline: list[AnswerPointOut]


class LedgerQuery(ListQuery):
    status: DeliveryStatus | None = None


class DeliveryOut(Out):
    """One message to one person or chat: who got what when, or why not."""

    id: int
    occurrence_id: int | None
    kind: DeliveryKind
    recipient_kind: RecipientKind
    recipient_id: int
    recipient_name: str | None
    status: DeliveryStatus
    due_at: datetime
    send_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None
    skip_reason: str | None
    note: str | None
    updated_at: datetime


class AnnouncementIn(In):
    """Like the bot's /notify: the first line is the title.  Sent now, or once ``at``
    a later moment."""

    text: str = Field(min_length=1, max_length=4000)
    audience: list[AudienceItem] = Field(min_length=1, max_length=200)
    at: AwareDatetime | None = Field(None, description="send later, at this moment")

    @field_validator("at")
    @classmethod
    def _at(cls, value: datetime | None) -> datetime | None:
        return None if value is None else _in_range(value)


class AnnouncementOut(Out):
    event: EventOut
    audience_size: int


class QuickReminderIn(In):
    """A reminder to yourself, like the bot's /remind: ``text`` at the moment ``at``,
    repeated by ``rrule`` if given; it belongs to no team."""

    text: str = Field(min_length=1, max_length=2200)
    at: AwareDatetime
    timezone: str | None = Field(
        None, min_length=1, max_length=64, description="yours when omitted, else the event's"
    )
    rrule: str | None = Field(None, min_length=1, max_length=500)

    @field_validator("at")
    @classmethod
    def _at(cls, value: datetime) -> datetime:
        return _in_range(value)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return _zone(value)


class QuickReminderOut(Out):
    id: int
    team_id: int | None
    title: str
    description: str
    timezone: str
    rrule: str | None
    next_at: datetime | None = Field(description="null once no date is left")
    next_local: LocalTime | None

    @classmethod
    def of(cls, event: Event, occurrence: Occurrence | None) -> QuickReminderOut:
        return cls(
            id=event.id,
            team_id=event.team_id,
            title=event.title,
            description=event.description,
            timezone=event.timezone,
            rrule=event.rrule,
            next_at=None if occurrence is None else occurrence.starts_at,
            next_local=None if occurrence is None else occurrence.local_start,
        )


def as_timedelta(seconds: int | None) -> timedelta | None:
    return None if seconds is None else timedelta(seconds=seconds)


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)
