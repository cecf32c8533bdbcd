"""What each delivery says: reminders, summaries, reports, catch-up notes.

The dispatcher decides *when* and *to whom*; the composer decides *what*, in the
reader's language and time zone, reusing rows (and rendered texts) within a batch.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from maxremind.core.audience import resolve_audience
from maxremind.domain.escalation import summarize
from maxremind.domain.models import (
    Answer,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Event,
    EventStatus,
    Language,
    Occurrence,
    OccurrenceStatus,
    RecipientKind,
    Team,
    User,
)
from maxremind.domain.signing import CallbackSigner
from maxremind.engine.insights import InsightsMessages
from maxremind.engine.render import (
    Reader,
    cancelled_text,
    catchup_text,
    flagged_text,
    reminder_body,
    summary_text,
    unreachable_text,
)
from maxremind.engine.texts_timing import timing_note
from maxremind.maxapi.models import NewMessageBody
from maxremind.storage import NotFound, Storage


@dataclass
class BatchCache:
    """Rows a batch needs, loaded once per batch instead of once per delivery.

    The loaders check, then await the database: deliveries composed concurrently would
    all miss and load the same row.  So a batch of sends calls :meth:`prefetch` first
    and its deliveries only read.
    """

    events: dict[int, Event] = field(default_factory=dict)
    occurrences: dict[int, Occurrence] = field(default_factory=dict)
    teams: dict[int, Team] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    answers: dict[int, dict[int, Answer]] = field(default_factory=dict)
    bodies: dict[tuple[object, ...], NewMessageBody] = field(default_factory=dict)

    async def occurrence_event(
        self, storage: Storage, occurrence_id: int
    ) -> tuple[Occurrence, Event]:
        occurrence = self.occurrences.get(occurrence_id)
        if occurrence is None:
            occurrence = await storage.get_occurrence(occurrence_id)
            self.occurrences[occurrence_id] = occurrence
        event = self.events.get(occurrence.event_id)
        if event is None:
            event = await storage.get_event(occurrence.event_id)
            self.events[event.id] = event
        return occurrence, event

    async def team(self, storage: Storage, team_id: int | None) -> Team | None:
        if team_id is None:
            return None
        if team_id not in self.teams:
            self.teams[team_id] = await storage.get_team(team_id)
        return self.teams[team_id]

    async def occurrence_answers(self, storage: Storage, occurrence_id: int) -> dict[int, Answer]:
        answers = self.answers.get(occurrence_id)
        if answers is None:
            confirmations = await storage.list_confirmations(occurrence_id)
            answers = self.answers[occurrence_id] = {c.user_id: c.answer for c in confirmations}
        return answers

    async def prefetch(self, storage: Storage, deliveries: Sequence[Delivery]) -> None:
        """Load, one query each, what composing ``deliveries`` will read."""
        self.users.update(
            await storage.get_users(
                [d.recipient_id for d in deliveries if d.recipient_kind is RecipientKind.USER]
            )
        )
        for occurrence_id in dict.fromkeys(d.occurrence_id for d in deliveries):
            if occurrence_id is None:
                continue
            try:
                _, event = await self.occurrence_event(storage, occurrence_id)
                await self.team(storage, event.team_id)
            except NotFound:
                continue  # deleted meanwhile, and its deliveries with it
            await self.occurrence_answers(storage, occurrence_id)
        # Reminders name their sender: the organizers of these events.
        senders = {e.organizer_id for e in self.events.values()} - self.users.keys()
        if senders:
            self.users.update(await storage.get_users(sorted(senders)))

    async def sender_name(self, storage: Storage, user_id: int) -> str | None:
        user = self.users.get(user_id)
        if user is None:
            found = await storage.get_users([user_id])
            self.users.update(found)
            user = found.get(user_id)
        return user.name if user is not None else None


# Deliveries that only make sense while their occurrence is still on.
_ABOUT_THE_OCCURRENCE = frozenset(
    {DeliveryKind.REMINDER, DeliveryKind.SNOOZE, DeliveryKind.SUMMARY}
)


class Composer:
    def __init__(self, storage: Storage, signer: CallbackSigner, default_timezone: str) -> None:
        self.storage = storage
        self.signer = signer
        self.default_timezone = default_timezone
        # The weekly digest and the who-came checklist (engine/insights.py).
        self.insights = InsightsMessages(storage, signer, default_timezone)

    async def reader(self, delivery: Delivery, event: Event | None, cache: BatchCache) -> Reader:
        team = await cache.team(self.storage, event.team_id) if event is not None else None
        fallback_tz = (
            team.timezone if team else (event.timezone if event else self.default_timezone)
        )
        team_lang = team.language if team else Language.RU
        if delivery.recipient_kind is RecipientKind.CHAT:
            return Reader(
                team_lang, ZoneInfo(event.timezone if event else fallback_tz), is_chat=True
            )
        user = cache.users.get(delivery.recipient_id)
        if user is None:
            with contextlib.suppress(NotFound):
                user = await self.storage.get_user(delivery.recipient_id)
        lang = (user.language if user else None) or team_lang
        tz = (user.timezone if user else None) or fallback_tz
        return Reader(lang, ZoneInfo(tz))

    async def render(self, delivery: Delivery, now: datetime) -> NewMessageBody | None:
        """The message a delivery shows at ``now``, outside any batch."""
        users = await self.storage.get_users(
            [delivery.recipient_id] if delivery.recipient_kind is RecipientKind.USER else []
        )
        return await self.body(delivery, BatchCache(users=users), now)

    async def body(
        self, delivery: Delivery, cache: BatchCache, now: datetime
    ) -> NewMessageBody | None:
        if delivery.kind in (DeliveryKind.DIGEST, DeliveryKind.ATTENDANCE):
            return await self.insights.body(delivery, cache.users.get(delivery.recipient_id), now)
        payload: dict[str, Any] = json.loads(delivery.payload or "{}")
        if delivery.kind is DeliveryKind.CATCHUP:
            reader = await self.reader(delivery, None, cache)
            items = [
                (title, datetime.fromtimestamp(ts, UTC)) for title, ts in payload.get("items", [])
            ]
            return NewMessageBody(text=catchup_text(items, reader, now=now))
        if payload.get("type") == "audience":
            event = await self.storage.get_event(int(payload["event_id"]))
            return NewMessageBody(
                text=flagged_text(event, await self.reader(delivery, event, cache))
            )
        if delivery.occurrence_id is None:
            return None
        occurrence, event = await cache.occurrence_event(self.storage, delivery.occurrence_id)
        if delivery.kind in _ABOUT_THE_OCCURRENCE and (
            occurrence.status is OccurrenceStatus.CANCELLED or event.status is EventStatus.CANCELLED
        ):
            # Cancelling skips what is waiting in the ledger; this catches a delivery
            # that was claimed at that very moment.
            return None
        reader = await self.reader(delivery, event, cache)
        if delivery.kind is DeliveryKind.CANCELLED:
            dropped = bool(payload.get("dropped"))
            text = cancelled_text(event, occurrence, reader, now=now, dropped=dropped)
            return NewMessageBody(text=text)
        if delivery.kind is DeliveryKind.REPORT:
            failed = [
                d.recipient_id
                for d in await self.storage.list_job_deliveries(int(payload["job_id"]))
                if d.status is DeliveryStatus.UNREACHABLE and d.recipient_kind is RecipientKind.USER
            ]
            if not failed:
                return None
            people_failed = await self.storage.get_users(failed)
            return NewMessageBody(
                text=unreachable_text(
                    event,
                    [people_failed[i].name if i in people_failed else str(i) for i in failed],
                    reader,
                )
            )
        answers = await cache.occurrence_answers(self.storage, occurrence.id)
        if delivery.kind is DeliveryKind.SUMMARY:
            audience = await resolve_audience(self.storage, event)
            roster = audience.roster(answers)
            summary = summarize(roster, audience.counted(answers), quorum=event.quorum)
            people = await self.storage.get_users(roster)
            names = {uid: u.name for uid, u in people.items()}
            return NewMessageBody(
                text=summary_text(
                    event, occurrence, summary, names, reader, now=now, quorum=event.quorum
                )
            )
        counts = None
        if delivery.recipient_kind is RecipientKind.CHAT and event.confirm_required:
            audience = await resolve_audience(self.storage, event)
            counts = chat_counts(audience.roster(answers), audience.counted(answers))
        answer = (
            answers.get(delivery.recipient_id)
            if delivery.recipient_kind is RecipientKind.USER
            else None
        )
        delayed = bool(payload.get("delayed"))
        snoozed = delivery.kind is DeliveryKind.SNOOZE
        changed = bool(payload.get("changed"))  # the time or place moved shortly before
        note = timing_note(payload, reader.lang, reader.tz, now)  # came early or late: why
        # A team's reminder reads the same for everyone sharing a language and zone:
        # render it once per batch (chat messages carry live counts, so not those).
        # Who is speaking: the team and the organizer (not to the organizer themself).
        team = cache.teams.get(event.team_id) if event.team_id is not None else None
        own = (
            delivery.recipient_kind is RecipientKind.USER
            and delivery.recipient_id == event.organizer_id
        )
        sender = None if own else await cache.sender_name(self.storage, event.organizer_id)
        key = (
            occurrence.id,
            reader.lang,
            reader.tz.key,
            delayed,
            snoozed,
            answer,
            changed,
            note,
            own,
        )
        body = cache.bodies.get(key) if counts is None else None
        if body is None:
            body = reminder_body(
                event,
                occurrence,
                reader,
                self.signer,
                now=now,
                team=team.name if team is not None else None,
                sender=sender,
                delayed=delayed,
                snoozed=snoozed,
                answer=answer,
                counts=counts,
                changed=changed,
                note=note,
            )
            if counts is None:
                cache.bodies[key] = body
        return body


def chat_counts(roster: Sequence[int], answers: Mapping[int, Answer]) -> dict[str, int]:
    """A chat's live counts over the audience's (already counted) answers."""
    yes = sum(1 for a in answers.values() if a is Answer.YES)
    no = sum(1 for a in answers.values() if a is Answer.NO)
    return {"yes": yes, "no": no, "none": max(0, len(set(roster) - set(answers)))}
