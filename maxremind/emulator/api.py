"""Bot API operations, one function per `operationId` of the official schema.

Each handler gets the already validated request and answers `(status, body)`;
errors are raised as `EmulatorError` subclasses and shaped by the caller.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from ipaddress import ip_address
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from maxremind.emulator import render
from maxremind.emulator.models import (
    JSON,
    BadRequest,
    EmulatorError,
    NotAllowed,
    NotFound,
    Subscription,
)

if TYPE_CHECKING:
    from maxremind.emulator.app import Emulator


class TooManyRequests(EmulatorError):
    status = 429
    code = "too.many.requests"


class NotImplementedByEmulator(EmulatorError):
    status = 501
    code = "not.implemented"


@dataclass
class Call:
    path: JSON
    query: JSON
    body: Any
    base_url: str


Handler = Callable[["Emulator", Call], Awaitable[tuple[int, JSON]]]
SUCCESS: JSON = {"success": True}


async def get_my_info(emu: Emulator, call: Call) -> tuple[int, JSON]:
    return 200, render.bot_info(emu.world)


async def get_updates(emu: Emulator, call: Call) -> tuple[int, JSON]:
    if emu.world.subscription is not None:
        raise NotAllowed("Long polling is not available while a webhook subscription exists")
    types = set(call.query.get("types") or []) or None
    updates, marker = await emu.feed.get(
        call.query.get("marker"),
        call.query.get("limit", 100),
        float(call.query.get("timeout", 30)),
        types,
    )
    return 200, {"updates": updates, "marker": marker}


async def send_message(emu: Emulator, call: Call) -> tuple[int, JSON]:
    chat = emu.world.target(call.query.get("user_id"), call.query.get("chat_id"))
    if not emu.allow_chat_message(chat.chat_id):
        raise TooManyRequests(f"Too many messages to chat {chat.chat_id}; slow down")
    message = emu.world.bot_send(chat, call.body)
    emu.stats.messages_sent += 1
    return 200, {"message": render.message(emu.world, message)}


async def edit_message(emu: Emulator, call: Call) -> tuple[int, JSON]:
    emu.world.bot_edit(call.query["message_id"], call.body)
    return 200, SUCCESS


async def delete_message(emu: Emulator, call: Call) -> tuple[int, JSON]:
    emu.world.bot_delete(call.query["message_id"])
    return 200, SUCCESS


async def get_messages(emu: Emulator, call: Call) -> tuple[int, JSON]:
    world = emu.world
    if "message_ids" in call.query:
        found = []
        for mid in call.query["message_ids"]:
            message = world.messages.get(mid)
            if (
                message
                and not message.deleted
                and world.bot.user_id in world.chats[message.chat_id].members
            ):
                found.append(message)
    elif "chat_id" in call.query:
        chat = world.bot_chat(call.query["chat_id"])
        low, high = call.query.get("from"), call.query.get("to")
        found = [
            m
            for m in world.messages.values()
            if m.chat_id == chat.chat_id
            and not m.deleted
            and (low is None or m.timestamp >= low)
            and (high is None or m.timestamp <= high)
        ]
        found.sort(key=lambda m: m.seq, reverse=True)
        found = found[: call.query.get("count", 50)]
    else:
        raise BadRequest("one of `chat_id` or `message_ids` is required")
    return 200, {"messages": [render.message(world, m) for m in found]}


async def get_message_by_id(emu: Emulator, call: Call) -> tuple[int, JSON]:
    message = emu.world.message(call.path["messageId"])
    if emu.world.bot.user_id not in emu.world.chats[message.chat_id].members:
        raise NotFound(f"Message {message.mid} not found")
    return 200, render.message(emu.world, message)


async def answer_on_callback(emu: Emulator, call: Call) -> tuple[int, JSON]:
    body = call.body or {}
    emu.world.answer(call.query["callback_id"], body.get("message"), body.get("notification"))
    return 200, SUCCESS


async def get_chat(emu: Emulator, call: Call) -> tuple[int, JSON]:
    return 200, render.chat(emu.world, emu.world.bot_chat(call.path["chatId"]))


async def get_chat_by_link(emu: Emulator, call: Call) -> tuple[int, JSON]:
    raise NotFound(f"Chat {call.path['chatLink']} not found", code="chat.not.found")


async def get_chats(emu: Emulator, call: Call) -> tuple[int, JSON]:
    # Removed in June 2026; a removed route answers like any unknown path.
    raise NotFound("GET /chats is no longer supported; collect chat_id from updates")


async def get_members(emu: Emulator, call: Call) -> tuple[int, JSON]:
    chat = emu.world.bot_chat(call.path["chatId"])
    members = sorted(chat.members.values(), key=lambda m: (m.join_time, m.user_id))
    wanted = call.query.get("user_ids")
    if wanted:
        members = [m for m in members if m.user_id in set(wanted)]
    start = int(call.query.get("marker") or 0)
    count = int(call.query.get("count") or 20)
    page = members[start : start + count]
    marker = start + count if start + count < len(members) else None
    return 200, {"members": [render.member(emu.world, m) for m in page], "marker": marker}


async def get_membership(emu: Emulator, call: Call) -> tuple[int, JSON]:
    chat = emu.world.bot_chat(call.path["chatId"])
    return 200, render.member(emu.world, chat.members[emu.world.bot.user_id])


async def leave_chat(emu: Emulator, call: Call) -> tuple[int, JSON]:
    chat = emu.world.bot_chat(call.path["chatId"])
    if chat.type == "dialog":
        raise BadRequest("the bot cannot leave a dialog")
    del chat.members[emu.world.bot.user_id]
    emu.world.version += 1
    return 200, SUCCESS


async def send_action(emu: Emulator, call: Call) -> tuple[int, JSON]:
    emu.world.bot_chat(call.path["chatId"])
    return 200, SUCCESS


async def edit_my_commands(emu: Emulator, call: Call) -> tuple[int, JSON]:
    """PATCH /me/commands: the whole list is replaced; `[]` removes every command,
    no `commands` leaves them as they are (the menu MAX clients show under "/")."""
    commands = (call.body or {}).get("commands")
    if commands is not None:
        names = [c["name"] for c in commands]
        if len(set(names)) != len(names):
            raise BadRequest("commands: names must be unique")
        emu.world.commands = [dict(c) for c in commands]
        emu.world.version += 1
    return 200, {"commands": [dict(c) for c in emu.world.commands]}


async def edit_chat(emu: Emulator, call: Call) -> tuple[int, JSON]:
    chat = emu.world.edit_chat(call.path["chatId"], call.body or {})
    return 200, render.chat(emu.world, chat)


async def get_pinned_message(emu: Emulator, call: Call) -> tuple[int, JSON]:
    found = emu.world.pinned(call.path["chatId"])
    return 200, {"message": None if found is None else render.message(emu.world, found)}


async def pin_message(emu: Emulator, call: Call) -> tuple[int, JSON]:
    emu.world.pin(call.path["chatId"], call.body["message_id"])
    return 200, SUCCESS


async def unpin_message(emu: Emulator, call: Call) -> tuple[int, JSON]:
    emu.world.unpin(call.path["chatId"])
    return 200, SUCCESS


async def get_admins(emu: Emulator, call: Call) -> tuple[int, JSON]:
    chat = emu.world.admin_chat(call.path["chatId"])
    admins = sorted(
        (m for m in chat.members.values() if m.is_admin or m.is_owner),
        key=lambda m: (m.join_time, m.user_id),
    )
    return 200, {"members": [render.member(emu.world, m) for m in admins], "marker": None}


async def post_admins(emu: Emulator, call: Call) -> tuple[int, JSON]:
    emu.world.set_admins(call.path["chatId"], call.body["admins"])
    return 200, SUCCESS


async def delete_admin(emu: Emulator, call: Call) -> tuple[int, JSON]:
    emu.world.drop_admin(call.path["chatId"], call.path["userId"])
    return 200, SUCCESS


async def add_members(emu: Emulator, call: Call) -> tuple[int, JSON]:
    missing = emu.world.bot_adds_members(call.path["chatId"], list(call.body["user_ids"]))
    answer: JSON = {"success": not missing}
    if missing:
        answer["failed_user_ids"] = missing
        answer["failed_user_details"] = [
            {"error_code": "add.participant.not.found", "user_ids": missing}
        ]
    return 200, answer


async def remove_member(emu: Emulator, call: Call) -> tuple[int, JSON]:
    emu.world.bot_removes_member(call.path["chatId"], call.query["user_id"])
    return 200, SUCCESS


async def get_subscriptions(emu: Emulator, call: Call) -> tuple[int, JSON]:
    sub = emu.world.subscription
    items = (
        []
        if sub is None
        else [{"url": sub.url, "time": sub.time, "update_types": sub.update_types}]
    )
    return 200, {"subscriptions": items}


def _check_webhook_url(url: str, allow_local_http: bool) -> None:
    """MAX posts only to HTTPS on port 443 (with a certificate from a public CA).
    ``allow_local_http`` (a test switch) also takes a loopback host over plain HTTP or
    HTTPS on any port, so tests and the demo need no certificates."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:
        raise BadRequest(f"url: {url!r} has an invalid port") from None
    if parts.scheme == "https" and host and port in (None, 443):
        return
    loopback = host == "localhost"
    with contextlib.suppress(ValueError):
        loopback = loopback or ip_address(host).is_loopback
    if allow_local_http and parts.scheme in {"http", "https"} and loopback:
        return
    if parts.scheme == "https" and host:
        raise BadRequest(f"url: webhooks are delivered only to port 443, not {port}")
    raise BadRequest("url: webhook URL must be https:// on port 443")


