"""The HTTP transport under :class:`~maxremind.maxapi.client.MaxClient`: httpx's own, with
one check made cheap.

Before it hands a request to a kept-alive connection, and again when a response is
closed, httpcore's pool asks *every* idle connection whether the server has closed it
(``get_extra_info("is_readable")``).  On asyncio that question goes through anyio, which
builds a dictionary of the socket's attributes (a ``getpeername`` system call among
them) to find the socket, then polls it: about 5 µs a connection.  The engine sends
reminders as they fall due, so between bursts most of the pool's kept connections are
idle, and those two passes per message took about 13 % of the event loop's samples.
Here each connection's stream remembers its socket and polls it directly (about
0.6 µs); everything else is httpcore's and anyio's, unchanged — the same connections,
TLS, timeouts and errors.  Measured (``bench/engine.py``, 15,000 deliveries, quiet VM):
the product's CPU per delivery 1.36 → 1.19 ms (docs/benchmarks.md, "Engine").
"""

from __future__ import annotations

import select
import socket
import ssl
import sys
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

# httpx's defaults, stated here because this transport builds the pool itself.
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)

_SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


def socket_readable(sock: socket.socket | None) -> bool:
    """Whether reading ``sock`` would return at once: data, or the end a closing server
    left.  A socket that is gone counts as readable (its next read ends), as in httpcore."""
    fd = sock.fileno() if sock is not None else -1
    if fd < 0:
        return True
    if sys.platform == "win32" or not hasattr(select, "poll"):
        ready, _, _ = select.select([fd], [], [], 0)
        return bool(ready)
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


class _Stream(httpcore.AsyncNetworkStream):
    """A connection's stream, as the backend made it, that knows its socket."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: socket.socket | None = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return socket_readable(self._socket)
        if info == "socket":
            return self._socket
        return self._inner.get_extra_info(info)


class _Backend(httpcore.AsyncNetworkBackend):
    """anyio's backend (httpcore's choice on asyncio), its streams wrapped in :class:`_Stream`."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109
        local_address: str | None = None,
        socket_options: Iterable[_SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return _Stream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109
        socket_options: Iterable[_SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_unix_socket(
            path, timeout=timeout, socket_options=socket_options
        )
        return _Stream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class MaxTransport(httpx.AsyncHTTPTransport):
    """httpx's transport (HTTP/1.1, the given TLS trust, httpx's default limits) whose
    connection pool uses :class:`_Backend`."""

    def __init__(self, ssl_context: ssl.SSLContext, limits: httpx.Limits = LIMITS) -> None:
        super().__init__(verify=ssl_context, limits=limits)
        # httpx builds its pool without a way to name the network backend; the pool it
        # builds is replaced by the same one (the arguments httpx passes) with ours.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=_Backend(),
        )
