"""Updates (events) MAX delivers by long polling or webhook.

``Update`` is a union discriminated on ``update_type``; a type we do not know parses into
``UnknownUpdate`` so a new MAX event never breaks intake. Use :func:`parse_update` on one raw
dict at a time so one malformed update cannot lose its batch.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Tag, TypeAdapter

from .messages import Callback, Chat, Message
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


class MessageEditedUpdate(UpdateBase):
    update_type: Literal["message_edited"] = "message_edited"
    message: Message


class MessageRemovedUpdate(UpdateBase):
    update_type: Literal["message_removed"] = "message_removed"
    message_id: str
    chat_id: Int64
    user_id: Int64


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


class DialogMutedUpdate(UpdateBase):
    update_type: Literal["dialog_muted"] = "dialog_muted"
    chat_id: Int64
    user: User
    muted_until: Int64 | None = None
    user_locale: str | None = None


class DialogUnmutedUpdate(UpdateBase):
    update_type: Literal["dialog_unmuted"] = "dialog_unmuted"
    chat_id: Int64
    user: User
    user_locale: str | None = None


class DialogClearedUpdate(UpdateBase):
    update_type: Literal["dialog_cleared"] = "dialog_cleared"
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


class ChatTitleChangedUpdate(UpdateBase):
    update_type: Literal["chat_title_changed"] = "chat_title_changed"
    chat_id: Int64
    user: User
    title: str


class MessageChatCreatedUpdate(UpdateBase):
    update_type: Literal["message_chat_created"] = "message_chat_created"
    chat: Chat
    message_id: str
    start_payload: str | None = None


class UnknownUpdate(UpdateBase):
    """An update type this code does not know yet; all fields are kept as extras."""


_KNOWN_UPDATE_TYPES = frozenset(
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


def _update_tag(value: Any) -> str:
    kind = (
        value.get("update_type") if isinstance(value, dict) else getattr(value, "update_type", None)
    )
    return kind if isinstance(kind, str) and kind in _KNOWN_UPDATE_TYPES else "unknown"


Update = Annotated[
    Annotated[MessageCreatedUpdate, Tag("message_created")]
    | Annotated[MessageCallbackUpdate, Tag("message_callback")]
    | Annotated[MessageEditedUpdate, Tag("message_edited")]
    | Annotated[MessageRemovedUpdate, Tag("message_removed")]
    | Annotated[BotAddedToChatUpdate, Tag("bot_added")]
    | Annotated[BotRemovedFromChatUpdate, Tag("bot_removed")]
    | Annotated[BotStartedUpdate, Tag("bot_started")]
    | Annotated[BotStoppedUpdate, Tag("bot_stopped")]
    | Annotated[DialogMutedUpdate, Tag("dialog_muted")]
    | Annotated[DialogUnmutedUpdate, Tag("dialog_unmuted")]
    | Annotated[DialogClearedUpdate, Tag("dialog_cleared")]
    | Annotated[DialogRemovedUpdate, Tag("dialog_removed")]
    | Annotated[UserAddedToChatUpdate, Tag("user_added")]
    | Annotated[UserRemovedFromChatUpdate, Tag("user_removed")]
    | Annotated[ChatTitleChangedUpdate, Tag("chat_title_changed")]
    | Annotated[MessageChatCreatedUpdate, Tag("message_chat_created")]
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
