from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from maxremind.maxapi.client import MaxClient, RetryPolicy
from maxremind.maxapi.limiter import RateLimiter

TOKEN = "f9LHodD0cOKzqW1fWbV3-TopSecret-Token"

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """Collects the requests a MockTransport saw and the waits the client asked for."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    async def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)

    def body(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def make_client(recorder: Recorder):
    clients: list[MaxClient] = []

    def make(handler: Handler, **kwargs: Any) -> MaxClient:
        def record(request: httpx.Request) -> httpx.Response:
            recorder.requests.append(request)
            return handler(request)

        kwargs.setdefault("retry", RetryPolicy(max_attempts=4, base_delay=0.1, max_total_delay=10))
        client = MaxClient(
            TOKEN,
            base_url="https://max.test",
            transport=httpx.MockTransport(record),
            limiter=RateLimiter(global_rps=1e6, per_chat_rps=1e6),
            sleep=recorder.sleep,
            **kwargs,
        )
        clients.append(client)
        return client

    return make


def respond(status: int = 200, body: Any = None, **kwargs: Any) -> httpx.Response:
    return httpx.Response(status, json=body, **kwargs)
