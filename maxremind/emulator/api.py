"""Bot API operations, one function per `operationId` of the official schema.

Each handler gets the already validated request and answers `(status, body)`;
errors are raised as `EmulatorError` subclasses and shaped by the caller.
"""

from __future__ import annotations

import contextlib
import time
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


async def get_subscriptions(emu: Emulator, call: Call) -> tuple[int, JSON]:
    sub = emu.world.subscription
    items = (
        []
        if sub is None
        else [{"url": sub.url, "time": sub.time, "update_types": sub.update_types}]
    )
    return 200, {"subscriptions": items}


def _check_webhook_url(url: str) -> None:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return
    loopback = host == "localhost"
    with contextlib.suppress(ValueError):
        loopback = loopback or ip_address(host).is_loopback
    # Deviation: real MAX takes only HTTPS on port 443; plain HTTP to the local
    # machine is allowed so tests and the demo need no certificates.
    if parts.scheme == "http" and loopback:
        return
    raise BadRequest("url: webhook URL must be https:// (http:// only for loopback hosts)")


async def subscribe(emu: Emulator, call: Call) -> tuple[int, JSON]:
    url = call.body["url"]
    _check_webhook_url(url)
    types = call.body.get("update_types") or None
    emu.subscribe(Subscription(url, int(time.time() * 1000), types, call.body.get("secret")))
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
}
