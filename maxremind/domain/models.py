"""The domain model: plain data, no I/O.

Times are aware UTC datetimes unless a name says ``local`` (a naive wall-clock
time in the event's own zone, which is what recurrence works on).  MAX ids
(users, chats) are the integers MAX gives; our own ids are integers the
storage assigns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class Role(StrEnum):
    """What a member may do in a team; each role includes the ones below it."""

    OWNER = "owner"
    ADMIN = "admin"
    ORGANIZER = "organizer"
    MEMBER = "member"

    @property
    def rank(self) -> int:
        return _ROLE_RANK[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


_ROLE_RANK = {Role.MEMBER: 0, Role.ORGANIZER: 1, Role.ADMIN: 2, Role.OWNER: 3}


class Language(StrEnum):
    RU = "ru"
    EN = "en"


class AudienceKind(StrEnum):
    TEAM = "team"
    GROUP = "group"
    TAG = "tag"
    MEMBER = "member"
    CHAT = "chat"


class EventKind(StrEnum):
    EVENT = "event"
    REMINDER = "reminder"  # a personal or quick reminder (/remind)
    ANNOUNCEMENT = "announcement"  # sent right away (/notify)


class EventStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    # Something it depends on went away (a deleted group, say); the engine skips
    # it and the organizer is told, instead of the engine failing on it.
    FLAGGED = "flagged"


class ReminderTarget(StrEnum):
    ALL = "all"
    UNANSWERED = "unanswered"
    ORGANIZER_SUMMARY = "organizer_summary"


class OccurrenceStatus(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"


class RecipientKind(StrEnum):
    USER = "user"
    CHAT = "chat"


class DeliveryStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"  # waiting for the recipient's quiet hours to end
    CLAIMED = "claimed"  # a dispatcher holds a lease and is sending
    SENT = "sent"
    FAILED = "failed"  # gave up after transient errors
    UNREACHABLE = "unreachable"  # permanent: the user stopped the bot, the chat is gone
    SKIPPED = "skipped"  # deliberately not sent; skip_reason says why


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


@dataclass(frozen=True, slots=True)
class QuietHoursSpec:
    """Local ``HH:MM`` bounds; may cross midnight (22:00-08:00)."""

    start: str
    end: str

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"


@dataclass(frozen=True, slots=True)
class Team:
    id: int
    name: str
    timezone: str
    language: Language
    quiet_hours: QuietHoursSpec | None
    created_by: int | None
    created_at: datetime
    # What a new event starts with (its form may change them): reminders to everyone
    # before the start, largest first, and escalation steps (offsets with the target
    # ``unanswered`` or ``organizer_summary``), earliest first.
    default_reminders: tuple[timedelta, ...] = ()
    default_escalation: tuple[ReminderSpec, ...] = ()
    # A step whose time had passed when its event was saved (created at short notice):
    # sent at once saying so (False), or skipped (True).
    skip_short_notice: bool = False


@dataclass(frozen=True, slots=True)
class User:
    """A person known to the bot, with their own settings (shared by all their teams)."""

    user_id: int
    name: str
    username: str | None
    language: Language | None
    timezone: str | None
    quiet_hours: QuietHoursSpec | None
    reachable: bool
    unreachable_reason: str | None
    current_team_id: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Member:
    """A user's membership in a team; carries the person's settings for convenience."""

    team_id: int
    user_id: int
    role: Role
    joined_at: datetime
    name: str
    username: str | None
    language: Language | None
    timezone: str | None
    quiet_hours: QuietHoursSpec | None
    reachable: bool


@dataclass(frozen=True, slots=True)
class Group:
    id: int
    team_id: int
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Tag:
    id: int
    team_id: int
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Chat:
    """A MAX group chat the bot was added to, optionally linked to a team/group."""

    chat_id: int
    title: str
    chat_type: str
    team_id: int | None
    group_id: int | None
    added_by: int | None
    active: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class AudienceEntry:
    """One part of an audience; ``ref_id`` is None only for the whole team."""

    kind: AudienceKind
    ref_id: int | None = None


@dataclass(frozen=True, slots=True)
class ReminderSpec:
    """When to remind: ``offset`` before the occurrence start, or at an absolute time."""

    offset: timedelta | None = None
    at: datetime | None = None
    target: ReminderTarget = ReminderTarget.ALL

    def __post_init__(self) -> None:
        if (self.offset is None) == (self.at is None):
            raise ValueError("a reminder has either an offset or an absolute time")


@dataclass(frozen=True, slots=True)
class Reminder:
    id: int
    event_id: int
    offset: timedelta | None
    at: datetime | None
    target: ReminderTarget


@dataclass(frozen=True, slots=True)
class NewEvent:
    """What a service passes to storage to create an event."""

    team_id: int | None
    organizer_id: int
    title: str
    start_local: datetime  # naive wall time in ``timezone``
    timezone: str
    kind: EventKind = EventKind.EVENT
    description: str = ""
    place: str = ""
    duration: timedelta | None = None
    rrule: str | None = None
    exdates: tuple[str, ...] = ()  # ISO dates (local) skipped by the rule
    audience: tuple[AudienceEntry, ...] = ()
    reminders: tuple[ReminderSpec, ...] = ()
    confirm_required: bool = False
    urgent: bool = False
    quorum: int | None = None
    roster_visible: bool = False  # members invited may see who answered what


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    team_id: int | None
    organizer_id: int
    title: str
    start_local: datetime
    timezone: str
    kind: EventKind
    description: str
    place: str
    duration: timedelta | None
    rrule: str | None
    exdates: tuple[str, ...]
    audience: tuple[AudienceEntry, ...]
    reminders: tuple[Reminder, ...]
    confirm_required: bool
    urgent: bool
    quorum: int | None
    status: EventStatus
    status_reason: str | None
    created_at: datetime
    updated_at: datetime
    # The organizer lets the invited see who answered what (/who, "👥 Кто идёт"); off by
    # default: answers are personal, and events made before the option stay as they were.
    roster_visible: bool = False


@dataclass(frozen=True, slots=True)
class OccurrenceIn:
    starts_at: datetime
    local_start: datetime
    adjustment: str = "none"


@dataclass(frozen=True, slots=True)
class Occurrence:
    id: int
    event_id: int
    starts_at: datetime
    local_start: datetime
    adjustment: str
    status: OccurrenceStatus


class DeliveryKind(StrEnum):
    REMINDER = "reminder"  # a reminder step sent to members or a chat
    SUMMARY = "summary"  # who answered what, to the organizer
    SNOOZE = "snooze"  # a reminder again, later, because the person asked
    REPORT = "report"  # problems for the organizer (unreachable people, flagged event)
    CATCHUP = "catchup"  # what could not be sent while the service was down
    CANCELLED = "cancelled"  # an occurrence people were reminded of is off
    DIGEST = "digest"  # the weekly statistics digest, to an organizer who asked for it
    ATTENDANCE = "attendance"  # the "who came" checklist, to the organizer after an event


class JobStatus(StrEnum):
    PLANNED = "planned"
    EXPANDED = "expanded"  # its deliveries exist
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class NewJob:
    key: str
    occurrence_id: int
    reminder_id: int | None
    target: ReminderTarget
    due_at: datetime
    expand_at: datetime
    planned_recipients: tuple[int, ...] = ()
    short_notice: bool = False  # see Job.short_notice


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    key: str
    occurrence_id: int
    reminder_id: int | None
    target: ReminderTarget
    due_at: datetime
    expand_at: datetime
    status: JobStatus
    skip_reason: str | None
    planned_recipients: tuple[int, ...]
    expected_finish: datetime | None
    # Its time had already passed when it was first planned: the event was saved
    # after it ("1 day before" an event made for tomorrow morning); a re-plan keeps it.
    short_notice: bool = False


@dataclass(frozen=True, slots=True)
class NewDelivery:
    """One message to one recipient; ``key`` makes it unique (see ``delivery_key``)."""

    key: str
    recipient_kind: RecipientKind
    recipient_id: int
    due_at: datetime
    send_at: datetime
    kind: DeliveryKind = DeliveryKind.REMINDER
    job_id: int | None = None
    occurrence_id: int | None = None
    reminder_id: int | None = None
    payload: str = "{}"
    status: DeliveryStatus = DeliveryStatus.PLANNED
    skip_reason: str | None = None
    note: str | None = None


def delivery_key(job_key: str, kind: RecipientKind, recipient_id: int) -> str:
    """The unique key of a delivery: occurrence × reminder (the job) × recipient."""
    return f"{job_key}:{kind.value}:{recipient_id}"


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    key: str
    kind: DeliveryKind
    job_id: int | None
    payload: str
    occurrence_id: int | None
    reminder_id: int | None
    recipient_kind: RecipientKind
    recipient_id: int
    due_at: datetime
    send_at: datetime
    status: DeliveryStatus
    attempts: int
    max_message_id: str | None
    last_error: str | None
    skip_reason: str | None
    note: str | None
    lease_owner: str | None
    lease_until: datetime | None
    sent_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Confirmation:
    occurrence_id: int
    user_id: int
    answer: Answer
    comment: str
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class Invite:
    code: str
    team_id: int
    group_id: int | None
    created_by: int
    created_at: datetime
    expires_at: datetime | None
    max_uses: int | None
    uses: int
    revoked: bool

    def unusable_reason(self, now: datetime) -> str | None:
        """Why this invite can no longer be used, or None if it can."""
        if self.revoked:
            return "revoked"
        if self.expires_at is not None and now >= self.expires_at:
            return "expired"
        if self.max_uses is not None and self.uses >= self.max_uses:
            return "used_up"
        return None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    team_id: int | None
    actor_id: int | None
    action: str
    subject: str
    details: dict[str, object] = field(default_factory=dict)
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class InboxItem:
    """An update from MAX as stored before it is handled (``payload`` is its JSON)."""

    id: int
    dedupe_key: str
    update_type: str
    payload: str
    received_at: datetime
    attempts: int


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """Work decided while handling an update, done once that decision is committed.

    ``payload`` is JSON text; ``inbox_id`` is the update it came from, if any.
    """

    id: int
    inbox_id: int | None
    payload: str
    attempts: int
    created_at: datetime
