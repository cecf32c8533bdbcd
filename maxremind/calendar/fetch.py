"""Fetching subscribed ICS feeds: the product's one way to read a URL a person gave it.

A feed URL comes from a team organizer, so it is treated as hostile input:

* **No private addresses.** The host is resolved when a connection is made (for the
  first request and after every redirect) and every address is checked; a connection
  goes only to an address that passed, so a DNS answer cannot change in between
  (rebinding).  Loopback, private, link-local, shared (CGNAT), multicast and reserved
  addresses are refused unless the admin allows them (``calendar_allow_private``).
* **Bounded**: at most ``MAX_REDIRECTS`` redirects (a loop ends there), a connect and a
  read timeout plus a deadline for the whole fetch, and a size cap checked while the
  body streams in (a Content-Length over it is refused before reading).
* **Only calendars**: an HTML answer (a sign-in page, an error page) is refused.
* **Conditional**: the feed's ETag and Last-Modified go back as If-None-Match and
  If-Modified-Since; a 304 means nothing changed.

Failures are :class:`FetchFailed` with a reason code the service shows the organizer.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpcore
import httpx

from maxremind import __version__
from maxremind.calendar.limits import MAX_BYTES

MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
DEADLINE = 30.0  # the whole fetch, however slowly the bytes trickle in
MAX_URL = 2000

Resolver = Callable[[str, int], Awaitable[list[str]]]


class FetchFailed(Exception):
    """A feed could not be fetched.

    ``reason``: ``bad_url``, ``private_address``, ``timeout``, ``redirects``,
    ``http_status`` (``detail`` is the status), ``html``, ``too_large``, ``network``.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class BlockedAddress(Exception):
    """The host resolves only to addresses this instance may not connect to."""


@dataclass(frozen=True)
class Fetched:
    """A feed's answer: ``body`` is None when it did not change (304)."""

    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.body is None


def feed_url(raw: str) -> str:
    """A subscription URL as fetched: ``webcal://`` is https, only http(s) with a host.

    :raises FetchFailed: ``bad_url``.
    """
    text = raw.strip()
    if not text or len(text) > MAX_URL or any(ch.isspace() for ch in text):
        raise FetchFailed("bad_url")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme in ("webcal", "webcals"):
        scheme = "https"
    if scheme not in ("http", "https") or not parts.hostname:
        raise FetchFailed("bad_url")
    try:
        parts.port  # noqa: B018 - a malformed port raises here
    except ValueError:
        raise FetchFailed("bad_url") from None
    return urlunsplit((scheme, parts.netloc, parts.path or "/", parts.query, ""))


