"""The rate limiter shared by every maxremind process of one bot (scale mode), in Redis.

Same job and interface as :class:`~maxremind.maxapi.limiter.RateLimiter` (``acquire``,
``slot``), same limits (30 requests/s per bot, 2 messages/s per chat) and the same two
mechanisms, but the state lives in Redis so that the limits hold for the fleet together:

* **Spacing**: per key (the bot, and each chat) Redis keeps the time the next request is
  due; a grant moves it ``interval`` (``1/rate`` stretched by ``safety_margin``) past the
  time this one was due, or past now if this one came more than a quarter interval late.
  The flow stays even across processes, and the Redis round trip and wake-up each
  request costs do not add up to a slower fleet (measured on a local Redis: 300
  requests by three limiters in 10.04 s, the floor being 9.99 s; without the catch-up,
  10.7 s.  Through the emulator, whose answers took ~45 ms, 10.6 s: the guard adds a
  round trip per window, as the in-process limiter does).
* **The window guard**: per key a sorted set holds the requests of the last window, scored
  by when they *completed* (an in-flight one by its lease expiry, which lies in the
  future).  A request is released only while fewer than ``limit`` of them completed
  within the last ``window`` (+ the margin) or are still in flight: MAX accepted each of
  them before it completed and accepts ours after we are released, so MAX's acceptance
  times of request ``n`` and ``n - limit`` are more than one window apart whatever the
  jitter between processes, the network or the event loops.

One short Lua script checks both keys (chat, then bot) and records the grant atomically;
all times come from the Redis server's clock (``TIME``), so the processes' clocks need not
agree.  Why a script and not the ``limits`` library: its async Redis moving window
answers "allowed now?" from the time a request was *let through*; it has no spacing, no
waiting and no notion of completion, so it can neither keep the flow even nor mirror
MAX's window from the completion side (a request that took 300 ms on the wire would be
counted 300 ms too early and collect a 429) — and a per-chat and a global window would
be two calls, not one atomic decision.

**A process that dies** holding slots does not block the fleet: an in-flight request
counts as completed at its lease expiry (``lease``, 3 s by default; a live process
extends the leases of its long requests every ``lease / 3``), after which the guard lets
it age out of the window like any other.  Keys expire on their own once idle.

**Sends to a chat with a queue go first**, fleet-wide as inside one process: a chat
whose next send waits right behind the one granted, or whose send is held back, claims
the bot's slot at the time it will be ready; other requests (to no chat, or to a chat
without a queue) step aside for it, in every process, until it comes or the claim lapses
(a few intervals).  Without this a chat's messages lost ~0.2 s each to two busy
processes; with it six of them take their 0.5 s turns as if the others were not there.

**When Redis does not answer** the limiter raises :class:`LimiterUnavailable`, a
transient :class:`~maxremind.maxapi.errors.NetworkError` with ``maybe_delivered=False``:
nothing was sent, the client retries it with its usual backoff and, once those retries
run out, the caller sees a transient failure (the dispatcher pushes the delivery forward,
the polling loop pauses).  Never is a request sent without the fleet's permission.
A completion that cannot be recorded is not an error for the caller (the request went
out): its lease expiry stands in for it.

Within one process the waiters queue locally (best priority first, FIFO per chat) and
only the head asks Redis, so a burst of hundreds of sends makes a few Redis calls per
released request, not hundreds.  Needs Redis 5 or newer (scripts replicated by their
effects); one Redis server, not a Cluster.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import heapq
import itertools
import logging
import math
import secrets
import time
from collections.abc import AsyncIterator, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from redis.exceptions import RedisError

from .errors import LimiterUnavailable

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)

# KEYS: bot window, bot next-free, claims, [chat window, chat next-free]
# ARGV: member, bot interval, bot limit, chat interval, chat limit, window,
#       lease (0: the request counts as completed at once), priority (0: a chat with a
#       queue), follow (1: another send to the chat waits right behind this one),
#       claim slack, key ttl in ms
# Returns {1, µs until the chat's next send is due} granted; {0, wait µs} held back by the
# bot's limit; {2, wait µs} held back by the chat's.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local member = ARGV[1]
local window = tonumber(ARGV[6])
local lease = tonumber(ARGV[7])
local priority = tonumber(ARGV[8])
local slack = tonumber(ARGV[10])
local ttl = ARGV[11]
local chat = KEYS[4]

local function fmt(x) return string.format('%.6f', x) end
local function us(x) return math.ceil(x * 1000000) end

-- How long one key's spacing and window guard hold a request back.
local function held_for(wkey, nkey, limit)
  local wait = 0
  local due = tonumber(redis.call('GET', nkey))
  if due and due > now then wait = due - now end
  -- Completed a full window ago: no longer counted.
  redis.call('ZREMRANGEBYSCORE', wkey, '-inf', fmt(now - window))
  local count = redis.call('ZCARD', wkey)
  if count >= limit then
    -- The entry that has to leave the window before one more may go; one still in
    -- flight (scored at its lease expiry) cannot leave before a window from now.
    local entry = redis.call('ZRANGE', wkey, count - limit, count - limit, 'WITHSCORES')
    local done = tonumber(entry[2])
    local w = window
    if done <= now then w = done + window - now end
    if w > wait then wait = w end
  end
  return wait
end

-- The next request is due an interval after this one was due, or after now if this one
-- came more than a quarter interval late: a Redis round trip and a wake-up per request
-- must not slow the fleet below the limit, nor may a pause bank a burst.
local function space(nkey, interval)
  local due = tonumber(redis.call('GET', nkey)) or now
  if due < now - interval / 4 then due = now end
  redis.call('SET', nkey, fmt(due + interval), 'PX', ttl)
  return due + interval
end

-- The chat (with a queue) wants the bot's slot at `at`: others' requests step aside.
local function claim(at)
  redis.call('ZADD', KEYS[3], fmt(at), chat)
  redis.call('PEXPIRE', KEYS[3], ttl)
end

if chat then
  local w = held_for(chat, KEYS[5], tonumber(ARGV[5]))
  if w > 0 then
    if priority == 0 then claim(now + w) end
    return {2, us(w)}
  end
end

local interval = tonumber(ARGV[2])
local w = held_for(KEYS[1], KEYS[2], tonumber(ARGV[3]))
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', fmt(now - slack))
if priority > 0 then
  local first = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
  if first[2] and tonumber(first[2]) < now + interval then
    w = math.max(w, tonumber(first[2]) + interval - now, interval / 4)
  end
end
if w > 0 then
  if priority == 0 and chat then claim(now + w) end
  return {0, us(w)}
end

local score = fmt(now + lease)
redis.call('ZADD', KEYS[1], score, member)
redis.call('PEXPIRE', KEYS[1], ttl)
space(KEYS[2], interval)
if chat then
  redis.call('ZADD', chat, score, member)
  redis.call('PEXPIRE', chat, ttl)
  local next_due = space(KEYS[5], tonumber(ARGV[4]))
  if ARGV[9] == '1' then claim(next_due) else redis.call('ZREM', KEYS[3], chat) end
  return {1, us(next_due - now)}
end
return {1, 0}
"""

