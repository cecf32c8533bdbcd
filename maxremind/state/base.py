"""The state port: short-lived conversation state with an idle timeout.

Adapters: SQLite (default, the same database file), memory (tests), Redis (scale
mode, shared by several processes).  Values are JSON-able dicts.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import timedelta
from typing import Any


@dataclass(frozen=True)
class Loaded:
    """What :meth:`StateStore.load` found: the value, or that it had expired."""

    value: dict[str, Any] | None
    expired: bool = False


class StateStore(ABC):
    @abstractmethod
    async def load(self, key: str) -> Loaded:
        """The value under ``key``.  An expired value is removed and reported once
        (``expired=True``) so the bot can say the dialog timed out."""

    @abstractmethod
    async def save(self, key: str, value: dict[str, Any], ttl: timedelta) -> None:
        """Store ``value``; it expires after ``ttl`` without another save."""

    @abstractmethod
    async def delete(self, key: str) -> None:
        """Forget ``key`` (no error if absent)."""

    async def close(self) -> None:  # noqa: B027 - most adapters have nothing to close
        """Release connections."""
