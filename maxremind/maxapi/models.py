"""Pydantic models shaped like the official MAX Bot API schema (one import point).

The shapes live in ``users``, ``attachments``, ``messages`` and ``updates``; the small
result and subscription shapes live here. Import from this module.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .attachments import (
    Attachment,
    AttachmentRequest,
    AudioAttachmentRequest,
    Button,
    CallbackButton,
    FileAttachment,
    FileAttachmentRequest,
    InlineKeyboardAttachment,
    InlineKeyboardAttachmentRequest,
    Keyboard,
    LinkButton,
    OpenAppButton,
    PhotoAttachmentRequest,
    PhotoAttachmentRequestPayload,
    PhotoToken,
    UnknownAttachment,
    UnknownButton,
    UploadedInfo,
    VideoAttachmentRequest,
    callback_button,
    inline_keyboard,
    link_button,
)
from .messages import (
    CHAT_TYPE_CHANNEL,
    CHAT_TYPE_CHAT,
    CHAT_TYPE_DIALOG,
    MAX_TEXT_LENGTH,
    Callback,
    CallbackAnswer,
    Chat,
    Message,
    MessageBody,
    NewMessageBody,
    Recipient,
    SendMessageResult,
    TextFormat,
)
from .updates import (
    BotAddedToChatUpdate,
    BotRemovedFromChatUpdate,
    BotStartedUpdate,
    BotStoppedUpdate,
    DialogRemovedUpdate,
    MessageCallbackUpdate,
    MessageCreatedUpdate,
    UnknownUpdate,
    Update,
    UpdateBase,
    UpdateList,
    UserAddedToChatUpdate,
    UserRemovedFromChatUpdate,
    parse_update,
)
from .users import (
    BotCommand,
    BotCommandList,
    BotCommandsPatch,
    BotInfo,
    ChatMember,
    ChatMembersList,
    NewBotCommand,
    RequestModel,
    ResponseModel,
    User,
    UserWithPhoto,
)

UploadType = Literal["image", "video", "audio", "file"]


class SimpleQueryResult(ResponseModel):
    success: bool
    message: str | None = None


class Subscription(ResponseModel):
    url: str
    time: int | None = None
    update_types: list[str] | None = None


class GetSubscriptionsResult(ResponseModel):
    subscriptions: list[Subscription] = Field(default_factory=list)


class SubscriptionRequestBody(RequestModel):
    url: str = Field(min_length=1)
    update_types: list[str] | None = None
    # MAX echoes it in the X-Max-Bot-Api-Secret header of every webhook call.
    secret: str | None = Field(default=None, pattern=r"^[a-zA-Z0-9_-]{5,256}$")


class UploadEndpoint(ResponseModel):
    url: str
    # Only video/audio uploads get their token here; image/file get it from the upload.
    token: str | None = None


__all__ = [
    "CHAT_TYPE_CHANNEL",
    "CHAT_TYPE_CHAT",
    "CHAT_TYPE_DIALOG",
    "MAX_TEXT_LENGTH",
    "Attachment",
    "AttachmentRequest",
    "AudioAttachmentRequest",
    "BotAddedToChatUpdate",
    "BotCommand",
    "BotCommandList",
    "BotCommandsPatch",
    "BotInfo",
    "BotRemovedFromChatUpdate",
    "BotStartedUpdate",
    "BotStoppedUpdate",
    "Button",
    "Callback",
    "CallbackAnswer",
    "CallbackButton",
    "Chat",
    "ChatMember",
    "ChatMembersList",
    "DialogRemovedUpdate",
    "FileAttachment",
    "FileAttachmentRequest",
    "GetSubscriptionsResult",
    "InlineKeyboardAttachment",
    "InlineKeyboardAttachmentRequest",
    "Keyboard",
    "LinkButton",
    "Message",
    "MessageBody",
    "MessageCallbackUpdate",
    "MessageCreatedUpdate",
    "NewBotCommand",
    "NewMessageBody",
    "OpenAppButton",
    "PhotoAttachmentRequest",
    "PhotoAttachmentRequestPayload",
    "PhotoToken",
    "Recipient",
    "RequestModel",
    "ResponseModel",
    "SendMessageResult",
    "SimpleQueryResult",
    "Subscription",
    "SubscriptionRequestBody",
    "TextFormat",
    "UnknownAttachment",
    "UnknownButton",
    "UnknownUpdate",
    "Update",
    "UpdateBase",
    "UpdateList",
    "UploadEndpoint",
    "UploadType",
    "UploadedInfo",
    "User",
    "UserAddedToChatUpdate",
    "UserRemovedFromChatUpdate",
    "UserWithPhoto",
    "VideoAttachmentRequest",
    "callback_button",
    "inline_keyboard",
    "link_button",
    "parse_update",
]
