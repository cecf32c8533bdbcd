"""The storage port: everything maxremind keeps, behind one abstract class.

Adapters (``sqlite.py``, later ``postgres.py``) implement it with hand-written SQL
and translate driver errors into :mod:`maxremind.storage.errors`.  The contract
tests in ``tests/storage/`` run against every adapter.

Conventions for every method:

* datetimes go in and come out as aware UTC datetimes (millisecond precision);
  ``*_local`` values are naive wall times;
* a method that reads one entity by id raises :class:`NotFound` when it is
  missing; list methods return an empty list instead;
* a method that writes is atomic: it either fully applies or raises.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from types import TracebackType
from typing import Final, Self

from maxremind.domain.models import (
    Answer,
    AudienceKind,
    AuditEntry,
    Chat,
    Confirmation,
    Delivery,
    DeliveryStatus,
    Event,
    EventStatus,
    Group,
    InboxItem,
    Invite,
    Job,
    Language,
    Member,
    NewDelivery,
    NewEvent,
    NewJob,
    Occurrence,
    OccurrenceIn,
    QuietHoursSpec,
    ReminderSpec,
    Role,
    Tag,
    Team,
    User,
)


class Unset(Enum):
    """Type of :data:`UNSET`: "leave this field unchanged" where None is a real value."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET


