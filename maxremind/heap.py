"""The C heap of the serving process: fewer malloc arenas, freed memory given back.

Python keeps small objects in pools of its own; larger ones, and whatever SQLite,
OpenSSL and pydantic-core allocate, come from the C library's ``malloc``.  glibc's
``malloc`` gives a thread that finds the arenas busy an arena of its own (up to eight per
core; ``run`` has five threads: the event loop, three SQLite connections and asyncio's
default executor), and keeps what is freed inside its heaps for reuse.  So what
start-up (migrations, imports), the first page view (Jinja compiling templates) or a
burst of work freed stays resident, a megabyte or more per arena.

:func:`limit_arenas` keeps every thread in the one main arena (as ``MALLOC_ARENA_MAX=1``
would, which is read too early to be set from Python), and :func:`trimming` hands free
pages back to the system every ten seconds (``malloc_trim``: about 0.1 ms on this heap, a
few ms after a burst).  Idle RSS of ``run`` (``python bench/memory.py``,
docs/benchmarks.md): two arenas and the trimming took start-up from 60.0 to 58.8 MiB
when they came; one arena instead of two takes another 0.4 MiB off after start-up and
0.6 MiB after a few bot updates (57.0 → 56.6, 57.8 → 57.2 MiB).  Sharing one arena
costs nothing measurable: under load (bench/web.py's pages during a fan-out,
bench/engine.py's CPU per delivery) one and two arenas measured the same within noise
(docs/benchmarks.md, "Idle memory, fourth round").

glibc only; elsewhere (musl, macOS) both do nothing.  ``MALLOC_ARENA_MAX`` in the
environment wins over :func:`limit_arenas`.
"""

from __future__ import annotations

import asyncio
import ctypes
import functools
import os
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")

ARENAS = 1
TRIM_INTERVAL = 10.0
_M_ARENA_MAX = -8  # mallopt parameter, from glibc's <malloc.h>


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(None)  # the symbols already loaded: the process's C library
    except OSError:
        return None
    if not (hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim")):
        return None  # not glibc
    libc.mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    libc.malloc_trim.argtypes = (ctypes.c_size_t,)
    return libc


def limit_arenas(count: int = ARENAS) -> bool:
    """At most ``count`` malloc arenas for the process; whether it took effect.

    Call it before the first thread starts: a thread that already has an arena keeps it.
    """
    libc = _glibc()
    if libc is None or "MALLOC_ARENA_MAX" in os.environ:
        return False
    return bool(libc.mallopt(_M_ARENA_MAX, count))


def release_free_memory() -> bool:
    """Hand the C heap's free pages back to the system; whether any were."""
    libc = _glibc()
    return libc is not None and bool(libc.malloc_trim(0))


async def trimming(work: Awaitable[T], interval: float = TRIM_INTERVAL) -> T:
    """Await ``work`` while releasing free memory every ``interval`` seconds."""

    async def trim() -> None:
        while True:
            await asyncio.sleep(interval)
            release_free_memory()

    trimmer = asyncio.create_task(trim(), name="heap-trim") if _glibc() else None
    try:
        return await work
    finally:
        if trimmer is not None:
            trimmer.cancel()
