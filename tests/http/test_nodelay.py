"""The embedded server answers without Nagle's delay on kept-alive connections.

asyncio sets TCP_NODELAY only on sockets whose proto says TCP; a listening socket made
with proto 0 passes that on to every accepted one, and then an answer written in two
parts (headers, body) waits for the client's delayed ACK: 40 ms per request.
"""

from __future__ import annotations

import asyncio
import socket

from maxremind.http.server import _bind


async def test_accepted_connections_have_nagle_turned_off() -> None:
    seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    listening = _bind("127.0.0.1", 0)
    server = await asyncio.get_running_loop().create_server(Probe, sock=listening)
    try:
        port = listening.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        assert await asyncio.wait_for(seen, 5) != 0
        writer.close()
    finally:
        server.close()
        await server.wait_closed()