def is_public(address: str) -> bool:
    """Whether an IP address is on the public internet (a mapped IPv4 counts as IPv4)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:  # mapped, 6to4, NAT64, IPv4-compatible: judge the IPv4
            ip = embedded
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or ip in _NAT64_LOCAL:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if int(ip) >> 32 == 0 and int(ip) > 1:  # ::a.b.c.d (deprecated IPv4-compatible)
        return ipaddress.IPv4Address(int(ip))
    return None


async def system_resolver(host: str, port: int) -> list[str]:
    """The host's addresses as the system resolves them (an IP literal is itself)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return [host]
    loop = asyncio.get_running_loop()
    try:
        found = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in found))


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses the policy allows, to the very address it checked."""

    def __init__(
        self, allowed: Callable[[str], bool], resolve: Resolver, inner: httpcore.AsyncNetworkBackend
    ) -> None:
        self._allowed = allowed
        self._resolve = resolve
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's signature
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._resolve(host.strip("[]"), port)
        usable = [a for a in addresses if self._allowed(a)]
        if not usable:
            raise BlockedAddress(host)
        failure: Exception | None = None
        for address in usable[:3]:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's signature
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress(path)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, allowed: Callable[[str], bool], resolve: Resolver) -> None:
        # One TLS context for both pools (each loads the whole CA bundle).
        context = httpx.create_ssl_context(trust_env=False)
        super().__init__(verify=context, trust_env=False)
        # httpx builds its connection pool without a way to pass a network backend; the
        # pool is rebuilt here with the same TLS settings and the guarded backend
        # (tests/calendar/test_subscription.py fails if a private address gets through).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=10,
            max_keepalive_connections=5,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(allowed, resolve, httpcore.AnyIOBackend()),
        )


class IcsFetcher:
    """The outbound HTTP client of calendar subscriptions (built once, in ``app.py``).

    ``allow_private`` lets feeds on the local network through (an intranet calendar);
    ``allowed`` and ``resolve`` replace the address policy and DNS in tests, ``transport``
    the whole network (it then bypasses the address check, so only tests pass one).
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        max_bytes: int = MAX_BYTES,
        deadline: float = DEADLINE,
        read_timeout: float = READ_TIMEOUT,
        allowed: Callable[[str], bool] | None = None,
        resolve: Resolver = system_resolver,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._policy = allowed or ((lambda _: True) if allow_private else is_public)
        self._resolve = resolve
        self._transport = transport
        self._read_timeout = read_timeout
        self.max_bytes = max_bytes
        self.deadline = deadline
        # Built by the first fetch: its TLS context (the CA bundle loaded into OpenSSL)
        # costs about 1 MB that an instance without subscriptions never needs.
        self._client: httpx.AsyncClient | None = None
        self._closed = False

    def _http(self) -> httpx.AsyncClient:
        if self._closed:  # as httpx's own client refuses once closed
            raise RuntimeError("the calendar fetcher has been closed")
        if self._client is None:
            self._client = self._build()
        return self._client

    def _build(self) -> httpx.AsyncClient:
        read_timeout = self._read_timeout
        return httpx.AsyncClient(
            transport=self._transport or _GuardedTransport(self._policy, self._resolve),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            timeout=httpx.Timeout(read_timeout, connect=CONNECT_TIMEOUT),
            headers={
                "user-agent": f"maxremind/{__version__} (calendar subscription)",
                "accept": "text/calendar, text/plain;q=0.5, */*;q=0.1",
                # Decoded size is what counts; a compressed answer could hide a bomb.
                "accept-encoding": "identity",
            },
            trust_env=False,
        )

    async def aclose(self) -> None:
        self._closed = True
        if self._client is not None:
            await self._client.aclose()

    async def __aenter__(self) -> IcsFetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """GET a feed, conditionally when validators are given.

        :raises FetchFailed: see the class; nothing else escapes.
        """
        target = feed_url(url)
        headers = {}
        if etag:
            headers["if-none-match"] = etag
        if last_modified:
            headers["if-modified-since"] = last_modified
        try:
            async with asyncio.timeout(self.deadline):
                return await self._get(target, headers)
        except FetchFailed:
            raise
        except BlockedAddress:
            raise FetchFailed("private_address") from None
        except (TimeoutError, httpx.TimeoutException):
            raise FetchFailed("timeout") from None
        except httpx.TooManyRedirects:
            raise FetchFailed("redirects") from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL):
            raise FetchFailed("bad_url") from None
        except (httpx.HTTPError, httpcore.ConnectError, OSError) as exc:
            raise FetchFailed("network", type(exc).__name__) from None

    async def _get(self, url: str, headers: dict[str, str]) -> Fetched:
        async with self._http().stream("GET", url, headers=headers) as answer:
            if answer.status_code == 304:
                return Fetched(
                    None,
                    etag=answer.headers.get("etag") or headers.get("if-none-match"),
                    last_modified=answer.headers.get("last-modified")
                    or headers.get("if-modified-since"),
                )
            if answer.status_code != 200:
                raise FetchFailed("http_status", str(answer.status_code))
            if "html" in answer.headers.get("content-type", "").lower():
                raise FetchFailed("html")
            declared = answer.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchFailed("too_large", declared)
            body = bytearray()
            async for chunk in answer.aiter_bytes():
                body += chunk
                if len(body) > self.max_bytes:
                    raise FetchFailed("too_large", f">{self.max_bytes}")
            if _looks_html(bytes(body[:512])):
                raise FetchFailed("html")
            return Fetched(
                bytes(body),
                etag=answer.headers.get("etag"),
                last_modified=answer.headers.get("last-modified"),
            )


def _looks_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml"))
