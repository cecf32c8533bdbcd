from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from maxremind.emulator import Emulator, FaultConfig, Limits, serve
from maxremind.emulator.limits import SlidingWindow
from maxremind.emulator.models import User

from .conftest import TOKEN


def test_sliding_window_counts_only_accepted_events() -> None:
    now = [0.0]
    window = SlidingWindow(1.0, clock=lambda: now[0])
    assert [window.allow("k", 2) for _ in range(3)] == [True, True, False]
    now[0] = 0.999
    assert window.allow("k", 2) is False
    now[0] = 1.0
    assert window.allow("k", 2) is True
    assert window.allow("other", 2) is True


async def test_more_than_30_requests_per_second_get_429(
    bot: httpx.AsyncClient, emulator: Emulator
) -> None:
    answers = await asyncio.gather(*(bot.get("/me") for _ in range(35)))
    codes = [a.status_code for a in answers]
    assert codes.count(200) == 30
    assert codes.count(429) == 5
    refused = next(a for a in answers if a.status_code == 429)
    assert refused.json()["code"] == "too.many.requests"
    assert emulator.stats.rate_limited == 5


async def test_more_than_2_messages_per_second_into_one_chat_get_429(
    bot: httpx.AsyncClient, emulator: Emulator, anna: User
) -> None:
    other = emulator.create_user("Глеб")
    emulator.start_bot(other.user_id)
    codes = []
    for _ in range(3):
        answer = await bot.post("/messages", params={"user_id": anna.user_id}, json={"text": "x"})
        codes.append(answer.status_code)
    assert codes == [200, 200, 429]
    # Another chat has its own budget, and the same chat by chat_id shares Anna's.
    assert (
        await bot.post("/messages", params={"user_id": other.user_id}, json={"text": "x"})
    ).is_success
    same = await bot.post("/messages", params={"chat_id": anna.dialog_chat_id}, json={"text": "x"})
    assert same.status_code == 429
    await asyncio.sleep(1.0)
    assert (
        await bot.post("/messages", params={"user_id": anna.user_id}, json={"text": "x"})
    ).is_success


async def test_limits_can_be_disabled() -> None:
    emulator = Emulator(TOKEN, limits=Limits(enabled=False))
    user = emulator.create_user("Бенч")
    emulator.start_bot(user.user_id)
    async with (
        serve(emulator) as url,
        httpx.AsyncClient(base_url=url, headers={"Authorization": TOKEN}) as bot,
    ):
        answers = await asyncio.gather(
            *(
                bot.post("/messages", params={"user_id": user.user_id}, json={"text": "x"})
                for _ in range(40)
            )
        )
    assert {a.status_code for a in answers} == {200}


async def test_fault_injection_fails_every_request_when_rate_is_one(
    bot: httpx.AsyncClient, emulator: Emulator
) -> None:
    emulator.set_faults(FaultConfig(error_rate=1.0, seed=7))
    answer = await bot.get("/me")
    assert answer.status_code in {500, 502, 503}
    assert answer.json()["code"] == "internal.error"
    emulator.set_faults(FaultConfig())
    assert (await bot.get("/me")).status_code == 200


async def test_faults_are_deterministic_with_a_seed_and_settable_over_http(
    bot: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    runs = []
    for _ in range(2):
        put = await control.put("/faults", json={"error_rate": 0.5, "seed": 42})
        assert put.status_code == 200
        runs.append([(await bot.get("/me")).status_code for _ in range(12)])
    assert runs[0] == runs[1]
    assert 200 in runs[0]
    assert any(code >= 500 for code in runs[0])
    bad = await control.put("/faults", json={"error_rate": 2})
    assert bad.status_code == 400


async def test_slow_answers_are_delayed(bot: httpx.AsyncClient, emulator: Emulator) -> None:
    emulator.set_faults(FaultConfig(slow_rate=1.0, slow_delay=0.3))
    started = time.monotonic()
    assert (await bot.get("/me")).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_fault_config_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="error_rate"):
        FaultConfig(error_rate=1.5)
    with pytest.raises(ValueError, match="5xx"):
        FaultConfig(error_statuses=(404,))
