"""Security headers on every answer, and who may open the status page and /metrics.

The status page and /metrics show counts, versions and process details: harmless on a
home network, not something to hand to the whole internet.  They open only to a client
that connects *directly* from an allowed network (``MAXREMIND_STATUS_ALLOW``) or that
shows the status token (``MAXREMIND_STATUS_TOKEN``).  "Directly" matters: behind nginx
every request arrives from 127.0.0.1, so a request carrying proxy headers is treated as
coming from outside, whatever its peer address.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable, Sequence

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# No inline script or style anywhere: the pages load their assets from /static only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")

CLOSED_TEXT = (
    "Страница закрыта. Откройте её с адреса из MAXREMIND_STATUS_ALLOW (без прокси) "
    "или передайте заголовок Authorization: Bearer <MAXREMIND_STATUS_TOKEN>.\n"
    "This page is closed. Open it from an address in MAXREMIND_STATUS_ALLOW (not through "
    "a proxy) or send the header Authorization: Bearer <MAXREMIND_STATUS_TOKEN>.\n"
)


def _address_allowed(host: str, networks: Iterable[Network]) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:  # a Unix socket path or a test client's made-up name
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # a dual-stack socket reports IPv4 peers this way
    return any(address in network for network in networks)


class StatusGuard:
    """Decides whether a request may see the status page and /metrics."""

    def __init__(self, allow: Sequence[Network], token: str) -> None:
        self._allow = tuple(allow)
        self._token = token.encode()

    def allows(self, scope: Scope) -> bool:
        headers = Headers(scope=scope)
        if self._token:
            scheme, _, given = headers.get("authorization", "").partition(" ")
            if scheme.lower() == "bearer" and hmac.compare_digest(
                given.strip().encode(), self._token
            ):
                return True
        if any(name in headers for name in PROXY_HEADERS):
            return False
        client = scope.get("client")
        return client is not None and _address_allowed(str(client[0]), self._allow)


class GuardedPaths:
    """ASGI middleware: answers 403 on ``paths`` unless the guard lets the request in."""

    def __init__(self, app: ASGIApp, guard: StatusGuard, paths: Iterable[str]) -> None:
        self._app = app
        self._guard = guard
        self._paths = frozenset(paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"] in self._paths
            and not self._guard.allows(scope)
        ):
            await PlainTextResponse(CLOSED_TEXT, status_code=403)(scope, receive, send)
            return
        await self._app(scope, receive, send)


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every HTTP answer, errors too."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self._app(scope, receive, send_with_headers)
