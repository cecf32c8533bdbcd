"""Rate limits and fault injection: the two ways the emulator makes life hard."""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Limits:
    """Real MAX: 30 requests/s per bot, 2 messages/s into one chat, judged over a
    sliding one-second window. `enabled=False` lifts both (benchmarks)."""

    enabled: bool = True
    requests_per_second: int = 30
    messages_per_chat_per_second: int = 2
    window: float = 1.0


class SlidingWindow:
    """Accepts an event unless `limit` events were already accepted for the same
    key within the preceding `window` seconds; refused events are not counted."""

    def __init__(self, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.clock = clock
        self._accepted: dict[object, deque[float]] = {}

    def allow(self, key: object, limit: int) -> bool:
        now = self.clock()
        times = self._accepted.setdefault(key, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) >= limit:
            return False
        times.append(now)
        return True


@dataclass(frozen=True)
class FaultConfig:
    """Make a share of Bot API answers fail (5xx) or slow; `seed` makes runs repeat."""

    error_rate: float = 0.0
    slow_rate: float = 0.0
    slow_delay: float = 0.0
    error_statuses: tuple[int, ...] = (500, 502, 503)
    seed: int | None = None

    def __post_init__(self) -> None:
        for name in ("error_rate", "slow_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
        if self.slow_delay < 0:
            raise ValueError("slow_delay must not be negative")
        if not self.error_statuses or any(not 500 <= s <= 599 for s in self.error_statuses):
            raise ValueError("error_statuses must be 5xx codes")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["error_statuses"] = list(self.error_statuses)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaultConfig:
        known = {"error_rate", "slow_rate", "slow_delay", "error_statuses", "seed"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault settings: {sorted(unknown)}")
        values = dict(data)
        if "error_statuses" in values:
            values["error_statuses"] = tuple(int(s) for s in values["error_statuses"])
        for name in ("error_rate", "slow_rate", "slow_delay"):
            if name in values:
                values[name] = float(values[name])
        return cls(**values)


@dataclass
class FaultInjector:
    config: FaultConfig = field(default_factory=FaultConfig)
    _random: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self.configure(self.config)

    def configure(self, config: FaultConfig) -> None:
        self.config = config
        self._random = random.Random(config.seed)

    def decide(self) -> tuple[int | None, float]:
        """(5xx status or None, delay in seconds) for the next answer."""
        status = None
        if self.config.error_rate and self._random.random() < self.config.error_rate:
            status = self._random.choice(self.config.error_statuses)
        delay = 0.0
        if self.config.slow_rate and self._random.random() < self.config.slow_rate:
            delay = self.config.slow_delay
        return status, delay
