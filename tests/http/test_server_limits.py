"""The product's HTTP server over real sockets: request deadlines, idle and connection limits."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from maxremind.http import server
from maxremind.http.server import (
    ACCEPT_ERROR,
    AcceptErrorFilter,
    install_accept_error_filter,
    serve_app,
)

Socket = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def _hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse("hello")


async def _slow(request: Request) -> PlainTextResponse:
    await asyncio.sleep(1.0)  # longer than the request deadline used below
    return PlainTextResponse("slow but fine")


APP = Starlette(routes=[Route("/", _hello), Route("/slow", _slow)])
GET = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"


async def _connect(url: str) -> Socket:
    host, port = url.removeprefix("http://").split(":")
    return await asyncio.open_connection(host, int(port))


async def _closed_within(sock: Socket, seconds: float) -> bytes:
    """Everything the server sent until it closed the connection (fails if it does not)."""
    reader, writer = sock
    received = b""
    try:
        async with asyncio.timeout(seconds):
            while chunk := await reader.read(65536):
                received += chunk
    except ConnectionResetError:
        pass
    finally:
        writer.close()
    return received


async def _exchange(sock: Socket, request: bytes = GET) -> bytes:
    reader, writer = sock
    writer.write(request)
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    return head + await asyncio.wait_for(reader.readexactly(length), 5)


@pytest.fixture(params=["httptools", "h11"])
async def url(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[str]:
    """The server with uvicorn's httptools protocol (installed with the product) and with
    its pure-Python h11 one (what serves where httptools cannot be installed)."""
    if request.param == "h11":
        monkeypatch.setattr(server, "HttpToolsProtocol", None)
    async with serve_app(APP, request_timeout=0.5, keep_alive_timeout=1) as base:
        yield base


async def test_a_silent_connection_is_closed_after_the_request_timeout(url: str) -> None:
    started = time.monotonic()
    assert await _closed_within(await _connect(url), 3) == b""
    assert 0.4 < time.monotonic() - started < 2.5


@pytest.mark.parametrize(
    "partial",
    [
        b"GET / HTTP/1.1\r\nHost: x\r\n",  # headers never finished
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc",  # body cut short
    ],
)
async def test_a_half_sent_request_is_closed_after_the_request_timeout(
    url: str, partial: bytes
) -> None:
    sock = await _connect(url)
    sock[1].write(partial)
    started = time.monotonic()
    assert b"hello" not in await _closed_within(sock, 3)
    assert time.monotonic() - started < 2.5


async def test_a_slow_answer_is_not_cut_by_the_request_timeout(url: str) -> None:
    answer = await _exchange(await _connect(url), b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"slow but fine")


async def test_kept_alive_connection_serves_again_then_closes_when_idle(url: str) -> None:
    sock = await _connect(url)
    for _ in range(2):  # the deadline is re-armed for each request on the connection
        assert (await _exchange(sock)).endswith(b"hello")
        await asyncio.sleep(0.3)
    sock[1].write(b"GET / HTTP/1.1\r\n")  # a second request started but never finished
    assert b"hello" not in await _closed_within(sock, 3)
    idle = await _connect(url)
    assert (await _exchange(idle)).endswith(b"hello")
    started = time.monotonic()
    assert await _closed_within(idle, 4) == b""
    assert time.monotonic() - started < 3


async def test_connections_over_the_limit_are_refused_and_the_others_still_work() -> None:
    async with serve_app(APP, max_connections=3, request_timeout=30) as url:
        held = [await _connect(url) for _ in range(3)]
        await asyncio.sleep(0.2)  # let the server accept all three
        refused = await _closed_within(await _connect(url), 3)
        assert refused.startswith(b"HTTP/1.1 503 ")
        assert (await _exchange(held[0])).endswith(b"hello")  # an open one is unhurt
        for _, writer in held:
            writer.close()
        await asyncio.sleep(0.2)
        async with httpx.AsyncClient() as http:
            assert (await http.get(url)).text == "hello"


def _record(message: str) -> logging.LogRecord:
    return logging.LogRecord("asyncio", logging.ERROR, __file__, 1, message, None, None)


def test_accept_error_storm_becomes_one_line_a_minute() -> None:
    now = [1000.0]
    storm = AcceptErrorFilter(clock=lambda: now[0])
    accept_error = f"{ACCEPT_ERROR}\nsocket: <asyncio.TransportSocket fd=6>"
    passed = [r for r in (_record(accept_error) for _ in range(100_000)) if storm.filter(r)]
    assert len(passed) == 1
    assert storm.filter(_record("Task exception was never retrieved"))  # others untouched
    now[0] += 61
    later = _record(accept_error)
    assert storm.filter(later)
    assert "99999 more like this suppressed" in later.getMessage()


async def test_accept_errors_from_the_event_loop_are_collapsed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    asyncio_log = logging.getLogger("asyncio")
    for stale in [f for f in asyncio_log.filters if isinstance(f, AcceptErrorFilter)]:
        asyncio_log.removeFilter(stale)  # one left by an earlier test may be mid-minute
    installed = install_accept_error_filter()
    assert install_accept_error_filter() is installed  # installed once per process
    loop = asyncio.get_running_loop()
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        for _ in range(1000):
            loop.call_exception_handler(
                {"message": ACCEPT_ERROR, "exception": OSError(24, "Too many open files")}
            )
    assert len([r for r in caplog.records if ACCEPT_ERROR in r.getMessage()]) == 1
    assert installed.suppressed == 999
