from __future__ import annotations

import asyncio
import itertools
import random
import time

import pytest

from maxremind.maxapi.limiter import RateLimiter

from .virtual_time import VirtualTime

MARGIN = 1.002  # the limiter's default safety margin on spacing


def limiter_on(vt: VirtualTime, **kwargs) -> RateLimiter:
    return RateLimiter(clock=vt.clock, sleep=vt.sleep, **kwargs)


async def granted_at(vt: VirtualTime, limiter: RateLimiter, key=None) -> float:
    await limiter.acquire(key)
    return vt.now


def request(vt: VirtualTime, limiter: RateLimiter, key, rng: random.Random, slowest: float):
    """A request with network latency: the server accepts it somewhere in flight."""

    async def run() -> float:
        async with limiter.slot(key):
            latency = rng.uniform(0, slowest)
            accepted = vt.now + latency * rng.random()
            await vt.sleep(latency)
        return accepted

    return run()


def assert_sliding_window(times: list[float], limit: int, window: float = 1.0) -> None:
    """What the server enforces: refuse if `limit` were accepted in the preceding window."""
    times = sorted(times)
    for i, t in enumerate(times):
        recent = [s for s in times[:i] if t - s < window]
        assert len(recent) < limit, f"request {i} at {t:.4f}s follows {len(recent)} in {window}s"


async def test_burst_to_one_chat_is_spaced_at_2_per_second():
    vt = VirtualTime()
    limiter = limiter_on(vt)
    n = 20
    times = await vt.run(*(granted_at(vt, limiter, ("user", 1)) for _ in range(n)))
    assert times[0] == 0
    assert times[-1] == pytest.approx((n - 1) / 2 * MARGIN)
    assert_sliding_window(times, limit=2)


@pytest.mark.parametrize("slowest", [0.0, 0.03, 0.2])
async def test_jittery_network_never_breaks_the_server_window(slowest: float):
    # Whatever the latency, acceptance times stay within MAX's limits, per chat and overall.
    vt = VirtualTime()
    limiter = limiter_on(vt)
    rng = random.Random(7)
    chat = [request(vt, limiter, ("chat", -7), rng, slowest) for _ in range(40)]
    users = [request(vt, limiter, ("user", i), rng, slowest) for i in range(200)]
    times = await vt.run(*chat, *users)
    assert_sliding_window(times[:40], limit=2)
    assert_sliding_window(times, limit=30)


async def test_300_sends_to_one_chat_take_about_150_seconds():
    vt = VirtualTime()
    limiter = limiter_on(vt)
    rng = random.Random(1)
    times = await vt.run(*(request(vt, limiter, ("chat", -7), rng, 0.005) for _ in range(300)))
    assert 299 / 2 <= max(times) <= 1.05 * 299 / 2
    assert_sliding_window(times, limit=2)


async def test_300_sends_to_different_users_take_about_10_seconds():
    vt = VirtualTime()
    limiter = limiter_on(vt)
    rng = random.Random(2)
    times = await vt.run(*(request(vt, limiter, ("user", i), rng, 0.005) for i in range(300)))
    assert 299 / 30 <= max(times) <= 1.05 * 299 / 30
    assert_sliding_window(times, limit=30)


async def test_chat_burst_and_crowd_together_finish_when_the_limits_allow():
    # 300 to one chat + 300 to different people: the chat is the bottleneck (149.5 s); the
    # crowd must not push it back, nor the chat starve the crowd.
    vt = VirtualTime()
    limiter = limiter_on(vt)
    rng = random.Random(3)
    chat = [request(vt, limiter, ("chat", -1), rng, 0.004) for _ in range(300)]
    crowd = [request(vt, limiter, ("user", i), rng, 0.004) for i in range(300)]
    times = await vt.run(*chat, *crowd)
    assert max(times[:300]) <= 1.05 * 299 / 2
    assert max(times[300:]) <= 1.05 * 599 / 30
    assert_sliding_window(times[:300], limit=2)
    assert_sliding_window(times, limit=30)


async def test_global_limit_applies_to_requests_without_a_chat():
    vt = VirtualTime()
    limiter = limiter_on(vt, global_rps=10)
    times = await vt.run(*(granted_at(vt, limiter) for _ in range(50)))
    assert times == pytest.approx([i * 0.1 * MARGIN for i in range(50)])
    assert_sliding_window(times, limit=10)


