"""Replies to an update go out only after the update's effects are committed.

While the inbox handles an update, everything the bot says (messages, answers to button
presses) is collected instead of sent (:class:`Replies` is the bot's sender); the
collected replies are stored in the outbox in the same transaction that stores the
handler's writes and marks the update done.  Only then are they sent, in order, and
each is marked done.  So:

* a crash before that commit undoes the handler's writes *and* forgets its replies: the
  update is handled again from scratch, with nothing doubled;
* a crash after it leaves the replies in the outbox: they are sent at the next start
  and the update is not handled again.

The one duplicate window (as for deliveries, see docs/delivery.md): MAX accepted a reply
and the process died before ``outbox_done`` committed; that reply is sent again.
Outside an update (the engine, tests), :class:`Replies` sends at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from datetime import datetime
from typing import Any, Protocol

from maxremind.domain.clock import Clock, utcnow
from maxremind.maxapi.attachments import AttachmentRequest
from maxremind.maxapi.errors import BadRequest, Forbidden, LimiterUnavailable, MaxApiError
from maxremind.maxapi.errors import NotFound as MaxNotFound
from maxremind.maxapi.models import Message, NewMessageBody, UploadType
from maxremind.storage import Storage

log = logging.getLogger(__name__)

# MAX may still be processing an uploaded file when we attach it.
NOT_READY = "attachment.not.ready"
NOT_READY_DELAYS = (0.5, 1.0, 2.0)
MAX_ATTEMPTS = 5
BATCH = 100

Reply = dict[str, Any]
_collecting: ContextVar[list[Reply] | None] = ContextVar("maxremind_replies", default=None)


@contextlib.contextmanager
def collecting() -> Iterator[list[Reply]]:
    """Collect what :class:`Replies` is asked to send in this task, instead of sending."""
    replies: list[Reply] = []
    token = _collecting.set(replies)
    try:
        yield replies
    finally:
        _collecting.reset(token)


class Client(Protocol):
    """What replies need from the MAX client."""

    async def send_message(
        self,
        body: NewMessageBody | str,
        *,
        user_id: int | None = None,
        chat_id: int | None = None,
    ) -> Message: ...

    async def answer_callback(
        self,
        callback_id: str,
        *,
        message: NewMessageBody | None = None,
        notification: str | None = None,
    ) -> None: ...

    async def upload_file(
        self, kind: UploadType, filename: str, data: bytes
    ) -> AttachmentRequest: ...


def _body(body: NewMessageBody | str) -> NewMessageBody:
    return NewMessageBody(text=body) if isinstance(body, str) else body


class Replies:
    """The bot's way to talk: deferred while an update is handled, immediate otherwise."""

    def __init__(self, client: Client) -> None:
        self.client = client

    async def send_message(
        self,
        body: NewMessageBody | str,
        *,
        user_id: int | None = None,
        chat_id: int | None = None,
        otherwise: tuple[NewMessageBody | str, int] | None = None,
        then: tuple[NewMessageBody | str, int] | None = None,
    ) -> None:
        """Send to a person or a chat.  ``otherwise`` = (message, chat id): said in that
        chat instead when the person's dialog is closed to the bot (403/404); ``then``:
        said in that chat after the message reached the person."""
        reply: Reply = {
            "op": "send",
            "user_id": user_id,
            "chat_id": chat_id,
            "body": _body(body).to_request(),
        }
        if otherwise is not None:
            reply["otherwise"] = {"chat_id": otherwise[1], "body": _body(otherwise[0]).to_request()}
        if then is not None:
            reply["then"] = {"chat_id": then[1], "body": _body(then[0]).to_request()}
        await self._do(reply)

    async def answer_callback(
        self,
        callback_id: str,
        *,
        message: NewMessageBody | None = None,
        notification: str | None = None,
    ) -> None:
        reply: Reply = {
            "op": "callback",
            "callback_id": callback_id,
            "message": None if message is None else message.to_request(),
            "notification": notification,
        }
        await self._do(reply)

    async def upload_file(self, kind: UploadType, filename: str, data: bytes) -> AttachmentRequest:
        """Uploads happen at once (they change nothing people see)."""
        return await self.client.upload_file(kind, filename, data)

    async def _do(self, reply: Reply) -> None:
        pending = _collecting.get()
        if pending is not None:
            pending.append(reply)
            return
        await perform(self.client, reply)


