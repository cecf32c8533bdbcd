"""`Emulator`: the MAX world, its Bot API front door, and the user-side controls."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from maxremind.emulator import api, miniapp, render
from maxremind.emulator.bodies import BodyTooLarge, read_body
from maxremind.emulator.control import routes
from maxremind.emulator.delivery import UpdateFeed, WebhookPusher, WebhookStats
from maxremind.emulator.limits import FaultConfig, FaultInjector, Limits, SlidingWindow
from maxremind.emulator.models import (
    JSON,
    BadRequest,
    Callback,
    Chat,
    EmulatorError,
    Forbidden,
    Message,
    Subscription,
    User,
)
from maxremind.emulator.schema import ApiSchema, api_schema
from maxremind.emulator.state import MAX_START_PAYLOAD, World

log = logging.getLogger(__name__)
DEEP_LINK_HOSTS = {"max.ru", "www.max.ru"}


@dataclass
class Stats:
    requests: int = 0
    rate_limited: int = 0
    messages_sent: int = 0
    faults: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    by_operation: dict[str, int] = field(default_factory=dict)


class Emulator:
    """An emulated MAX Bot API for one bot.

    `emulator.app` is the ASGI app (Bot API + `/_emulator/` controls + the phone
    page). The user-side methods below change the world as a MAX user would and
    queue the resulting updates for the bot.
    """

    def __init__(
        self,
        token: str = "emulator-token",  # noqa: S107 - a well-known demo token, not a secret
        *,
        bot_user_id: int = 5_000_001,
        bot_name: str = "Напоминалка",
        bot_username: str = "maxremind_bot",
        commands: list[JSON] | None = None,
        limits: Limits | None = None,
        faults: FaultConfig | None = None,
        webhook_retry_delay: float | tuple[float, float] = (30.0, 60.0),
        webhook_max_age: float = 8 * 3600.0,
        webhook_clock: Callable[[], float] = time.monotonic,
        webhook_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        allow_local_http_webhooks: bool = False,
        bot_added_without_user: bool = False,
        max_body_bytes: int = 1_000_000,
        max_upload_bytes: int = 50_000_000,
        check_responses: bool = False,
        clock: Callable[[], float] = time.time,
        mini_app_url: str | None = None,
    ) -> None:
        self.token = token
        self.schema: ApiSchema = api_schema()
        self.world = World(
            bot_user_id=bot_user_id,
            bot_name=bot_name,
            bot_username=bot_username,
            commands=commands,
            clock=clock,
            emit=self._emit,
        )
        self.feed = UpdateFeed()
        self.pusher: WebhookPusher | None = None
        self.webhook_stats = WebhookStats()
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_max_age = webhook_max_age
        self.webhook_clock = webhook_clock
        self.webhook_sleep = webhook_sleep
        # Real MAX posts only to https on port 443; tests and the demo switch this on
        # to take plain http to a loopback host.
        self.allow_local_http_webhooks = allow_local_http_webhooks
        # 2026: MAX may send bot_added without `user`; on, every bot_added leaves it out.
        self.bot_added_without_user = bot_added_without_user
        self.limits = limits or Limits()
        self._limiter = SlidingWindow(self.limits.window)
        self.faults = FaultInjector(faults or FaultConfig())
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes
        self.check_responses = check_responses
        # Requests that broke the official schema (what the project's tests assert on).
        self.violations: list[str] = []
        # Body fields the document does not list: MAX accepts them, so does the
        # emulator, but the project's own tests assert this is empty too.
        self.warnings: list[str] = []
        # Answers of the emulator itself that broke the schema (only with check_responses).
        self.response_violations: list[str] = []
        self.stats = Stats()
        self.update_log: deque[JSON] = deque(maxlen=1000)
        self._client: httpx.AsyncClient | None = None
        self._background: set[asyncio.Task[None]] = set()
        # The bot's mini-app address, as registered in MAX's partner platform.
        self.mini_app_url: str | None = None
        if mini_app_url is not None:
            self.register_mini_app(mini_app_url)
        self.app = self._build_app()

    # -- plumbing ----------------------------------------------------------------------

    def _build_app(self) -> Starlette:
        return Starlette(routes=routes(self, self._api_endpoint))

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient()
        return self._client

    def _emit(self, update: JSON) -> None:
        self.update_log.append(update)
        if self.pusher is not None:
            if self.pusher.wants(update):
                self.pusher.push(update)
        else:
            self.feed.append(update)

    def subscribe(self, subscription: Subscription) -> None:
        """Real MAX keeps one webhook per bot: a new subscription replaces the old."""
        old = self.pusher
        self.world.subscription = subscription
        self.pusher = WebhookPusher(
            subscription,
            self._http,
            self.webhook_retry_delay,
            self.webhook_max_age,
            stats=self.webhook_stats,
            clock=self.webhook_clock,
            sleep=self.webhook_sleep,
            on_give_up=self._webhook_gave_up,
        )
        if old is not None:
            # Keep a reference: the loop holds tasks only weakly.
            task = asyncio.get_running_loop().create_task(old.stop())
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    def _webhook_gave_up(self, pusher: WebhookPusher) -> None:
        """Deliveries failed for `webhook_max_age`: MAX ends the subscription, and what
        was not delivered waits for long polling (as every update without a webhook)."""
        if self.pusher is not pusher:
            return
        self.pusher = None
        self.world.subscription = None
        for update in pusher.take_queue():
            self.feed.append(update)
        self.world.version += 1

    async def unsubscribe(self) -> None:
        pusher, self.pusher = self.pusher, None
        self.world.subscription = None
        if pusher is not None:
            await pusher.stop()

    def allow_chat_message(self, chat_id: int) -> bool:
        if not self.limits.enabled:
            return True
        allowed = self._limiter.allow(("chat", chat_id), self.limits.messages_per_chat_per_second)
        if not allowed:
            self.stats.rate_limited += 1
        return allowed

    def set_faults(self, faults: FaultConfig) -> None:
        self.faults.configure(faults)

    def set_limits(self, limits: Limits) -> None:
        self.limits = limits
        self._limiter = SlidingWindow(limits.window)

    def shutdown(self) -> None:
        """Release waiting long polls so a server can stop promptly."""
        self.feed.close()

    async def aclose(self) -> None:
        self.shutdown()
        if self.pusher is not None:
            await self.pusher.stop()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # -- the Bot API front door ---------------------------------------------------------

    def _respond(self, request: Request, op: str, status: int, payload: JSON) -> Response:
        self.stats.by_status[status] = self.stats.by_status.get(status, 0) + 1
        self.stats.by_operation[op] = self.stats.by_operation.get(op, 0) + 1
        if self.check_responses:
            found = self.schema.check_response(request.method, request.url.path, status, payload)
            self.response_violations += found
        return JSONResponse(payload, status_code=status)

    async def _api_endpoint(self, request: Request) -> Response:
        self.stats.requests += 1
        method, path = request.method, request.scope["path"]
        query = parse_qsl(request.url.query, keep_blank_values=True)
        try:
            body = await read_body(request, self.max_body_bytes)
        except BodyTooLarge as exc:
            self.violations.append(f"{method} {path}: body: {exc}")
            return self._respond(request, "?", 400, {"code": "proto.payload", "message": str(exc)})
        token_in_query = any(name == "access_token" for name, _ in query)
        query = [(name, value) for name, value in query if name != "access_token"]
        check = self.schema.check_request(
            method, path, query, body, request.headers.get("content-type")
        )
        if token_in_query:
            check.violations.append(f"{method} {path}: query.access_token: no longer accepted")
        self.violations += check.violations
        self.warnings += check.warnings
        op = check.operation.operation_id if check.operation else "?"

        if token_in_query:
            return self._respond(
                request,
                op,
                403,
                {
                    "code": "deprecated.token",
                    "message": "Passing access_token as a query parameter is no longer supported; "
                    "use the Authorization header",
                },
            )
        if request.headers.get("authorization") != self.token:
            return self._respond(
                request,
                op,
                401,
                {
                    "code": "verify.token",
                    "message": "Invalid access_token",
                },
            )
        if self.limits.enabled and not self._limiter.allow("bot", self.limits.requests_per_second):
            self.stats.rate_limited += 1
            return self._respond(
                request,
                op,
                429,
                {
                    "code": "too.many.requests",
                    "message": "Too many requests; slow down",
                },
            )
        if check.operation is None:
            status, code = (405, "method.not.allowed") if check.path_known else (404, "not.found")
            return self._respond(request, op, status, {"code": code, "message": f"{method} {path}"})
        if check.violations and not check.operation.gone:
            return self._respond(
                request,
                op,
                400,
                {
                    "code": "proto.payload",
                    "message": "; ".join(check.violations),
                },
            )
        status_fault, delay = self.faults.decide()
        if delay:
            await asyncio.sleep(delay)
        if status_fault is not None:
            self.stats.faults += 1
            return self._respond(
                request,
                op,
                status_fault,
                {
                    "code": "internal.error",
                    "message": "Injected fault (emulator)",
                },
            )
        handler = api.HANDLERS.get(op, api.not_implemented)
        call = api.Call(check.path_params, check.query, check.body, self._base_url(request))
        try:
            status, payload = await handler(self, call)
        except EmulatorError as exc:
            status, payload = exc.status, exc.body()
        return self._respond(request, op, status, payload)

    @staticmethod
    def _base_url(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    # -- user side -----------------------------------------------------------------------

    def create_user(
        self,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        locale: str = "ru",
        user_id: int | None = None,
    ) -> User:
        return self.world.create_user(first_name, last_name, username, locale, user_id)

    def list_users(self) -> list[User]:
        return list(self.world.users.values())

    def start_bot(self, user_id: int, payload: str | None = None) -> JSON:
        """The user presses Start, or opens a deep link carrying `payload`."""
        return self.world.start_bot(user_id, payload)

    def open_deep_link(self, user_id: int, link: str) -> JSON:
        """Open `https://max.ru/<bot>?start=CODE` (or a bare CODE) as the user would."""
        link = link.strip()
        if "://" not in link and not link.startswith("max.ru/"):
            return self.start_bot(user_id, link or None)
        parts = urlsplit(link if "://" in link else f"https://{link}")
        if parts.hostname not in DEEP_LINK_HOSTS:
            raise BadRequest(f"not a MAX link: {link}")
        name = parts.path.strip("/")
        if name != self.world.bot.username:
            raise BadRequest(f"this emulator runs @{self.world.bot.username}, not @{name}")
        params = dict(parse_qsl(parts.query))
        return self.start_bot(user_id, params.get("start"))

    def stop_bot(self, user_id: int) -> JSON:
        return self.world.stop_bot(user_id)

    def register_mini_app(self, url: str | None) -> None:
        """Set (or with None, remove) the bot's mini-app URL, as in MAX's partner platform."""
        self.mini_app_url = miniapp.check_url(url) if url is not None else None
        self.world.version += 1

    def launch_mini_app(
        self,
        user_id: int,
        payload: str | None = None,
        *,
        web_app: str | None = None,
        contact_id: int | None = None,
        chat_id: int | None = None,
    ) -> str:
        """The URL MAX opens when the user presses an open_app button (``web_app`` or
        ``contact_id`` name the bot; neither: the bot's own) in ``chat_id`` (None: the
        dialog): the registered URL with launch data signed by the bot token."""
        bot = self.world.bot
        if (web_app is not None or contact_id is not None) and not miniapp.names_bot(
            web_app, contact_id, bot
        ):
            raise BadRequest(
                f"this emulator runs only @{bot.username} (id {bot.user_id}), "
                f"not {web_app if web_app is not None else contact_id}"
            )
        if self.mini_app_url is None:
            raise miniapp.MiniAppNotRegistered(
                f"@{bot.username} has no mini-app: register its URL first "
                '(PUT /_emulator/miniapp {"url": ...}; in MAX: the partner platform)'
            )
        user = self.world.user(user_id)
        if payload is not None and len(payload) > MAX_START_PAYLOAD:
            raise BadRequest(f"payload is longer than {MAX_START_PAYLOAD} characters")
        chat: JSON | None = None
        if chat_id is not None:
            found = self.world.chat(chat_id)
            if user_id not in found.members:
                raise Forbidden(f"user {user_id} is not a member of chat {chat_id}")
            chat = {"id": found.chat_id, "type": found.type}
        opened = miniapp.launch(
            self.mini_app_url,
            self.token,
            user,
            auth_date=self.world.now_ms() // 1000,
            payload=payload,
            chat=chat,
        )
        return opened.url

    def remove_dialog(self, user_id: int) -> list[JSON]:
        return self.world.remove_dialog(user_id)

    def send_message(self, user_id: int, text: str) -> Message:
        """The user writes to the bot in their dialog."""
        return self.world.send_to_bot(user_id, text)

    def press_button(self, user_id: int, mid: str, payload: str) -> Callback:
        return self.world.press(user_id, mid, payload)

    def create_chat(self, title: str, owner_id: int, member_ids: list[int] | None = None) -> Chat:
        return self.world.create_chat(title, owner_id, member_ids)

    def add_bot_to_chat(
        self, chat_id: int, by_user_id: int, admin: bool = True, *, with_user: bool | None = None
    ) -> JSON:
        """``with_user=False`` (or the emulator's ``bot_added_without_user``) sends the
        bot_added update without `user`, as MAX may since 2026."""
        if with_user is None:
            with_user = not self.bot_added_without_user
        return self.world.add_bot(chat_id, by_user_id, admin, with_user=with_user)

    def send_other_update(self, update_type: str, **fields: Any) -> JSON:
        """An update of a type the document does not list (``bot_admin_permissions_changed``,
        ``comment_created``, ...), delivered like any other."""
        return self.world.other_update(update_type, fields)

    def remove_bot_from_chat(self, chat_id: int, by_user_id: int) -> JSON:
        return self.world.remove_bot(chat_id, by_user_id)

    def add_chat_member(self, chat_id: int, user_id: int, by_user_id: int | None = None) -> None:
        self.world.add_member(chat_id, user_id, by_user_id)

    def remove_chat_member(self, chat_id: int, user_id: int, by_user_id: int | None = None) -> None:
        self.world.remove_member(chat_id, user_id, by_user_id)

    def send_chat_message(self, chat_id: int, user_id: int, text: str) -> Message:
        return self.world.send_to_chat(chat_id, user_id, text)

    def bot_messages(
        self, *, user_id: int | None = None, chat_id: int | None = None
    ) -> list[Message]:
        """What the bot has sent (and not deleted) to a user's dialog or a chat, oldest first."""
        if user_id is not None:
            chat_id = self.world.user(user_id).dialog_chat_id
        return [
            m
            for m in sorted(self.world.messages.values(), key=lambda m: m.seq)
            if m.chat_id == chat_id and m.sender_id == self.world.bot.user_id and not m.deleted
        ]

    def view_message(self, message: Message) -> JSON:
        sender = self.world.user_or_bot(message.sender_id)
        keyboard = next(
            (
                a["payload"]["buttons"]
                for a in message.attachments
                if a["type"] == "inline_keyboard"
            ),
            None,
        )
        return {
            "mid": message.mid,
            "seq": message.seq,
            "chat_id": message.chat_id,
            "sender_id": sender.user_id,
            "sender_name": sender.name,
            "from_bot": sender.is_bot,
            "timestamp": message.timestamp,
            "text": message.text,
            "attachments": [a for a in message.attachments if a["type"] != "inline_keyboard"],
            "buttons": keyboard,
            "edited_at": message.edited_at,
            "edits": message.edits,
            "deleted": message.deleted,
            "presses": [vars(p) for p in message.presses],
        }

    def dialog_view(self, user_id: int) -> JSON:
        """Everything a user's phone shows for the dialog with the bot."""
        user = self.world.user(user_id)
        messages = [
            self.view_message(m)
            for m in sorted(self.world.messages.values(), key=lambda m: m.seq)
            if user.dialog_chat_id is not None and m.chat_id == user.dialog_chat_id
        ]
        notifications = [vars(n) for n in self.world.notifications if n.user_id == user_id]
        return {
            "user": self.view_user(user),
            "messages": messages,
            "notifications": notifications,
            "version": self.world.version,
        }

    def chat_view(self, chat_id: int) -> JSON:
        chat = self.world.chat(chat_id)
        messages = [
            self.view_message(m)
            for m in sorted(self.world.messages.values(), key=lambda m: m.seq)
            if m.chat_id == chat_id
        ]
        notifications = [
            vars(n)
            for n in self.world.notifications
            if self.world.messages[n.mid].chat_id == chat_id
        ]
        return {
            "chat": self.view_chat(chat),
            "messages": messages,
            "notifications": notifications,
            "version": self.world.version,
        }

    def view_user(self, user: User) -> JSON:
        return {
            **render.user(user),
            "locale": user.locale,
            "started": user.started,
            "dialog_chat_id": user.dialog_chat_id,
        }

    def view_chat(self, chat: Chat) -> JSON:
        bot = chat.members.get(self.world.bot.user_id)
        return {
            "chat_id": chat.chat_id,
            "type": chat.type,
            "title": chat.title,
            "owner_id": chat.owner_id,
            "member_ids": sorted(m for m in chat.members if m != self.world.bot.user_id),
            "bot_member": bot is not None,
            "bot_admin": bool(bot and bot.is_admin),
        }

    def stats_view(self) -> JSON:
        return {
            "requests": self.stats.requests,
            "rate_limited": self.stats.rate_limited,
            "messages_sent": self.stats.messages_sent,
            "faults": self.stats.faults,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "by_status": {str(k): v for k, v in sorted(self.stats.by_status.items())},
            "by_operation": dict(sorted(self.stats.by_operation.items())),
            "pending_updates": self.feed.pending(),
            "webhook": {
                **vars(self.webhook_stats),
                "queued": self.pusher.queued if self.pusher else 0,
            },
        }
