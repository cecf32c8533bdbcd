"""Real-shaped MAX payloads (field names and nesting as the API sends them)."""

from __future__ import annotations

from typing import Any

TS = 1_767_225_600_000


def user(user_id: int = 101, first_name: str = "Анна", **extra: Any) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "first_name": first_name,
        "last_name": "Петрова",
        "username": None,
        "is_bot": False,
        "last_activity_time": TS - 1000,
        "name": first_name,
        **extra,
    }


def message(
    *,
    mid: str = "mid.0000000000abcdef",
    text: str | None = "/start",
    chat_id: int = 555,
    chat_type: str = "dialog",
    attachments: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "sender": user(),
        "recipient": {"chat_id": chat_id, "chat_type": chat_type, "user_id": 202},
        "timestamp": TS,
        "body": {
            "mid": mid,
            "seq": 115_000_000_000,
            "text": text,
            "attachments": attachments,
            "markup": [{"type": "strong", "from": 0, "length": 3}],
        },
        "stat": None,
        "url": None,
    }


KEYBOARD = {
    "type": "inline_keyboard",
    "payload": {
        "buttons": [
            [
                {
                    "type": "callback",
                    "text": "Приду",
                    "payload": "rsvp:42:yes",
                    "intent": "positive",
                },
                {"type": "callback", "text": "Не приду", "payload": "rsvp:42:no"},
            ],
            [{"type": "link", "text": "Сайт", "url": "https://example.com"}],
            [{"type": "hologram", "text": "Из будущего", "depth": 3}],
        ]
    },
    "callback_id": "kbd.1",
}


def message_created(**extra: Any) -> dict[str, Any]:
    return {
        "update_type": "message_created",
        "timestamp": TS,
        "message": message(),
        "user_locale": "ru",
        **extra,
    }


def message_callback() -> dict[str, Any]:
    return {
        "update_type": "message_callback",
        "timestamp": TS,
        "callback": {
            "timestamp": TS,
            "callback_id": "f9LHodD0cOI5yHbXf9zN1gIRAAAAAAA",
            "payload": "rsvp:42:yes",
            "user": user(),
        },
        "message": message(text="Завтра в 10:00", attachments=[KEYBOARD]),
        "user_locale": "ru",
    }


def bot_started(chat_id: int = 555, user_id: int = 101) -> dict[str, Any]:
    return {
        "update_type": "bot_started",
        "timestamp": TS,
        "chat_id": chat_id,
        "user": user(user_id),
        "payload": "team-invite-abc",
        "user_locale": "ru",
    }


def chat(chat_type: str = "chat", **extra: Any) -> dict[str, Any]:
    return {
        "chat_id": -68_000_000_001,
        "type": chat_type,
        "status": "active",
        "title": "Команда",
        "icon": None,
        "last_event_time": TS,
        "participants_count": 7,
        "owner_id": 101,
        "participants": None,
        "is_public": False,
        "link": None,
        "description": None,
        **extra,
    }


ALL_UPDATES: list[dict[str, Any]] = [
    message_created(),
    message_callback(),
    {"update_type": "message_edited", "timestamp": TS, "message": message(text="edited")},
    {
        "update_type": "message_removed",
        "timestamp": TS,
        "message_id": "mid.1",
        "chat_id": 555,
        "user_id": 101,
    },
    {
        "update_type": "bot_added",
        "timestamp": TS,
        "chat_id": -1,
        "user": user(),
        "is_channel": False,
    },
    {
        "update_type": "bot_removed",
        "timestamp": TS,
        "chat_id": -1,
        "user": user(),
        "is_channel": True,
    },
    bot_started(),
    {"update_type": "bot_stopped", "timestamp": TS, "chat_id": 555, "user": user()},
    {"update_type": "dialog_removed", "timestamp": TS, "chat_id": 555, "user": user()},
    {
        "update_type": "dialog_muted",
        "timestamp": TS,
        "chat_id": 555,
        "user": user(),
        "muted_until": TS + 3_600_000,
    },
    {"update_type": "dialog_unmuted", "timestamp": TS, "chat_id": 555, "user": user()},
    {"update_type": "dialog_cleared", "timestamp": TS, "chat_id": 555, "user": user()},
    {
        "update_type": "user_added",
        "timestamp": TS,
        "chat_id": -1,
        "user": user(7),
        "inviter_id": 101,
        "is_channel": False,
    },
    {
        "update_type": "user_removed",
        "timestamp": TS,
        "chat_id": -1,
        "user": user(7),
        "admin_id": 101,
        "is_channel": False,
    },
    {
        "update_type": "chat_title_changed",
        "timestamp": TS,
        "chat_id": -1,
        "user": user(),
        "title": "Новое имя",
    },
    {
        "update_type": "message_chat_created",
        "timestamp": TS,
        "chat": chat(),
        "message_id": "mid.2",
        "start_payload": None,
    },
]
