"""Typed MAX API errors that say whether a retry can help.

Permanent errors (bad request, bad token, user stopped the bot, chat or message gone) must
not be retried: record them and tell a human. Transient ones (429, 5xx, network) are retried
with backoff by the client; when retries run out they still reach the caller as transient,
so the dispatcher can push the next attempt forward instead of giving up.
"""

from __future__ import annotations

import re


class MaxApiError(Exception):
    """Any failed MAX API call. ``str()`` never contains the bot token.

    ``maybe_delivered`` is true when the request may have reached MAX and been acted on
    although no success answer came back (lost answer, gateway timeout), so repeating a
    non-idempotent call such as a send could duplicate it.
    """

    permanent: bool = True

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
        method: str | None = None,
        path: str | None = None,
        permanent: bool | None = None,
        maybe_delivered: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.retry_after = retry_after
        self.method = method
        self.path = path
        if permanent is not None:
            self.permanent = permanent
        self.maybe_delivered = maybe_delivered

    def __str__(self) -> str:
        where = f"{self.method} {self.path}: " if self.method and self.path else ""
        status = f"HTTP {self.status} " if self.status is not None else ""
        code = f"[{self.code}] " if self.code else ""
        return f"{where}{status}{code}{self.message}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, "
            f"message={self.message!r}, permanent={self.permanent!r})"
        )


class BadRequest(MaxApiError):
    """400 (and other 4xx without a class of their own): the request itself is wrong."""


class Unauthorized(MaxApiError):
    """401: the bot token is wrong or revoked."""


class Forbidden(MaxApiError):
    """403: e.g. the user stopped the bot or the chat denies the bot; see ``code``."""


class NotFound(MaxApiError):
    """404: the chat, dialog or message is gone (or the bot cannot see it)."""


class OperationFailed(MaxApiError):
    """MAX answered ``{"success": false, "message": ...}``."""


class AttachmentNotReady(BadRequest):
    """400 ``attachment.not.ready``: MAX is still processing an uploaded file; the same
    send works a moment later."""

    permanent = False


class RateLimited(MaxApiError):
    """429: too many requests; ``retry_after`` is set when MAX says how long to wait."""

    permanent = False


class ServerError(MaxApiError):
    """5xx: MAX is having trouble."""

    permanent = False


class NetworkError(MaxApiError):
    """Timeout, connection failure, or an answer we could not decode."""

    permanent = False


class LimiterUnavailable(NetworkError):
    """The rate limiter shared by the fleet (Redis) did not answer, so nothing was
    sent.  Transient, but no fault of the request: senders pause instead of counting
    an attempt."""

    def __init__(self, message: str) -> None:
        super().__init__(message, maybe_delivered=False)


_STATUS_CLASSES: dict[int, type[MaxApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
}

# MAX's error answers carry a ``code`` (the document's ``Error.code``): where it is one
# we know, it decides the class of a 4xx answer, since one status covers unlike cases (a 403 is a
# person who stopped the bot, or a token passed the old way; a 400 is a wrong request,
# or an upload still being processed). Unknown codes fall back to the status.
_CODE_CLASSES: dict[str, type[MaxApiError]] = {
    "verify.token": Unauthorized,
    "deprecated.token": Unauthorized,
    "too.many.requests": RateLimited,
    "attachment.not.ready": AttachmentNotReady,
    "chat.denied": Forbidden,
    "access.denied": Forbidden,
    "dialog.not.started": Forbidden,
    "not.found": NotFound,
    "chat.not.found": NotFound,
    "proto.payload": BadRequest,
    "method.not.allowed": BadRequest,
}


def class_for(status: int, code: str | None) -> type[MaxApiError]:
    """The error class for an answer: a 429 or 5xx is transient whatever its code (MAX
    is busy or failing); other answers by MAX's ``code`` where known, else by status."""
    if status == 429:
        return RateLimited
    if status >= 500:
        return ServerError
    by_code = _CODE_CLASSES.get(code.strip().lower()) if code else None
    if by_code is not None:
        return by_code
    return _STATUS_CLASSES.get(status, BadRequest)


def error_for_status(
    status: int,
    *,
    code: str | None,
    message: str,
    retry_after: float | None = None,
    method: str | None = None,
    path: str | None = None,
) -> MaxApiError:
    """The error to raise for a non-2xx answer (its class from ``code`` where MAX gave
    a known one, else from ``status``)."""
    cls = class_for(status, code)
    return cls(
        message,
        status=status,
        code=code,
        retry_after=retry_after,
        method=method,
        path=path,
        # 503 means "not taken"; a 500/502/504 may come after MAX already acted.
        maybe_delivered=status >= 500 and status != 503,
    )


# A "success: false" answer is taken as permanent unless its text clearly says to try again.
_TRANSIENT_HINT = re.compile(
    r"try again|retry|later|timeout|timed out|temporar|too many|rate limit|overload"
    r"|повтор|позже|временн",
    re.IGNORECASE,
)


def failed_operation(
    message: str | None, *, method: str | None = None, path: str | None = None
) -> OperationFailed:
    text = message or "operation failed"
    return OperationFailed(
        text,
        status=200,
        method=method,
        path=path,
        permanent=not _TRANSIENT_HINT.search(text),
    )
