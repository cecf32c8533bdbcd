"""Answers to reminders: ✅ / ❌ / 🤔 and ⏰ snoozes, with who may give them.

The bot's button handler parses the press and calls :class:`AnswerService`; the
service decides (only the event's audience answers, see :mod:`maxremind.core.audience`),
records, and says what happened as an :class:`AnswerResult`; the handler renders it.
Nothing changes unless the outcome is ``saved``; a press that would change nothing (the
answer already given, a second snooze of one message) is ``already``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from maxremind.core.audience import resolve_audience
from maxremind.domain.clock import Clock, utcnow
from maxremind.domain.models import (
    Answer,
    Delivery,
    DeliveryKind,
    Event,
    EventStatus,
    NewDelivery,
    Occurrence,
    OccurrenceStatus,
    RecipientKind,
)
from maxremind.domain.wall_time import resolve_local
from maxremind.maxapi.models import NewMessageBody
from maxremind.storage import NotFound, Storage

log = logging.getLogger(__name__)

MORNING = time(9, 0)
SNOOZES = {"15": timedelta(minutes=15), "60": timedelta(hours=1)}
SNOOZE_CHOICES = frozenset({*SNOOZES, "am"})

Renderer = Callable[[Delivery], Awaitable[NewMessageBody | None]]
"""The message a delivery shows now (the engine's composer; app.py hands it in)."""


class AnswerOutcome(StrEnum):
    SAVED = "saved"
    ALREADY = "already"  # the same press again: nothing changed
    NOT_INVITED = "not_invited"  # not in the event's audience: nothing recorded
    OVER = "over"  # the occurrence started
    CANCELLED = "cancelled"  # the occurrence (or the whole event) was cancelled
    STALE = "stale"  # no such occurrence (deleted) or a value we do not know
    TOO_LATE = "too_late"  # a snooze that would land after the start


@dataclass(frozen=True)
class AnswerResult:
    outcome: AnswerOutcome
    answer: Answer | None = None
    snoozed_until: datetime | None = None
    zone: str | None = None  # the person's zone, to show ``snoozed_until`` in
    cancelled: Cancelled | None = None  # with CANCELLED: by whom and when, if known


@dataclass(frozen=True)
class Cancelled:
    """Who cancelled an event or one of its dates, and when (None when not known)."""

    by: str | None = None
    at: datetime | None = None


async def cancellation_of(storage: Storage, event: Event, occurrence_id: int) -> Cancelled:
    """Who cancelled ``occurrence_id`` (or its whole event) and when, from the audit log."""
    for entry in await storage.list_audit_of(f"event:{event.id}"):
        whole = entry.action == "event.cancel"
        if whole or (
            entry.action == "event.cancel_date" and entry.details.get("occurrence") == occurrence_id
        ):
            name = None
            if entry.actor_id is not None:
                try:
                    name = (await storage.get_user(entry.actor_id)).name
                except NotFound:
                    name = None
            return Cancelled(by=name, at=entry.at)
    return Cancelled()


class AnswerService:
    def __init__(
        self,
        storage: Storage,
        *,
        render: Renderer,
        poke: Callable[[], None] = lambda: None,
        clock: Clock = utcnow,
    ) -> None:
        self.storage = storage
        self.render = render
        self.poke = poke
        self.clock = clock

    async def _open(
        self, occurrence_id: int, user_id: int, chat_id: int | None
    ) -> AnswerResult | tuple[Occurrence, Event]:
        """The occurrence and event if ``user_id`` may answer now; else why not."""
        try:
            occurrence = await self.storage.get_occurrence(occurrence_id)
            event = await self.storage.get_event(occurrence.event_id)
        except NotFound:
            return AnswerResult(AnswerOutcome.STALE)
        if occurrence.status is OccurrenceStatus.CANCELLED or (
            event.status is EventStatus.CANCELLED and occurrence.starts_at > self.clock()
        ):
            cancelled = await cancellation_of(self.storage, event, occurrence.id)
            return AnswerResult(AnswerOutcome.CANCELLED, cancelled=cancelled)
        if self.clock() >= occurrence.starts_at:
            return AnswerResult(AnswerOutcome.OVER)
        audience = await resolve_audience(self.storage, event)
        if not audience.may_answer(user_id, chat_id=chat_id):
            log.info(
                "press by user %s on occurrence %s refused: not in the audience",
                user_id,
                occurrence_id,
            )
            return AnswerResult(AnswerOutcome.NOT_INVITED)
        return occurrence, event

    async def answer(
        self, occurrence_id: int, user_id: int, answer: Answer, *, chat_id: int | None = None
    ) -> AnswerResult:
        """Record (or change) a person's answer for one occurrence.

        ``chat_id`` is the chat the press came from (None for a personal message).  The
        answer already given is ``already`` and writes nothing (decided by the write
        itself, so two presses at once record and audit one change).
        """
        opened = await self._open(occurrence_id, user_id, chat_id)
        if isinstance(opened, AnswerResult):
            return opened
        occurrence, event = opened
        now = self.clock()
        changed = await self.storage.change_confirmation(
            occurrence.id, user_id, answer, comment="", at=now
        )
        if changed is None:
            return AnswerResult(AnswerOutcome.ALREADY, answer=answer)
        await self.storage.add_audit(
            team_id=event.team_id,
            actor_id=user_id,
            action="confirmation",
            subject=f"occurrence:{occurrence.id}",
            details={"answer": answer.value},
            at=now,
        )
        self.poke()
        return AnswerResult(AnswerOutcome.SAVED, answer=answer)

    async def snooze(
        self,
        occurrence_id: int,
        user_id: int,
        choice: str,
        *,
        chat_id: int | None = None,
        source: str | None = None,
    ) -> AnswerResult:
        """Remind the person again later: ``15`` / ``60`` minutes or ``am`` (9:00 tomorrow
        in their zone).

        ``source`` is the message pressed: one message is snoozed once (the delivery's
        key names it, so a second press -- of any snooze choice, even at the same
        moment -- is ``already``, with the time already set).  Without it, a second
        press of the same choice in the same second is one."""
        if choice not in SNOOZE_CHOICES:
            return AnswerResult(AnswerOutcome.STALE)
        opened = await self._open(occurrence_id, user_id, chat_id)
        if isinstance(opened, AnswerResult):
            return opened
        occurrence, event = opened
        now = self.clock()
        user = await self.storage.get_user(user_id)
        zone = user.timezone or event.timezone
        tz = ZoneInfo(zone)
        if choice == "am":
            tomorrow = now.astimezone(tz).date() + timedelta(days=1)
            when, _ = resolve_local(datetime.combine(tomorrow, MORNING), tz)
        else:
            when = now + SNOOZES[choice]
        if when >= occurrence.starts_at:
            return AnswerResult(AnswerOutcome.TOO_LATE)
        key = f"snooze:{occurrence.id}:{user_id}:" + (
            f"msg:{source}" if source else str(int(when.timestamp()))
        )
        added = await self.storage.add_deliveries(
            [
                NewDelivery(
                    key=key,
                    recipient_kind=RecipientKind.USER,
                    recipient_id=user_id,
                    due_at=when,
                    send_at=when,
                    kind=DeliveryKind.SNOOZE,
                    occurrence_id=occurrence.id,
                )
            ]
        )
        if not added:
            earlier = await self.storage.get_delivery(key)
            return AnswerResult(AnswerOutcome.ALREADY, snoozed_until=earlier.due_at, zone=zone)
        self.poke()
        return AnswerResult(AnswerOutcome.SAVED, snoozed_until=when, zone=zone)

    async def message_after_press(self, max_message_id: str) -> NewMessageBody | None:
        """The pressed reminder re-rendered (the person's answer, a chat's live counts),
        or None when the message is not one of our deliveries."""
        delivery = await self.storage.find_delivery_by_message(max_message_id)
        return None if delivery is None else await self.render(delivery)
