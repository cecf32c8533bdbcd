from __future__ import annotations

import asyncio
import time

import httpx

from maxremind.emulator import Emulator, serve

from .conftest import TOKEN


async def test_serve_binds_a_real_port_and_stops_despite_a_pending_long_poll() -> None:
    emulator = Emulator(TOKEN)
    async with serve(emulator) as url:
        assert not url.endswith(":0")
        client = httpx.AsyncClient(base_url=url, headers={"Authorization": TOKEN})
        poll = asyncio.create_task(client.get("/updates", params={"timeout": 60}, timeout=90))
        await asyncio.sleep(0.2)
        started = time.monotonic()
    assert time.monotonic() - started < 5
    answer = await poll
    assert answer.json()["updates"] == []
    await client.aclose()
