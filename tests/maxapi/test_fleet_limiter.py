"""The rate limiter shared through Redis by several processes of one bot (scale mode).

Against a real Redis (MAXREMIND_TEST_REDIS_URL, skipped without it; each test uses keys of
its own, which expire by themselves) and the emulator in its own process with MAX's real
limits, judged from the emulator's side: its 429 count and the times it accepted sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from maxremind.app import build_client
from maxremind.maxapi.client import MaxClient, RetryPolicy
from maxremind.maxapi.errors import NetworkError
from maxremind.maxapi.fleet_limiter import FleetRateLimiter, LimiterUnavailable, bot_prefix
from tests.harness import TOKEN, emulator_process, free_port, product_settings, running_emulator

REDIS_URL = os.environ.get("MAXREMIND_TEST_REDIS_URL", "")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_url() -> str:
    if not REDIS_URL:
        pytest.skip("MAXREMIND_TEST_REDIS_URL is not set (a Redis for the shared limiter)")
    return REDIS_URL


def fresh_prefix() -> str:
    return f"test:fleet:{uuid.uuid4().hex}:"


@contextlib.asynccontextmanager
async def fleet(url: str, prefix: str, n: int = 3, **knobs: float) -> AsyncIterator[list[Any]]:
    limiters = [FleetRateLimiter.from_url(url, prefix=prefix, **knobs) for _ in range(n)]
    try:
        yield limiters
    finally:
        for limiter in limiters:
            await limiter.aclose()


async def make_world(ctl: httpx.AsyncClient, users: int) -> tuple[int, list[int]]:
    """A group chat with the bot in it and ``users`` people who started the bot."""
    owner = (await ctl.post("/users", json={"name": "owner"})).json()["user_id"]
    await ctl.post(f"/users/{owner}/start", json={})
    chat = await ctl.post("/chats", json={"title": "Отдел", "owner_id": owner})
    chat_id = chat.json()["chat_id"]
    await ctl.post(f"/chats/{chat_id}/bot", json={"by_user_id": owner})

    async def person(i: int) -> int:
        uid = (await ctl.post("/users", json={"name": f"u{i}"})).json()["user_id"]
        await ctl.post(f"/users/{uid}/start", json={})
        return int(uid)

    # Concurrently: a kept-alive connection to the emulator answers in ~45 ms here.
    return chat_id, list(await asyncio.gather(*(person(i) for i in range(users))))


async def accepted_times(
    ctl: httpx.AsyncClient, users: list[int], chat_id: int
) -> tuple[list[int], list[int]]:
    """When the emulator accepted the bot's sends (ms): all of them, and the chat's."""

    async def from_bot(path: str) -> list[int]:
        view = (await ctl.get(path)).json()
        return [m["timestamp"] for m in view["messages"] if m["from_bot"]]

    dialogs = await asyncio.gather(*(from_bot(f"/users/{uid}") for uid in users))
    in_chat = await from_bot(f"/chats/{chat_id}")
    return sorted([t for d in dialogs for t in d] + in_chat), sorted(in_chat)


def busiest_second(times_ms: list[int]) -> int:
    """The most sends the emulator accepted within any one-second window."""
    best, start = 0, 0
    for end, t in enumerate(times_ms):
        while t - times_ms[start] >= 1000:
            start += 1
        best = max(best, end - start + 1)
    return best


async def no_429(ctl: httpx.AsyncClient) -> None:
    stats = (await ctl.get("/stats")).json()
    assert stats["rate_limited"] == 0, stats
    assert "429" not in stats["by_status"], stats


async def send_share(client: MaxClient, users: list[int], chat_id: int, to_chat: int) -> None:
    await asyncio.gather(
        *(client.send_message("напоминание", user_id=u) for u in users),
        *(client.send_message(f"в чат {i}", chat_id=chat_id) for i in range(to_chat)),
    )


@pytest.mark.slow
async def test_three_limiters_share_max_limits_at_full_speed_without_a_429(redis_url: str) -> None:
    """300 sends by three limiters (to 288 people and 12 into one chat) at once: the fleet
    keeps 30/s and 2/s per chat as MAX counts them, and still runs at the limit."""
    async with emulator_process() as url, httpx.AsyncClient(base_url=url + "/_emulator") as ctl:
        chat_id, users = await make_world(ctl, 288)
        async with fleet(redis_url, fresh_prefix()) as limiters:
            clients = [MaxClient(TOKEN, base_url=url, limiter=lim) for lim in limiters]
            start = time.monotonic()
            await asyncio.gather(
                *(send_share(c, users[i::3], chat_id, 4) for i, c in enumerate(clients))
            )
            elapsed = time.monotonic() - start
            for client in clients:
                await client.aclose()
        await no_429(ctl)
        every, in_chat = await accepted_times(ctl, users, chat_id)
    assert len(every) == 300 and len(in_chat) == 12
    assert busiest_second(every) <= 30, busiest_second(every)
    assert busiest_second(in_chat) <= 2, in_chat
    # Spacing: the first at once, then one every 1/30 s (+0.2 %): 9.99 s at the least.
    assert 9.9 <= elapsed <= 13.0, elapsed  # the floor is 9.99 s; 13 leaves room for CI load
    # An even flow: every full second of the run carried nearly the limit.
    per_second = [
        sum(1 for t in every if every[0] + 1000 * s <= t < every[0] + 1000 * (s + 1))
        for s in range(9)
    ]
    assert min(per_second) >= 24, per_second
    print(f"\n300 sends by 3 limiters: {elapsed:.2f} s; per second {per_second}")


async def _worker(job: dict[str, Any]) -> None:
    """One maxremind-like process: its own limiter and client, its share of the sends,
    begun when the test says so on stdin (all three at once)."""
    limiter = FleetRateLimiter.from_url(job["redis"], prefix=job["prefix"])
    async with MaxClient(TOKEN, base_url=job["url"], limiter=limiter) as client:
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        start = time.monotonic()
        await send_share(client, job["users"], job["chat_id"], job["to_chat"])
        print(f"{time.monotonic() - start:.3f}", flush=True)


async def test_separate_processes_share_max_limits_without_a_429(redis_url: str) -> None:
    async with emulator_process() as url, httpx.AsyncClient(base_url=url + "/_emulator") as ctl:
        chat_id, users = await make_world(ctl, 60)
        prefix = fresh_prefix()
        code = (
            "import asyncio, json, sys; from tests.maxapi.test_fleet_limiter import _worker; "
            "asyncio.run(_worker(json.loads(sys.argv[1])))"
        )
        procs = []
        for i in range(3):
            job = {
                "redis": redis_url,
                "prefix": prefix,
                "url": url,
                "users": users[i::3],
                "chat_id": chat_id,
                "to_chat": 2,
            }
            procs.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-c",
                    code,
                    json.dumps(job),
                    cwd=ROOT,
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                )
            )
        for proc in procs:
            assert proc.stdout is not None
            assert await asyncio.wait_for(proc.stdout.readline(), 30) == b"ready\n"
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(b"go\n")
            await proc.stdin.drain()
        outputs = [await asyncio.wait_for(p.communicate(), 30) for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0]
        elapsed = max(float(out) for out, _ in outputs)
        await no_429(ctl)
        every, in_chat = await accepted_times(ctl, users, chat_id)
    assert len(every) == 66 and len(in_chat) == 6
    # Together they pushed at the limit, and never above it.
    assert 20 <= busiest_second(every) <= 30, busiest_second(every)
    assert busiest_second(in_chat) <= 2, in_chat
    # 66 requests at 30/s take 2.2 s, the chat's six 2.5 s (+ the guard's round trips).
    assert elapsed <= 4.0, elapsed
    print(f"\n3 processes: {elapsed:.2f} s, busiest second {busiest_second(every)}")


async def test_a_chat_gets_two_messages_a_second_from_three_limiters(redis_url: str) -> None:
    async with running_emulator() as (emu, url):
        owner = emu.create_user("owner")
        emu.start_bot(owner.user_id)
        chat = emu.create_chat("Отдел", owner.user_id)
        emu.add_bot_to_chat(chat.chat_id, owner.user_id)
        async with fleet(redis_url, fresh_prefix()) as limiters:
            clients = [MaxClient(TOKEN, base_url=url, limiter=lim) for lim in limiters]
            start = time.monotonic()
            await asyncio.gather(
                *(c.send_message(f"{i}", chat_id=chat.chat_id) for c in clients for i in range(3))
            )
            elapsed = time.monotonic() - start
            for client in clients:
                await client.aclose()
        assert emu.stats.rate_limited == 0
        sent = [m.timestamp for m in emu.bot_messages(chat_id=chat.chat_id)]
    assert len(sent) == 9
    assert all(b - a >= 1000 for a, b in zip(sent, sent[2:], strict=False)), sent
    # Eight gaps of 0.501 s.
    assert 4.0 <= elapsed <= 4.6, elapsed


async def test_a_chat_with_a_queue_goes_before_other_processes_requests(redis_url: str) -> None:
    """Two limiters flood the bot-wide limit; a third sends six messages into one chat.
    The chat's sends take their 0.5 s turns as if the others were not there."""
    prefix = fresh_prefix()
    async with fleet(redis_url, prefix) as (a, b, c):
        flood = asyncio.gather(*(lim.acquire() for lim in (a, b) for _ in range(60)))
        await asyncio.sleep(0.2)
        start = time.monotonic()
        await asyncio.gather(*(c.acquire(("chat", 1)) for _ in range(6)))
        chat_time = time.monotonic() - start
        await flood
    assert chat_time <= 5 * 0.501 + 0.1, chat_time


