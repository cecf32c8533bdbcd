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


def content_security_policy(frame_ancestors: str = "", extra_script: str = "") -> str:
    """No inline script or style anywhere: pages load their assets from /static only.
    ``frame_ancestors`` (origins) may show the pages in a frame — MAX's web client opens
    the mini-app that way; ``extra_script`` adds one script origin (MAX's bridge)."""
    scripts = " ".join(part for part in ("'self'", extra_script) if part)
    ancestors = frame_ancestors or "'none'"
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        f"frame-ancestors {ancestors}"
    )


CONTENT_SECURITY_POLICY = content_security_policy()


def security_headers(frame_ancestors: str = "") -> tuple[tuple[bytes, bytes], ...]:
    headers = [
        (b"content-security-policy", content_security_policy(frame_ancestors).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
    ]
    if not frame_ancestors:
        headers.append((b"x-frame-options", b"DENY"))  # for browsers without CSP 2
    return tuple(headers)


SECURITY_HEADERS = security_headers()
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
    """ASGI middleware adding the security headers to every HTTP answer, errors too;
    a header the answer sets itself (the mini-app page's CSP) is kept."""

    def __init__(self, app: ASGIApp, frame_ancestors: str = "") -> None:
        self._app = app
        self._headers = security_headers(frame_ancestors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in self._headers if n not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self._app(scope, receive, send_with_headers)