# KEYS: the windows the request counts in; ARGV: member.  Its completion time is now.
_COMPLETE = """
local t = redis.call('TIME')
local now = string.format('%.6f', tonumber(t[1]) + tonumber(t[2]) / 1000000)
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', now, ARGV[1])
end
return 0
"""

# KEYS: the windows; ARGV: member, lease, key ttl in ms.  Only a request still in flight
# (scored in the future) is extended: a completion recorded meanwhile stands.
_EXTEND = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
for _, key in ipairs(KEYS) do
  local score = tonumber(redis.call('ZSCORE', key, ARGV[1]))
  if score and score > now then
    redis.call('ZADD', key, 'XX', string.format('%.6f', now + tonumber(ARGV[2])), ARGV[1])
    redis.call('PEXPIRE', key, ARGV[3])
  end
end
return 0
"""

_GRANTED, _HELD_BY_BOT, _HELD_BY_CHAT = 1, 0, 2


@dataclass(eq=False)
class _Permit:
    """One released request: its member name in the windows it counts in."""

    member: str
    keys: tuple[str, ...]
    reserved_at: float


@dataclass(eq=False)
class _Chat:
    window_key: str
    next_key: str
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_at: float = -math.inf  # local estimate; Redis has the last word
    users: int = 0
    waiter: _Waiter | None = None  # the one in the local queue, if any


@dataclass(order=True)
class _Waiter:
    priority: int
    seq: int
    member: str = field(compare=False)
    chat: _Chat | None = field(compare=False)
    lease: float = field(compare=False)
    # A permit, or how long the chat is held back (by another process's send to it).
    future: asyncio.Future[_Permit | float] = field(compare=False)


def bot_key(token: str, api_url: str) -> str:
    """Names one bot in keys shared with other bots: a digest of its token (which must
    not appear itself) and of the API address (so bots of separate emulators never
    share limits).  The dialog state in Redis is keyed by it too."""
    return hashlib.sha256(f"{api_url}\0{token}".encode()).hexdigest()[:20]


def bot_prefix(token: str, api_url: str) -> str:
    """The limiter's key prefix for one bot."""
    return f"maxremind:limits:{bot_key(token, api_url)}:"