class Storage(ABC):
    """Abstract storage.  Use as ``async with``: entering migrates, leaving closes."""

    # --- lifecycle -------------------------------------------------------------------

    @abstractmethod
    async def open(self, *, migrate: bool = True) -> None:
        """Connect and (unless ``migrate`` is false) apply pending migrations.

        :raises SchemaTooNew: the database was written by a newer maxremind.
        :raises DatabaseUnusable: the file is corrupt or cannot be opened.
        """

    @abstractmethod
    async def migrate(self) -> list[int]:
        """Apply pending migrations in order; returns the versions applied.

        :raises SchemaTooNew: the database was written by a newer maxremind.
        """

    @abstractmethod
    async def close(self) -> None:
        """Release connections.  Safe to call twice."""

    @abstractmethod
    async def schema_version(self) -> int:
        """The highest applied migration number (0 for an empty database)."""

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @abstractmethod
    async def ping(self) -> None:
        """Run a trivial query. :raises StorageError: the database does not answer."""

    # --- key/value (long-polling marker, housekeeping state) -------------------------

    @abstractmethod
    async def get_value(self, key: str) -> str | None:
        """The stored string for ``key``, or None."""

    @abstractmethod
    async def set_value(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``, replacing any previous one."""

    # --- dialog state (used by state.sqlite.StorageState) ---------------------------

    @abstractmethod
    async def state_get(self, key: str) -> tuple[str, int] | None:
        """The stored JSON text and its expiry (ms since the epoch), or None."""

    @abstractmethod
    async def state_set(self, key: str, value: str, expires_at_ms: int) -> None:
        """Store JSON text under ``key`` until ``expires_at_ms``."""

    @abstractmethod
    async def state_delete(self, key: str) -> None:
        """Forget ``key``; also drops every expired entry (cheap housekeeping)."""

    # --- inbox (durable intake of updates) --------------------------------------------

    @abstractmethod
    async def inbox_add(self, items: Sequence[tuple[str, str, str]], *, at: datetime) -> int:
        """Store updates given as ``(dedupe_key, update_type, payload_json)``.

        Keys already stored are skipped: MAX redelivers webhooks, and a crash between
        storing a polled batch and saving the marker fetches the batch again.
        Returns how many were new.
        """

    @abstractmethod
    async def inbox_pending(self, limit: int) -> list[InboxItem]:
        """Updates not yet handled, oldest first."""

    @abstractmethod
    async def inbox_done(self, item_id: int, *, at: datetime) -> None:
        """Mark an update handled."""

    @abstractmethod
    async def inbox_failed(self, item_id: int, *, error: str, give_up: bool, at: datetime) -> None:
        """Count a failed attempt; with ``give_up`` it is never handed out again."""

    @abstractmethod
    async def inbox_purge(self, *, before: datetime) -> int:
        """Forget handled or abandoned updates handled before ``before``; returns how many."""

    # --- teams -----------------------------------------------------------------------

    @abstractmethod
    async def create_team(
        self, name: str, *, timezone: str, language: Language, created_by: int | None
    ) -> Team:
        """Create a team and return it."""

    @abstractmethod
    async def get_team(self, team_id: int) -> Team:
        """:raises NotFound: no such team."""

    @abstractmethod
    async def update_team(
        self,
        team_id: int,
        *,
        name: str | None = None,
        timezone: str | None = None,
        language: Language | None = None,
        quiet_hours: QuietHoursSpec | Unset | None = UNSET,
    ) -> Team:
        """Change the given fields and return the team. :raises NotFound:"""

    @abstractmethod
    async def delete_team(self, team_id: int) -> None:
        """Delete a team with its members, groups, tags, events and invites.

        Users (people) stay; linked chats are unlinked. :raises NotFound:
        """

    @abstractmethod
    async def list_teams_of_user(self, user_id: int) -> list[Team]:
        """Teams the user is a member of, by name."""

    # --- users (people) --------------------------------------------------------------

    @abstractmethod
    async def upsert_user(self, user_id: int, *, name: str, username: str | None) -> User:
        """Create the user or refresh name/username; keeps their settings."""

    @abstractmethod
    async def get_user(self, user_id: int) -> User:
        """:raises NotFound: the user never talked to the bot."""

    @abstractmethod
    async def get_users(self, user_ids: Sequence[int]) -> dict[int, User]:
        """The known users among ``user_ids`` (unknown ids are left out)."""

    @abstractmethod
    async def find_user_by_username(self, username: str) -> User | None:
        """The user with that @username (case-insensitive, '@' optional), or None."""

    @abstractmethod
    async def update_user(
        self,
        user_id: int,
        *,
        language: Language | Unset | None = UNSET,
        timezone: str | Unset | None = UNSET,
        quiet_hours: QuietHoursSpec | Unset | None = UNSET,
        current_team_id: int | Unset | None = UNSET,
    ) -> User:
        """Change the given settings and return the user. :raises NotFound:"""

    @abstractmethod
    async def set_user_reachable(self, user_id: int, reachable: bool, reason: str | None) -> None:
        """Mark whether the bot can message the user (stopped bot etc.). :raises NotFound:"""

    # --- members ---------------------------------------------------------------------

    @abstractmethod
    async def add_member(self, team_id: int, user_id: int, role: Role) -> Member:
        """Add a user to a team.

        :raises NotFound: no such team or user.
        :raises AlreadyExists: the user is already a member.
        """

    @abstractmethod
    async def get_member(self, team_id: int, user_id: int) -> Member:
        """:raises NotFound: not a member."""

    @abstractmethod
    async def list_members(self, team_id: int) -> list[Member]:
        """All members of a team, by name."""

    @abstractmethod
    async def set_member_role(self, team_id: int, user_id: int, role: Role) -> Member:
        """:raises NotFound: not a member."""

    @abstractmethod
    async def remove_member(self, team_id: int, user_id: int) -> None:
        """Remove a membership (and the member's group/tag links). :raises NotFound:"""

    # --- groups and tags -------------------------------------------------------------

    @abstractmethod
    async def create_group(self, team_id: int, name: str) -> Group:
        """:raises NotFound: no team. :raises AlreadyExists: a group of that name (any case)."""

    @abstractmethod
    async def get_group(self, group_id: int) -> Group:
        """:raises NotFound:"""

    @abstractmethod
    async def find_group(self, team_id: int, name: str) -> Group | None:
        """The group with that name (case-insensitive), or None."""

    @abstractmethod
    async def list_groups(self, team_id: int) -> list[Group]:
        """Groups of a team, by name."""

    @abstractmethod
    async def rename_group(self, group_id: int, name: str) -> Group:
        """:raises NotFound: :raises AlreadyExists:"""

    @abstractmethod
    async def delete_group(self, group_id: int) -> None:
        """Delete the group and its member links; members themselves stay. :raises NotFound:"""

    @abstractmethod
    async def add_to_group(self, group_id: int, user_ids: Sequence[int]) -> int:
        """Add team members to a group; returns how many were newly added.

        :raises NotFound: no group, or a user is not a member of the group's team.
        """

    @abstractmethod
    async def remove_from_group(self, group_id: int, user_ids: Sequence[int]) -> int:
        """Returns how many links were removed."""

    @abstractmethod
    async def list_group_members(self, group_id: int) -> list[int]:
        """User ids in the group, ascending."""

    @abstractmethod
    async def list_groups_of_member(self, team_id: int, user_id: int) -> list[Group]:
        """Groups of a team that contain the user, by name."""

    @abstractmethod
    async def create_tag(self, team_id: int, name: str) -> Tag:
        """:raises NotFound: no team. :raises AlreadyExists: a tag of that name (any case)."""

    @abstractmethod
    async def get_tag(self, tag_id: int) -> Tag:
        """:raises NotFound:"""

    @abstractmethod
    async def find_tag(self, team_id: int, name: str) -> Tag | None:
        """The tag with that name (case-insensitive), or None."""

    @abstractmethod
    async def list_tags(self, team_id: int) -> list[Tag]:
        """Tags of a team, by name."""

    @abstractmethod
    async def delete_tag(self, tag_id: int) -> None:
        """Delete the tag and its links; members stay. :raises NotFound:"""

    @abstractmethod
    async def tag_members(self, tag_id: int, user_ids: Sequence[int]) -> int:
        """Attach the tag to team members; returns how many were new. :raises NotFound:"""

    @abstractmethod
    async def untag_members(self, tag_id: int, user_ids: Sequence[int]) -> int:
        """Returns how many links were removed."""

    @abstractmethod
    async def list_tag_members(self, tag_id: int) -> list[int]:
        """User ids with the tag, ascending."""

    @abstractmethod
    async def list_tags_of_member(self, team_id: int, user_id: int) -> list[Tag]:
        """Tags of a team the user carries, by name."""

    # --- MAX group chats -------------------------------------------------------------

    @abstractmethod
    async def upsert_chat(
        self, chat_id: int, *, title: str, chat_type: str, added_by: int | None
    ) -> Chat:
        """Remember a chat the bot is in (or was re-added to); keeps its link."""

    @abstractmethod
    async def get_chat(self, chat_id: int) -> Chat:
        """:raises NotFound:"""

    @abstractmethod
    async def link_chat(self, chat_id: int, team_id: int, group_id: int | None) -> Chat:
        """Link a chat to a team (and group). :raises NotFound: chat, team or group."""

    @abstractmethod
    async def deactivate_chat(self, chat_id: int) -> None:
        """The bot left or was removed: unlink and mark inactive. :raises NotFound:"""

    @abstractmethod
    async def list_chats(self, team_id: int) -> list[Chat]:
        """Active chats linked to a team, by title."""

    # --- events and reminders --------------------------------------------------------

    @abstractmethod
    async def create_event(self, event: NewEvent) -> Event:
        """Store an event with its audience and reminders.

        :raises NotFound: the team or organizer does not exist.
        """

    @abstractmethod
    async def get_event(self, event_id: int) -> Event:
        """:raises NotFound:"""

    @abstractmethod
    async def list_events(
        self,
        *,
        team_id: int | None = None,
        organizer_id: int | None = None,
        status: EventStatus | None = None,
    ) -> list[Event]:
        """Events matching every given filter, by id."""

    @abstractmethod
    async def update_event(self, event_id: int, event: NewEvent) -> Event:
        """Replace an event's fields, audience and reminders (reminder ids change).

        :raises NotFound:
        """

    @abstractmethod
    async def set_event_status(
        self, event_id: int, status: EventStatus, reason: str | None = None
    ) -> Event:
        """:raises NotFound:"""

    @abstractmethod
    async def delete_event(self, event_id: int) -> None:
        """Delete an event with its occurrences, deliveries and answers. :raises NotFound:"""

    @abstractmethod
    async def list_events_with_audience(self, kind: AudienceKind, ref_id: int) -> list[Event]:
        """Events whose audience names this group/tag/member/chat."""

    @abstractmethod
    async def replace_reminders(
        self, event_id: int, reminders: Sequence[ReminderSpec]
    ) -> list[ReminderSpec]:
        """Replace the reminders of an event. :raises NotFound:"""

    # --- occurrences -----------------------------------------------------------------

    @abstractmethod
    async def upsert_occurrences(
        self, event_id: int, occurrences: Sequence[OccurrenceIn]
    ) -> list[Occurrence]:
        """Insert occurrences not yet known (by start instant); return all given ones.

        :raises NotFound: no such event.
        """

    @abstractmethod
    async def get_occurrence(self, occurrence_id: int) -> Occurrence:
        """:raises NotFound:"""

    @abstractmethod
    async def list_occurrences(
        self,
        event_id: int,
        *,
        after: datetime | None = None,
        before: datetime | None = None,
    ) -> list[Occurrence]:
        """Occurrences of an event with ``after <= starts_at < before``, by start."""

    @abstractmethod
    async def cancel_occurrences(
        self, event_id: int, *, after: datetime, keep: Sequence[int] = ()
    ) -> int:
        """Cancel planned occurrences starting at/after ``after`` except ``keep`` ids.

        Their still-planned jobs are dropped too, and their deliveries not yet sent
        (planned or held by quiet hours) are skipped with the reason "occurrence
        cancelled".  Returns how many were cancelled.
        """

    # --- jobs (reminder steps of occurrences) ----------------------------------------

    @abstractmethod
    async def add_jobs(self, jobs: Sequence[NewJob]) -> int:
        """Insert jobs; a key that exists is refreshed while still planned (times, planned
        recipients) and left alone once expanded, so re-planning is safe.

        Returns how many rows were inserted or refreshed.
        """

    @abstractmethod
    async def due_jobs(self, *, now: datetime, limit: int) -> list[Job]:
        """Planned jobs with ``expand_at <= now``, earliest ``due_at`` first."""

    @abstractmethod
    async def list_jobs(self, occurrence_id: int) -> list[Job]:
        """Jobs of an occurrence, by due time."""

    @abstractmethod
    async def get_job(self, job_id: int) -> Job:
        """:raises NotFound:"""

    @abstractmethod
    async def finish_job(
        self,
        job_id: int,
        *,
        deliveries: Sequence[NewDelivery],
        expected_finish: datetime | None,
    ) -> int:
        """Mark a planned job expanded and insert its deliveries, atomically.

        Returns how many deliveries were new; a job already expanded is left alone
        (returns 0), so two workers cannot both expand it.
        """

    @abstractmethod
    async def skip_job(self, job_id: int, reason: str) -> bool:
        """Mark a planned job skipped; False if it was no longer planned."""

    @abstractmethod
    async def drop_planned_jobs(self, event_id: int, *, keep: Sequence[str] = ()) -> int:
        """Delete the event's still-planned jobs except ``keep`` keys (before re-planning)."""

    @abstractmethod
    async def events_needing_plan(self, *, horizon_end: datetime) -> list[int]:
        """Ids of active events whose planned horizon ends before ``horizon_end``."""

    @abstractmethod
    async def invalidate_plans(
        self, *, user_id: int | None = None, team_id: int | None = None
    ) -> int:
        """Make the planner look again at active events of the user's teams (or the
        events they organize), or of one team; returns how many events."""

    @abstractmethod
    async def set_planned_until(self, event_id: int, until: datetime) -> None:
        """Remember how far ahead an event's occurrences have been planned."""

    # --- deliveries (the ledger) -----------------------------------------------------

    @abstractmethod
    async def add_deliveries(self, deliveries: Sequence[NewDelivery]) -> int:
        """Insert deliveries in one transaction, skipping keys that already exist.

        Returns how many were new.  Existing rows are never changed: this is what
        makes re-planning safe.  :raises NotFound: an occurrence does not exist.
        """

    @abstractmethod
    async def get_delivery(self, key: str) -> Delivery:
        """:raises NotFound:"""

    @abstractmethod
    async def claim_deliveries(
        self, *, now: datetime, owner: str, lease_until: datetime, limit: int
    ) -> list[Delivery]:
        """Claim up to ``limit`` due deliveries for ``owner``, oldest ``send_at`` first.

        Due means planned/held with ``send_at <= now``, or claimed with an expired
        lease (the previous owner died).  Claimed rows get status ``claimed``, the
        lease and one more attempt.  Two concurrent callers never get the same row.
        """

    @abstractmethod
    async def extend_leases(self, keys: Sequence[str], *, owner: str, lease_until: datetime) -> int:
        """Heartbeat: push the lease of rows still held by ``owner``; returns how many."""

    @abstractmethod
    async def record_sent(
        self, key: str, *, owner: str, max_message_id: str | None, sent_at: datetime
    ) -> None:
        """Mark a claimed delivery sent.

        :raises LeaseLost: the row is no longer claimed by ``owner``.
        """

    @abstractmethod
    async def record_sent_many(
        self, items: Sequence[tuple[str, str | None, datetime]], *, owner: str
    ) -> int:
        """:meth:`record_sent` for ``(key, max_message_id, sent_at)`` items in one
        transaction; rows no longer claimed by ``owner`` are skipped.  Returns how many
        were recorded."""

    @abstractmethod
    async def record_failure(
        self,
        key: str,
        *,
        owner: str,
        error: str,
        status: DeliveryStatus,
        retry_at: datetime | None,
    ) -> None:
        """Record a failed attempt.

        With ``retry_at`` the row goes back to ``planned`` due at that time;
        otherwise it takes ``status`` (failed or unreachable) for good.
        :raises LeaseLost: the row is no longer claimed by ``owner``.
        """

    @abstractmethod
    async def skip_deliveries(self, keys: Sequence[str], reason: str) -> int:
        """Mark not-yet-sent deliveries skipped with ``reason``; returns how many."""

    @abstractmethod
    async def find_delivery_by_message(self, max_message_id: str) -> Delivery | None:
        """The delivery MAX accepted as message ``max_message_id``, or None."""

    @abstractmethod
    async def list_job_deliveries(self, job_id: int) -> list[Delivery]:
        """Deliveries of one job, by recipient."""

    @abstractmethod
    async def list_deliveries(self, occurrence_id: int) -> list[Delivery]:
        """The ledger of one occurrence, by recipient."""

    @abstractmethod
    async def count_deliveries(self) -> dict[DeliveryStatus, int]:
        """How many deliveries are in each status (statuses with none are omitted)."""

    @abstractmethod
    async def next_due_at(self) -> datetime | None:
        """The earliest ``send_at`` of planned/held work, or the earliest lease expiry."""

    # --- confirmations ---------------------------------------------------------------

    @abstractmethod
    async def set_confirmation(
        self, occurrence_id: int, user_id: int, answer: Answer, *, comment: str, at: datetime
    ) -> Confirmation:
        """Record (or change) a user's answer. :raises NotFound: no occurrence or user."""

    @abstractmethod
    async def get_confirmation(self, occurrence_id: int, user_id: int) -> Confirmation | None:
        """The user's answer, or None."""

    @abstractmethod
    async def list_confirmations(self, occurrence_id: int) -> list[Confirmation]:
        """All answers for an occurrence, by user id."""

    # --- invites ---------------------------------------------------------------------

    @abstractmethod
    async def create_invite(
        self,
        code: str,
        *,
        team_id: int,
        group_id: int | None,
        created_by: int,
        expires_at: datetime | None,
        max_uses: int | None,
    ) -> Invite:
        """:raises NotFound: no team/group. :raises AlreadyExists: the code is taken."""

    @abstractmethod
    async def get_invite(self, code: str) -> Invite:
        """:raises NotFound:"""

    @abstractmethod
    async def use_invite(self, code: str, *, now: datetime) -> Invite:
        """Count one use atomically and return the invite as it was used.

        :raises NotFound: no such code.
        :raises InviteUnusable: revoked, expired or used up (nothing changes).
        """

    @abstractmethod
    async def revoke_invite(self, code: str) -> None:
        """:raises NotFound:"""

    @abstractmethod
    async def list_invites(self, team_id: int) -> list[Invite]:
        """Invites of a team, newest first."""

    # --- audit log -------------------------------------------------------------------

    @abstractmethod
    async def add_audit(
        self,
        *,
        team_id: int | None,
        actor_id: int | None,
        action: str,
        subject: str,
        details: dict[str, object] | None = None,
        at: datetime,
    ) -> AuditEntry:
        """Append an entry to the audit log."""

    @abstractmethod
    async def list_audit(self, team_id: int, *, limit: int = 100) -> list[AuditEntry]:
        """The newest entries of a team first."""
