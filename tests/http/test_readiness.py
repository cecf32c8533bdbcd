"""/readyz asks MAX at most once per cache period, whether MAX answered or not."""

from __future__ import annotations

import asyncio

import httpx
import pytest

import maxremind.http.app as web
from maxremind.http.app import create_web_app
from tests.http.conftest import MakeContext, MaxStub


def _client(make_context: MakeContext, stub: MaxStub) -> httpx.AsyncClient:
    app = create_web_app(make_context(max_check=stub.get_me))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_a_failing_max_is_asked_once_per_cache_period(make_context: MakeContext) -> None:
    stub = MaxStub(down=True)
    async with _client(make_context, stub) as http:
        for _ in range(5):
            answer = await http.get("/readyz")
            assert answer.status_code == 503
            assert answer.json()["checks"] == {"database": "ok", "max": "unreachable"}
    assert stub.calls == 1


async def test_concurrent_probes_share_one_check(make_context: MakeContext) -> None:
    for down in (False, True):
        stub = MaxStub(down=down, delay=0.2)
        async with _client(make_context, stub) as http:
            answers = await asyncio.gather(*(http.get("/readyz") for _ in range(10)))
        assert {a.status_code for a in answers} == {503 if down else 200}
        assert stub.calls == 1, down


async def test_readiness_returns_once_the_failure_is_stale(
    make_context: MakeContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    stub = MaxStub(down=True)
    async with _client(make_context, stub) as http:
        assert (await http.get("/readyz")).status_code == 503
        stub.down = False
        assert (await http.get("/readyz")).status_code == 503  # still the cached failure
        monkeypatch.setattr(web, "NOT_READY_CACHE_SECONDS", 0.0)
        assert (await http.get("/readyz")).status_code == 200
    assert stub.calls == 2


async def test_a_caller_giving_up_does_not_cancel_the_shared_check(
    make_context: MakeContext,
) -> None:
    stub = MaxStub(delay=0.2)
    ctx = make_context(max_check=stub.get_me)
    impatient = asyncio.create_task(ctx.max_reachable())
    patient = asyncio.create_task(ctx.max_reachable())
    await asyncio.sleep(0.05)
    impatient.cancel()
    assert await patient is True
    assert stub.calls == 1