def _chat_name(key: Hashable) -> str:
    if isinstance(key, tuple):
        return ":".join(str(part) for part in key)
    return str(key)


class FleetRateLimiter:
    """``await limiter.acquire()`` / ``async with limiter.slot(chat_key):``, fleet-wide.

    :param redis: the Redis client (see :meth:`from_url`, which owns the one it makes).
    :param prefix: names the bot in every key (e.g. ``"maxremind:limits:<bot>:"``), so
        two bots on one Redis do not share limits.
    :param lease: how long a request in flight of a process that died keeps counting.
    """

    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str,
        global_rps: float = 30.0,
        per_chat_rps: float = 2.0,
        safety_margin: float = 0.002,
        window: float = 1.0,
        lease: float = 3.0,
        owns_redis: bool = False,
    ) -> None:
        if global_rps <= 0 or per_chat_rps <= 0:
            raise ValueError("rates must be positive")
        if not 0 <= safety_margin < 1:
            raise ValueError("safety_margin must be in [0, 1)")
        if window <= 0 or lease <= 0:
            raise ValueError("window and lease must be positive")
        if not prefix:
            raise ValueError("a key prefix naming the bot is required")
        self.global_rps = global_rps
        self.per_chat_rps = per_chat_rps
        self.global_interval = (1.0 + safety_margin) / global_rps
        self.chat_interval = (1.0 + safety_margin) / per_chat_rps
        self._global_limit = max(1, math.floor(global_rps * window))
        self._chat_limit = max(1, math.floor(per_chat_rps * window))
        # The margin also covers the Redis server's clock being slewed by NTP (≤ 0.05 %).
        self._window = window * (1.0 + safety_margin)
        self._lease = lease
        self._ttl_ms = math.ceil((lease + self._window + 1.0) * 1000)
        # A claim outlives the wait it was made for by this much, then lapses.
        self._claim_slack = max(0.05, 2 * self.global_interval)
        self.prefix = prefix
        self._keys = (prefix + "bot:window", prefix + "bot:next", prefix + "claims")
        self._redis = redis
        self._owns_redis = owns_redis
        self._reserve = redis.register_script(_RESERVE)
        self._complete = redis.register_script(_COMPLETE)
        self._extend = redis.register_script(_EXTEND)
        self._name = secrets.token_hex(6)
        self._seq = itertools.count()
        self._waiting: list[_Waiter] = []
        self._better_head = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self._chats: dict[Hashable, _Chat] = {}
        self._sweep_above = 1024
        self._in_flight: dict[str, _Permit] = {}
        self._refresher: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[None]] = set()

    @classmethod
    def from_url(cls, url: str, *, prefix: str, **knobs: float) -> FleetRateLimiter:
        """A limiter with a Redis client of its own (closed by :meth:`aclose`).

        Short socket timeouts and few reconnect attempts: a Redis that is gone should turn
        into :class:`LimiterUnavailable` within seconds, not stall every sender.
        """
        from redis.asyncio import Redis
        from redis.asyncio.retry import Retry
        from redis.backoff import ExponentialBackoff

        client = Redis.from_url(
            url,
            socket_connect_timeout=2.0,
            socket_timeout=2.0,
            retry=Retry(ExponentialBackoff(cap=0.2, base=0.02), 2),
        )
        return cls(client, prefix=prefix, owns_redis=True, **knobs)

    def __repr__(self) -> str:
        return f"FleetRateLimiter(prefix={self.prefix!r})"

    async def acquire(self, chat_key: Hashable | None = None) -> None:
        """Wait for this request's turn, counting it as completed at once.

        :raises LimiterUnavailable: if Redis does not answer.
        """
        await self._acquire(chat_key, lease=0.0)

    @contextlib.asynccontextmanager
    async def slot(self, chat_key: Hashable | None = None) -> AsyncIterator[None]:
        """Wait for this request's turn; the block is the request, its end its completion.

        :raises LimiterUnavailable: (on entry) if Redis does not answer; nothing was sent.
        """
        permit = await self._acquire(chat_key, lease=self._lease)
        self._track(permit)
        try:
            yield
        finally:
            self._finish(permit)

    async def aclose(self) -> None:
        """Record the completions still on their way, then close our Redis connection."""
        for task in (self._runner, self._refresher):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._background:
            await asyncio.wait(set(self._background), timeout=2.0)
        if self._owns_redis:
            await self._redis.aclose()

    # --- per chat ------------------------------------------------------------------------

    async def _acquire(self, chat_key: Hashable | None, *, lease: float) -> _Permit:
        if chat_key is None:
            outcome = await self._admit(None, 1, lease)
            assert isinstance(outcome, _Permit)  # a request to no chat is never held by one
            return outcome
        chat = self._chats.get(chat_key)
        if chat is None:
            name = self.prefix + "chat:" + _chat_name(chat_key)
            chat = self._chats[chat_key] = _Chat(name + ":window", name + ":next")
        chat.users += 1
        if chat.waiter is not None and chat.waiter.priority > 0:
            # The chat has a queue now: the one waiting for it goes first from here on.
            chat.waiter.priority = 0
            self._reorder()
        try:
            async with chat.lock:
                queued = chat.users > 1
                while True:
                    wait = chat.next_at - time.monotonic()
                    if wait > 0:
                        queued = True
                        await asyncio.sleep(wait)
                    outcome = await self._admit(chat, 0 if queued else 1, lease)
                    if isinstance(outcome, _Permit):
                        return outcome  # and the runner noted when the next one is due
                    # Another process sent to this chat: its spacing or window holds us.
                    chat.next_at = time.monotonic() + outcome
                    queued = True
        finally:
            chat.users -= 1
            if len(self._chats) > self._sweep_above:
                self._sweep()

    def _sweep(self) -> None:
        """Forget idle chats whose spacing has elapsed, so the map stays small."""
        now = time.monotonic()
        idle = [k for k, c in self._chats.items() if c.users == 0 and c.next_at <= now]
        for key in idle:
            del self._chats[key]
        self._sweep_above = max(1024, 2 * len(self._chats))

    # --- the local queue in front of Redis -----------------------------------------------

    async def _admit(self, chat: _Chat | None, priority: int, lease: float) -> _Permit | float:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[_Permit | float] = loop.create_future()
        seq = next(self._seq)
        waiter = _Waiter(priority, seq, f"{self._name}:{seq}", chat, lease, future)
        heapq.heappush(self._waiting, waiter)
        if chat is not None:
            chat.waiter = waiter
        if self._waiting[0] is waiter:
            self._better_head.set()
        if self._runner is None or self._runner.done():
            self._runner = loop.create_task(self._run())
        try:
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled() and future.exception() is None:
                granted = future.result()
                if isinstance(granted, _Permit):
                    # Granted just as we were cancelled: the slot counts as used at once.
                    self._finish(granted)
            raise
        finally:
            if chat is not None and chat.waiter is waiter:
                chat.waiter = None

    def _reorder(self) -> None:
        heapq.heapify(self._waiting)
        self._better_head.set()

    async def _run(self) -> None:
        """Serve the best local waiter, one at a time, until none is left."""
        try:
            while True:
                while self._waiting and self._waiting[0].future.done():
                    heapq.heappop(self._waiting)
                if not self._waiting:
                    return
                head = self._waiting[0]
                self._better_head.clear()
                status, wait = await self._try(head)
                if status == _HELD_BY_BOT:
                    # Wait for the slot, or for a waiter who would take it before the head
                    # (one may have come while Redis answered).
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._better_head.wait(), wait)
                    continue
                # New waiters may have gone ahead of the head meanwhile.
                self._waiting.remove(head)
                heapq.heapify(self._waiting)
                if status == _HELD_BY_CHAT:
                    if not head.future.done():
                        head.future.set_result(wait)
                    continue
                permit = _Permit(head.member, self._windows(head.chat), time.monotonic())
                if head.chat is not None:
                    head.chat.next_at = permit.reserved_at + wait
                if head.future.done():  # cancelled while Redis answered: the slot is used
                    self._finish(permit)
                else:
                    head.future.set_result(permit)
        except BaseException as exc:
            waiting, self._waiting = self._waiting, []
            for waiter in waiting:
                if waiter.future.done():
                    continue
                if isinstance(exc, Exception):
                    waiter.future.set_exception(exc)
                else:
                    waiter.future.cancel()
            if not isinstance(exc, LimiterUnavailable):
                raise

    def _windows(self, chat: _Chat | None) -> tuple[str, ...]:
        return (self._keys[0],) if chat is None else (self._keys[0], chat.window_key)

    async def _try(self, waiter: _Waiter) -> tuple[int, float]:
        keys = list(self._keys)
        if waiter.chat is not None:
            keys += [waiter.chat.window_key, waiter.chat.next_key]
        args: list[str | int] = [
            waiter.member,
            repr(self.global_interval),
            self._global_limit,
            repr(self.chat_interval),
            self._chat_limit,
            repr(self._window),
            repr(waiter.lease),
            waiter.priority,
            int(waiter.chat is not None and waiter.chat.users > 1),
            repr(self._claim_slack),
            self._ttl_ms,
        ]
        try:
            status, wait_us = await self._reserve(keys=keys, args=args)
        except (OSError, RedisError) as exc:
            raise LimiterUnavailable(
                "the Redis of the shared rate limiter (redis_url) did not answer, "
                f"so nothing was sent: {type(exc).__name__}: {exc}"
            ) from exc
        return int(status), int(wait_us) / 1_000_000

    # --- completions and leases ----------------------------------------------------------

    def _track(self, permit: _Permit) -> None:
        self._in_flight[permit.member] = permit
        if self._refresher is None or self._refresher.done():
            self._refresher = asyncio.get_running_loop().create_task(self._refresh())

    def _finish(self, permit: _Permit) -> None:
        """Record the completion in the background: the request went out, whatever Redis
        says now, and the caller should have its answer without another round trip."""
        self._in_flight.pop(permit.member, None)
        task = asyncio.get_running_loop().create_task(self._record_completion(permit))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _record_completion(self, permit: _Permit) -> None:
        try:
            await self._complete(keys=list(permit.keys), args=[permit.member])
        except (OSError, RedisError) as exc:
            log.warning(
                "could not record a completed MAX request in Redis (%s); it counts until "
                "its lease runs out",
                type(exc).__name__,
            )

    async def _refresh(self) -> None:
        """Extend the leases of requests in flight for long, while there are any."""
        period = self._lease / 3
        while self._in_flight:
            await asyncio.sleep(period)
            due = time.monotonic() - period
            for permit in [p for p in self._in_flight.values() if p.reserved_at <= due]:
                try:
                    await self._extend(
                        keys=list(permit.keys), args=[permit.member, self._lease, self._ttl_ms]
                    )
                except (OSError, RedisError) as exc:
                    log.warning("could not extend a MAX request's lease in Redis (%s)", exc)
                    break
