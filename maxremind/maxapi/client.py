"""The one object that talks to the MAX Bot API.

Every request goes through the shared :class:`RateLimiter` (message sends also through their
chat's bucket), carries the token in the ``Authorization`` header (raw, no "Bearer"; a
``?access_token=`` query gets 403), trusts certifi plus the Russian Trusted Root CA, and
maps failures to the typed errors in :mod:`.errors`. Transient failures are retried with
exponential backoff and full jitter, within a cap on attempts and on total waiting;
permanent ones raise at once.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import ssl
import time
import urllib.request
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from .. import __version__
from .errors import (
    LimiterUnavailable,
    MaxApiError,
    NetworkError,
    error_for_status,
    failed_operation,
)
from .limiter import Limiter, RateLimiter, Sleep
from .models import (
    AttachmentRequest,
    AudioAttachmentRequest,
    BotCommand,
    BotCommandList,
    BotCommandsPatch,
    BotInfo,
    CallbackAnswer,
    Chat,
    ChatMember,
    ChatMembersList,
    FileAttachmentRequest,
    GetSubscriptionsResult,
    Message,
    NewBotCommand,
    NewMessageBody,
    PhotoAttachmentRequest,
    PhotoAttachmentRequestPayload,
    PhotoToken,
    SendMessageResult,
    SimpleQueryResult,
    Subscription,
    SubscriptionRequestBody,
    Update,
    UpdateList,
    UploadedInfo,
    UploadEndpoint,
    UploadType,
    VideoAttachmentRequest,
    parse_update,
)
from .tls import make_ssl_context
from .transport import MaxTransport

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://platform-api2.max.ru"
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=30.0, write=30.0, pool=10.0)
# The server may hold a long poll for its whole `timeout`; give the answer time to arrive.
LONG_POLL_GRACE = 15.0
UPLOAD_TIMEOUT = httpx.Timeout(connect=10.0, read=120.0, write=600.0, pool=10.0)

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class RetryPolicy:
    """How transient failures are retried inside one client call."""

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0  # cap on one wait (a longer Retry-After is still honoured)
    max_total_delay: float = 60.0  # cap on all waits of one call; beyond it, raise

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Full jitter: uniform in [0, min(max_delay, base_delay * 2**(attempt-1))]."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return rng.uniform(0.0, ceiling)


@dataclass(frozen=True)
class UpdateParseFailure:
    raw: Any
    error: str

    @property
    def update_type(self) -> str | None:
        kind = self.raw.get("update_type") if isinstance(self.raw, dict) else None
        return kind if isinstance(kind, str) else None


@dataclass(frozen=True)
class UpdateBatch:
    """One GET /updates answer: what parsed, what did not, and the marker to store after."""

    updates: list[Update]
    failures: list[UpdateParseFailure] = field(default_factory=list)
    marker: int | None = None


class _Token:
    """Holds the bot token so no repr, log line or traceback local can show it."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<redacted>"

    __str__ = __repr__


