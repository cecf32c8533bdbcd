"""Benchmark the web UI: dashboard and event page under load while a fan-out goes out.

    python bench/web.py [--members 3000] [--events 1000] [--seconds 20] [--concurrency 16]

The emulator runs in its own process with MAX's limits (30 requests/s, 2/s per chat);
the product is a real ``python -m maxremind run`` process on a fresh SQLite file, seeded
through the storage port and the services: one team of ``members`` people, ``events``
events spread over 60 days from the day after tomorrow (each for the whole team, with a
reminder a day before, so none is due during the run), and one announcement-size
reminder to everyone due shortly after start-up, so the engine is sending a fan-out of
``members`` messages (~100 s at 30/s) while the pages are measured.  The owner's
browser session is made the way a sign-in makes it.

Measured:

* **idle RSS** of the product (VmRSS from /proc) once it is ready, before the first page
  view;
* **requests per second and latency** (median, p95, max) of the dashboard
  (``/t/<team>/``) and of event pages (``/t/<team>/events/<id>``, events picked at
  random), ``concurrency`` keep-alive connections from this process (a lean HTTP/1.1
  client, :class:`KeepAlive`, sending a browser's headers) for ``seconds``
  each, started once the fan-out is under way (the ledger shows sends) — the aim is
  >= 500 requests/s and p95 < 100 ms on 2 cores;
* how many fan-out messages went out during the load (the engine must not stall);
* the CPU time the product spent per request (its own and the engine's, all threads),
  the CPU time this script's own HTTP client spent per request (it shares the cores)
  and the machine's load average: on a shared machine the throughput says as much
  about the neighbours as about the product.

Prints markdown.  Linux only (reads /proc).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

# Run as ``python bench/web.py``: the repository's root comes first, so ``bench.engine``
# and the product import from this checkout.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from bench.engine import (
    cpu_seconds,
    emulator,
    emulator_people,
    percentile,
    seed_people,
    start_product,
    stop,
    wait_ready,
)
from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    EventKind,
    NewEvent,
    ReminderSpec,
)
from maxremind.engine.planner import Planner
from maxremind.services.access import AccessService
from maxremind.services.events import EventService
from maxremind.storage import open_storage

TOKEN = "bench-token-0123456789abcdef"
FIRST_USER = 8_000_001
MOSCOW = ZoneInfo("Europe/Moscow")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def start_profiler(pid: int, out: Path) -> subprocess.Popen[bytes]:
    """py-spy (installed separately) sampling every thread of the product until SIGINT."""
    command = ["py-spy", "record", "--pid", str(pid), "--threads", "--rate", "250"]
    command += ["--format", "raw", "--output", str(out)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL)


def sent_count(db: Path) -> int:
    with sqlite3.connect(db, timeout=30) as conn:
        (n,) = conn.execute("SELECT COUNT(*) FROM deliveries WHERE status = 'sent'").fetchone()
    return int(n)


async def seed_events(db: Path, team_id: int, owner: int, events: int) -> list[int]:
    """``events`` events for the whole team over the next 60 days; returns their ids."""
    now = datetime.now(UTC)
    ids = []
    async with open_storage(f"sqlite:///{db}") as storage:
        service = EventService(storage, Planner(storage, rps=30))
        for i in range(events):
            at = now + timedelta(days=2, minutes=int(i * 60 * 24 * 60 / events))
            event = await service.create(
                NewEvent(
                    team_id=team_id,
                    organizer_id=owner,
                    title=f"Совещание №{i}",
                    start_local=at.astimezone(MOSCOW).replace(tzinfo=None, second=0, microsecond=0),
                    timezone="Europe/Moscow",
                    place="Переговорная 2",
                    kind=EventKind.EVENT,
                    audience=(AudienceEntry(AudienceKind.TEAM),),
                    reminders=(ReminderSpec(offset=timedelta(days=1)),),
                    confirm_required=True,
                )
            )
            ids.append(event.id)
    return ids


async def seed_fanout(db: Path, team_id: int, owner: int, fanout_at: datetime) -> str:
    """The fan-out (a reminder to everyone at ``fanout_at``) and a signed-in session of
    the owner (its cookie)."""
    async with open_storage(f"sqlite:///{db}") as storage:
        service = EventService(storage, Planner(storage, rps=30))
        await service.create(
            NewEvent(
                team_id=team_id,
                organizer_id=owner,
                title="Общее собрание",
                start_local=fanout_at.astimezone(MOSCOW).replace(tzinfo=None, microsecond=0),
                timezone="Europe/Moscow",
                kind=EventKind.EVENT,
                audience=(AudienceEntry(AudienceKind.TEAM),),
                reminders=(ReminderSpec(offset=timedelta(0)),),
                confirm_required=True,
            )
        )
        access = await AccessService.create(storage, bot_token=TOKEN)
        issued = await access.redeem_login(await access.login_link(owner))
        assert issued is not None
    return issued.cookie


async def seeded(args: argparse.Namespace, db: Path, people: list[int]) -> tuple[int, list[int]]:
    """People and events in ``db``: seeded afresh, or copied from ``--reuse`` (seeding
    1,000 events for 3,000 people takes minutes)."""
    kept = args.reuse / f"web-{args.members}-{args.events}.db" if args.reuse else None
    if kept is not None and kept.exists():
        shutil.copyfile(kept, db)
        with sqlite3.connect(db) as conn:
            (team_id,) = conn.execute("SELECT MIN(id) FROM teams").fetchone()
            ids = [row[0] for row in conn.execute("SELECT id FROM events ORDER BY id")]
        return int(team_id), ids
    began = time.monotonic()
    (team_id,) = await seed_people(db, [people])
    ids = await seed_events(db, team_id, people[0], args.events)
    print(f"seeded {args.events} events in {time.monotonic() - began:.0f} s", file=sys.stderr)
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(db) as source, sqlite3.connect(kept) as target:
            source.backup(target)
    return team_id, ids


@dataclass
class Load:
    page: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]
    product_cpu: float  # CPU seconds the product spent meanwhile (all its threads)
    client_cpu: float  # CPU seconds this benchmark's own client spent meanwhile
    load_average: float  # the machine's 1-minute load average at the end

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


class KeepAlive:
    """One keep-alive HTTP/1.1 connection sending GETs: the load generator.  httpx costs
    about 1 ms of CPU a request, on the same two cores as the product; this costs a
    tenth of that, so the figure is the product's and not the client's."""

    def __init__(self, host: str, port: int, cookie: str) -> None:
        self.host, self.port = host, port
        self.head = (
            f"Host: {host}:{port}\r\nUser-Agent: maxremind-bench\r\n"
            "Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\n"
            "Accept-Language: ru-RU,ru;q=0.9,en;q=0.8\r\nAccept-Encoding: gzip, deflate\r\n"
            f"Cookie: mr_session={cookie}\r\n\r\n"
        ).encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        """The answer's status (its body read and dropped)."""
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(b"GET " + path.encode() + b" HTTP/1.1\r\n" + self.head)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        fields = dict(
            (name.strip().lower(), value.strip())
            for name, _, value in (line.partition(":") for line in lines[1:] if line)
        )
        if "content-length" in fields:
            await self.reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding") == "chunked":
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                await self.reader.readexactly(size + 2)
            await self.reader.readuntil(b"\r\n")
        if fields.get("connection") == "close":
            await self.close()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def load(
    base: str,
    cookie: str,
    paths: list[str],
    page: str,
    seconds: float,
    concurrency: int,
    pid: int,
) -> Load:
    latencies: list[float] = []
    errors = 0
    url = httpx.URL(base)
    deadline = time.monotonic() + seconds

    async def worker(seed_: int) -> None:
        nonlocal errors
        pick = random.Random(seed_)
        http = KeepAlive(url.host, url.port or 80, cookie)
        try:
            while time.monotonic() < deadline:
                path = pick.choice(paths)
                started = time.perf_counter()
                status = await asyncio.wait_for(http.get(path), 30)
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    errors += 1
        finally:
            await http.close()

    began = time.monotonic()
    cpu = cpu_seconds(pid)
    own = time.process_time()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    took = time.monotonic() - began
    cpu = cpu_seconds(pid) - cpu
    own = time.process_time() - own
    return Load(page, len(latencies), errors, took, latencies, cpu, own, os.getloadavg()[0])


