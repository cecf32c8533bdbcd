"""Updates (events) MAX delivers by long polling or webhook.

``Update`` is a union discriminated on ``update_type``; a type the bot does not act on
(:data:`KNOWN_UPDATE_TYPES` says which MAX documents) or does not know parses into
``UnknownUpdate`` so a new MAX event never breaks intake. Use :func:`parse_update` on one raw
dict at a time so one malformed update cannot lose its batch.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Tag, TypeAdapter

from .messages import Callback, Message
from .users import Int64, ResponseModel, User


class UpdateBase(ResponseModel):
    update_type: str
    timestamp: Int64

    def ids(self) -> dict[str, int | str]:
        """Identifiers worth logging (chat, user, message, callback) — never message text."""
        found: dict[str, int | str] = {}
        for name in ("chat_id", "user_id", "message_id"):
            value = getattr(self, name, None)
            if isinstance(value, int | str):
                found[name] = value
        user = getattr(self, "user", None)
        if isinstance(user, User):
            found.setdefault("user_id", user.user_id)
        message = getattr(self, "message", None)
        if isinstance(message, Message):
            found.setdefault("message_id", message.body.mid)
            if message.recipient.chat_id is not None:
                found.setdefault("chat_id", message.recipient.chat_id)
            if message.sender is not None:
                found.setdefault("user_id", message.sender.user_id)
        callback = getattr(self, "callback", None)
        if isinstance(callback, Callback):
            found["callback_id"] = callback.callback_id
            found.setdefault("user_id", callback.user.user_id)
        return found


class MessageCreatedUpdate(UpdateBase):
    update_type: Literal["message_created"] = "message_created"
    message: Message
    user_locale: str | None = None


class MessageCallbackUpdate(UpdateBase):
    update_type: Literal["message_callback"] = "message_callback"
    callback: Callback
    message: Message | None = None
    user_locale: str | None = None


class BotAddedToChatUpdate(UpdateBase):
    update_type: Literal["bot_added"] = "bot_added"
    chat_id: Int64
    # Since 2026 MAX may leave out who added the bot.
    user: User | None = None
    is_channel: bool = False


class BotRemovedFromChatUpdate(UpdateBase):
    update_type: Literal["bot_removed"] = "bot_removed"
    chat_id: Int64
    user: User
    is_channel: bool = False


class BotStartedUpdate(UpdateBase):
    update_type: Literal["bot_started"] = "bot_started"
    chat_id: Int64
    user: User
    payload: str | None = None
    user_locale: str | None = None


class BotStoppedUpdate(UpdateBase):
    update_type: Literal["bot_stopped"] = "bot_stopped"
    chat_id: Int64
    user: User
    user_locale: str | None = None


class DialogRemovedUpdate(UpdateBase):
    update_type: Literal["dialog_removed"] = "dialog_removed"
    chat_id: Int64
    user: User
    user_locale: str | None = None


class UserAddedToChatUpdate(UpdateBase):
    update_type: Literal["user_added"] = "user_added"
    chat_id: Int64
    user: User
    inviter_id: Int64 | None = None
    is_channel: bool = False


class UserRemovedFromChatUpdate(UpdateBase):
    update_type: Literal["user_removed"] = "user_removed"
    chat_id: Int64
    user: User
    admin_id: Int64 | None = None
    is_channel: bool = False


class UnknownUpdate(UpdateBase):
    """An update type this code does not know yet; all fields are kept as extras."""


KNOWN_UPDATE_TYPES = frozenset(
    {
        "message_created",
        "message_callback",
        "message_edited",
        "message_removed",
        "bot_added",
        "bot_removed",
        "bot_started",
        "bot_stopped",
        "dialog_muted",
        "dialog_unmuted",
        "dialog_cleared",
        "dialog_removed",
        "user_added",
        "user_removed",
        "chat_title_changed",
        "message_chat_created",
    }
)
"""The update types MAX documents (what /metrics counts by name).  Those the bot acts on
have a model of their own; the others (an edited or removed message, a muted, unmuted or
cleared dialog, a renamed chat, a chat created from a button) parse into
``UnknownUpdate`` with all their fields, as does a type MAX adds later: nothing here reads
them, and each model is memory an idle instance keeps (issue 12)."""

_TYPED = frozenset(
    {
        "message_created",
        "message_callback",
        "bot_added",
        "bot_removed",
        "bot_started",
        "bot_stopped",
        "dialog_removed",
        "user_added",
        "user_removed",
    }
)


def _update_tag(value: Any) -> str:
    kind = (
        value.get("update_type") if isinstance(value, dict) else getattr(value, "update_type", None)
    )
    return kind if isinstance(kind, str) and kind in _TYPED else "unknown"


Update = Annotated[
    Annotated[MessageCreatedUpdate, Tag("message_created")]
    | Annotated[MessageCallbackUpdate, Tag("message_callback")]
    | Annotated[BotAddedToChatUpdate, Tag("bot_added")]
    | Annotated[BotRemovedFromChatUpdate, Tag("bot_removed")]
    | Annotated[BotStartedUpdate, Tag("bot_started")]
    | Annotated[BotStoppedUpdate, Tag("bot_stopped")]
    | Annotated[DialogRemovedUpdate, Tag("dialog_removed")]
    | Annotated[UserAddedToChatUpdate, Tag("user_added")]
    | Annotated[UserRemovedFromChatUpdate, Tag("user_removed")]
    | Annotated[UnknownUpdate, Tag("unknown")],
    Discriminator(_update_tag),
]

_UPDATE_ADAPTER: TypeAdapter[Update] = TypeAdapter(Update)


def parse_update(raw: Any) -> Update:
    """Parse one update dict (from GET /updates or a webhook body).

    :raises pydantic.ValidationError: if a known update type is malformed.
    """
    return _UPDATE_ADAPTER.validate_python(raw)


class UpdateList(ResponseModel):
    """The raw GET /updates answer; updates stay unparsed so each is parsed on its own."""

    updates: list[Any]
    marker: Int64 | None = None
