"""The in-memory MAX world: one bot, its users, dialogs, group chats and messages.

Every change a user makes produces the update real MAX would send the bot, handed to
`emit`; the world does not know whether updates are polled or pushed. Bot-side
operations raise `EmulatorError` subclasses carrying the status real MAX answers.
"""

from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Callable
from typing import Any

from maxremind.emulator import attachments, render
from maxremind.emulator.models import (
    JSON,
    BadRequest,
    Callback,
    Chat,
    Forbidden,
    Member,
    Message,
    NotFound,
    Notification,
    Press,
    Subscription,
    Upload,
    User,
)

MAX_START_PAYLOAD = 512
LOCALES = {"ru", "en"}


class World:
    def __init__(
        self,
        *,
        bot_user_id: int = 5_000_001,
        bot_name: str = "Напоминалка",
        bot_username: str = "maxremind_bot",
        commands: list[JSON] | None = None,
        clock: Callable[[], float] = time.time,
        emit: Callable[[JSON], None] | None = None,
    ) -> None:
        self.clock = clock
        self.emit: Callable[[JSON], None] = emit or (lambda update: None)
        self.bot = User(bot_user_id, bot_name, username=bot_username, is_bot=True)
        self.commands: list[JSON] = list(commands or [])
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.messages: dict[str, Message] = {}
        self.callbacks: dict[str, Callback] = {}
        self.uploads: dict[str, Upload] = {}
        self.uploads_by_token: dict[str, Upload] = {}
        self.notifications: list[Notification] = []
        self.subscription: Subscription | None = None
        # Bumped on every change so the phone page can skip redrawing.
        self.version = 0
        self._user_ids = itertools.count(1_000_001)
        self._dialog_ids = itertools.count(90_000_001)
        self._group_ids = itertools.count(-70_000_000_001, -1)
        self._seq = itertools.count(100_000_000_001)
        self._notification_ids = itertools.count(1)

    # -- helpers -----------------------------------------------------------------------

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    def _changed(self) -> None:
        self.version += 1

    def user(self, user_id: int) -> User:
        found = self.users.get(user_id)
        if found is None:
            raise NotFound(f"User {user_id} not found")
        return found

    def user_or_bot(self, user_id: int) -> User:
        return self.bot if user_id == self.bot.user_id else self.user(user_id)

    def chat(self, chat_id: int) -> Chat:
        found = self.chats.get(chat_id)
        if found is None:
            raise NotFound(f"Chat {chat_id} not found", code="chat.not.found")
        return found

    def message(self, mid: str) -> Message:
        found = self.messages.get(mid)
        if found is None or found.deleted:
            raise NotFound(f"Message {mid} not found")
        return found

    def _update(self, kind: str, **fields: Any) -> JSON:
        update: JSON = {"update_type": kind, "timestamp": self.now_ms(), **fields}
        self.emit(update)
        self._changed()
        return update

    def _new_message(self, chat: Chat, sender_id: int, text: str | None) -> Message:
        seq = next(self._seq)
        mid = f"mid.{chat.chat_id & 0xFFFFFFFFFFFFFFFF:016x}{seq:016x}"
        now = self.now_ms()
        message = Message(mid, seq, chat.chat_id, sender_id, now, text)
        self.messages[mid] = message
        chat.last_event_time = now
        return message

    # -- users (the phone side) --------------------------------------------------------

    def create_user(
        self,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        locale: str = "ru",
        user_id: int | None = None,
    ) -> User:
        if not first_name.strip():
            raise BadRequest("name must not be empty")
        if locale not in LOCALES:
            raise BadRequest(f"locale must be one of {sorted(LOCALES)}")
        uid = user_id if user_id is not None else next(self._user_ids)
        if uid in self.users or uid == self.bot.user_id:
            raise BadRequest(f"user id {uid} is taken")
        user = User(uid, first_name.strip(), last_name, username, locale)
        user.last_activity_time = self.now_ms()
        self.users[uid] = user
        self._changed()
        return user

    def _dialog(self, user: User) -> Chat:
        if user.dialog_chat_id is None:
            chat_id = next(self._dialog_ids)
            self.chats[chat_id] = Chat(
                chat_id,
                "dialog",
                None,
                None,
                self.now_ms(),
                members={
                    user.user_id: Member(user.user_id, self.now_ms()),
                    self.bot.user_id: Member(self.bot.user_id, self.now_ms()),
                },
                dialog_user_id=user.user_id,
            )
            user.dialog_chat_id = chat_id
        return self.chats[user.dialog_chat_id]

    def start_bot(self, user_id: int, payload: str | None = None) -> JSON:
        """The user presses Start (or opens a deep link `?start=<payload>`)."""
        user = self.user(user_id)
        if payload is not None and len(payload) > MAX_START_PAYLOAD:
            raise BadRequest(f"start payload is longer than {MAX_START_PAYLOAD} characters")
        chat = self._dialog(user)
        chat.status = "active"
        user.started = True
        user.last_activity_time = self.now_ms()
        return self._update(
            "bot_started",
            chat_id=chat.chat_id,
            user=render.user(user),
            payload=payload,
            user_locale=user.locale,
        )

    def stop_bot(self, user_id: int) -> JSON:
        user = self.user(user_id)
        chat = self._dialog(user)
        user.started = False
        return self._update(
            "bot_stopped", chat_id=chat.chat_id, user=render.user(user), user_locale=user.locale
        )

    def remove_dialog(self, user_id: int) -> list[JSON]:
        """Deleting the dialog also stops the bot; real MAX sends both updates."""
        user = self.user(user_id)
        chat = self._dialog(user)
        stopped = self.stop_bot(user_id)
        for message in self.messages.values():
            if message.chat_id == chat.chat_id:
                message.deleted = True
        removed = self._update(
            "dialog_removed", chat_id=chat.chat_id, user=render.user(user), user_locale=user.locale
        )
        return [stopped, removed]

    def _user_message(self, chat: Chat, user: User, text: str) -> Message:
        if not text.strip():
            raise BadRequest("text must not be empty")
        if len(text) > 4000:
            raise BadRequest("text is longer than 4000 characters")
        user.last_activity_time = self.now_ms()
        message = self._new_message(chat, user.user_id, text)
        self._update(
            "message_created", message=render.message(self, message), user_locale=user.locale
        )
        return message

    def send_to_bot(self, user_id: int, text: str) -> Message:
        user = self.user(user_id)
        if not user.started or user.dialog_chat_id is None:
            raise Forbidden(
                "the user has not started the bot; start it first", "dialog.not.started"
            )
        return self._user_message(self.chats[user.dialog_chat_id], user, text)

    def send_to_chat(self, chat_id: int, user_id: int, text: str) -> Message:
        chat = self.chat(chat_id)
        user = self.user(user_id)
        if chat.type == "dialog" or user_id not in chat.members:
            raise Forbidden(f"user {user_id} is not a member of chat {chat_id}")
        if self.bot.user_id not in chat.members:
            # The bot never hears chats it is not in, but the message still exists.
            message = self._new_message(chat, user_id, text)
            self._changed()
            return message
        return self._user_message(chat, user, text)

    def press(self, user_id: int, mid: str, payload: str) -> Callback:
        """The user presses the callback button with `payload` on a bot message."""
        user = self.user(user_id)
        message = self.message(mid)
        chat = self.chats[message.chat_id]
        if user_id not in chat.members or message.sender_id != self.bot.user_id:
            raise Forbidden(f"user {user_id} cannot see message {mid}")
        if not any(
            b.get("type") == "callback" and b.get("payload") == payload for b in message.buttons()
        ):
            raise NotFound(f"message {mid} has no callback button with payload {payload!r}")
        now = self.now_ms()
        callback = Callback(f"cb.{secrets.token_hex(12)}", mid, user_id, payload, now)
        self.callbacks[callback.callback_id] = callback
        message.presses.append(Press(user_id, payload, callback.callback_id, now))
        self._update(
            "message_callback",
            callback={
                "timestamp": now,
                "callback_id": callback.callback_id,
                "payload": payload,
                "user": render.user(user),
            },
            message=render.message(self, message),
            user_locale=user.locale,
        )
        return callback

    def create_chat(self, title: str, owner_id: int, member_ids: list[int] | None = None) -> Chat:
        owner = self.user(owner_id)
        if not title.strip():
            raise BadRequest("title must not be empty")
        now = self.now_ms()
        chat = Chat(next(self._group_ids), "chat", title.strip(), owner.user_id, now)
        chat.members[owner.user_id] = Member(owner.user_id, now, is_owner=True)
        for uid in member_ids or []:
            chat.members[self.user(uid).user_id] = Member(uid, now)
        self.chats[chat.chat_id] = chat
        self._changed()
        return chat

    def _group(self, chat_id: int, by_user_id: int) -> tuple[Chat, User]:
        chat = self.chat(chat_id)
        actor = self.user(by_user_id)
        if chat.type == "dialog":
            raise BadRequest("dialogs have no members to manage")
        if by_user_id not in chat.members:
            raise Forbidden(f"user {by_user_id} is not a member of chat {chat_id}")
        return chat, actor

    def add_bot(
        self, chat_id: int, by_user_id: int, admin: bool = True, *, with_user: bool = True
    ) -> JSON:
        """The bot joins a group chat; since 2026 MAX may leave out who added it
        (``with_user=False``)."""
        chat, actor = self._group(chat_id, by_user_id)
        if self.bot.user_id in chat.members:
            raise BadRequest("the bot is already in this chat")
        chat.members[self.bot.user_id] = Member(self.bot.user_id, self.now_ms(), is_admin=admin)
        chat.status = "active"
        who = {"user": render.user(actor)} if with_user else {}
        return self._update("bot_added", chat_id=chat_id, **who, is_channel=chat.type == "channel")

    def other_update(self, update_type: str, fields: JSON) -> JSON:
        """An update of a type MAX added later than the document (e.g.
        ``bot_admin_permissions_changed``, ``comment_created``), with the given fields."""
        if not update_type or not update_type.replace("_", "").isalnum():
            raise BadRequest("update_type must be a word like comment_created")
        extra = {k: v for k, v in fields.items() if k not in {"update_type", "timestamp"}}
        return self._update(update_type, **extra)

    def remove_bot(self, chat_id: int, by_user_id: int) -> JSON:
        chat, actor = self._group(chat_id, by_user_id)
        if chat.members.pop(self.bot.user_id, None) is None:
            raise BadRequest("the bot is not in this chat")
        return self._update(
            "bot_removed",
            chat_id=chat_id,
            user=render.user(actor),
            is_channel=chat.type == "channel",
        )

    def add_member(self, chat_id: int, user_id: int, by_user_id: int | None = None) -> JSON | None:
        chat = self.chat(chat_id)
        user = self.user(user_id)
        if by_user_id is not None:
            self._group(chat_id, by_user_id)
        if user_id in chat.members:
            raise BadRequest(f"user {user_id} is already in chat {chat_id}")
        chat.members[user_id] = Member(user_id, self.now_ms())
        if self.bot.user_id not in chat.members:
            self._changed()
            return None
        return self._update(
            "user_added",
            chat_id=chat_id,
            user=render.user(user),
            inviter_id=by_user_id,
            is_channel=chat.type == "channel",
        )

    def remove_member(
        self, chat_id: int, user_id: int, by_user_id: int | None = None
    ) -> JSON | None:
        chat = self.chat(chat_id)
        user = self.user(user_id)
        if chat.members.pop(user_id, None) is None:
            raise BadRequest(f"user {user_id} is not in chat {chat_id}")
        if self.bot.user_id not in chat.members:
            self._changed()
            return None
        extra = {"admin_id": by_user_id} if by_user_id is not None else {}
        return self._update(
            "user_removed",
            chat_id=chat_id,
            user=render.user(user),
            is_channel=chat.type == "channel",
            **extra,
        )

    # -- the bot side (called by Bot API handlers) ---------------------------------------

    def bot_chat(self, chat_id: int) -> Chat:
        chat = self.chat(chat_id)
        if self.bot.user_id not in chat.members:
            raise Forbidden(f"the bot is not a member of chat {chat_id}")
        return chat

    def target(self, user_id: int | None, chat_id: int | None) -> Chat:
        """The chat a POST /messages goes to, or the error real MAX would give."""
        if (user_id is None) == (chat_id is None):
            raise BadRequest("exactly one of `user_id` or `chat_id` is required")
        if user_id is not None:
            # Any id the emulator does not know stands for a real person who never
            # opened the bot: MAX does not reveal whether such a user exists.
            user = self.users.get(user_id) or User(user_id, "?")
            if not user.started or user.dialog_chat_id is None:
                raise Forbidden(
                    f"chat.denied: user {user_id} has not started the bot or stopped it"
                )
            return self.chats[user.dialog_chat_id]
        assert chat_id is not None
        chat = self.bot_chat(chat_id)
        if chat.type == "dialog":
            user = self.user(chat.dialog_user_id or 0)
            if not user.started:
                raise Forbidden(f"chat.denied: user {user.user_id} stopped the bot")
        return chat

    def _apply_body(self, message: Message, new: JSON, editing: bool) -> None:
        if "text" in new and (new["text"] is not None or not editing):
            message.text = new["text"]
        if new.get("attachments") is not None:
            message.attachments = [attachments.from_request(self, a) for a in new["attachments"]]
        if new.get("link") is not None:
            linked = self.message(new["link"]["mid"])
            message.link = {"type": new["link"]["type"], "mid": linked.mid}
        message.notify = bool(new.get("notify", True))

    def bot_send(self, chat: Chat, new: JSON) -> Message:
        if not new.get("text") and not new.get("attachments"):
            raise BadRequest("text: message must have text or attachments")
        message = self._new_message(chat, self.bot.user_id, None)
        try:
            self._apply_body(message, new, editing=False)
        except Exception:
            del self.messages[message.mid]
            raise
        self._changed()
        return message

    def bot_edit(self, mid: str, new: JSON) -> Message:
        message = self.message(mid)
        if message.sender_id != self.bot.user_id:
            raise Forbidden("the bot can edit only its own messages", "access.denied")
        self._apply_body(message, new, editing=True)
        message.edited_at = self.now_ms()
        message.edits += 1
        self._changed()
        return message

    def bot_delete(self, mid: str) -> None:
        message = self.message(mid)
        chat = self.chats[message.chat_id]
        own = message.sender_id == self.bot.user_id
        member = chat.members.get(self.bot.user_id)
        if not own and not (member is not None and member.is_admin):
            raise Forbidden("the bot cannot delete this message", "access.denied")
        message.deleted = True
        self._changed()

    def answer(self, callback_id: str, new: JSON | None, notification: str | None) -> None:
        callback = self.callbacks.get(callback_id)
        if callback is None:
            raise NotFound(f"Callback {callback_id} not found")
        if new is None and notification is None:
            raise BadRequest("either `message` or `notification` is required")
        if new is not None:
            self.bot_edit(callback.mid, new)
        if notification is not None:
            self.notifications.append(
                Notification(
                    next(self._notification_ids),
                    callback.user_id,
                    callback.mid,
                    notification,
                    self.now_ms(),
                )
            )
        callback.answers += 1
        self._changed()

    # -- group chats, as the bot manages them (bot must be an admin) ----------------------

    def admin_chat(self, chat_id: int) -> Chat:
        """A group chat the bot administers, or the error MAX gives."""
        chat = self.bot_chat(chat_id)
        if chat.type == "dialog":
            raise BadRequest("this operation is for group chats and channels")
        member = chat.members[self.bot.user_id]
        if not (member.is_admin or member.is_owner):
            raise Forbidden(f"the bot is not an admin of chat {chat_id}", "chat.denied")
        return chat

    def edit_chat(self, chat_id: int, patch: JSON) -> Chat:
        chat = self.admin_chat(chat_id)
        if patch.get("title") is not None:
            title = str(patch["title"]).strip()
            if not title:
                raise BadRequest("title must not be empty")
            chat.title = title
        if patch.get("pin") is not None:
            self.pin(chat_id, str(patch["pin"]))
        chat.last_event_time = self.now_ms()
        self._changed()
        return chat

    def pin(self, chat_id: int, mid: str) -> None:
        chat = self.bot_chat(chat_id)
        if chat.type != "dialog":
            self.admin_chat(chat_id)
        message = self.message(mid)
        if message.chat_id != chat.chat_id:
            raise NotFound(f"Message {mid} not found in chat {chat_id}")
        chat.pinned_mid = message.mid
        self._changed()

    def unpin(self, chat_id: int) -> None:
        chat = self.bot_chat(chat_id)
        if chat.type != "dialog":
            self.admin_chat(chat_id)
        chat.pinned_mid = None
        self._changed()

    def pinned(self, chat_id: int) -> Message | None:
        chat = self.bot_chat(chat_id)
        found = self.messages.get(chat.pinned_mid or "")
        return None if found is None or found.deleted else found

    def set_admins(self, chat_id: int, admins: list[JSON]) -> None:
        chat = self.admin_chat(chat_id)
        for admin in admins:
            member = chat.members.get(int(admin["user_id"]))
            if member is None:
                raise NotFound(f"user {admin['user_id']} is not a member of chat {chat_id}")
        for admin in admins:
            member = chat.members[int(admin["user_id"])]
            member.is_admin = True
            member.permissions = list(admin["permissions"])
            member.alias = admin.get("alias")
        self._changed()

    def drop_admin(self, chat_id: int, user_id: int) -> None:
        chat = self.admin_chat(chat_id)
        member = chat.members.get(user_id)
        if member is None or not member.is_admin:
            raise NotFound(f"user {user_id} is not an admin of chat {chat_id}")
        if member.is_owner:
            raise Forbidden("the owner's rights cannot be taken", "access.denied")
        member.is_admin, member.permissions, member.alias = False, None, None
        self._changed()

    def bot_adds_members(self, chat_id: int, user_ids: list[int]) -> list[int]:
        """Add people to a chat as the bot; returns the ids MAX could not find."""
        chat = self.admin_chat(chat_id)
        missing = [uid for uid in user_ids if uid not in self.users]
        for uid in user_ids:
            if uid in self.users and uid not in chat.members:
                chat.members[uid] = Member(uid, self.now_ms())
                self._update(
                    "user_added",
                    chat_id=chat_id,
                    user=render.user(self.users[uid]),
                    inviter_id=self.bot.user_id,
                    is_channel=chat.type == "channel",
                )
        return missing

    def bot_removes_member(self, chat_id: int, user_id: int) -> None:
        chat = self.admin_chat(chat_id)
        member = chat.members.get(user_id)
        if member is None:
            raise NotFound(f"user {user_id} is not a member of chat {chat_id}")
        if member.is_owner:
            raise Forbidden("the owner cannot be removed", "access.denied")
        del chat.members[user_id]
        self._update(
            "user_removed",
            chat_id=chat_id,
            user=render.user(self.user(user_id)),
            admin_id=self.bot.user_id,
            is_channel=chat.type == "channel",
        )

    def new_upload(self, kind: str, base_url: str) -> Upload:
        upload_id = secrets.token_hex(8)
        upload = Upload(upload_id, kind, f"{kind}.{secrets.token_hex(16)}", secrets.token_hex(8))
        upload.url = f"{base_url}/_upload/{upload_id}?sig={upload.secret}"
        self.uploads[upload_id] = upload
        self.uploads_by_token[upload.token] = upload
        return upload