async def test_two_bots_on_one_redis_do_not_share_limits(redis_url: str) -> None:
    async with (
        fleet(redis_url, fresh_prefix(), n=1) as (one,),
        fleet(redis_url, fresh_prefix(), n=1) as (other,),
    ):
        start = time.monotonic()
        await asyncio.gather(*(lim.acquire() for lim in (one, other) for _ in range(30)))
        elapsed = time.monotonic() - start
    # 30 each at 30/s take one second; sharing one limit they would take two.
    assert 0.95 <= elapsed <= 1.4, elapsed


async def test_a_cancelled_wait_gives_its_turn_away(redis_url: str) -> None:
    async with fleet(redis_url, fresh_prefix(), n=1) as (limiter,):
        start = time.monotonic()
        waits = [asyncio.create_task(limiter.acquire(("chat", 5))) for _ in range(5)]
        await asyncio.sleep(0.1)
        waits[1].cancel()
        await asyncio.gather(*waits, return_exceptions=True)
        elapsed = time.monotonic() - start
        assert waits[1].cancelled()
    # Four sends, three gaps of 0.501 s: the cancelled one left no hole.
    assert 1.45 <= elapsed <= 1.75, elapsed


async def _die_holding(job: dict[str, Any]) -> None:
    """A process that takes both of a chat's slots and is killed mid-request."""
    limiter = FleetRateLimiter.from_url(job["redis"], prefix=job["prefix"], lease=job["lease"])
    stack = contextlib.AsyncExitStack()
    for _ in range(2):
        await stack.enter_async_context(limiter.slot(("chat", 7)))
    print("holding", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


async def test_slots_of_a_killed_process_free_up_after_its_lease(redis_url: str) -> None:
    prefix, lease = fresh_prefix(), 2.0
    code = "import asyncio, json, sys; from tests.maxapi.test_fleet_limiter import _die_holding; asyncio.run(_die_holding(json.loads(sys.argv[1])))"
    job = {"redis": redis_url, "prefix": prefix, "lease": lease}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, json.dumps(job), cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 20)
    # Its second slot came 0.5 s after the first (the chat's spacing).
    first_taken = time.monotonic() - 0.501
    assert line == b"holding\n"
    assert await asyncio.wait_for(proc.wait(), 5) == -signal.SIGKILL
    async with fleet(redis_url, prefix, n=1) as (limiter,):
        start = time.monotonic()
        await limiter.acquire()  # the rest of the bot's budget is not held
        assert time.monotonic() - start < 0.2
        await limiter.acquire(("chat", 7))
        freed = time.monotonic() - first_taken
    # Its requests count as completed when their lease ran out, then age out of the
    # window: the chat is free lease + window after the first was taken, not later.
    assert lease + 1.0 - 0.1 <= freed <= lease + 1.0 + 0.4, freed


