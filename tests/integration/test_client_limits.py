"""The MAX client against the emulator over HTTP: retries, and bursts within MAX limits."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from maxremind.emulator.limits import FaultConfig
from maxremind.maxapi.client import MaxClient, RetryPolicy
from maxremind.maxapi.limiter import RateLimiter
from maxremind.maxapi.models import NewMessageBody
from tests.harness import TOKEN, emulator_process, running_emulator

FAST_RETRY = RetryPolicy(max_attempts=8, base_delay=0.05, max_delay=0.5, max_total_delay=20)


async def test_5xx_answers_are_retried_until_they_succeed() -> None:
    async with running_emulator(faults=FaultConfig(error_rate=0.3, seed=7)) as (emu, url):
        users = [emu.create_user(f"u{i}") for i in range(20)]
        for user in users:
            emu.start_bot(user.user_id)
        async with MaxClient(TOKEN, base_url=url, retry=FAST_RETRY) as client:
            for user in users:
                await client.send_message(NewMessageBody(text="привет"), user_id=user.user_id)
        assert (
            emu.stats.by_status.get(500, 0)
            + emu.stats.by_status.get(502, 0)
            + emu.stats.by_status.get(503, 0)
            > 0
        )
        assert all(len(emu.bot_messages(user_id=u.user_id)) == 1 for u in users)


async def test_429_answers_are_retried_until_they_succeed() -> None:
    # A client configured above MAX's limits collects 429s; each is retried.
    async with running_emulator() as (emu, url):
        user = emu.create_user("u")
        emu.start_bot(user.user_id)
        limiter = RateLimiter(global_rps=1000, per_chat_rps=100)
        patient = RetryPolicy(max_attempts=30, base_delay=0.1, max_delay=0.6, max_total_delay=30)
        async with MaxClient(TOKEN, base_url=url, limiter=limiter, retry=patient) as client:
            await asyncio.gather(
                *(
                    client.send_message(NewMessageBody(text=f"m{i}"), user_id=user.user_id)
                    for i in range(6)
                )
            )
        assert emu.stats.rate_limited > 0
        assert len(emu.bot_messages(user_id=user.user_id)) == 6


@pytest.mark.slow
async def test_sustained_bursts_stay_within_limits_without_a_single_429() -> None:
    """300 sends into one chat and 300 to different users, concurrently, at MAX's real limits.

    The emulator runs in its own process, as MAX would: sharing our event loop would add
    its request handling to every round trip.
    """
    async with emulator_process() as url, httpx.AsyncClient(base_url=url + "/_emulator") as ctl:
        owner = (await ctl.post("/users", json={"name": "owner"})).json()["user_id"]
        await ctl.post(f"/users/{owner}/start", json={})
        chat_id = (await ctl.post("/chats", json={"title": "Отдел", "owner_id": owner})).json()[
            "chat_id"
        ]
        await ctl.post(f"/chats/{chat_id}/bot", json={"by_user_id": owner})
        users = []
        for i in range(300):
            uid = (await ctl.post("/users", json={"name": f"u{i}"})).json()["user_id"]
            await ctl.post(f"/users/{uid}/start", json={})
            users.append(uid)
        async with MaxClient(TOKEN, base_url=url) as client:

            async def to_chat() -> float:
                start = time.monotonic()
                await asyncio.gather(
                    *(
                        client.send_message(NewMessageBody(text=f"c{i}"), chat_id=chat_id)
                        for i in range(300)
                    )
                )
                return time.monotonic() - start

            async def to_users() -> float:
                start = time.monotonic()
                await asyncio.gather(
                    *(client.send_message(NewMessageBody(text="u"), user_id=u) for u in users)
                )
                return time.monotonic() - start

            chat_time, users_time = await asyncio.gather(to_chat(), to_users())
        stats = (await ctl.get("/stats")).json()
        assert stats["rate_limited"] == 0, stats
        chat = (await ctl.get(f"/chats/{chat_id}")).json()
        assert len(chat["messages"]) == 300
        # 300 messages at 2/s into one chat: the first at once, then one every 0.5 s.
        chat_floor = 299 / 2
        assert chat_time <= chat_floor * 1.05, chat_time
        # The 600 requests share 30/s.
        users_floor = 599 / 30
        assert users_time <= users_floor * 1.05, users_time
        print(
            f"\none chat: {chat_time:.1f}s (floor {chat_floor:.1f}s); users: {users_time:.1f}s (floor {users_floor:.1f}s)"
        )
