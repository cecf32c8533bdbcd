"""Base model classes and the user shapes every other MAX object embeds.

Response models accept fields they do not know (MAX adds fields over time) and are lenient
about fields the schema calls required but real answers sometimes omit. Request models
forbid unknown fields, so a typo fails here instead of at MAX, and dump with
``exclude_none=True`` via :meth:`RequestModel.to_request`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]
"""MAX ids and times are int64 (the official schema says so): a larger number in an
update is malformed input, refused when the update is parsed, never passed on to the
database (which would fail on it) or to a handler."""


class ResponseModel(BaseModel):
    """Something MAX sends us."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class SharedModel(BaseModel):
    """A shape used both ways (buttons, keyboards): parsed leniently, dumped strictly.

    Unknown fields are dropped on parse so that re-sending a parsed keyboard still
    validates against the request schema.
    """

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    def to_request(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True, by_alias=True)


class RequestModel(BaseModel):
    """Something we send to MAX."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_request(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True, by_alias=True)


class User(ResponseModel):
    user_id: Int64
    first_name: str = ""
    last_name: str | None = None
    username: str | None = None
    is_bot: bool = False
    last_activity_time: Int64 | None = None
    # Deprecated by MAX ("скоро будет удалено"); kept so old payloads still carry a name.
    name: str | None = None

    @property
    def display_name(self) -> str:
        full = " ".join(p for p in (self.first_name, self.last_name) if p)
        return full or self.name or self.username or str(self.user_id)


class UserWithPhoto(User):
    avatar_url: str | None = None
    full_avatar_url: str | None = None
    description: str | None = None


class BotCommand(ResponseModel):
    name: str
    description: str | None = None


class BotInfo(UserWithPhoto):
    commands: list[BotCommand] | None = None


class NewBotCommand(RequestModel):
    """One entry of the command menu MAX clients show (``BotCommand`` in the schema):
    the name without its slash."""

    name: str = Field(min_length=1, max_length=64)
    description: str | None = Field(default=None, min_length=1, max_length=128)


class BotCommandsPatch(RequestModel):
    """The body of ``PATCH /me/commands``: the whole list (at most 32; ``[]`` clears it)."""

    commands: list[NewBotCommand] = Field(max_length=32)


class BotCommandList(ResponseModel):
    """What ``PATCH /me/commands`` answers: the bot's commands now."""

    commands: list[BotCommand] | None = None


class ChatMember(UserWithPhoto):
    last_access_time: Int64 | None = None
    is_owner: bool = False
    is_admin: bool = False
    join_time: Int64 | None = None
    # Plain strings, not an enum: MAX grows this list (see ChatAdminPermission).
    permissions: list[str] | None = None
    alias: str | None = None


class ChatMembersList(ResponseModel):
    members: list[ChatMember] = Field(default_factory=list)
    marker: Int64 | None = None