def _retry_after(response: httpx.Response) -> float | None:
    header = response.headers.get("Retry-After")
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class MaxClient:
    """Async MAX Bot API client; use as ``async with MaxClient(token) as max_api: ...``.

    :param token: the bot token.
    :param base_url: API root; point it at the emulator in demos and tests.
    :param limiter: the process-wide limiter (or the fleet's); share one between all
        senders.  Closing the client closes it.
    :param transport: an httpx transport (e.g. ``httpx.MockTransport``) instead of the network.
    :param ssl_context: override TLS trust (defaults to certifi + Russian Trusted Root CA).
    """

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        limiter: Limiter | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        ssl_context: ssl.SSLContext | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if not token or any(c.isspace() or not c.isprintable() for c in token):
            raise ValueError("the MAX bot token is empty or contains whitespace")
        self._token = _Token(token)
        # Called for every failed attempt (metrics count MAX errors by code).
        self.on_error: Callable[[MaxApiError], None] | None = None
        self.base_url = base_url.rstrip("/")
        self.limiter: Limiter = limiter if limiter is not None else RateLimiter()
        self.retry = retry if retry is not None else RetryPolicy()
        self._timeout = timeout
        self._sleep = sleep
        self._rng = rng if rng is not None else random.Random()
        verify = ssl_context if ssl_context is not None else make_ssl_context()
        if transport is None and not _proxies_from_environment():
            # httpx's transport with a cheaper check of idle connections (see .transport).
            # A proxy named in the environment is left to httpx, which only reads the
            # environment when it builds the transport itself.
            transport = MaxTransport(verify)
        # Authorization is added per request, never on the client, so it is not sent to
        # the upload hosts MAX hands out.
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            verify=verify,
            headers={"User-Agent": f"maxremind/{__version__}"},
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"MaxClient(base_url={self.base_url!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        try:
            await self._http.aclose()
        finally:
            await self.limiter.aclose()

    # --- bot and updates -------------------------------------------------------------------

    async def get_me(self) -> BotInfo:
        """The bot's own profile; also the start-up check that the token works.

        :raises Unauthorized: if the token is wrong.
        """
        return await self._call("GET", "/me", self._model(BotInfo))

    async def set_commands(self, commands: Sequence[NewBotCommand]) -> list[BotCommand]:
        """Replace the command menu MAX clients show (``PATCH /me/commands``); an empty
        list removes it. Returns the list MAX now holds."""
        body = BotCommandsPatch(commands=list(commands))
        result = await self._call(
            "PATCH", "/me/commands", self._model(BotCommandList), json=body.to_request()
        )
        return list(result.commands or [])

    async def get_updates(
        self,
        marker: int | None = None,
        limit: int = 100,
        timeout: int = 30,  # noqa: ASYNC109 -- the API's long-poll seconds, not ours
        types: Sequence[str] | None = None,
    ) -> UpdateBatch:
        """Long-poll for updates after ``marker`` (``None``: only the latest one).

        Updates are parsed one by one; those that fail are returned in ``failures`` so the
        caller can log them and still advance the marker past them.
        """
        params: dict[str, Any] = {"limit": limit, "timeout": timeout}
        if marker is not None:
            params["marker"] = marker
        if types:
            params["types"] = ",".join(types)
        poll_timeout = httpx.Timeout(
            connect=self._timeout.connect,
            read=timeout + LONG_POLL_GRACE,
            write=self._timeout.write,
            pool=self._timeout.pool,
        )
        raw = await self._call(
            "GET",
            "/updates",
            self._model(UpdateList),
            params=params,
            http_timeout=poll_timeout,
            long_poll=True,
        )
        updates: list[Update] = []
        failures: list[UpdateParseFailure] = []
        for item in raw.updates:
            try:
                updates.append(parse_update(item))
            except ValidationError as exc:
                failures.append(UpdateParseFailure(raw=item, error=str(exc)))
        return UpdateBatch(updates=updates, failures=failures, marker=raw.marker)

    # --- messages --------------------------------------------------------------------------

    async def send_message(
        self,
        body: NewMessageBody | str,
        *,
        user_id: int | None = None,
        chat_id: int | None = None,
        disable_link_preview: bool | None = None,
        retry_on_timeout: bool = True,
    ) -> Message:
        """Send a message to a user (dialog) or a chat; exactly one of the two ids.

        Duplicate window: if the request reached MAX but the answer was lost (read timeout,
        dropped connection, garbled body, a 500/502/504), MAX may have delivered the
        message. By default such a send is retried, which can deliver it twice. Callers that
        keep their own delivery ledger pass ``retry_on_timeout=False`` and get the error
        (``maybe_delivered=True``, transient) instead, then decide themselves. Failures where
        nothing reached MAX (connect errors, 429, 503) are always retried.
        """
        if (user_id is None) == (chat_id is None):
            raise ValueError("pass exactly one of user_id or chat_id")
        if isinstance(body, str):
            body = NewMessageBody(text=body)
        params: dict[str, Any] = {}
        chat_key: Hashable
        if user_id is not None:
            params["user_id"] = user_id
            chat_key = ("user", user_id)
        else:
            params["chat_id"] = chat_id
            chat_key = ("chat", chat_id)
        if disable_link_preview is not None:
            params["disable_link_preview"] = disable_link_preview
        result = await self._call(
            "POST",
            "/messages",
            self._model(SendMessageResult),
            params=params,
            json=body.to_request(),
            chat_key=chat_key,
            retry_ambiguous=retry_on_timeout,
        )
        return result.message

    async def edit_message(self, message_id: str, body: NewMessageBody | str) -> None:
        if isinstance(body, str):
            body = NewMessageBody(text=body)
        await self._call(
            "PUT",
            "/messages",
            self._model(SimpleQueryResult),
            params={"message_id": message_id},
            json=body.to_request(),
        )

    async def delete_message(self, message_id: str) -> None:
        await self._call(
            "DELETE", "/messages", self._model(SimpleQueryResult), params={"message_id": message_id}
        )

    async def get_message(self, message_id: str) -> Message:
        """:raises NotFound: if the message is gone or the bot cannot see it."""
        path = f"/messages/{quote(message_id, safe='')}"
        return await self._call("GET", path, self._model(Message))

    async def answer_callback(
        self,
        callback_id: str,
        *,
        message: NewMessageBody | None = None,
        notification: str | None = None,
    ) -> None:
        """Answer a button press: replace the message and/or show a one-off notification."""
        answer = CallbackAnswer(message=message, notification=notification)
        await self._call(
            "POST",
            "/answers",
            self._model(SimpleQueryResult),
            params={"callback_id": callback_id},
            json=answer.to_request(),
        )

    # --- chats -----------------------------------------------------------------------------

    async def get_chat(self, chat_id: int) -> Chat:
        return await self._call("GET", f"/chats/{int(chat_id)}", self._model(Chat))

    async def get_chat_members(
        self,
        chat_id: int,
        user_ids: Sequence[int] | None = None,
        marker: int | None = None,
        count: int | None = None,
    ) -> ChatMembersList:
        """One page of members (the bot must be an admin); with ``user_ids``, just those."""
        params: dict[str, Any] = {}
        if user_ids:
            params["user_ids"] = ",".join(str(int(u)) for u in dict.fromkeys(user_ids))
        if marker is not None:
            params["marker"] = marker
        if count is not None:
            params["count"] = count
        return await self._call(
            "GET", f"/chats/{int(chat_id)}/members", self._model(ChatMembersList), params=params
        )

    async def get_my_membership(self, chat_id: int) -> ChatMember:
        return await self._call("GET", f"/chats/{int(chat_id)}/members/me", self._model(ChatMember))

    # --- webhook subscriptions -------------------------------------------------------------

    async def subscribe(
        self, url: str, secret: str | None = None, update_types: Sequence[str] | None = None
    ) -> None:
        body = SubscriptionRequestBody(
            url=url, secret=secret, update_types=list(update_types) if update_types else None
        )
        await self._call(
            "POST", "/subscriptions", self._model(SimpleQueryResult), json=body.to_request()
        )

    async def list_subscriptions(self) -> list[Subscription]:
        result = await self._call("GET", "/subscriptions", self._model(GetSubscriptionsResult))
        return result.subscriptions

    async def unsubscribe(self, url: str) -> None:
        await self._call(
            "DELETE", "/subscriptions", self._model(SimpleQueryResult), params={"url": url}
        )

    # --- uploads ---------------------------------------------------------------------------

    async def upload_file(self, kind: UploadType, filename: str, data: bytes) -> AttachmentRequest:
        """Upload a file and return the attachment to put into a ``NewMessageBody``.

        Two steps: POST /uploads?type=… gives an upload URL on a MAX media host, then the
        bytes go there as multipart ``data``. Image and file tokens come from the upload
        answer; video and audio tokens come with the URL.
        """
        endpoint = await self._call(
            "POST", "/uploads", self._model(UploadEndpoint), params={"type": kind}
        )
        uploaded = await self._call(
            "POST",
            endpoint.url,
            _lenient_json,
            files={"data": (filename, data)},
            external=True,
            http_timeout=UPLOAD_TIMEOUT,
        )
        token = uploaded.get("token") if isinstance(uploaded.get("token"), str) else None
        if kind == "image":
            photos = uploaded.get("photos")
            if isinstance(photos, dict) and photos:
                tokens = {
                    key: PhotoToken(token=value["token"])
                    for key, value in photos.items()
                    if isinstance(value, dict) and isinstance(value.get("token"), str)
                }
                if tokens:
                    payload = PhotoAttachmentRequestPayload(photos=tokens)
                    return PhotoAttachmentRequest(payload=payload)
            if token:
                return PhotoAttachmentRequest(payload=PhotoAttachmentRequestPayload(token=token))
        token = token or endpoint.token
        if not token:
            raise NetworkError(
                "upload answer carried no token", maybe_delivered=True, method="POST"
            )
        info = UploadedInfo(token=token)
        if kind == "video":
            return VideoAttachmentRequest(payload=info)
        if kind == "audio":
            return AudioAttachmentRequest(payload=info)
        return FileAttachmentRequest(payload=info)

    # --- plumbing --------------------------------------------------------------------------

    def _model(self, model: type[M]) -> Callable[[httpx.Response], M]:
        def parse(response: httpx.Response) -> M:
            try:
                payload = response.json()
            except ValueError:
                raise NetworkError(
                    "MAX answered with a body that is not JSON",
                    status=response.status_code,
                    maybe_delivered=True,
                ) from None
            if isinstance(payload, dict) and payload.get("success") is False:
                raise failed_operation(self._scrub(str(payload.get("message") or "")))
            return model.model_validate(payload)

        return parse

    def _scrub(self, text: str) -> str:
        return text.replace(self._token.value, "<redacted>")

    async def _call(
        self,
        method: str,
        path: str,
        parse: Callable[[httpx.Response], T],
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        files: dict[str, tuple[str, bytes]] | None = None,
        chat_key: Hashable | None = None,
        http_timeout: httpx.Timeout | None = None,
        retry_ambiguous: bool = True,
        external: bool = False,
        long_poll: bool = False,
    ) -> T:
        """Send one logical call, retrying transient failures per ``self.retry``.

        ``external`` calls (uploads to a media host) carry no token and skip the limiter:
        they are not Bot API requests.
        """
        log_path = httpx.URL(path).path if external else path
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            try:
                if external:
                    response = await self._send(
                        method, path, params, json, files, http_timeout, external
                    )
                elif long_poll:
                    # MAX counts a long poll when it arrives, not when it answers (up to
                    # `timeout` s later): holding its slot open would stall every send
                    # behind it once it became the oldest in the limiter's window.
                    await self.limiter.acquire(chat_key)
                    response = await self._send(
                        method, path, params, json, files, http_timeout, external
                    )
                else:
                    async with self.limiter.slot(chat_key):
                        response = await self._send(
                            method, path, params, json, files, http_timeout, external
                        )
                if not response.is_success:
                    raise self._error_from(response)
                try:
                    return parse(response)
                except ValidationError as exc:
                    raise NetworkError(
                        f"unexpected answer shape: {exc.error_count()} validation error(s)",
                        status=response.status_code,
                        maybe_delivered=True,
                    ) from exc
            except LimiterUnavailable:
                # Nothing was sent, and retrying here would only wait on the same Redis:
                # the caller pauses (the engine) or tries again later (the outbox).
                raise
            except MaxApiError as error:
                error.method = error.method or method
                error.path = error.path or log_path
                delay = self._retry_delay(error, attempt, waited, retry_ambiguous)
                self._log_failure(error, attempt, delay)
                if delay is None:
                    raise
                waited += delay
                await self._sleep(delay)

    async def _send(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        json: Any,
        files: dict[str, tuple[str, bytes]] | None,
        http_timeout: httpx.Timeout | None,
        external: bool,
    ) -> httpx.Response:
        headers = {} if external else {"Authorization": self._token.value}
        try:
            return await self._http.request(
                method,
                path,
                params=params,
                json=json,
                files=files,
                headers=headers,
                timeout=http_timeout if http_timeout is not None else httpx.USE_CLIENT_DEFAULT,
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # Nothing reached MAX: always safe to retry.
            raise NetworkError(self._describe(exc), maybe_delivered=False) from exc
        except (httpx.UnsupportedProtocol, httpx.LocalProtocolError) as exc:
            raise MaxApiError(self._describe(exc), permanent=True) from exc
        except httpx.TransportError as exc:
            # Read/write timeouts and dropped connections: MAX may have acted on it.
            raise NetworkError(self._describe(exc), maybe_delivered=True) from exc

    def _describe(self, exc: Exception) -> str:
        detail = self._scrub(str(exc))
        return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__

    def _error_from(self, response: httpx.Response) -> MaxApiError:
        code: str | None = None
        message = response.reason_phrase or "error"
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if isinstance(payload, dict):
            raw_code = payload.get("code") or payload.get("error")
            code = str(raw_code) if raw_code else None
            message = str(payload.get("message") or message)
        elif response.text:
            message = response.text[:200]
        return error_for_status(
            response.status_code,
            code=code,
            message=self._scrub(message),
            retry_after=_retry_after(response),
        )

    def _retry_delay(
        self, error: MaxApiError, attempt: int, waited: float, retry_ambiguous: bool
    ) -> float | None:
        if error.permanent or attempt >= self.retry.max_attempts:
            return None
        if error.maybe_delivered and not retry_ambiguous:
            return None
        delay = self.retry.backoff(attempt, self._rng)
        if error.retry_after is not None:
            delay = max(delay, error.retry_after)
        if waited + delay > self.retry.max_total_delay:
            return None
        return delay

    def _log_failure(self, error: MaxApiError, attempt: int, delay: float | None) -> None:
        if self.on_error is not None:
            self.on_error(error)
        outcome = "giving up" if delay is None else f"retrying in {delay:.2f}s"
        log.warning(
            "MAX %s %s failed: status=%s code=%s permanent=%s attempt=%d/%d (%s): %s",
            error.method,
            error.path,
            error.status,
            error.code,
            error.permanent,
            attempt,
            self.retry.max_attempts,
            outcome,
            error.message,
        )


def _proxies_from_environment() -> bool:
    """Whether the environment names a proxy (``HTTPS_PROXY``, ``ALL_PROXY``, …)."""
    return any(
        scheme in ("http", "https", "all") for scheme in urllib.request.getproxies_environment()
    )


def _lenient_json(response: httpx.Response) -> dict[str, Any]:
    """Media hosts answer video/audio uploads with a non-JSON ``retval``; that is fine."""
    try:
        payload = response.json()
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}
