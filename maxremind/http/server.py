"""Serve an ASGI app with uvicorn inside the running event loop.

uvicorn's HTTP/1.1 protocols (httptools, or h11 without it) wait forever for a client
that connects and sends nothing, or half a request, and accept connections until file
descriptors run out; on a Pi exposed to the internet that is a denial of service for one
idle script.  So the protocol here adds what it lacks:

* a deadline for each request: headers and body must arrive within ``request_timeout``
  seconds of the connection opening (or of the previous answer, on a kept-alive one);
* ``max_connections``: a connection beyond it is answered 503 and closed at once, and
  the ones already open are not touched;
* an idle kept-alive connection closes after ``keep_alive_timeout`` (uvicorn's own timer).

When descriptors run out anyway, asyncio logs each failed ``accept()``;
:class:`AcceptErrorFilter` lets one such line through per minute with a count.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable, Generator
from typing import Any, ClassVar

import uvicorn

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools not installed: the pure-Python h11 protocol serves
    HttpToolsProtocol = None  # type: ignore[assignment,misc]

REQUEST_TIMEOUT = 10.0
KEEP_ALIVE_TIMEOUT = 5  # whole seconds: uvicorn's setting is an int
MAX_CONNECTIONS = 256

_BUSY_BODY = b"too many open connections, try again shortly\n"
_BUSY_RESPONSE = (
    b"HTTP/1.1 503 Service Unavailable\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: %d\r\n"
    b"retry-after: 5\r\n"
    b"connection: close\r\n"
    b"\r\n%s"
) % (len(_BUSY_BODY), _BUSY_BODY)


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to whoever owns the loop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


class _Guard(asyncio.Protocol):
    """The request deadline and the connection limit, for either of uvicorn's HTTP/1.1
    protocols (:class:`GuardedHttpToolsProtocol`, :func:`guarded_h11`).

    Subclassed per server by :func:`guarded_protocol`, which sets the two class
    attributes: uvicorn builds protocols itself and passes only its own config.
    """

    request_timeout: ClassVar[float] = REQUEST_TIMEOUT
    max_connections: ClassVar[int] = MAX_CONNECTIONS

    _deadline: asyncio.TimerHandle | None = None
    _refused = False

    # Provided by uvicorn's protocol.
    connections: set[Any]
    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    logger: logging.Logger
    client: Any

    def _request_pending(self) -> bool:
        """A request has begun arriving and is not complete yet."""
        raise NotImplementedError

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        if len(self.connections) >= self.max_connections:
            # Refused before it counts: existing connections keep their places and the
            # descriptor is given back at once instead of waiting for a request.
            self._refused = True
            self.transport = transport
            transport.write(_BUSY_RESPONSE)
            transport.close()
            return
        super().connection_made(transport)
        self._arm_deadline()

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        super().data_received(data)
        if self.transport.is_closing() or not self._request_pending():
            self._disarm_deadline()  # the request is in; answering it may take its time
        elif self._deadline is None:
            self._arm_deadline()  # the first bytes of the next request on a kept-alive one

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_deadline()
        if self._refused:
            return
        super().connection_lost(exc)

    def _arm_deadline(self) -> None:
        self._disarm_deadline()
        self._deadline = self.loop.call_later(self.request_timeout, self._deadline_passed)

    def _disarm_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _deadline_passed(self) -> None:
        self._deadline = None
        if self.transport.is_closing() or not self._request_pending():
            return
        self.logger.info("closing a connection from %s: no complete request in time", self.client)
        self.transport.close()


if HttpToolsProtocol is not None:

    class GuardedHttpToolsProtocol(_Guard, HttpToolsProtocol):
        """uvicorn's httptools protocol (a C parser: a fraction of h11's CPU per
        request), guarded.  A request is pending from its first byte to its end."""

        _pending = True  # from the connection's opening: the first request is awaited

        def on_message_begin(self) -> None:
            self._pending = True
            super().on_message_begin()

        def on_message_complete(self) -> None:
            self._pending = False
            super().on_message_complete()

        def data_received(self, data: bytes) -> None:
            if not self._refused and self._deadline is None and not self._pending:
                self._pending = True  # bytes of the next request on a kept-alive one
            super().data_received(data)

        def _request_pending(self) -> bool:
            return self._pending


def guarded_h11() -> type[_Guard]:
    """uvicorn's pure-Python h11 protocol, guarded: used when httptools is missing, and
    imported only then (uvicorn's h11 protocol module is 0.4 MiB an instance serving
    with httptools never needs)."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class GuardedH11Protocol(_Guard, H11Protocol):
        def _request_pending(self) -> bool:
            return self.conn.their_state not in (h11.DONE, h11.MUST_CLOSE)

    return GuardedH11Protocol


