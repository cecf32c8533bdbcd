"""What the engine's parts share: settings, counters, and what it needs from MAX."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from maxremind.domain.models import (
    DeliveryStatus,
)
from maxremind.maxapi.models import Message, NewMessageBody


class Sender(Protocol):
    """What the dispatcher needs from the MAX client."""

    async def send_message(
        self,
        body: NewMessageBody | str,
        *,
        user_id: int | None = None,
        chat_id: int | None = None,
    ) -> Message: ...


@dataclass(frozen=True)
class EngineConfig:
    rps: float = 30.0
    lease: timedelta = timedelta(seconds=60)
    # Claimed at once; large enough that the pause between batches is rare in a big
    # fan-out, small enough that the lease (with heartbeats) never matters.
    batch: int = 500
    concurrency: int = 40
    late_after: timedelta = timedelta(minutes=2)
    # A reminder still matters until its occurrence started this long ago.
    grace: timedelta = timedelta(0)
    max_attempts: int = 8
    default_timezone: str = "Europe/Moscow"


@dataclass
class EngineStats:
    """Counters for metrics and benchmarks; ``on_*`` hooks feed /metrics."""

    by_status: dict[str, int] = field(default_factory=dict)
    lateness: list[float] = field(default_factory=list)  # seconds past send_at, bounded
    errors_by_code: dict[str, int] = field(default_factory=dict)
    on_status: Callable[[str], None] | None = None
    on_late: Callable[[float], None] | None = None

    def count(self, status: DeliveryStatus) -> None:
        self.by_status[status.value] = self.by_status.get(status.value, 0) + 1
        if self.on_status is not None:
            self.on_status(status.value)

    def late(self, seconds: float) -> None:
        if len(self.lateness) < 200_000:
            self.lateness.append(seconds)
        if self.on_late is not None:
            self.on_late(seconds)

    def error(self, code: str) -> None:
        self.errors_by_code[code] = self.errors_by_code.get(code, 0) + 1