async def main_async(args: argparse.Namespace) -> str:
    work = Path(tempfile.mkdtemp(prefix="maxremind-bench-web-"))
    db = work / "maxremind.db"
    people = [FIRST_USER + i for i in range(args.members)]
    async with emulator() as url:  # MAX's limits on: the fan-out takes ~members/30 s
        await emulator_people(url, people)
        team_id, event_ids = await seeded(args, db, people)
        fanout_at = datetime.now(UTC) + timedelta(seconds=args.fanout_in)
        cookie = await seed_fanout(db, team_id, people[0], fanout_at)
        proc = start_product(url, work, rps=30, chat_rps=2)
        spy = None
        try:
            await wait_ready(proc)
            await asyncio.sleep(1.0)
            idle = rss_mib(proc.pid)
            base = f"http://127.0.0.1:{proc.web_port}"  # type: ignore[attr-defined]
            deadline = time.monotonic() + args.fanout_in + 120
            while sent_count(db) < 30:  # the fan-out is under way
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the fan-out did not start")
                await asyncio.sleep(0.5)
            before = sent_count(db)
            if args.profile:
                spy = start_profiler(proc.pid, args.profile)
            loads = []
            if args.only in (None, "dashboard"):
                paths = [f"/t/{team_id}/"]
                loads.append(
                    await load(
                        base, cookie, paths, "dashboard", args.seconds, args.concurrency, proc.pid
                    )
                )
            if args.only in (None, "event"):
                paths = [f"/t/{team_id}/events/{i}" for i in event_ids]
                loads.append(
                    await load(
                        base, cookie, paths, "event page", args.seconds, args.concurrency, proc.pid
                    )
                )
            during = sent_count(db) - before
            busy = rss_mib(proc.pid)
        finally:
            if spy is not None:
                spy.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
                spy.wait(60)
            stop(proc)
    shutil.rmtree(work)  # kept (with product.log) only when a run fails
    return report(args, idle, busy, loads, during)


