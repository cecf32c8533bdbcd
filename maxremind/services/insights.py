"""Insights for a team's organizers and members: how reliably people answer and show up.

The numbers come from the delivery ledger and the answers (:mod:`maxremind.core.insights`
says how each is computed); this service decides who sees what:

* a team's **organizers and up** see the team's and any event's numbers, and — unless the
  owner turned per-member statistics off — every member's;
* an event's own **organizer** sees that event's numbers;
* a **member** sees their own numbers (also with per-member statistics off);
* the **owner** turns per-member statistics on and off; **admins** set the digest's day
  and time; **organizers** subscribe to the weekly digest themselves;
* the **who-came checklist** of a date is kept by those who may manage the event (its
  organizer, the team's admins), once the date has started, for the people who said yes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from maxremind.core.insights import (
    Answers,
    Attendance,
    Checklist,
    ChecklistRow,
    Computed,
    Durations,
    MemberInsight,
    OccurrenceInsight,
    Reach,
    SlotBucket,
    Totals,
    WeekBucket,
    load,
    load_checklist,
)
from maxremind.domain.clock import Clock, utcnow
from maxremind.domain.models import Answer, Event, Role
from maxremind.services.agenda import can_manage
from maxremind.services.events import PermissionDenied
from maxremind.services.sharing import Shared
from maxremind.storage import NotFound, Storage
from maxremind.storage.ports.insights import InsightSettingsRow

__all__ = [
    "DEFAULT_WEEKS",
    "EVENT_WEEKS",
    "Answers",
    "Attendance",
    "Checklist",
    "ChecklistRow",
    "Durations",
    "EventInsights",
    "InsightSettings",
    "InsightsRefused",
    "InsightsService",
    "MemberInsight",
    "OccurrenceInsight",
    "Reach",
    "SlotBucket",
    "StatsSummary",
    "TeamInsights",
    "Totals",
    "WeekBucket",
    "WindowInsights",
]

DEFAULT_WEEKS = 12
# A team's or an event's numbers are shared between callers (a page, its CSV, its JSON)
# for this long while nothing is written (services/sharing.py: the storage's generation,
# which does not count the ledger's progress, so a reminder sent meanwhile may show up to
# this much later).  A default window ends at the next whole minute, so that repeated
# asks share one key.
SHARED_FOR = timedelta(minutes=5)
EVENT_WEEKS = 52
SUMMARY_DAYS = 28
WORST_SHOWN = 5


class InsightsRefused(ValueError):
    """A request the rules refuse; ``reason`` names which (see the interface notes)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class WindowInsights:
    """A window's numbers, as a team's or an event's page shows them."""

    since: datetime
    until: datetime
    totals: Totals
    occurrences: tuple[OccurrenceInsight, ...]
    members: tuple[MemberInsight, ...]  # empty while per-member statistics are off
    members_hidden: bool
    weeks: tuple[WeekBucket, ...]
    slots: tuple[SlotBucket, ...]

    @property
    def empty(self) -> bool:
        return not self.occurrences


@dataclass(frozen=True)
class TeamInsights(WindowInsights):
    team_id: int
    team_name: str
    timezone: str
    group_id: int | None


@dataclass(frozen=True)
class EventInsights(WindowInsights):
    event_id: int
    title: str
    team_id: int | None
    timezone: str  # the team's (buckets and local times)
    quorum: int | None


def _shown(
    done: Computed, settings: InsightSettingsRow, since: datetime, until: datetime
) -> dict[str, Any]:
    """The fields of :class:`WindowInsights`: the computed numbers over ``since`` to
    ``until``, each member's only while the owner allows them (a name missing or
    misspelt here fails every page's test: the dataclass refuses it)."""
    return {
        "since": since,
        "until": until,
        "totals": done.totals,
        "occurrences": done.occurrences,
        "members": done.members if settings.member_stats else (),
        "members_hidden": not settings.member_stats,
        "weeks": done.weeks,
        "slots": done.slots,
    }


@dataclass(frozen=True)
class StatsSummary:
    """What /stats shows."""

    team_id: int
    team_name: str
    days: int
    sees_team: bool
    totals: Totals | None  # organizers and up
    me: MemberInsight
    worst: tuple[MemberInsight, ...]  # organizers and up, with per-member statistics on
    members_hidden: bool


