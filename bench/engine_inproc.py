"""The engine in-process, without HTTP: its storage and composing work per delivery.

    python bench/engine_inproc.py [--people 10000] [--team-size 100]
                                  [--events-per-team 10] [--spread 300]

The same scenario as ``bench/engine.py`` (seeded with its functions: teams, events each
reminding their whole team at the start, the start times spread over ``spread``
seconds), on a fresh SQLite file; then the real :class:`Engine` (planner, expander,
send loop, timer) runs in this process with a sender that only yields to the event loop
and answers like MAX.  No emulator, no httpx: what is left is the engine's own work,
and far less of the machine's noise.  Prints the CPU per delivery of the process, its
main thread (the event loop) and its other threads (SQLite's connections), and the
rounds the engine ran.  At the default size (100,000 deliveries in 300 s, as
``bench/engine.py``) it takes about six minutes.

To compare with older code, run this file from a clone of that commit (it imports the
engine and the seeding from the current folder): ``cd /tmp/old && PYTHONPATH=/tmp/old
python /path/to/bench/engine_inproc.py``; the imports below also cover the engine
before the dispatcher split of issue 11.  Linux only (reads /proc).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# The checkout the command runs in: its bench.engine and its product.
sys.path.insert(0, os.getcwd())

from bench.engine import FIRST_USER, seed_events, seed_people
from maxremind.engine.dispatcher import Dispatcher, EngineConfig
from maxremind.engine.planner import Planner
from maxremind.engine.timer import Engine
from maxremind.storage import open_storage

try:
    from maxremind.domain.signing import CallbackSigner
except ImportError:
    from maxremind.services.callbacks import CallbackSigner  # type: ignore[no-redef]
from maxremind.maxapi.models import Message

TICK = os.sysconf("SC_CLK_TCK")


def threads() -> tuple[float, float]:
    """CPU seconds of this process's main thread and of its other threads."""
    main = other = 0.0
    pid = os.getpid()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            f = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        s = (int(f[11]) + int(f[12])) / TICK
        if task.name == str(pid):
            main += s
        else:
            other += s
    return main, other


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


class YieldSender:
    """Answers every send at once (after one turn of the event loop), as MAX would."""

    def __init__(self) -> None:
        self.n = 0

    async def send_message(
        self, body: object, *, user_id: int | None = None, chat_id: int | None = None
    ) -> Message:
        self.n += 1
        await asyncio.sleep(0)
        return Message.model_validate(
            {
                "recipient": {"user_id": user_id, "chat_id": chat_id, "chat_type": "dialog"},
                "timestamp": 1,
                "body": {"mid": f"mid.{self.n}"},
            }
        )


async def main_async(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="inproc-"))
    db = tmp / "bench.db"
    people = [FIRST_USER + i for i in range(args.people)]
    teams = [people[i : i + args.team_size] for i in range(0, len(people), args.team_size)]
    events = len(teams) * args.events_per_team
    expected = events * args.team_size
    team_ids = await seed_people(db, teams)
    t = time.monotonic()
    per_event = 0.012  # seeding an event through EventService, with room to spare
    first = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=3 + events * per_event)
    starts = [first + timedelta(seconds=int(i * args.spread / events)) for i in range(events)]
    owners = [(tid, m[0]) for tid, m in zip(team_ids, teams, strict=True)]
    await seed_events(db, owners, starts, rps=1000)
    print(f"seeded {events} events in {time.monotonic() - t:.1f}s", file=sys.stderr)
    if datetime.now(UTC) > first:
        print("warning: seeding ran past the first due time", file=sys.stderr)
    async with open_storage(f"sqlite:///{db}") as storage:
        sender = YieldSender()
        dispatcher = Dispatcher(
            storage,
            sender,
            CallbackSigner(b"x" * 32),
            owner="bench",
            config=EngineConfig(rps=1000),
        )
        engine = Engine(Planner(storage, rps=1000), dispatcher)
        stop = asyncio.Event()
        # As the serving process does once it is ready (app.tune_gc_for_serving).
        gc.freeze()
        gc.set_threshold(20_000, *gc.get_threshold()[1:])
        c0, th0, w0 = time.process_time(), threads(), time.monotonic()
        task = asyncio.create_task(engine.run(stop))
        while sender.n < expected:
            await asyncio.sleep(0.05)
            if task.done():
                task.result()
        c1, th1, w1 = time.process_time(), threads(), time.monotonic()
        stop.set()
        await task
    n = sender.n
    print(
        f"RESULT deliveries={n} wall={w1 - w0:.1f}s rounds={engine.rounds}"
        f" cpu/delivery={(c1 - c0) / n * 1e3:.4f} ms"
        f" main={(th1[0] - th0[0]) / n * 1e3:.4f} other={(th1[1] - th0[1]) / n * 1e3:.4f}"
        f" load(1 min)={load_average()}"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--people", type=int, default=10_000)
    p.add_argument("--team-size", type=int, default=100)
    p.add_argument("--events-per-team", type=int, default=10)
    p.add_argument("--spread", type=int, default=300, help="seconds the due times span")
    asyncio.run(main_async(p.parse_args()))


if __name__ == "__main__":
    main()