async def test_chat_buckets_are_independent():
    vt = VirtualTime()
    limiter = limiter_on(vt)
    a = [granted_at(vt, limiter, ("chat", "a")) for _ in range(5)]
    b = [granted_at(vt, limiter, ("chat", "b")) for _ in range(5)]
    times = await vt.run(*a, *b)
    times_a, times_b = times[:5], times[5:]
    # B does not queue behind A: both run side by side, offset by one global slot at most.
    assert times_b[0] <= limiter.global_interval + 1e-9
    assert max(times) <= 4 * limiter.chat_interval + limiter.global_interval + 1e-9
    assert_sliding_window(times_a, limit=2)
    assert_sliding_window(times_b, limit=2)


async def test_a_busy_chat_does_not_hold_back_everyone_else():
    vt = VirtualTime()
    limiter = limiter_on(vt)
    busy = [granted_at(vt, limiter, ("chat", "busy")) for _ in range(20)]
    others = [granted_at(vt, limiter, ("user", i)) for i in range(60)]
    times = await vt.run(*busy, *others)
    # The busy chat keeps its 2/s (about five slots meanwhile); everyone else shares the rest.
    assert max(times[20:]) <= 1.05 * (60 + 6) / 30
    assert_sliding_window(times[:20], limit=2)
    assert_sliding_window(times, limit=30)


async def test_global_wait_never_squeezes_one_chats_spacing():
    # The global bucket is saturated by others; the chat's sends must still be ≥ 1/2 s apart.
    vt = VirtualTime()
    limiter = limiter_on(vt, global_rps=5)
    noise = [granted_at(vt, limiter, ("user", i)) for i in range(30)]
    chat = [granted_at(vt, limiter, ("chat", 1)) for _ in range(6)]
    times = await vt.run(*noise, *chat)
    chat_times = times[30:]
    gaps = [b - a for a, b in itertools.pairwise(chat_times)]
    assert min(gaps) >= limiter.chat_interval - 1e-9


async def test_waiters_are_served_in_arrival_order():
    vt = VirtualTime()
    limiter = limiter_on(vt, global_rps=4)
    order: list[int] = []

    async def take(i: int) -> None:
        await limiter.acquire()
        order.append(i)

    await vt.run(*(take(i) for i in range(12)))
    assert order == list(range(12))


async def test_cancelled_waiter_frees_its_slot_and_breaks_nothing():
    vt = VirtualTime()
    limiter = limiter_on(vt)
    key = ("chat", 1)
    first = asyncio.ensure_future(granted_at(vt, limiter, key))
    second = asyncio.ensure_future(granted_at(vt, limiter, key))
    third = asyncio.ensure_future(granted_at(vt, limiter, key))
    await vt.settle()
    second.cancel()
    [t1, t3] = await vt.drive([first, second, third])
    assert second.cancelled()
    assert t1 == 0
    assert t3 == pytest.approx(limiter.chat_interval)  # took the cancelled waiter's turn
    # The chat's lock was not leaked: a later send still gets through on schedule.
    [t4] = await vt.run(granted_at(vt, limiter, key))
    assert t4 == pytest.approx(2 * limiter.chat_interval)


async def test_cancelling_the_last_global_reservation_gives_the_slot_back():
    vt = VirtualTime()
    limiter = limiter_on(vt, global_rps=1)
    first = asyncio.ensure_future(granted_at(vt, limiter))
    last = asyncio.ensure_future(granted_at(vt, limiter))
    await vt.settle()
    last.cancel()
    await vt.drive([first, last])
    [t] = await vt.run(granted_at(vt, limiter))
    assert t == pytest.approx(limiter.global_interval)


async def test_idle_chats_are_forgotten():
    vt = VirtualTime()
    limiter = limiter_on(vt, global_rps=1e6, per_chat_rps=1e6)

    async def one_after_another() -> None:
        for i in range(5000):
            await limiter.acquire(("user", i))

    await vt.run(one_after_another())
    assert len(limiter._chats) <= 2048


async def test_real_clock_smoke():
    limiter = RateLimiter(global_rps=200, per_chat_rps=100)
    start = time.monotonic()
    await asyncio.gather(*(limiter.acquire(("chat", 1)) for _ in range(10)))
    assert 9 / 100 <= time.monotonic() - start < 1.0


def test_rates_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(global_rps=0)