@dataclass(frozen=True)
class InsightSettings:
    team_id: int
    member_stats: bool
    digest_weekday: int  # 0 = Monday
    digest_time: time  # in the team's zone
    timezone: str
    subscribed: bool  # the viewer gets the weekly digest
    can_subscribe: bool  # organizers and up
    can_change_privacy: bool  # the owner
    can_change_digest_time: bool  # admins and up


def _own(user_id: int, name: str, computed: Computed, current: bool) -> MemberInsight:
    for m in computed.members:
        if m.user_id == user_id:
            return m
    return MemberInsight(user_id=user_id, name=name, former=not current)


class InsightsService:
    def __init__(
        self,
        storage: Storage,
        *,
        clock: Clock = utcnow,
        poke: Callable[[], None] = lambda: None,
    ) -> None:
        self.storage = storage
        self.clock = clock
        # Wakes the engine (after the commit): a digest may be due at once.
        self.poke = poke
        self._teams: Shared[TeamInsights] = Shared(window=SHARED_FOR, size=64)
        self._events: Shared[EventInsights] = Shared(window=SHARED_FOR, size=64)

    # --- who may see --------------------------------------------------------------------

    async def _role(self, team_id: int, user_id: int) -> Role:
        """:raises PermissionDenied: not a member of the team."""
        try:
            return (await self.storage.get_member(team_id, user_id)).role
        except NotFound:
            raise PermissionDenied(Role.MEMBER) from None

    async def _organizer(self, team_id: int, user_id: int) -> Role:
        role = await self._role(team_id, user_id)
        if not role.at_least(Role.ORGANIZER):
            raise PermissionDenied(Role.ORGANIZER)
        return role

    def period_end(self) -> datetime:
        """Where a period up to now ends: the next whole minute, so that the requests of
        one minute ask the same question and share its computed answer."""
        return self.clock().replace(second=0, microsecond=0) + timedelta(minutes=1)

    def period(self, weeks: int) -> tuple[datetime, datetime]:
        """The last ``weeks`` weeks up to :meth:`period_end`: ``(since, until)``."""
        until = self.period_end()
        return until - timedelta(weeks=weeks), until

    def _window(
        self, since: datetime | None, until: datetime | None, weeks: int
    ) -> tuple[datetime, datetime]:
        end = until if until is not None else self.period_end()
        start = since if since is not None else end - timedelta(weeks=weeks)
        if start >= end:
            raise InsightsRefused("bad_window")
        return start, end

    async def _computed(
        self,
        team_id: int,
        tz: ZoneInfo,
        since: datetime,
        until: datetime,
        *,
        event_id: int | None = None,
        group_id: int | None = None,
        people: list[int] | None = None,
    ) -> Computed:
        return await load(
            self.storage,
            team_id,
            tz,
            since,
            until,
            event_id=event_id,
            group_id=group_id,
            people=people,
        )

    # --- numbers ------------------------------------------------------------------------

    async def team(
        self,
        team_id: int,
        viewer_id: int,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        group_id: int | None = None,
    ) -> TeamInsights:
        """The team's numbers over a window (default: the last 12 weeks to now).

        :raises PermissionDenied: below organizer, or not in the team.
        :raises NotFound: no such group in the team.
        """
        await self._organizer(team_id, viewer_id)
        start, end = self._window(since, until, DEFAULT_WEEKS)
        # A page and its exports ask for the same numbers: shared while nothing changed.
        generation = self.storage.generation()
        return await self._teams.get(
            (team_id, start, end, group_id),
            generation,
            self.clock(),
            lambda: self._team(team_id, start, end, group_id),
        )

    async def _team(
        self, team_id: int, start: datetime, end: datetime, group_id: int | None
    ) -> TeamInsights:
        team = await self.storage.get_team(team_id)
        settings = await self.storage.get_insight_settings(team_id)
        done = await self._computed(team_id, ZoneInfo(team.timezone), start, end, group_id=group_id)
        return TeamInsights(
            team_id=team_id,
            team_name=team.name,
            timezone=team.timezone,
            group_id=group_id,
            **_shown(done, settings, start, end),
        )

    async def _event_viewer(self, event: Event, viewer_id: int) -> None:
        if event.team_id is None:
            raise NotFound(f"event {event.id}")
        if event.organizer_id == viewer_id:
            await self._role(event.team_id, viewer_id)
            return
        await self._organizer(event.team_id, viewer_id)

    async def event(
        self,
        event_id: int,
        viewer_id: int,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> EventInsights:
        """One event's numbers, date by date (default: the last 52 weeks to now).

        :raises NotFound: no such event (or a personal reminder without a team).
        :raises PermissionDenied: neither its organizer nor an organizer of the team.
        """
        event = await self.storage.get_event(event_id)
        await self._event_viewer(event, viewer_id)
        start, end = self._window(since, until, EVENT_WEEKS)
        generation = self.storage.generation()
        return await self._events.get(
            (event_id, start, end),
            generation,
            self.clock(),
            lambda: self._event(event, start, end),
        )

    async def _event(self, event: Event, start: datetime, end: datetime) -> EventInsights:
        assert event.team_id is not None
        team = await self.storage.get_team(event.team_id)
        settings = await self.storage.get_insight_settings(team.id)
        done = await self._computed(team.id, ZoneInfo(team.timezone), start, end, event_id=event.id)
        return EventInsights(
            event_id=event.id,
            title=event.title,
            team_id=event.team_id,
            timezone=team.timezone,
            quorum=event.quorum,
            **_shown(done, settings, start, end),
        )

    async def member(
        self,
        team_id: int,
        viewer_id: int,
        user_id: int | None = None,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> MemberInsight:
        """One person's numbers in the team (default: the viewer's own).

        :raises PermissionDenied: another person's, below organizer.
        :raises InsightsRefused: ``member_stats_off`` — another person's, while the owner
            turned per-member statistics off.
        """
        role = await self._role(team_id, viewer_id)
        who = viewer_id if user_id is None else user_id
        if who != viewer_id:
            if not role.at_least(Role.ORGANIZER):
                raise PermissionDenied(Role.ORGANIZER)
            if not (await self.storage.get_insight_settings(team_id)).member_stats:
                raise InsightsRefused("member_stats_off")
        team = await self.storage.get_team(team_id)
        start, end = self._window(since, until, DEFAULT_WEEKS)
        done = await self._computed(team_id, ZoneInfo(team.timezone), start, end, people=[who])
        names = await self.storage.user_names([who])
        current = who in await self.storage.member_ids(team_id)
        return _own(who, names.get(who, str(who)), done, current)

    async def summary(
        self, team_id: int, viewer_id: int, *, days: int = SUMMARY_DAYS
    ) -> StatsSummary:
        """What /stats shows over the last ``days``: organizers and up get the team's
        totals and the people answering least; everybody their own numbers.

        :raises PermissionDenied: not in the team.
        """
        role = await self._role(team_id, viewer_id)
        team = await self.storage.get_team(team_id)
        settings = await self.storage.get_insight_settings(team_id)
        end = self.clock()
        sees_team = role.at_least(Role.ORGANIZER)
        done = await self._computed(
            team_id,
            ZoneInfo(team.timezone),
            end - timedelta(days=days),
            end,
            people=None if sees_team else [viewer_id],  # a member: their own rows only
        )
        names = await self.storage.user_names([viewer_id])
        me = _own(viewer_id, names.get(viewer_id, str(viewer_id)), done, True)
        worst: tuple[MemberInsight, ...] = ()
        if sees_team and settings.member_stats:
            lagging = [
                m for m in done.members if not m.former and m.asked and (m.answer_rate or 0.0) < 1.0
            ]
            lagging.sort(key=lambda m: (m.answer_rate or 0.0, -m.asked, m.name.casefold()))
            worst = tuple(lagging[:WORST_SHOWN])
        return StatsSummary(
            team_id=team_id,
            team_name=team.name,
            days=days,
            sees_team=sees_team,
            totals=done.totals if sees_team else None,
            me=me,
            worst=worst,
            members_hidden=not settings.member_stats,
        )

    # --- settings -----------------------------------------------------------------------

    async def settings(self, team_id: int, viewer_id: int) -> InsightSettings:
        """:raises PermissionDenied: not in the team."""
        role = await self._role(team_id, viewer_id)
        return await self._settings(team_id, viewer_id, role)

    async def _settings(
        self, team_id: int, viewer_id: int, role: Role, row: InsightSettingsRow | None = None
    ) -> InsightSettings:
        row = row or await self.storage.get_insight_settings(team_id)
        team = await self.storage.get_team(team_id)
        subscribed = viewer_id in await self.storage.digest_subscribers(team_id)
        return InsightSettings(
            team_id=team_id,
            member_stats=row.member_stats,
            digest_weekday=row.digest_weekday,
            digest_time=time(row.digest_minute // 60, row.digest_minute % 60),
            timezone=team.timezone,
            subscribed=subscribed,
            can_subscribe=role.at_least(Role.ORGANIZER),
            can_change_privacy=role is Role.OWNER,
            can_change_digest_time=role.at_least(Role.ADMIN),
        )

    async def set_member_stats(self, team_id: int, actor_id: int, enabled: bool) -> InsightSettings:
        """Per-member statistics on or off for the team.  :raises PermissionDenied: not the
        owner."""
        role = await self._role(team_id, actor_id)
        if role is not Role.OWNER:
            raise PermissionDenied(Role.OWNER)
        now = self.clock()
        row = await self.storage.set_insight_settings(team_id, member_stats=enabled, at=now)
        await self.storage.add_audit(
            team_id=team_id,
            actor_id=actor_id,
            action="insights.member_stats",
            subject=f"team:{team_id}",
            details={"enabled": enabled},
            at=now,
        )
        return await self._settings(team_id, actor_id, role, row)

    async def set_digest_time(
        self, team_id: int, actor_id: int, weekday: int, at: time
    ) -> InsightSettings:
        """When the weekly digest goes out, in the team's zone.

        :raises PermissionDenied: below admin.
        :raises InsightsRefused: ``bad_weekday`` (not 0-6).
        """
        role = await self._role(team_id, actor_id)
        if not role.at_least(Role.ADMIN):
            raise PermissionDenied(Role.ADMIN)
        if not 0 <= weekday <= 6:
            raise InsightsRefused("bad_weekday")
        row = await self.storage.set_insight_settings(
            team_id, digest_weekday=weekday, digest_minute=at.hour * 60 + at.minute, at=self.clock()
        )
        self.poke()
        return await self._settings(team_id, actor_id, role, row)

    async def subscribe_digest(self, team_id: int, actor_id: int, on: bool) -> InsightSettings:
        """The actor's own weekly digest on or off (organizers and up; anybody may stop
        theirs).  :raises PermissionDenied: subscribing below organizer."""
        role = await self._role(team_id, actor_id)
        if on and not role.at_least(Role.ORGANIZER):
            raise PermissionDenied(Role.ORGANIZER)
        await self.storage.set_digest_subscription(team_id, actor_id, on, at=self.clock())
        self.poke()
        return await self._settings(team_id, actor_id, role)

    # --- who came -----------------------------------------------------------------------

    async def _managed_occurrence(self, occurrence_id: int, actor_id: int) -> tuple[Event, int]:
        occurrence = await self.storage.get_occurrence(occurrence_id)
        event = await self.storage.get_event(occurrence.event_id)
        if event.team_id is None or not await can_manage(self.storage, event, actor_id):
            raise PermissionDenied(Role.ADMIN)
        if occurrence.starts_at > self.clock():
            raise InsightsRefused("not_started")
        return event, occurrence_id

    async def checklist(self, occurrence_id: int, actor_id: int) -> Checklist:
        """Who said yes to a date that has started, and who of them came.

        :raises NotFound: no such date.
        :raises PermissionDenied: may not manage the event.
        :raises InsightsRefused: ``not_started``.
        """
        event, _ = await self._managed_occurrence(occurrence_id, actor_id)
        return await self._checklist(event, occurrence_id)

    async def _checklist(self, event: Event, occurrence_id: int) -> Checklist:
        return await load_checklist(self.storage, occurrence_id)

    async def mark(
        self, occurrence_id: int, actor_id: int, user_id: int, came: bool | None
    ) -> Checklist:
        """Set (None: clear) whether a "yes" person came; the same mark twice changes
        nothing.  :raises InsightsRefused: ``not_yes`` — the person did not say yes."""
        event, _ = await self._managed_occurrence(occurrence_id, actor_id)
        answer = await self.storage.get_confirmation(occurrence_id, user_id)
        if answer is None or answer.answer is not Answer.YES:
            raise InsightsRefused("not_yes")
        await self.storage.set_attendance(
            occurrence_id, user_id, came, marked_by=actor_id, at=self.clock()
        )
        return await self._checklist(event, occurrence_id)

    async def toggle(self, occurrence_id: int, actor_id: int, user_id: int) -> Checklist:
        """Not marked or did not come -> came; came -> did not come."""
        marks = await self.storage.attendance_of(occurrence_id)
        return await self.mark(occurrence_id, actor_id, user_id, not marks.get(user_id, False))