async def subscribe(emu: Emulator, call: Call) -> tuple[int, JSON]:
    url = call.body["url"]
    _check_webhook_url(url, emu.allow_local_http_webhooks)
    types = call.body.get("update_types") or None
    emu.subscribe(Subscription(url, emu.world.now_ms(), types, call.body.get("secret")))
    return 200, SUCCESS


async def unsubscribe(emu: Emulator, call: Call) -> tuple[int, JSON]:
    sub = emu.world.subscription
    if sub is not None and sub.url == call.query["url"]:
        await emu.unsubscribe()
    return 200, SUCCESS


async def get_upload_url(emu: Emulator, call: Call) -> tuple[int, JSON]:
    upload = emu.world.new_upload(call.query["type"], call.base_url)
    answer: JSON = {"url": upload.url}
    if upload.type in {"video", "audio"}:
        # Video and audio tokens are issued up front; files and images get theirs
        # from the upload answer.
        answer["token"] = upload.token
    return 200, answer


async def get_video_details(emu: Emulator, call: Call) -> tuple[int, JSON]:
    """A video the bot uploaded: its token, where to play it, its (made-up) size."""
    upload = emu.world.uploads_by_token.get(call.path["videoToken"])
    if upload is None or upload.type != "video" or not upload.done:
        raise NotFound(f"Video {call.path['videoToken']} not found")
    return 200, {
        "token": upload.token,
        "urls": {"mp4_720": upload.url},
        "thumbnail": None,
        "width": 1280,
        "height": 720,
        "duration": 0,
    }


