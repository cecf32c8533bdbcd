"""The MAX client's transport over real HTTP: kept-alive connections are reused, one the
server closed is noticed before reuse, and checking idle connections costs no socket
attribute look-ups (docs/benchmarks.md, "Engine")."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import anyio.abc._sockets
import httpx
import pytest

from maxremind.emulator import Emulator, serve
from maxremind.emulator.limits import Limits
from maxremind.maxapi.client import MaxClient
from maxremind.maxapi.limiter import RateLimiter
from maxremind.maxapi.transport import MaxTransport, socket_readable

TOKEN = "transport-test-token"


@pytest.fixture
async def emulated() -> AsyncIterator[tuple[Emulator, str]]:
    emulator = Emulator(TOKEN, check_responses=True, limits=Limits(enabled=False))
    async with serve(emulator) as url:
        yield emulator, url
    assert emulator.response_violations == []


def client_for(url: str, **kwargs: Any) -> MaxClient:
    return MaxClient(
        TOKEN, base_url=url, limiter=RateLimiter(global_rps=1e6, per_chat_rps=1e6), **kwargs
    )


async def bursts(client: MaxClient, people: list[int], rounds: int) -> None:
    """Bursts of sends with the pool's connections idle in between, as the engine's are."""
    for i in range(rounds):
        await asyncio.gather(
            *(client.send_message(f"hello {uid} {i}", user_id=uid) for uid in people)
        )
        await asyncio.sleep(0.02)


async def test_sends_over_the_transport_reusing_connections(emulated, monkeypatch):
    emulator, url = emulated
    people = []
    for i in range(8):
        user = emulator.create_user(f"P{i}", None)
        emulator.start_bot(user.user_id)
        people.append(user.user_id)
    # Every look-up of a socket's attributes through anyio (what httpcore's own check of
    # an idle connection costs) is counted, and every connection made.
    looked_up = 0
    original = anyio.abc._sockets._SocketProvider.extra_attributes

    def counting(self: Any) -> Any:
        nonlocal looked_up
        looked_up += 1
        return original.fget(self)  # type: ignore[attr-defined]

    monkeypatch.setattr(anyio.abc._sockets._SocketProvider, "extra_attributes", property(counting))
    async with client_for(url) as client:
        assert isinstance(client._http._transport, MaxTransport)
        await bursts(client, people, 10)
        connections = len(client._http._transport._pool.connections)
    for uid in people:
        assert [m.text for m in emulator.bot_messages(user_id=uid)] == [
            f"hello {uid} {i}" for i in range(10)
        ]
    assert 1 <= connections <= len(people)
    # A look-up or two per connection made (anyio's connect, the stream remembering its
    # socket), none per check of an idle connection.
    assert looked_up <= 2 * len(people)
    # The same traffic over httpx's own transport: a look-up per idle connection, twice
    # a request.
    looked_up = 0
    async with client_for(url, transport=httpx.AsyncHTTPTransport()) as client:
        await bursts(client, people, 10)
    assert looked_up > 10 * len(people)


async def test_a_connection_the_server_closed_is_not_reused():
    """A keep-alive answer, then the server closes the connection while it is idle: the
    next request must notice (the socket reads as readable) and open a new one."""
    accepted = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal accepted
        accepted += 1
        await reader.readuntil(b"\r\n\r\n")
        body = b'{"name": "bot", "user_id": 1, "is_bot": true, "last_activity_time": 0}'
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Connection: keep-alive\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        await writer.drain()
        writer.close()  # idle, kept alive as far as the client knows: then closed

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with client_for(f"http://127.0.0.1:{port}") as client:
            for _ in range(3):
                bot = await client.get_me()
                assert bot.user_id == 1
                await asyncio.sleep(0.05)  # the close arrives while the connection idles
        assert accepted == 3
    finally:
        server.close()
        await server.wait_closed()


def test_socket_readable_tells_data_and_end_from_nothing():
    a, b = socket.socketpair()
    try:
        assert not socket_readable(a)
        b.sendall(b"x")
        assert socket_readable(a)
        a.recv(1)
        assert not socket_readable(a)
        b.close()
        assert socket_readable(a)  # the end of the stream reads at once
    finally:
        a.close()
    assert socket_readable(a)  # closed: treated as gone
    assert socket_readable(None)


async def test_a_proxy_in_the_environment_is_left_to_httpx(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    async with MaxClient(TOKEN, base_url="https://max.test") as client:
        assert not isinstance(client._http._transport, MaxTransport)
        assert client._http._mounts  # httpx mounted the proxy from the environment
