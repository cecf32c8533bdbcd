"""The weekly digest and the who-came checklist, delivered like everything else.

Neither lives in a timer.  Each engine round (at most every ``PLAN_EVERY``) looks at the
database for what is due and adds one delivery for it, whose key makes it exist once
however many rounds, restarts or processes look:

* **the digest**, to every organizer who asked for it, at the team's day and time in
  the team's zone: ``digest:<team>:<person>:<ISO week of that moment>`` — so one per
  week, even if the day or time is changed after this week's went out.  A process that
  was down at the moment adds it when it is back, up to ``DIGEST_LATE`` later; after
  that the week is skipped (next week's comes).  Someone who subscribed after this
  week's moment gets next week's first.
* **the checklist**, to the event's organizer once a date that someone said yes to has
  ended (start + duration), at the organizer's quiet hours' end if they are quiet then:
  ``attendance:<occurrence>``.  Dates that ended more than ``CHECKLIST_LATE`` ago are
  not offered any more.

Then the send loop claims, sends and records them as any delivery (``docs/delivery.md``);
what they say is decided when they are sent (:meth:`InsightsMessages.body`), so a
digest counts the week as it stands then and a checklist shows the current answers.
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from maxremind.core.audience import member_clock
from maxremind.core.insights_render import checklist_body, digest_text, last_week
from maxremind.domain.models import (
    Delivery,
    DeliveryKind,
    Language,
    NewDelivery,
    RecipientKind,
    Role,
    User,
)
from maxremind.domain.quiet_hours import parse_quiet_hours, place_send_time
from maxremind.domain.signing import CallbackSigner
from maxremind.maxapi.models import NewMessageBody
from maxremind.storage import NotFound, Storage

# How often rounds look for due digests and checklists (two small reads); a round
# more often than this (a busy fan-out) does not look again.
PLAN_EVERY = timedelta(seconds=5)
DIGEST_LATE = timedelta(days=1)
CHECKLIST_LATE = timedelta(days=2)
_REMEMBERED = 10_000  # keys this process knows exist; forgotten (and re-checked) beyond


def digest_moment(now: datetime, tz: ZoneInfo, weekday: int, minute: int) -> datetime:
    """The latest moment at or before ``now`` that is ``weekday`` at ``minute`` past
    midnight on the wall clock of ``tz`` (a time in a DST gap is read as zoneinfo does)."""
    local = now.astimezone(tz)
    day = local.date() - timedelta(days=(local.weekday() - weekday) % 7)
    at = time(minute // 60, minute % 60)
    moment = datetime.combine(day, at, tzinfo=tz)
    if moment > local:
        moment = datetime.combine(day - timedelta(days=7), at, tzinfo=tz)
    return moment.astimezone(UTC)


def digest_key(team_id: int, user_id: int, moment_local: datetime) -> str:
    year, week, _ = moment_local.isocalendar()
    return f"digest:{team_id}:{user_id}:{year}-W{week:02d}"


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


class InsightsMessages:
    """Plans the digest and checklist deliveries and says what they say."""

    def __init__(self, storage: Storage, signer: CallbackSigner, default_timezone: str) -> None:
        self.storage = storage
        self.signer = signer
        self.default_timezone = default_timezone
        self._known: set[str] = set()
        self._next_look: datetime | None = None

    async def plan(self, now: datetime) -> int:
        """Add the digests and checklists due by ``now``; returns how many were new."""
        if self._next_look is not None and now < self._next_look:
            return 0
        self._next_look = now + PLAN_EVERY
        wanted = [*await self._digests(now), *await self._checklists(now)]
        wanted = [d for d in wanted if d.key not in self._known]
        if not wanted:
            return 0
        added = await self.storage.add_deliveries(wanted)
        if len(self._known) > _REMEMBERED:
            self._known.clear()
        self._known.update(d.key for d in wanted)
        return added

    def soon(self) -> None:
        """Something was written (a subscription, an answer, another process's work):
        look in the next round.  Each poke already costs that round's reads; this adds
        two small ones."""
        self._next_look = None

    async def _digests(self, now: datetime) -> list[NewDelivery]:
        found = []
        for team in await self.storage.digest_teams():
            tz = ZoneInfo(team.timezone)
            moment = digest_moment(now, tz, team.digest_weekday, team.digest_minute)
            if now - moment > DIGEST_LATE:
                continue
            local = moment.astimezone(tz)
            first, last = last_week(local.replace(tzinfo=None))
            payload = json.dumps(
                {"team_id": team.team_id, "from": first.isoformat(), "to": last.isoformat()}
            )
            for user_id, subscribed_at in team.subscribers:
                if subscribed_at > moment:
                    continue
                found.append(
                    NewDelivery(
                        key=digest_key(team.team_id, user_id, local),
                        recipient_kind=RecipientKind.USER,
                        recipient_id=user_id,
                        due_at=moment,
                        send_at=moment,
                        kind=DeliveryKind.DIGEST,
                        payload=payload,
                    )
                )
        return found

    async def _checklists(self, now: datetime) -> list[NewDelivery]:
        due = await self.storage.attendance_due(
            ended_after=now - CHECKLIST_LATE, ended_before=now + timedelta(milliseconds=1)
        )
        due = [d for d in due if f"attendance:{d.occurrence_id}" not in self._known]
        if not due:
            return []
        users = await self.storage.get_users([d.organizer_id for d in due])
        found = []
        for d in due:
            send_at = d.ended_at
            user = users.get(d.organizer_id)
            if user is not None:
                send_at = await self._after_quiet_hours(user, d.event_id, d.ended_at)
            found.append(
                NewDelivery(
                    key=f"attendance:{d.occurrence_id}",
                    recipient_kind=RecipientKind.USER,
                    recipient_id=d.organizer_id,
                    due_at=d.ended_at,
                    send_at=send_at,
                    kind=DeliveryKind.ATTENDANCE,
                    payload=json.dumps({"occurrence_id": d.occurrence_id}),
                )
            )
        return found

    async def _after_quiet_hours(self, user: User, event_id: int, due: datetime) -> datetime:
        try:
            event = await self.storage.get_event(event_id)
            team = await self.storage.get_team(event.team_id) if event.team_id else None
        except NotFound:
            return due
        zone, spec = member_clock(user, team, event)
        if spec is None:
            return due
        placed = place_send_time(
            due,
            event_start=None,
            quiet=parse_quiet_hours(str(spec)),
            tz=ZoneInfo(zone),
            urgent=False,
        )
        return placed.send_at

    # --- what they say ------------------------------------------------------------------

    async def body(
        self, delivery: Delivery, user: User | None, now: datetime
    ) -> NewMessageBody | None:
        """The message, or None when there is nothing to send any more (the organizer
        left or stopped the digest, nobody said yes after all, the date is gone)."""
        payload = json.loads(delivery.payload or "{}")
        with contextlib.suppress(NotFound):
            if delivery.kind is DeliveryKind.DIGEST:
                return await self._digest(delivery, user, payload, now)
            if delivery.kind is DeliveryKind.ATTENDANCE:
                return await self._checklist(delivery, user, payload, now)
        return None

    async def _digest(
        self, delivery: Delivery, user: User | None, payload: dict[str, str], now: datetime
    ) -> NewMessageBody | None:
        team_id = int(payload["team_id"])
        member = await self.storage.get_member(team_id, delivery.recipient_id)
        if not member.role.at_least(Role.ORGANIZER):
            return None
        if delivery.recipient_id not in await self.storage.digest_subscribers(team_id):
            return None
        team = await self.storage.get_team(team_id)
        tz = ZoneInfo(team.timezone)
        first, last = date.fromisoformat(payload["from"]), date.fromisoformat(payload["to"])
        # The numbers (core.insights) load with the first digest or checklist drawn: the
        # engine plans them every round, but draws one a week at most per organizer.
        from maxremind.core.insights import load

        computed = await load(
            self.storage, team_id, tz, _midnight(first, tz), _midnight(last + timedelta(1), tz)
        )
        settings = await self.storage.get_insight_settings(team_id)
        lang = (user.language if user else None) or team.language
        text = digest_text(team.name, computed, (first, last), lang, names=settings.member_stats)
        return NewMessageBody(text=text)

    async def _checklist(
        self, delivery: Delivery, user: User | None, payload: dict[str, int], now: datetime
    ) -> NewMessageBody | None:
        from maxremind.core.insights import load_checklist  # as in _digest

        checklist = await load_checklist(self.storage, int(payload["occurrence_id"]))
        if not checklist.rows:
            return None
        team = (
            await self.storage.get_team(checklist.team_id)
            if checklist.team_id is not None
            else None
        )
        lang = (user.language if user else None) or (team.language if team else Language.RU)
        zone = (user.timezone if user else None) or (team.timezone if team else checklist.timezone)
        return checklist_body(checklist, self.signer, lang, ZoneInfo(zone), now=now)
