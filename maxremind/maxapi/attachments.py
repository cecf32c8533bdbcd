"""Buttons, keyboards and attachments: what MAX sends (``Attachment``) and what we send
(``AttachmentRequest``), plus helpers to build an inline keyboard.

Only the shapes the product sends or reads are typed: callback, link and open_app buttons;
received file and inline_keyboard attachments; sent image, video, audio and file
attachments (what ``MaxClient.upload_file`` returns) and inline keyboards. Each typed
model class costs ~25-30 KiB resident, again inside every model that embeds the union, for
the life of the process (issue 12).

Unions are discriminated on ``type``. Every other received button or attachment - MAX's
request_contact, request_geo_location, message and clipboard buttons, image, video, audio,
sticker, contact, share and location attachments, and whatever type MAX adds later -
parses into ``UnknownButton`` / ``UnknownAttachment`` with all its fields kept as extras,
rather than failing the whole message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, SerializerFunctionWrapHandler, Tag, model_serializer

from .users import RequestModel, ResponseModel, SharedModel

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


class OpenAppButton(SharedModel):
    type: Literal["open_app"] = "open_app"
    text: ButtonText
    web_app: str | None = None
    contact_id: int | None = None
    payload: str | None = None


# The fields the official schema gives the button types not modelled here. Dumped (re-sent
# in a parsed keyboard, or the inbox's copy of an update), such a button keeps only these,
# as a modelled button (a SharedModel) keeps only its own; a type the schema does not know
# yet goes back whole, the best guess at what MAX accepts.
_UNMODELLED_BUTTON_FIELDS: dict[str, frozenset[str]] = {
    "request_contact": frozenset(),
    "request_geo_location": frozenset({"quick"}),
    "message": frozenset(),
    "clipboard": frozenset({"payload"}),
}


class UnknownButton(ResponseModel):
    """A button of a type not modelled here; all its fields (``payload``, ``quick``...)
    are kept as extras when parsed."""

    type: str
    text: str = ""

    @model_serializer(mode="wrap")
    def _schema_fields_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        known = _UNMODELLED_BUTTON_FIELDS.get(self.type)
        if known is None:
            return data
        return {k: v for k, v in data.items() if k in ("type", "text") or k in known}


_BUTTON_TYPES = ("callback", "link", "open_app")

Button = Annotated[
    Annotated[CallbackButton, Tag("callback")]
    | Annotated[LinkButton, Tag("link")]
    | Annotated[OpenAppButton, Tag("open_app")]
    | Annotated[UnknownButton, Tag("unknown")],
    Discriminator(_tag_by_type(_BUTTON_TYPES)),
]


class Keyboard(SharedModel):
    buttons: list[list[Button]]


# --- received attachments --------------------------------------------------------------------


class MediaAttachmentPayload(ResponseModel):
    url: str | None = None
    token: str | None = None


class FileAttachment(ResponseModel):
    type: Literal["file"] = "file"
    payload: MediaAttachmentPayload
    filename: str | None = None
    size: int | None = None


class InlineKeyboardAttachment(ResponseModel):
    type: Literal["inline_keyboard"] = "inline_keyboard"
    payload: Keyboard


class UnknownAttachment(ResponseModel):
    """An attachment of a type not modelled here (image, video, sticker, location...), its
    fields kept as extras."""

    type: str


_ATTACHMENT_TYPES = ("file", "inline_keyboard")

Attachment = Annotated[
    Annotated[FileAttachment, Tag("file")]
    | Annotated[InlineKeyboardAttachment, Tag("inline_keyboard")]
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


class InlineKeyboardAttachmentRequest(RequestModel):
    type: Literal["inline_keyboard"] = "inline_keyboard"
    payload: Keyboard


AttachmentRequest = Annotated[
    PhotoAttachmentRequest
    | VideoAttachmentRequest
    | AudioAttachmentRequest
    | FileAttachmentRequest
    | InlineKeyboardAttachmentRequest,
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
