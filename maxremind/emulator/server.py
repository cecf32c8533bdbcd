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
    mini_app_url: str | None = None,
    allow_local_http_webhooks: bool = False,
) -> None:
    """`maxremind emulator`: serve until Ctrl+C or SIGTERM."""
    emulator = Emulator(
        token,
        bot_username=bot_username,
        bot_name=bot_name,
        limits=limits,
        faults=faults,
        mini_app_url=mini_app_url,
        allow_local_http_webhooks=allow_local_http_webhooks,
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


def free_port(host: str = "127.0.0.1") -> int:
    """A port that was free a moment ago (for starting servers in other processes)."""
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def emulator_process(
    token: str, *extra: str, start_timeout: float = 15.0
) -> AsyncIterator[str]:
    """``maxremind emulator`` in a process of its own, as MAX would be: yields its URL once
    it answers, and stops it on exit.  For tests and benchmarks."""
    import subprocess
    import sys
    import time

    import httpx

    port = free_port()
    command = [sys.executable, "-m", "maxremind", "emulator", "--port", str(port)]
    # Our own interpreter and module with arguments from the caller (tests, benchmarks).
    proc = subprocess.Popen(  # noqa: ASYNC220, S603 - started once, then polled
        [*command, "--token", token, *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as http:
            deadline = time.monotonic() + start_timeout
            while True:
                with contextlib.suppress(httpx.TransportError):
                    if (await http.get(url + "/_emulator/stats")).status_code == 200:
                        break
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the emulator process did not start")
                await asyncio.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
