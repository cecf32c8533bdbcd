"""Run the emulator over real HTTP, inside a running event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator

from maxremind.emulator.app import Emulator
from maxremind.emulator.limits import FaultConfig, Limits
from maxremind.http.server import serve_app

log = logging.getLogger(__name__)

__all__ = ["run_emulator", "serve", "serve_app"]


@contextlib.asynccontextmanager
async def serve(emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Run `emulator` over HTTP in the current event loop and yield its base URL.

    On exit waiting long polls are released, the server stops, and the emulator's
    webhook pusher and HTTP client are closed.
    """
    try:
        async with serve_app(emulator.app, host, port, before_stop=emulator.shutdown) as url:
            yield url
    finally:
        await emulator.aclose()


async def run_emulator(
    host: str = "127.0.0.1",
    port: int = 8081,
    token: str = "emulator-token",  # noqa: S107 - a well-known demo token, not a secret
    *,
    bot_username: str = "maxremind_bot",
    bot_name: str = "Напоминалка",
    limits: Limits | None = None,
    faults: FaultConfig | None = None,
) -> None:
    """`maxremind emulator`: serve until Ctrl+C or SIGTERM."""
    emulator = Emulator(
        token, bot_username=bot_username, bot_name=bot_name, limits=limits, faults=faults
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with serve(emulator, host, port) as url:
        print(
            f"MAX emulator at {url} — phone page {url}/ — bot @{bot_username}\n"
            f"Point maxremind at it: MAXREMIND_API_URL={url} MAXREMIND_TOKEN=<the --token>",
            flush=True,
        )
        await stop.wait()
