"""The bot's single entry point: ``feed_update`` for polling and webhook alike.

The router looks at an update's type, keeps what the product must remember
(people, chats, reachability) and answers commands.  A handler that raises is
the inbox's business (logged, retried a few times, then abandoned); the router
itself never lets bad input from MAX reach storage unchecked.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Awaitable, Callable

from maxremind.domain.models import Language
from maxremind.i18n import language_for, t
from maxremind.maxapi.attachments import callback_button, inline_keyboard
from maxremind.maxapi.client import MaxClient
from maxremind.maxapi.errors import MaxApiError
from maxremind.maxapi.models import (
    BotAddedToChatUpdate,
    BotRemovedFromChatUpdate,
    BotStartedUpdate,
    BotStoppedUpdate,
    DialogRemovedUpdate,
    MessageCallbackUpdate,
    MessageCreatedUpdate,
    NewMessageBody,
    Update,
)
from maxremind.maxapi.models import User as MaxUser
from maxremind.services.confirmations import ACTIONS as CONFIRMATION_ACTIONS
from maxremind.services.confirmations import Confirmations
from maxremind.storage import NotFound, Storage

log = logging.getLogger(__name__)

MAX_TEXT = 4000
COMMANDS = ("/start", "/help", "/lang", "/cancel")

Handler = Callable[[MessageCreatedUpdate, Language], Awaitable[None]]


def fit_text(text: str) -> str:
    """Shorten text to MAX's 4000-character limit instead of having MAX refuse it."""
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


class Router:
    """Dispatches updates to handlers; owns no state besides its collaborators."""

    def __init__(self, storage: Storage, client: MaxClient, confirmations: Confirmations) -> None:
        self.storage = storage
        self.client = client
        self.confirmations = confirmations
        self._commands: dict[str, Handler] = {
            "/start": self._cmd_start,
            "/help": self._cmd_help,
            "/lang": self._cmd_lang,
            "/cancel": self._cmd_cancel,
        }

    async def feed_update(self, update: Update) -> None:
        """Handle one update from MAX (already de-duplicated by the inbox)."""
        if isinstance(update, MessageCreatedUpdate):
            await self._on_message(update)
        elif isinstance(update, MessageCallbackUpdate):
            await self._on_callback(update)
        elif isinstance(update, BotStartedUpdate):
            await self._on_bot_started(update)
        elif isinstance(update, BotStoppedUpdate | DialogRemovedUpdate):
            await self._remember(update.user)
            await self.storage.set_user_reachable(update.user.user_id, False, update.update_type)
        elif isinstance(update, BotAddedToChatUpdate):
            await self._on_bot_added(update)
        elif isinstance(update, BotRemovedFromChatUpdate):
            try:
                await self.storage.deactivate_chat(update.chat_id)
            except NotFound:
                log.info("bot removed from chat %s we never knew", update.chat_id)
        else:
            log.debug("ignoring update of type %s", update.update_type)

    # --- people ----------------------------------------------------------------------

    async def _remember(self, user: MaxUser) -> Language | None:
        stored = await self.storage.upsert_user(
            user.user_id,
            name=user.name or user.first_name or str(user.user_id),
            username=user.username,
        )
        return stored.language

    async def _language(self, user: MaxUser, locale: str | None) -> Language:
        return language_for(locale, await self._remember(user))

    async def _say(self, user_id: int, text: str) -> None:
        await self.client.send_message(NewMessageBody(text=fit_text(text)), user_id=user_id)

    # --- updates ---------------------------------------------------------------------

    async def _on_bot_started(self, update: BotStartedUpdate) -> None:
        lang = await self._language(update.user, update.user_locale)
        user = await self.storage.get_user(update.user.user_id)
        if not user.reachable:
            await self.storage.set_user_reachable(user.user_id, True, None)
            await self._say(user.user_id, t("welcome_back", lang))
        await self._say(update.user.user_id, t("welcome", lang))

    async def _on_bot_added(self, update: BotAddedToChatUpdate) -> None:
        title = str(getattr(update, "title", "") or update.chat_id)
        try:
            info = await self.client.get_chat(update.chat_id)
            title = info.title or title
            chat_type = info.type
        except MaxApiError as exc:
            log.warning("could not read chat %s: %s", update.chat_id, exc)
            chat_type = "chat"
        await self._remember(update.user)
        await self.storage.upsert_chat(
            update.chat_id, title=title, chat_type=chat_type, added_by=update.user.user_id
        )
        lang = await self._language(update.user, None)
        try:
            await self._say(update.user.user_id, t("chat_added_dm", lang, title=title))
        except MaxApiError as exc:
            # The person may never have started the bot; the chat is remembered anyway.
            log.info("could not message %s about chat %s: %s", update.user.user_id, title, exc)

    async def _on_message(self, update: MessageCreatedUpdate) -> None:
        message = update.message
        sender = message.sender
        if sender is None or sender.is_bot:
            return
        text = (message.body.text or "").strip()
        in_dialog = message.recipient.chat_type == "dialog"
        if not text.startswith("/"):
            if in_dialog:
                lang = await self._language(sender, update.user_locale)
                await self._say(sender.user_id, t("not_a_command", lang))
            return
        command = text.split(maxsplit=1)[0].lower().split("@", 1)[0]
        if not in_dialog and command not in self._commands:
            return  # chats are busy places: only answer commands we know
        lang = await self._language(sender, update.user_locale)
        handler = self._commands.get(command)
        if handler is None:
            await self._say(sender.user_id, _unknown_command(command, lang))
            return
        await handler(update, lang)

    async def _on_callback(self, update: MessageCallbackUpdate) -> None:
        payload = update.callback.payload or ""
        lang = await self._language(update.callback.user, update.user_locale)
        if payload.split(":", 1)[0] in CONFIRMATION_ACTIONS:
            await self.confirmations.handle(update, lang)
            return
        if payload in ("lang:ru", "lang:en"):
            chosen = Language(payload.removeprefix("lang:"))
            await self.storage.update_user(update.callback.user.user_id, language=chosen)
            await self.client.answer_callback(
                update.callback.callback_id, notification=t("lang_set", chosen)
            )
            return
        await self.client.answer_callback(
            update.callback.callback_id, notification=t("stale_button", lang)
        )

    # --- commands --------------------------------------------------------------------

    async def _cmd_start(self, update: MessageCreatedUpdate, lang: Language) -> None:
        assert update.message.sender is not None
        await self._say(update.message.sender.user_id, t("welcome", lang))

    async def _cmd_help(self, update: MessageCreatedUpdate, lang: Language) -> None:
        assert update.message.sender is not None
        await self._say(update.message.sender.user_id, t("help", lang))

    async def _cmd_cancel(self, update: MessageCreatedUpdate, lang: Language) -> None:
        assert update.message.sender is not None
        await self._say(update.message.sender.user_id, t("cancelled", lang))

    async def _cmd_lang(self, update: MessageCreatedUpdate, lang: Language) -> None:
        assert update.message.sender is not None
        keyboard = inline_keyboard(
            [callback_button("Русский", "lang:ru"), callback_button("English", "lang:en")]
        )
        await self.client.send_message(
            NewMessageBody(text=t("lang_choose", lang), attachments=[keyboard]),
            user_id=update.message.sender.user_id,
        )


def _unknown_command(command: str, lang: Language) -> str:
    close = difflib.get_close_matches(command, COMMANDS, n=1, cutoff=0.5)
    if close:
        return t("unknown_command", lang, command=command, suggestion=close[0])
    return t("unknown_command_no_hint", lang, command=command)
