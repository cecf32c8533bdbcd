"""Serve an ASGI app with uvicorn inside the running event loop."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable, Generator
from typing import Any

import uvicorn


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to whoever owns the loop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
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
    app: Any, host: str = "127.0.0.1", port: int = 0, before_stop: Callable[[], None] | None = None
) -> AsyncIterator[str]:
    """Serve ``app`` in the current loop; yields its base URL (the real port when ``port``
    is 0) and stops the server on exit.

    :raises OSError: the address cannot be bound (port taken, say).
    """
    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=2
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