async def perform(client: Client, reply: Reply) -> None:
    """Carry out one stored reply.

    :raises MaxApiError: it failed (after an ``otherwise`` was tried, if there is one).
    """
    if reply["op"] == "callback":
        message = reply.get("message")
        await client.answer_callback(
            reply["callback_id"],
            message=None if message is None else NewMessageBody.model_validate(message),
            notification=reply.get("notification"),
        )
        return
    body = NewMessageBody.model_validate(reply["body"])
    for delay in (*NOT_READY_DELAYS, None):
        try:
            await client.send_message(
                body, user_id=reply.get("user_id"), chat_id=reply.get("chat_id")
            )
            return
        except BadRequest as exc:
            if exc.code != NOT_READY or delay is None:
                raise
            await asyncio.sleep(delay)
        except (Forbidden, MaxNotFound):
            otherwise = reply.get("otherwise")
            if otherwise is None:
                raise
            fallback = NewMessageBody.model_validate(otherwise["body"])
            await client.send_message(fallback, chat_id=otherwise["chat_id"])
            return
    then = reply.get("then")
    if then is not None:
        await client.send_message(
            NewMessageBody.model_validate(then["body"]), chat_id=then["chat_id"]
        )


class OutboxSender:
    """Sends stored replies in order and records each as done."""

    def __init__(self, storage: Storage, client: Client, *, clock: Clock = utcnow) -> None:
        self.storage = storage
        self.client = client
        self.clock = clock
        self._lock = asyncio.Lock()

    async def store(self, replies: list[Reply], *, inbox_id: int | None, at: datetime) -> None:
        """Keep replies in the outbox (inside the caller's unit of work)."""
        if replies:
            await self.storage.outbox_add(
                [json.dumps(r, ensure_ascii=False) for r in replies], inbox_id=inbox_id, at=at
            )

    async def flush(self) -> int:
        """Send everything pending, oldest first; returns how many were finished."""
        finished = 0
        async with self._lock:  # one sender at a time keeps replies in order
            while True:
                items = await self.storage.outbox_pending(BATCH)
                if not items:
                    return finished
                for item in items:
                    error: str | None = None
                    try:
                        await perform(self.client, json.loads(item.payload))
                    except LimiterUnavailable as exc:
                        # Not the reply's fault: try again later without using up its
                        # attempts (the fleet's rate limiter, Redis, does not answer).
                        log.warning("replies wait: %s", exc)
                        return finished
                    except MaxApiError as exc:
                        if not exc.permanent and item.attempts + 1 < MAX_ATTEMPTS:
                            log.warning("reply %s failed (%s); will retry", item.id, exc)
                            await self.storage.outbox_failed(
                                item.id, error=str(exc), at=self.clock()
                            )
                            return finished
                        error = str(exc)
                        log.info("reply %s could not be delivered: %s", item.id, exc)
                    except Exception as exc:  # a malformed stored reply must not block the rest
                        error = repr(exc)
                        log.exception("reply %s is broken; dropping it", item.id)
                    await self.storage.outbox_done(item.id, at=self.clock(), error=error)
                    finished += 1


def outbox_teller(storage: Storage, client: Client) -> Callable[[int, str], Awaitable[None]]:
    """How a service tells a person something in MAX: the message is stored in the
    outbox inside the caller's unit of work (an update being handled, a web request), so
    it goes out once that commits -- the inbox worker sends pending items -- and never
    for a change that rolled back."""
    replies, outbox = Replies(client), OutboxSender(storage, client)

    async def tell(user_id: int, text: str) -> None:
        with collecting() as collected:
            await replies.send_message(text, user_id=user_id)
        await outbox.store(collected, inbox_id=None, at=utcnow())

    return tell
