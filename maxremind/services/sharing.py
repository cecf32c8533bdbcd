"""One read shared by everybody asking the same thing at about the same time.

A page that many people (or one person's many tabs and polls) ask for at once costs
the same statements for each of them.  :class:`Shared` lets callers with the same key
share one read — the one in progress, or one that finished a moment ago — as long as
nothing has been written meanwhile: the storage's :meth:`~UnitOfWork.generation`
must be the number it was when that read started, so a shared answer is what a new
read would find.  Writes of other processes are not counted; for them an answer is
shared for at most ``window`` (a second).  Inside a unit of work nothing is shared.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

T = TypeVar("T")

WINDOW = timedelta(seconds=1)


@dataclass(frozen=True)
class _Read(Generic[T]):
    generation: int
    at: datetime  # the caller's "now" when the read started
    result: asyncio.Future[T]


class Shared(Generic[T]):
    """Reads by key; at most ``size`` keys are kept (then the oldest go)."""

    def __init__(self, *, window: timedelta = WINDOW, size: int = 256) -> None:
        self.window = window
        self.size = size
        self._reads: dict[Hashable, _Read[T]] = {}

    async def get(
        self,
        key: Hashable,
        generation: int | None,
        now: datetime,
        read: Callable[[], Awaitable[T]],
    ) -> T:
        """``read()``'s answer, or the one of a read started at ``generation`` less than
        ``window`` before ``now`` (read the generation before ``now`` and the data)."""
        if generation is None:
            return await read()
        while (found := self._reads.get(key)) is not None:
            if found.generation != generation or not found.at <= now < found.at + self.window:
                break
            try:
                return await asyncio.shield(found.result)
            except asyncio.CancelledError:
                if not found.result.cancelled():
                    raise  # this caller was cancelled
                # The task that was reading was cancelled (and dropped its read): read here.
        mine = _Read(generation, now, asyncio.get_running_loop().create_future())
        self._reads.pop(key, None)
        self._reads[key] = mine
        while len(self._reads) > self.size:
            del self._reads[next(iter(self._reads))]
        try:
            answer = await read()
        except BaseException as exc:
            if self._reads.get(key) is mine:
                del self._reads[key]
            if isinstance(exc, asyncio.CancelledError):
                mine.result.cancel()
            else:
                mine.result.set_exception(exc)
                mine.result.exception()  # those waiting get it; nobody else must
            raise
        mine.result.set_result(answer)
        return answer


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SharedValues(Generic[K, V]):
    """Values by key (a person's name by id, say) read in batches and kept while nothing
    is written (the same generation), for at most ``window``: the pages of a big team
    name the same people again and again.  A batch read while something was written is
    handed out but not kept.  At most ``size`` values are kept (then all are dropped)."""

    def __init__(self, *, window: timedelta = timedelta(minutes=1), size: int = 20_000) -> None:
        self.window = window
        self.size = size
        self._values: dict[K, V | None] = {}  # None: looked up, not found
        self._generation: int | None = None
        self._since: datetime | None = None

    async def get_many(
        self,
        keys: Iterable[K],
        generation: int | None,
        now: datetime,
        read: Callable[[list[K]], Awaitable[Mapping[K, V]]],
    ) -> dict[K, V]:
        """``read(keys)``'s answer, from what is kept where it can be (read the
        generation before ``now`` and the data)."""
        wanted = list(dict.fromkeys(keys))
        if generation is None:
            return dict(await read(wanted))
        if (
            generation != self._generation
            or self._since is None
            or not self._since <= now < self._since + self.window
        ):
            self._values = {}
            self._generation, self._since = generation, now
        kept = self._values
        missing = [k for k in wanted if k not in kept]
        found = await read(missing) if missing else {}
        answer = {}
        for k in wanted:
            v = found.get(k) if k in found or k not in kept else kept[k]
            if v is not None:
                answer[k] = v
        # Kept unless another batch has started afresh meanwhile (a later generation:
        # a write ended while this one read, so its values may be older than that).
        if missing and self._values is kept:
            if len(kept) + len(missing) > self.size:
                kept.clear()
            for k in missing:
                kept[k] = found.get(k)
        return answer
