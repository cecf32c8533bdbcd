"""Shape world records as the Bot API answers them (see the schema's components)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from maxremind.emulator.models import JSON, Chat, Member, Message, User

if TYPE_CHECKING:
    from maxremind.emulator.state import World

_ADMIN_PERMISSIONS = [
    "read_all_messages",
    "add_remove_members",
    "add_admins",
    "change_chat_info",
    "pin_message",
    "write",
]


def user(u: User) -> JSON:
    return {
        "user_id": u.user_id,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "username": u.username,
        "is_bot": u.is_bot,
        "last_activity_time": u.last_activity_time,
        "name": u.name,
    }


def bot_info(world: World) -> JSON:
    return {**user(world.bot), "commands": [dict(c) for c in world.commands] or None}


def recipient(world: World, message: Message) -> JSON:
    chat = world.chats[message.chat_id]
    if chat.type == "dialog":
        # In a dialog the recipient is the other side of the conversation.
        other = chat.dialog_user_id if message.sender_id == world.bot.user_id else world.bot.user_id
        return {"chat_id": chat.chat_id, "chat_type": "dialog", "user_id": other}
    return {"chat_id": chat.chat_id, "chat_type": chat.type, "user_id": None}


def body(message: Message) -> JSON:
    return {
        "mid": message.mid,
        "seq": message.seq,
        "text": message.text,
        "attachments": [dict(a) for a in message.attachments] or None,
        "markup": message.markup,
    }


def message(world: World, m: Message) -> JSON:
    out: JSON = {
        "sender": user(world.user_or_bot(m.sender_id)),
        "recipient": recipient(world, m),
        "timestamp": m.timestamp,
        "body": body(m),
    }
    if m.link is not None:
        linked = world.messages.get(m.link["mid"])
        if linked is not None:
            out["link"] = {
                "type": m.link["type"],
                "sender": user(world.user_or_bot(linked.sender_id)),
                "chat_id": linked.chat_id,
                "message": body(linked),
            }
    if world.chats[m.chat_id].type != "dialog":
        out["stat"] = {"views": len(world.chats[m.chat_id].members)}
    return out


def chat(world: World, c: Chat) -> JSON:
    out: JSON = {
        "chat_id": c.chat_id,
        "type": c.type,
        "status": c.status,
        "title": c.title,
        "icon": None,
        "last_event_time": c.last_event_time,
        "participants_count": len(c.members),
        "owner_id": c.owner_id,
        "is_public": False,
        "link": None,
        "description": None,
        "messages_count": sum(
            1 for m in world.messages.values() if m.chat_id == c.chat_id and not m.deleted
        ),
    }
    if c.dialog_user_id is not None:
        out["dialog_with_user"] = user(world.users[c.dialog_user_id])
    return out


def member(world: World, m: Member) -> JSON:
    return {
        **user(world.user_or_bot(m.user_id)),
        "last_access_time": m.join_time,
        "is_owner": m.is_owner,
        "is_admin": m.is_admin or m.is_owner,
        "join_time": m.join_time,
        "permissions": (m.permissions or list(_ADMIN_PERMISSIONS))
        if (m.is_admin or m.is_owner)
        else None,
        **({"alias": m.alias} if m.alias and (m.is_admin or m.is_owner) else {}),
    }
