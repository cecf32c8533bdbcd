"""Shared test harness: the emulator over real HTTP and the product running against it."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from maxremind.app import Running, serve
from maxremind.config import Settings
from maxremind.emulator.app import Emulator
from maxremind.emulator.server import emulator_process as spawn_emulator
from maxremind.emulator.server import free_port as free_port  # re-exported for tests
from maxremind.emulator.server import serve as serve_emulator

TOKEN = "test-token-0123456789abcdef"


def product_env(api_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for the product started as its own process: this one's, without any
    MAXREMIND_* of its own, pointed at ``api_url`` with a fresh data folder and web port."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAXREMIND_")}
    env.update(
        MAXREMIND_TOKEN=TOKEN,
        MAXREMIND_API_URL=api_url,
        MAXREMIND_DATA_DIR=str(data_dir),
        MAXREMIND_WEB_PORT=str(free_port()),
    )
    env.update(extra)
    return env


@asynccontextmanager
async def running_emulator(**kwargs: Any) -> AsyncIterator[tuple[Emulator, str]]:
    """An emulator on a free port; fails the test if any request broke the official schema
    or carried a body field the schema does not list (MAX accepts those; we stay exact)."""
    emulator = Emulator(TOKEN, **kwargs)
    async with serve_emulator(emulator) as url:
        yield emulator, url
    assert emulator.violations == [], f"requests that break the MAX schema: {emulator.violations}"
    assert emulator.warnings == [], f"request fields the MAX schema lacks: {emulator.warnings}"


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
    timeout: float = 30.0,  # noqa: ASYNC109 - a polling deadline, not a cancel scope
    what: str = "condition",
) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


@asynccontextmanager
async def emulator_process(*extra: str) -> AsyncIterator[str]:
    """The emulator in its own process; fails the test on schema violations."""
    import httpx

    async with spawn_emulator(TOKEN, *extra) as url:
        yield url
        async with httpx.AsyncClient() as http:
            violations = (await http.get(url + "/_emulator/violations")).json()
    assert not violations.get("violations"), violations
    assert not violations.get("warnings"), violations
