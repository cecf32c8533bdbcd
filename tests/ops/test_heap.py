"""The serving process's C heap: one malloc arena, free memory handed back (glibc)."""

from __future__ import annotations

import asyncio
import os
import platform
import subprocess
import sys

import pytest

from maxremind import heap

glibc = pytest.mark.skipif(
    platform.libc_ver()[0] != "glibc", reason="the arena cap and malloc_trim are glibc's"
)

# Four threads each allocate outside Python's small-object pools (so from malloc), all
# alive at once; malloc_stats() then lists the arenas on stderr, one "Arena N:" each.
_ARENAS = """
import ctypes, sys, threading
from maxremind import heap
print(heap.limit_arenas(), flush=True)
barrier = threading.Barrier(5)  # the four threads and this one
def work():
    blocks = [bytes(4096) for _ in range(64)]
    barrier.wait()
    barrier.wait()
threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads: t.start()
barrier.wait()
ctypes.CDLL(None).malloc_stats()
barrier.wait()
for t in threads: t.join()
"""


def _arenas(env: dict[str, str]) -> tuple[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", _ARENAS],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=60,
    )
    arenas = sum(1 for line in done.stderr.splitlines() if line.startswith("Arena "))
    return done.stdout.strip(), arenas


@glibc
def test_threads_share_one_arena_unless_the_operator_says_otherwise() -> None:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    assert _arenas(env) == ("True", 1)
    # MALLOC_ARENA_MAX set by whoever starts the process wins.
    took, arenas = _arenas({**env, "MALLOC_ARENA_MAX": "8"})
    assert took == "False" and arenas == 5  # the main thread's and one per thread


@glibc
def test_free_memory_is_handed_back() -> None:
    # Interleaved blocks, every other one freed: holes inside the heap, not at its end.
    blocks = [bytearray(64 * 1024) for _ in range(64)]
    del blocks[::2]
    assert heap.release_free_memory() is True
    del blocks


async def test_trimming_runs_beside_the_work_and_ends_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[float] = []
    monkeypatch.setattr(heap, "release_free_memory", lambda: calls.append(0.0) or True)

    async def work() -> str:
        await asyncio.sleep(0.35)
        return "done"

    assert await heap.trimming(work(), interval=0.1) == "done"
    if heap._glibc() is None:
        assert calls == []
        return
    assert 2 <= len(calls) <= 4
    await asyncio.sleep(0.25)  # the trimmer was cancelled with the work: no more calls
    assert len(calls) <= 4
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "heap-trim"]
