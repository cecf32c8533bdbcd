"""Messages, chats and callbacks, as MAX sends them, and the bodies we send."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from .attachments import Attachment, AttachmentRequest
from .users import Int64, RequestModel, ResponseModel, User, UserWithPhoto

MAX_TEXT_LENGTH = 4000

TextFormat = Literal["markdown", "html"]
MessageLinkType = Literal["forward", "reply"]

# The official ChatType enum lists only "chat"; real values also include "dialog" and
# "channel", and more may come, so chat types stay plain strings.
CHAT_TYPE_DIALOG = "dialog"
CHAT_TYPE_CHAT = "chat"
CHAT_TYPE_CHANNEL = "channel"


class Image(ResponseModel):
    url: str


class Recipient(ResponseModel):
    chat_id: Int64 | None = None
    chat_type: str | None = None
    user_id: Int64 | None = None


class MarkupElement(ResponseModel):
    type: str
    from_: Int64 = Field(alias="from")
    length: Int64


class MessageBody(ResponseModel):
    mid: str
    seq: Int64 | None = None
    text: str | None = None
    attachments: list[Attachment] | None = None
    markup: list[MarkupElement] | None = None


class LinkedMessage(ResponseModel):
    type: str
    sender: User | None = None
    chat_id: Int64 | None = None
    message: MessageBody


class MessageStat(ResponseModel):
    views: Int64 = 0


class Message(ResponseModel):
    sender: User | None = None
    recipient: Recipient
    timestamp: Int64
    link: LinkedMessage | None = None
    body: MessageBody
    stat: MessageStat | None = None
    url: str | None = None

    @property
    def mid(self) -> str:
        return self.body.mid


class Chat(ResponseModel):
    chat_id: Int64
    type: str
    status: str = "active"
    title: str | None = None
    icon: Image | None = None
    last_event_time: Int64 | None = None
    participants_count: Int64 | None = None
    owner_id: Int64 | None = None
    participants: dict[str, int] | None = None
    is_public: bool = False
    link: str | None = None
    description: str | None = None
    dialog_with_user: UserWithPhoto | None = None
    messages_count: Int64 | None = None
    pinned_message: Message | None = None


class SendMessageResult(ResponseModel):
    message: Message


class Callback(ResponseModel):
    timestamp: Int64
    callback_id: str
    payload: str | None = None
    user: User


class NewMessageLink(RequestModel):
    type: MessageLinkType
    mid: str = Field(min_length=1)


class NewMessageBody(RequestModel):
    """A message to send (POST /messages) or the new content of one (PUT /messages)."""

    text: str | None = Field(default=None, max_length=MAX_TEXT_LENGTH)
    attachments: list[AttachmentRequest] | None = None
    link: NewMessageLink | None = None
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