async def test_without_redis_nothing_is_sent_and_the_error_is_transient() -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    async with running_emulator() as (emu, url):
        user = emu.create_user("u")
        emu.start_bot(user.user_id)
        limiter = FleetRateLimiter.from_url(dead, prefix=fresh_prefix())
        quick = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.05, max_total_delay=1)
        async with MaxClient(TOKEN, base_url=url, limiter=limiter, retry=quick) as client:
            with pytest.raises(LimiterUnavailable) as caught:
                await client.send_message("привет", user_id=user.user_id)
        assert emu.stats.requests == 0
    error = caught.value
    assert isinstance(error, NetworkError)
    assert not error.permanent and not error.maybe_delivered
    assert "redis_url" in str(error)


async def test_processes_built_from_one_bots_settings_share_its_limits(
    redis_url: str, tmp_path: Path
) -> None:
    """What ``maxremind run`` builds in scale mode: two processes of one bot (two clients
    from the same settings) share 30 requests/s; another bot's limits are its own."""
    async with running_emulator() as (_, url):
        settings = product_settings(url, tmp_path, redis_url=redis_url)
        async with build_client(settings) as one, build_client(settings) as other:
            assert isinstance(one.limiter, FleetRateLimiter)
            start = time.monotonic()
            await asyncio.gather(*(c.get_me() for c in (one, other) for _ in range(30)))
            elapsed = time.monotonic() - start
    # 60 requests at 30/s: two seconds (each alone would have taken one).
    assert 1.95 <= elapsed <= 2.6, elapsed
    assert bot_prefix(TOKEN, url) != bot_prefix("another-bot-token", url)
    assert TOKEN not in bot_prefix(TOKEN, url)
