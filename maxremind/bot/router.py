"""The bot's single entry point: ``feed_update`` for polling and webhook alike.

Feature modules (``maxremind/bot/handlers/*``) register what they handle:

* ``command(name, handler, help_key=…, team_role=…)`` — a slash command.  With
  ``team_role`` the router first finds the person's team (the chat's team in a group
  chat, the one chosen last, or the only one; otherwise it asks with buttons and
  re-runs the command after the choice) and checks the role; a refusal names the
  role needed.
* ``action(name, handler, once=True)`` — a button; payloads are signed, so a forged
  or mangled one is answered "устарело" and changes nothing.  Each drawn button works
  once per person: the press is recorded in the database in the update's unit of work
  (its payload carries a nonce, see :mod:`maxremind.domain.signing`), so a double tap
  or a press MAX delivers twice is answered "already done" and changes nothing.  With
  ``once=False`` the handler's service keeps the press idempotent by the state it
  changes (an answer pressed again is the answer already recorded).
* ``dialog(name, handler)`` — free text while a step-by-step dialog is open.
* ``on(update_type, handler)`` — other updates (bot added to a chat, a deep link…).

A handler that raises is the inbox's business (logged, retried a few times, then
abandoned); the router itself never passes bad input from MAX on unchecked.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from maxremind.bot import texts_buttons  # noqa: F401 - registers the press texts
from maxremind.bot.context import Ctx, Handler, Services
from maxremind.domain.models import Language, Role, User
from maxremind.i18n import language_for, t
from maxremind.maxapi.models import (
    BotStartedUpdate,
    BotStoppedUpdate,
    DialogRemovedUpdate,
    FileAttachment,
    MessageCallbackUpdate,
    MessageCreatedUpdate,
    Update,
)
from maxremind.maxapi.models import User as MaxUser

log = logging.getLogger(__name__)

UpdateHandler = Callable[[Update, Services], Awaitable[None]]
FileHandler = Callable[[Ctx, FileAttachment], Awaitable[None]]


@dataclass(frozen=True)
class Command:
    handler: Handler
    help_key: str | None
    team_role: Role | None
    in_chats: bool


class Router:
    """Dispatches updates to registered handlers."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.commands: dict[str, Command] = {}
        self.aliases: dict[str, str] = {}
        self.actions: dict[str, Handler] = {}
        self.repeatable: set[str] = set()  # actions idempotent by their own state
        self.dialogs: dict[str, Handler] = {}
        self.update_handlers: dict[str, UpdateHandler] = {}
        self.start_handler: Callable[[Ctx, str], Awaitable[bool]] | None = None
        self.file_handler: FileHandler | None = None

    # --- registration ----------------------------------------------------------------

    def command(
        self,
        name: str,
        handler: Handler,
        *,
        help_key: str | None = None,
        team_role: Role | None = None,
        in_chats: bool = False,
        aliases: tuple[str, ...] = (),
    ) -> None:
        self.commands[name] = Command(handler, help_key, team_role, in_chats)
        for alias in aliases:
            self.aliases[alias] = name

    def action(self, name: str, handler: Handler, *, once: bool = True) -> None:
        self.actions[name] = handler
        if not once:
            self.repeatable.add(name)

    def dialog(self, name: str, handler: Handler) -> None:
        self.dialogs[name] = handler

    def on(self, update_type: str, handler: UpdateHandler) -> None:
        self.update_handlers[update_type] = handler

    def on_start_payload(self, handler: Callable[[Ctx, str], Awaitable[bool]]) -> None:
        """Handles a deep-link payload; returns False if it did not recognise it."""
        self.start_handler = handler

    def on_file(self, handler: FileHandler) -> None:
        """Handles a file a person sends the bot in a private dialog."""
        self.file_handler = handler

    def help_text(self, lang: Language) -> str:
        lines = [t("help_header", lang)]
        for name, command in self.commands.items():
            if command.help_key:
                lines.append(f"{name} — {t(command.help_key, lang)}")
        lines.append(t("help_footer", lang))
        return "\n".join(lines)

    # --- the entry point -------------------------------------------------------------

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
            await self.services.users.set_reachable(update.user.user_id, False, update.update_type)
        elif update.update_type in self.update_handlers:
            await self.update_handlers[update.update_type](update, self.services)
        else:
            log.debug("ignoring update of type %s", update.update_type)

    async def _remember(self, user: MaxUser, locale: str | None = None) -> User:
        return await self.services.users.remember(
            user.user_id,
            name=user.display_name,
            username=user.username,
            language=language_for(locale, None) if locale else None,
        )

    async def context(
        self, user: MaxUser, locale: str | None, *, chat_id: int | None = None
    ) -> Ctx:
        stored = await self._remember(user, locale)
        return Ctx(self.services, stored, language_for(locale, stored.language), chat_id=chat_id)

    async def _on_bot_started(self, update: BotStartedUpdate) -> None:
        ctx = await self.context(update.user, update.user_locale)
        if not ctx.user.reachable:
            await self.services.users.set_reachable(ctx.user.user_id, True)
            await ctx.say("welcome_back")
        payload = (update.payload or "").strip()
        if payload and self.start_handler is not None and await self.start_handler(ctx, payload):
            return
        await ctx.say("welcome")

    async def _on_message(self, update: MessageCreatedUpdate) -> None:
        message = update.message
        sender = message.sender
        if sender is None or sender.is_bot:
            return
        text = (message.body.text or "").strip()
        in_dialog = message.recipient.chat_type == "dialog"
        chat_id = None if in_dialog else message.recipient.chat_id
        files = [a for a in message.body.attachments or () if isinstance(a, FileAttachment)]
        if in_dialog and files and self.file_handler is not None and not text.startswith("/"):
            await self.file_handler(await self.context(sender, update.user_locale), files[0])
            return
        if not text.startswith("/"):
            if in_dialog:
                await self._on_text(await self.context(sender, update.user_locale), text)
            return
        head, _, rest = text.partition(" ")
        name = head.lower().split("@", 1)[0]
        name = self.aliases.get(name, name)
        command = self.commands.get(name)
        if not in_dialog and (command is None or not command.in_chats):
            return  # chats are busy places: only answer commands meant for them
        ctx = await self.context(sender, update.user_locale, chat_id=chat_id)
        ctx.args = rest.strip()
        if command is None:
            await ctx.reply(self._unknown_command(name, ctx.lang))
            return
        await self.run_command(ctx, name)

    async def run_command(self, ctx: Ctx, name: str) -> None:
        command = self.commands[name]
        if command.team_role is not None:
            team = await ctx.current_team()
            if team is None:
                await self._ask_team(ctx, f"{name} {ctx.args}".strip())
                return
            role = await ctx.role_in(team)
            if role is None or not role.at_least(command.team_role):
                await ctx.say("role_needed", role=t(f"role_{command.team_role.value}", ctx.lang))
                return
            ctx.extras["team"] = team
        await command.handler(ctx)

    async def _ask_team(self, ctx: Ctx, pending: str) -> None:
        teams = await ctx.teams()
        if not teams:
            await ctx.say("no_team")
            return
        await ctx.set_dialog("pick_team", pending=pending)
        await ctx.say("pick_team", [[ctx.button(team.name, "team", team.id)] for team in teams])

    async def _on_text(self, ctx: Ctx, text: str) -> None:
        loaded = await self.services.state.load(ctx.dialog_key)
        if loaded.value is not None:
            handler = self.dialogs.get(str(loaded.value.get("dialog")))
            if handler is not None:
                ctx.args = text
                ctx.extras["state"] = loaded.value
                await handler(ctx)
                return
        if loaded.expired:
            await ctx.say("dialog_expired")
            return
        await ctx.say("not_a_command")

    async def _on_callback(self, update: MessageCallbackUpdate) -> None:
        callback = update.callback
        payload = callback.payload or ""
        chat_id = None
        if update.message is not None and update.message.recipient.chat_type != "dialog":
            chat_id = update.message.recipient.chat_id
        ctx = await self.context(callback.user, update.user_locale, chat_id=chat_id)
        parts = self.services.signer.verify(payload)
        handler = self.actions.get(parts[0]) if parts else None
        if parts is None or handler is None:
            await self.services.client.answer_callback(
                callback.callback_id, notification=t("stale_button", ctx.lang)
            )
            return
        message_id = update.message.body.mid if update.message is not None else ""
        if parts[0] not in self.repeatable and not await self.services.users.first_press(
            ctx.user.user_id, message_id, payload
        ):
            await self.services.client.answer_callback(
                callback.callback_id, notification=t("press_already_done", ctx.lang)
            )
            return
        ctx.callback_id = callback.callback_id
        ctx.extras["args"] = parts[1:]
        ctx.extras["message"] = update.message
        await handler(ctx)
        # Every press gets an answer, even when the handler had nothing short to say.
        if ctx.callback_id is not None:
            await self.services.client.answer_callback(ctx.callback_id, notification="✓")

    def _unknown_command(self, command: str, lang: Language) -> str:
        import difflib  # with the first mistyped command, not at start-up (idle memory)

        known = [*self.commands, *self.aliases]
        close = difflib.get_close_matches(command, known, n=1, cutoff=0.5)
        if close:
            return t("unknown_command", lang, command=command, suggestion=close[0])
        return t("unknown_command_no_hint", lang, command=command)