async def not_implemented(emu: Emulator, call: Call) -> tuple[int, JSON]:
    raise NotImplementedByEmulator("This method is not implemented by the emulator")


HANDLERS: dict[str, Handler] = {
    "getMyInfo": get_my_info,
    "getUpdates": get_updates,
    "sendMessage": send_message,
    "editMessage": edit_message,
    "deleteMessage": delete_message,
    "getMessages": get_messages,
    "getMessageById": get_message_by_id,
    "answerOnCallback": answer_on_callback,
    "getChat": get_chat,
    "getChatByLink": get_chat_by_link,
    "getChats": get_chats,
    "getMembers": get_members,
    "getMembership": get_membership,
    "leaveChat": leave_chat,
    "sendAction": send_action,
    "getSubscriptions": get_subscriptions,
    "subscribe": subscribe,
    "unsubscribe": unsubscribe,
    "getUploadUrl": get_upload_url,
    "editMyCommands": edit_my_commands,
    "editChat": edit_chat,
    "getPinnedMessage": get_pinned_message,
    "pinMessage": pin_message,
    "unpinMessage": unpin_message,
    "getAdmins": get_admins,
    "postAdmins": post_admins,
    "deleteAdmin": delete_admin,
    "addMembers": add_members,
    "removeMember": remove_member,
    "getVideoAttachmentDetails": get_video_details,
}
