"""Shared test harness: the emulator over real HTTP and the product running against it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from maxremind.app import Running, serve
from maxremind.config import Settings
from maxremind.emulator.app import Emulator
from maxremind.emulator.server import serve as serve_emulator

TOKEN = "test-token-0123456789abcdef"


@asynccontextmanager
async def running_emulator(**kwargs: Any) -> AsyncIterator[tuple[Emulator, str]]:
    """An emulator on a free port; fails the test if any request broke the official schema."""
    emulator = Emulator(TOKEN, **kwargs)
    async with serve_emulator(emulator) as url:
        yield emulator, url
    assert emulator.violations == [], f"requests that break the MAX schema: {emulator.violations}"


def product_settings(api_url: str, data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "token": TOKEN,
        "api_url": api_url,
        "data_dir": str(data_dir),
        "web_port": 0,
        "log_level": "debug",
    }
    values.update(overrides)
    return Settings(**values)


@asynccontextmanager
async def running_product(settings: Settings) -> AsyncIterator[Running]:
    """The whole product in this event loop until the block ends (a clean stop)."""
    stop = asyncio.Event()
    ready: asyncio.Future[Running] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve(settings, stop=stop, on_ready=ready.set_result))
    done, _ = await asyncio.wait({task, ready}, timeout=15, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        task.result()
        raise AssertionError("the product stopped during start-up")
    if ready not in done:
        task.cancel()
        raise AssertionError("the product did not become ready in 15 s")
    try:
        yield ready.result()
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


async def wait_for(
    predicate: Callable[[], bool],
    timeout: float = 10.0,  # noqa: ASYNC109 - a polling deadline, not a cancel scope
    what: str = "condition",
) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def emulator_process(*extra: str) -> AsyncIterator[str]:
    """The emulator in its own process (like real MAX, it does not share our event loop)."""
    import subprocess
    import sys

    import httpx

    port = free_port()
    proc = subprocess.Popen(  # noqa: ASYNC220 - started once, awaited below by polling
        [
            sys.executable,
            "-m",
            "maxremind",
            "emulator",
            "--port",
            str(port),
            "--token",
            TOKEN,
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as http:
            deadline = time.monotonic() + 15
            while True:
                try:
                    if (await http.get(url + "/_emulator/stats")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError("the emulator process did not start")
                await asyncio.sleep(0.05)
            yield url
            violations = (await http.get(url + "/_emulator/violations")).json()
        assert not violations.get("violations"), violations
    finally:
        proc.terminate()
        proc.wait(10)