def guarded_protocol(request_timeout: float, max_connections: int) -> type[_Guard]:
    """A guarded protocol class with these limits, for ``uvicorn.Config(http=)``: the
    httptools one when httptools is installed, else the h11 one."""
    base: type[_Guard] = (
        GuardedHttpToolsProtocol if HttpToolsProtocol is not None else guarded_h11()
    )
    return type(
        base.__name__,
        (base,),
        {"request_timeout": request_timeout, "max_connections": max_connections},
    )


ACCEPT_ERROR = "socket.accept() out of system resource"


class AcceptErrorFilter(logging.Filter):
    """Lets one "accept() out of system resource" record through per ``interval``.

    asyncio logs that error on every failed accept while descriptors are exhausted; the
    first line says all there is to say, the rest only bury other logs and fill the disk.
    The next line let through tells how many were suppressed in between.
    """

    def __init__(self, interval: float = 60.0, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self._interval = interval
        self._clock = clock
        self._last: float | None = None
        self.suppressed = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(ACCEPT_ERROR):
            return True
        now = self._clock()
        if self._last is not None and now - self._last < self._interval:
            self.suppressed += 1
            return False
        self._last = now
        if self.suppressed:
            record.msg = f"{record.msg}\n({self.suppressed} more like this suppressed)"
            self.suppressed = 0
        return True


def install_accept_error_filter() -> AcceptErrorFilter:
    """Adds one :class:`AcceptErrorFilter` to the asyncio logger (once per process)."""
    logger = logging.getLogger("asyncio")
    for existing in logger.filters:
        if isinstance(existing, AcceptErrorFilter):
            return existing
    new = AcceptErrorFilter()
    logger.addFilter(new)
    return new


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, not left 0: asyncio turns Nagle's algorithm off (TCP_NODELAY)
    # only on sockets whose proto says TCP, and accepted sockets inherit it.  With proto
    # 0, an answer written in two parts (headers, body) waited for the client's delayed
    # ACK: 40 ms per request on a kept-alive connection.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def base_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    if shown in ("0.0.0.0", "[::]"):  # noqa: S104 - only naming the wildcard for display
        shown = "127.0.0.1"
    return f"http://{shown}:{port}"


@contextlib.asynccontextmanager
async def serve_app(
    app: Any,
    host: str = "127.0.0.1",
    port: int = 0,
    before_stop: Callable[[], None] | None = None,
    *,
    max_connections: int = MAX_CONNECTIONS,
    request_timeout: float = REQUEST_TIMEOUT,
    keep_alive_timeout: int = KEEP_ALIVE_TIMEOUT,
) -> AsyncIterator[str]:
    """Serve ``app`` in the current loop; yields its base URL (the real port when ``port``
    is 0) and stops the server on exit.

    ``max_connections`` open connections at most (more are answered 503 and closed);
    ``request_timeout`` seconds for a request's headers and body to arrive;
    ``keep_alive_timeout`` seconds an idle kept-alive connection stays open.

    :raises OSError: the address cannot be bound (port taken, say).
    """
    install_accept_error_filter()
    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        http=guarded_protocol(request_timeout, max_connections),
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
        timeout_keep_alive=keep_alive_timeout,
        # The peer address is who connected; X-Forwarded-For is not trusted to rewrite it
        # (the status page's access rule depends on that).
        proxy_headers=False,
    )
    server = _EmbeddedServer(config)
    task = asyncio.get_running_loop().create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("uvicorn exited during start-up")
            await asyncio.sleep(0.005)
        yield base_url(host, bound_port)
    finally:
        if before_stop is not None:
            before_stop()
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task
        sock.close()
