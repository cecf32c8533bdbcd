"""What every bot handler gets: who is talking, in which language, and how to answer.

Handlers live in ``maxremind/bot/handlers/`` and register commands, button actions
and dialog steps with the :class:`~maxremind.bot.router.Router`.  They parse input,
call a service, and answer through :class:`Ctx`; business rules stay in services.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from maxremind.domain.models import Language, Role, Team, User
from maxremind.domain.signing import CallbackSigner
from maxremind.i18n import t
from maxremind.intake.outbox import Replies
from maxremind.maxapi.attachments import callback_button, inline_keyboard, link_button
from maxremind.maxapi.models import Button, NewMessageBody
from maxremind.services.access import AccessService
from maxremind.services.agenda import AgendaService
from maxremind.services.answers import AnswerService
from maxremind.services.calendar import CalendarService
from maxremind.services.calendar_import import CalendarImport
from maxremind.services.chats import ChatService
from maxremind.services.events import EventService
from maxremind.services.oneliner import TypedEvents
from maxremind.services.teams import TeamService
from maxremind.services.users import UserService
from maxremind.state.base import StateStore

if TYPE_CHECKING:
    from maxremind.services.insights import InsightsService

MAX_TEXT = 4000
DIALOG_KEY = "dialog:{user_id}"


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split a long text at line breaks so no part exceeds MAX's limit."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a single monster line: cut it hard
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts


@dataclass
class Services:
    """Long-lived collaborators, built once in app.py: the services (the only door to
    the data) and what a conversation needs (the MAX client, dialog state, signing)."""

    people: TeamService
    users: UserService
    chats: ChatService
    agenda: AgendaService
    typed: TypedEvents
    client: Replies  # replies go out once the update is handled (intake.outbox)
    state: StateStore
    signer: CallbackSigner
    events: EventService
    answers: AnswerService
    access: AccessService
    bot_username: str
    default_timezone: str
    public_url: str
    web_url: str  # where the web UI is reached, no trailing slash (login links go there)
    dialog_timeout: timedelta
    calendar_import: CalendarImport | None = None  # .ics files sent to the bot
    calendar: CalendarService | None = None  # /calendar: the personal feed
    # /stats, /digest, the who-came checklist: built with the first of them (the insights
    # code loads then, see handlers/insights.py), so ``insights`` is a property.
    make_insights: Callable[[], InsightsService] | None = None

    @cached_property
    def insights(self) -> InsightsService | None:
        return self.make_insights() if self.make_insights is not None else None


@dataclass
class Ctx:
    """One incoming command, button press or dialog answer."""

    services: Services
    user: User
    lang: Language
    chat_id: int | None = None  # set when the message came from a group chat
    args: str = ""
    callback_id: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    # For messages to the person's dialog: (text, chat id) said in that chat instead if
    # the dialog is closed to the bot, and (text, chat id) said there once it got through.
    otherwise: tuple[str, int] | None = None
    then: tuple[str, int] | None = None

    def t(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    # --- answering -------------------------------------------------------------------

    def button(self, text: str, action: str, *args: str | int) -> Button:
        """A callback button whose payload is signed (forged presses change nothing)."""
        return callback_button(text, self.services.signer.sign(action, *args))

    def link(self, text: str, url: str) -> Button:
        return link_button(text, url)

    async def reply(self, text: str, buttons: Sequence[Sequence[Button]] = ()) -> None:
        """Answer where the person wrote (their dialog, or the group chat)."""
        parts = split_text(text)
        rows = [list(r) for r in buttons if r]
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            body = NewMessageBody(
                text=part, attachments=[inline_keyboard(*rows)] if rows and last else None
            )
            if self.chat_id is not None:
                await self.services.client.send_message(body, chat_id=self.chat_id)
            else:
                await self.services.client.send_message(
                    body, user_id=self.user.user_id, otherwise=self.otherwise, then=self.then
                )

    async def say(
        self, key: str, buttons: Sequence[Sequence[Button]] = (), **params: object
    ) -> None:
        await self.reply(self.t(key, **params), buttons)

    async def answer_press(self, text: str, *, message: NewMessageBody | None) -> None:
        """The toast after a press, replacing the pressed message with ``message``."""
        if self.callback_id is not None:
            await self.services.client.answer_callback(
                self.callback_id, message=message, notification=text[:200]
            )
            self.callback_id = None

    async def notify(self, text: str) -> None:
        """The short toast after a button press (no-op outside a press)."""
        if self.callback_id is not None:
            await self.services.client.answer_callback(self.callback_id, notification=text[:200])
            self.callback_id = None

    # --- dialog state ----------------------------------------------------------------

    @property
    def dialog_key(self) -> str:
        return DIALOG_KEY.format(user_id=self.user.user_id)

    async def set_dialog(self, name: str, **data: Any) -> None:
        await self.services.state.save(
            self.dialog_key, {"dialog": name, **data}, self.services.dialog_timeout
        )

    async def end_dialog(self) -> None:
        await self.services.state.delete(self.dialog_key)

    # --- team context ----------------------------------------------------------------

    async def teams(self) -> list[Team]:
        return await self.services.people.teams_of(self.user.user_id)

    async def current_team(self) -> Team | None:
        """The team a command is for (a linked chat's, the one chosen last, or the only
        one); None when a choice is needed."""
        return await self.services.users.current_team(self.user, chat_id=self.chat_id)

    async def role_in(self, team: Team) -> Role | None:
        return await self.services.people.role_of(team.id, self.user.user_id)


Handler = Callable[[Ctx], Awaitable[None]]