def report(args: argparse.Namespace, idle: float, busy: float, loads: list[Load], sent: int) -> str:
    lines = [
        f"Web UI, {args.members} members, {args.events} events, {args.concurrency} connections, "
        f"{args.seconds:.0f} s per page, during a fan-out to {args.members}:",
        "",
        "| page | requests/s | median ms | p95 ms | max ms | errors"
        " | product CPU ms/request | client CPU ms/request | load average |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for item in loads:
        ms = [x * 1000 for x in item.latencies]
        lines.append(
            f"| {item.page} | {item.rps:.0f} | {statistics.median(ms):.1f} | "
            f"{percentile(ms, 95):.1f} | {max(ms):.1f} | {item.errors} | "
            f"{item.product_cpu / max(1, item.requests) * 1000:.2f} | "
            f"{item.client_cpu / max(1, item.requests) * 1000:.2f} | {item.load_average:.1f} |"
        )
    total_seconds = sum(item.seconds for item in loads)
    lines += [
        "",
        f"Fan-out messages sent while the pages were loaded: {sent} in {total_seconds:.0f} s "
        f"({sent / total_seconds:.1f}/s; MAX's limit is 30/s).",
        f"Idle RSS after start-up, before the first page view: {idle:.1f} MiB; "
        f"after the load: {busy:.1f} MiB.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=3000)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--fanout-in", type=float, default=40.0, help="seconds after seeding")
    parser.add_argument("--only", choices=("dashboard", "event"), help="load one page only")
    parser.add_argument(
        "--reuse",
        type=Path,
        metavar="DIR",
        help="keep the seeded people and events in DIR and start later runs from that copy"
        " (for repeated runs while profiling; the reminders of a copy are older)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="attach py-spy (pip install py-spy) to the product while the pages are loaded and"
        " write its samples to FILE in collapsed-stack form; sampling slows the product, so"
        " the figures of such a run are not comparable",
    )
    print(asyncio.run(main_async(parser.parse_args())))


if __name__ == "__main__":
    main()
