"""Button presses on reminders: ✅ / ❌ answers and ⏰ snoozes.

A press is recorded for the person who pressed (in a group chat too), answered with
a short notification, and the pressed message is edited in the same call: a personal
message shows the person's answer, a chat message the live counts.  Changing one's
answer later works the same way.  Payloads are signed (see :mod:`.callbacks`): a
forged or outdated one changes nothing and is answered "устарело".
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from maxremind.domain.models import (
    Answer,
    Delivery,
    DeliveryKind,
    Event,
    Language,
    NewDelivery,
    Occurrence,
    OccurrenceStatus,
    RecipientKind,
)
from maxremind.domain.signing import CallbackSigner
from maxremind.domain.timefmt import format_when
from maxremind.domain.wall_time import resolve_local
from maxremind.i18n import t
from maxremind.maxapi.client import MaxClient
from maxremind.maxapi.models import MessageCallbackUpdate, NewMessageBody
from maxremind.storage import NotFound, Storage

log = logging.getLogger(__name__)

ACTIONS = ("c", "z")
MORNING = time(9, 0)
SNOOZES = {"15": timedelta(minutes=15), "60": timedelta(hours=1)}

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


class Confirmations:
    def __init__(
        self,
        storage: Storage,
        client: MaxClient,
        signer: CallbackSigner,
        render: Callable[[Delivery], Awaitable[NewMessageBody | None]],
        *,
        poke: Callable[[], None] = lambda: None,
        clock: Clock = utcnow,
    ) -> None:
        self.storage = storage
        self.client = client
        self.signer = signer
        self.render = render
        self.poke = poke
        self.clock = clock

    async def handle(self, update: MessageCallbackUpdate, lang: Language) -> None:
        """Answer one press whose payload starts with one of :data:`ACTIONS`."""
        callback = update.callback
        parts = self.signer.verify(callback.payload or "")
        if parts is None or len(parts) != 3 or parts[0] not in ACTIONS:
            await self._notify(callback.callback_id, t("stale_button", lang))
            return
        action, occurrence_id, value = parts
        try:
            occurrence = await self.storage.get_occurrence(int(occurrence_id))
            event = await self.storage.get_event(occurrence.event_id)
        except (NotFound, ValueError):
            await self._notify(callback.callback_id, t("stale_button", lang))
            return
        now = self.clock()
        if occurrence.status is OccurrenceStatus.CANCELLED or now >= occurrence.starts_at:
            await self._notify(callback.callback_id, t("event_over", lang))
            return
        user = callback.user
        await self.storage.upsert_user(user.user_id, name=user.display_name, username=user.username)
        if action == "c" and value in ("yes", "no", "maybe"):
            await self._answer(update, event, occurrence, Answer(value), lang, now)
        elif action == "z" and (value in SNOOZES or value == "am"):
            await self._snooze(update, event, occurrence, value, lang, now)
        else:
            await self._notify(callback.callback_id, t("stale_button", lang))

    async def _notify(self, callback_id: str, text: str) -> None:
        await self.client.answer_callback(callback_id, notification=text)

    async def _answer(
        self,
        update: MessageCallbackUpdate,
        event: Event,
        occurrence: Occurrence,
        answer: Answer,
        lang: Language,
        now: datetime,
    ) -> None:
        user_id = update.callback.user.user_id
        await self.storage.set_confirmation(occurrence.id, user_id, answer, comment="", at=now)
        edited = await self._edited_message(update)
        await self.client.answer_callback(
            update.callback.callback_id,
            message=edited,
            notification=t(f"answer_saved_{answer.value}", lang),
        )
        await self.storage.add_audit(
            team_id=event.team_id,
            actor_id=user_id,
            action="confirmation",
            subject=f"occurrence:{occurrence.id}",
            details={"answer": answer.value},
            at=now,
        )
        self.poke()

    async def _edited_message(self, update: MessageCallbackUpdate) -> NewMessageBody | None:
        """The pressed message re-rendered: the person's answer, or a chat's live counts."""
        if update.message is None:
            return None
        delivery = await self.storage.find_delivery_by_message(update.message.body.mid)
        return None if delivery is None else await self.render(delivery)

    async def _snooze(
        self,
        update: MessageCallbackUpdate,
        event: Event,
        occurrence: Occurrence,
        value: str,
        lang: Language,
        now: datetime,
    ) -> None:
        user_id = update.callback.user.user_id
        user = await self.storage.get_user(user_id)
        tz = ZoneInfo(user.timezone or event.timezone)
        if value == "am":
            tomorrow = now.astimezone(tz).date() + timedelta(days=1)
            when, _ = resolve_local(datetime.combine(tomorrow, MORNING), tz)
        else:
            when = now + SNOOZES[value]
        if when >= occurrence.starts_at:
            await self._notify(update.callback.callback_id, t("snooze_too_late", lang))
            return
        await self.storage.add_deliveries(
            [
                NewDelivery(
                    key=f"snooze:{occurrence.id}:{user_id}:{int(when.timestamp())}",
                    recipient_kind=RecipientKind.USER,
                    recipient_id=user_id,
                    due_at=when,
                    send_at=when,
                    kind=DeliveryKind.SNOOZE,
                    occurrence_id=occurrence.id,
                )
            ]
        )
        shown = format_when(when, tz, lang.value, now=now)
        await self._notify(update.callback.callback_id, t("snooze_saved", lang, when=shown))
        self.poke()
