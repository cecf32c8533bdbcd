"""The webhook endpoint MAX posts updates to (``MAXREMIND_MODE=webhook``).

It checks the secret in constant time, stores the update durably through the
inbox and answers 200 at once; handling happens afterwards in the inbox worker.
MAX retries anything but 200 for hours, so only a failure to store answers 503.
"""

from __future__ import annotations

import hmac
import json
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

from maxremind.intake.inbox import Inbox
from maxremind.storage import StorageError

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Max-Bot-Api-Secret"  # noqa: S105 - a header name, not a secret
MAX_BODY = 1_000_000
WEBHOOK_PATH = "/max/webhook"


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)


def webhook_endpoint(inbox: Inbox, secret: str) -> object:
    """A Starlette endpoint bound to one inbox and secret."""
    expected = secret.encode()

    async def endpoint(request: Request) -> JSONResponse:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not given or not hmac.compare_digest(given, expected):
            log.warning("webhook call from %s with a missing or wrong secret", request.client)
            return _error(401, "missing or wrong X-Max-Bot-Api-Secret")
        body = await request.body()
        if len(body) > MAX_BODY:
            log.warning("webhook body of %s bytes refused", len(body))
            return _error(413, "body too large")
        try:
            raw = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            log.warning("webhook body is not UTF-8 JSON: %s", exc)
            return _error(400, "body must be a JSON update in UTF-8")
        try:
            await inbox.put_raw(raw)
        except ValueError as exc:
            log.warning("webhook update skipped: %s", exc)
            return _error(400, str(exc))
        except StorageError:
            log.exception("could not store a webhook update; MAX will retry it")
            return _error(503, "temporarily unable to store the update")
        return JSONResponse({"ok": True})

    return endpoint
