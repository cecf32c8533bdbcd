"""The webhook endpoint MAX posts updates to (``MAXREMIND_MODE=webhook``).

It checks the secret in constant time, stores the update durably through the
inbox and answers 200 at once; handling happens afterwards in the inbox worker.
MAX retries anything but 200 for hours, so only a failure to store answers 503.

Input is checked before anything is stored: the content type must be JSON, the body
is read at most ``MAX_BODY`` bytes (a larger Content-Length is refused before reading),
and JSON nested deeper than any real update is refused instead of recursing into a
RecursionError.  A refused call answers a 4xx JSON error and the inbox never sees it.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse

from maxremind.intake.inbox import Inbox
from maxremind.storage import StorageError

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Max-Bot-Api-Secret"  # noqa: S105 - a header name, not a secret
MAX_BODY = 1_000_000
# Real updates nest about ten levels (update → message → body → attachments → payload…);
# 64 leaves room for MAX to grow while staying far below Python's recursion limit, which
# the JSON parser, pydantic and the canonical re-serialisation all recurse into.
MAX_DEPTH = 64
WEBHOOK_PATH = "/max/webhook"


class BadUpdate(ValueError):
    """The request cannot carry an update; ``status`` is the HTTP answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)


def _check_content_type(request: Request) -> None:
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise BadUpdate(415, "Content-Type must be application/json")


async def _read_body(request: Request) -> bytes:
    """The body, refusing anything over ``MAX_BODY`` without buffering more than that."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise BadUpdate(400, "Content-Length must be a number")
        if int(declared) > MAX_BODY:
            raise BadUpdate(413, f"body too large (limit {MAX_BODY} bytes)")
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:  # chunked, or lying about its length
                raise BadUpdate(413, f"body too large (limit {MAX_BODY} bytes)")
    except ClientDisconnect:
        raise BadUpdate(400, "the body ended early") from None
    return bytes(body)


def _too_deep(value: Any) -> bool:
    # Iterative, so measuring the depth cannot itself hit the recursion limit.
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _parse(body: bytes) -> Any:
    try:
        raw = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadUpdate(400, f"body must be a JSON update in UTF-8 ({exc})") from None
    except RecursionError:  # the C parser gives up at roughly Python's recursion limit
        raise BadUpdate(400, f"JSON nested deeper than {MAX_DEPTH} levels") from None
    if _too_deep(raw):
        raise BadUpdate(400, f"JSON nested deeper than {MAX_DEPTH} levels")
    return raw


def webhook_endpoint(inbox: Inbox, secret: str) -> object:
    """A Starlette endpoint bound to one inbox and secret."""
    expected = secret.encode()

    async def endpoint(request: Request) -> JSONResponse:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not given or not hmac.compare_digest(given, expected):
            log.warning("webhook call from %s with a missing or wrong secret", request.client)
            return _error(401, "missing or wrong X-Max-Bot-Api-Secret")
        try:
            _check_content_type(request)
            raw = _parse(await _read_body(request))
            await inbox.put_raw(raw)
        except BadUpdate as exc:
            log.warning("webhook call refused (%s): %s", exc.status, exc)
            return _error(exc.status, str(exc))
        except ValueError as exc:
            log.warning("webhook update skipped: %s", exc)
            return _error(400, str(exc))
        except StorageError:
            log.exception("could not store a webhook update; MAX will retry it")
            return _error(503, "temporarily unable to store the update")
        return JSONResponse({"ok": True})

    return endpoint
