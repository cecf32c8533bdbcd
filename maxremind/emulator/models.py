"""Plain records of the emulated MAX world, and the errors its operations raise."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


class EmulatorError(Exception):
    """An answer real MAX would give as an error; carries the HTTP status and code."""

    status = 400
    code = "proto.payload"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def body(self) -> JSON:
        return {"code": self.code, "message": self.message}


class BadRequest(EmulatorError, ValueError):
    status = 400
    code = "proto.payload"


class Forbidden(EmulatorError, PermissionError):
    status = 403
    code = "chat.denied"


class NotFound(EmulatorError, LookupError):
    status = 404
    code = "not.found"


class NotAllowed(EmulatorError):
    status = 405
    code = "method.not.allowed"


@dataclass
class User:
    user_id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    locale: str = "ru"
    is_bot: bool = False
    last_activity_time: int = 0
    # Dialog with the bot: None until the user first opens it.
    dialog_chat_id: int | None = None
    started: bool = False

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


@dataclass
class Member:
    user_id: int
    join_time: int
    is_owner: bool = False
    is_admin: bool = False
    # Set when the bot named the admin's rights (POST /chats/{id}/members/admins).
    permissions: list[str] | None = None
    alias: str | None = None


@dataclass
class Chat:
    chat_id: int
    type: str  # "dialog" | "chat" | "channel"
    title: str | None
    owner_id: int | None
    last_event_time: int
    members: dict[int, Member] = field(default_factory=dict)
    dialog_user_id: int | None = None
    status: str = "active"
    pinned_mid: str | None = None


@dataclass
class Press:
    user_id: int
    payload: str
    callback_id: str
    timestamp: int


@dataclass
class Notification:
    """A one-off toast from POST /answers, shown to the user who pressed."""

    id: int
    user_id: int
    mid: str
    text: str
    timestamp: int


@dataclass
class Message:
    mid: str
    seq: int
    chat_id: int
    sender_id: int
    timestamp: int
    text: str | None
    attachments: list[JSON] = field(default_factory=list)
    markup: list[JSON] | None = None
    link: JSON | None = None
    notify: bool = True
    edited_at: int | None = None
    edits: int = 0
    deleted: bool = False
    presses: list[Press] = field(default_factory=list)

    def buttons(self) -> list[JSON]:
        """Every inline keyboard button of the message, row by row."""
        found: list[JSON] = []
        for attachment in self.attachments:
            if attachment.get("type") == "inline_keyboard":
                for row in attachment.get("payload", {}).get("buttons", []):
                    found.extend(row)
        return found


@dataclass
class Callback:
    callback_id: str
    mid: str
    user_id: int
    payload: str
    timestamp: int
    answers: int = 0


@dataclass
class Upload:
    upload_id: str
    type: str  # image | video | audio | file
    token: str
    secret: str
    done: bool = False
    filename: str = "file"
    size: int = 0
    url: str = ""


@dataclass
class Subscription:
    url: str
    time: int
    update_types: list[str] | None
    secret: str | None
