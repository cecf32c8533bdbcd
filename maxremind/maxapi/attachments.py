"""Buttons, keyboards and attachments: what MAX sends (``Attachment``) and what we send
(``AttachmentRequest``), plus helpers to build an inline keyboard.

Unions are discriminated on ``type``. Received buttons and attachments of a type we do not
know parse into ``UnknownButton`` / ``UnknownAttachment`` rather than failing the whole
message, because MAX adds types over time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from .users import RequestModel, ResponseModel, SharedModel, User

MAX_BUTTON_TEXT = 128
MAX_CALLBACK_PAYLOAD = 1024
MAX_LINK_URL = 2048


def _tag_by_type(known: Iterable[str]) -> Callable[[Any], str]:
    names = frozenset(known)

    def tag(value: Any) -> str:
        kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
        return kind if isinstance(kind, str) and kind in names else "unknown"

    return tag


# --- buttons -------------------------------------------------------------------------------

ButtonText = Annotated[str, Field(min_length=1, max_length=MAX_BUTTON_TEXT)]


class CallbackButton(SharedModel):
    type: Literal["callback"] = "callback"
    text: ButtonText
    payload: str = Field(max_length=MAX_CALLBACK_PAYLOAD)


class LinkButton(SharedModel):
    type: Literal["link"] = "link"
    text: ButtonText
    url: str = Field(min_length=1, max_length=MAX_LINK_URL)


class RequestContactButton(SharedModel):
    type: Literal["request_contact"] = "request_contact"
    text: ButtonText


class RequestGeoLocationButton(SharedModel):
    type: Literal["request_geo_location"] = "request_geo_location"
    text: ButtonText
    quick: bool | None = None


class OpenAppButton(SharedModel):
    type: Literal["open_app"] = "open_app"
    text: ButtonText
    web_app: str | None = None
    contact_id: int | None = None
    payload: str | None = None


class MessageButton(SharedModel):
    """Sends ``text`` into the chat on the user's behalf."""

    type: Literal["message"] = "message"
    text: ButtonText


class ClipboardButton(SharedModel):
    type: Literal["clipboard"] = "clipboard"
    text: ButtonText
    payload: str = Field(max_length=MAX_CALLBACK_PAYLOAD)


class UnknownButton(ResponseModel):
    type: str
    text: str = ""


_BUTTON_TYPES = (
    "callback",
    "link",
    "request_contact",
    "request_geo_location",
    "open_app",
    "message",
    "clipboard",
)

Button = Annotated[
    Annotated[CallbackButton, Tag("callback")]
    | Annotated[LinkButton, Tag("link")]
    | Annotated[RequestContactButton, Tag("request_contact")]
    | Annotated[RequestGeoLocationButton, Tag("request_geo_location")]
    | Annotated[OpenAppButton, Tag("open_app")]
    | Annotated[MessageButton, Tag("message")]
    | Annotated[ClipboardButton, Tag("clipboard")]
    | Annotated[UnknownButton, Tag("unknown")],
    Discriminator(_tag_by_type(_BUTTON_TYPES)),
]


class Keyboard(SharedModel):
    buttons: list[list[Button]]


# --- received attachments --------------------------------------------------------------------


class PhotoAttachmentPayload(ResponseModel):
    photo_id: int | None = None
    token: str | None = None
    url: str | None = None


class MediaAttachmentPayload(ResponseModel):
    url: str | None = None
    token: str | None = None


class StickerAttachmentPayload(ResponseModel):
    url: str | None = None
    code: str | None = None


class ContactAttachmentPayload(ResponseModel):
    vcf_info: str | None = None
    hash: str | None = None
    max_info: User | None = None


class ShareAttachmentPayload(ResponseModel):
    url: str | None = None
    token: str | None = None


class PhotoAttachment(ResponseModel):
    type: Literal["image"] = "image"
    payload: PhotoAttachmentPayload


class VideoAttachment(ResponseModel):
    type: Literal["video"] = "video"
    payload: MediaAttachmentPayload
    width: int | None = None
    height: int | None = None
    duration: int | None = None


class AudioAttachment(ResponseModel):
    type: Literal["audio"] = "audio"
    payload: MediaAttachmentPayload
    transcription: str | None = None


class FileAttachment(ResponseModel):
    type: Literal["file"] = "file"
    payload: MediaAttachmentPayload
    filename: str | None = None
    size: int | None = None


class StickerAttachment(ResponseModel):
    type: Literal["sticker"] = "sticker"
    payload: StickerAttachmentPayload
    width: int | None = None
    height: int | None = None


class ContactAttachment(ResponseModel):
    type: Literal["contact"] = "contact"
    payload: ContactAttachmentPayload


