"""Messages, chats and callbacks, as MAX sends them, and the bodies we send.

Parts of a message or chat the product never reads - a message's markup, the message it
forwards or answers (``link``), its stats, a chat's icon and pinned message - are kept as
the plain JSON MAX sent rather than as models: each model class costs ~25-30 KiB resident,
and a typed ``link`` or ``pinned_message`` would build the message and attachment shapes
again inside every model that embeds a Message (issue 12). Replies and forwards are never
sent, so a new message's ``link`` is always null.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from .attachments import Attachment, AttachmentRequest
from .users import Int64, RequestModel, ResponseModel, User, UserWithPhoto

MAX_TEXT_LENGTH = 4000

TextFormat = Literal["markdown", "html"]

# The official ChatType enum lists only "chat"; real values also include "dialog" and
# "channel", and more may come, so chat types stay plain strings.
CHAT_TYPE_DIALOG = "dialog"
CHAT_TYPE_CHAT = "chat"
CHAT_TYPE_CHANNEL = "channel"


class Recipient(ResponseModel):
    chat_id: Int64 | None = None
    chat_type: str | None = None
    user_id: Int64 | None = None


class MessageBody(ResponseModel):
    mid: str
    seq: Int64 | None = None
    text: str | None = None
    attachments: list[Attachment] | None = None
    markup: list[dict[str, Any]] | None = None


class Message(ResponseModel):
    sender: User | None = None
    recipient: Recipient
    timestamp: Int64
    link: dict[str, Any] | None = None
    body: MessageBody
    stat: dict[str, Any] | None = None
    url: str | None = None

    @property
    def mid(self) -> str:
        return self.body.mid


class Chat(ResponseModel):
    chat_id: Int64
    type: str
    status: str = "active"
    title: str | None = None
    icon: dict[str, Any] | None = None
    last_event_time: Int64 | None = None
    participants_count: Int64 | None = None
    owner_id: Int64 | None = None
    participants: dict[str, int] | None = None
    is_public: bool = False
    link: str | None = None
    description: str | None = None
    dialog_with_user: UserWithPhoto | None = None
    messages_count: Int64 | None = None
    pinned_message: dict[str, Any] | None = None


class SendMessageResult(ResponseModel):
    message: Message


class Callback(ResponseModel):
    timestamp: Int64
    callback_id: str
    payload: str | None = None
    user: User


class NewMessageBody(RequestModel):
    """A message to send (POST /messages) or the new content of one (PUT /messages)."""

    text: str | None = Field(default=None, max_length=MAX_TEXT_LENGTH)
    attachments: list[AttachmentRequest] | None = None
    # The schema's NewMessageLink (reply to / forward a message): the product sends neither.
    link: None = None
    notify: bool | None = None
    format: TextFormat | None = None

    @model_serializer(mode="wrap")
    def _keep_required_nulls(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # The schema lists text, attachments and link as required-but-nullable, so with
        # exclude_none they must come back as explicit nulls for the body to validate.
        data: dict[str, Any] = handler(self)
        for key in ("text", "attachments", "link"):
            data.setdefault(key, None)
        return data


class CallbackAnswer(RequestModel):
    """Answer to a button press: a replacement message and/or a one-off notification."""

    message: NewMessageBody | None = None
    notification: str | None = None