class InlineKeyboardAttachment(ResponseModel):
    type: Literal["inline_keyboard"] = "inline_keyboard"
    payload: Keyboard


class ShareAttachment(ResponseModel):
    type: Literal["share"] = "share"
    payload: ShareAttachmentPayload
    title: str | None = None
    description: str | None = None
    image_url: str | None = None


class LocationAttachment(ResponseModel):
    type: Literal["location"] = "location"
    latitude: float
    longitude: float


class UnknownAttachment(ResponseModel):
    type: str


_ATTACHMENT_TYPES = (
    "image",
    "video",
    "audio",
    "file",
    "sticker",
    "contact",
    "inline_keyboard",
    "share",
    "location",
)

Attachment = Annotated[
    Annotated[PhotoAttachment, Tag("image")]
    | Annotated[VideoAttachment, Tag("video")]
    | Annotated[AudioAttachment, Tag("audio")]
    | Annotated[FileAttachment, Tag("file")]
    | Annotated[StickerAttachment, Tag("sticker")]
    | Annotated[ContactAttachment, Tag("contact")]
    | Annotated[InlineKeyboardAttachment, Tag("inline_keyboard")]
    | Annotated[ShareAttachment, Tag("share")]
    | Annotated[LocationAttachment, Tag("location")]
    | Annotated[UnknownAttachment, Tag("unknown")],
    Discriminator(_tag_by_type(_ATTACHMENT_TYPES)),
]


# --- attachments we send ---------------------------------------------------------------------


class UploadedInfo(RequestModel):
    """What an upload gives back; goes into a video/audio/file attachment as ``payload``."""

    token: str | None = None


class PhotoToken(RequestModel):
    token: str


class PhotoAttachmentRequestPayload(RequestModel):
    """Exactly one of ``url`` (MAX fetches it), ``token`` or ``photos`` (from an upload)."""

    url: str | None = Field(default=None, min_length=1)
    token: str | None = None
    photos: dict[str, PhotoToken] | None = None


class PhotoAttachmentRequest(RequestModel):
    type: Literal["image"] = "image"
    payload: PhotoAttachmentRequestPayload


class VideoAttachmentRequest(RequestModel):
    type: Literal["video"] = "video"
    payload: UploadedInfo


class AudioAttachmentRequest(RequestModel):
    type: Literal["audio"] = "audio"
    payload: UploadedInfo


class FileAttachmentRequest(RequestModel):
    type: Literal["file"] = "file"
    payload: UploadedInfo


class StickerAttachmentRequestPayload(RequestModel):
    code: str


class StickerAttachmentRequest(RequestModel):
    type: Literal["sticker"] = "sticker"
    payload: StickerAttachmentRequestPayload


class ContactAttachmentRequestPayload(RequestModel):
    name: str | None
    contact_id: int | None = None
    vcf_info: str | None = None
    vcf_phone: str | None = None


class ContactAttachmentRequest(RequestModel):
    type: Literal["contact"] = "contact"
    payload: ContactAttachmentRequestPayload


class InlineKeyboardAttachmentRequest(RequestModel):
    type: Literal["inline_keyboard"] = "inline_keyboard"
    payload: Keyboard


class LocationAttachmentRequest(RequestModel):
    type: Literal["location"] = "location"
    latitude: float
    longitude: float


class ShareAttachmentRequestPayload(RequestModel):
    url: str | None = Field(default=None, min_length=1)
    token: str | None = None


class ShareAttachmentRequest(RequestModel):
    type: Literal["share"] = "share"
    payload: ShareAttachmentRequestPayload


AttachmentRequest = Annotated[
    PhotoAttachmentRequest
    | VideoAttachmentRequest
    | AudioAttachmentRequest
    | FileAttachmentRequest
    | StickerAttachmentRequest
    | ContactAttachmentRequest
    | InlineKeyboardAttachmentRequest
    | LocationAttachmentRequest
    | ShareAttachmentRequest,
    Field(discriminator="type"),
]


# --- keyboard helpers ------------------------------------------------------------------------


def callback_button(text: str, payload: str) -> CallbackButton:
    return CallbackButton(text=text, payload=payload)


def link_button(text: str, url: str) -> LinkButton:
    return LinkButton(text=text, url=url)


def inline_keyboard(*rows: Sequence[Button]) -> InlineKeyboardAttachmentRequest:
    """An inline keyboard attachment, one argument per row of buttons.

    ``inline_keyboard([callback_button("Да", "yes"), callback_button("Нет", "no")],
    [link_button("Сайт", "https://example.com")])``
    """
    grid = [list(row) for row in rows if row]
    if not grid:
        raise ValueError("an inline keyboard needs at least one button")
    return InlineKeyboardAttachmentRequest(payload=Keyboard(buttons=grid))
