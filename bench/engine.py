"""Benchmark the scheduling and delivery engine against the MAX emulator.

    python bench/engine.py [--people 10000] [--team-size 100] [--events-per-team 10]
                           [--spread 300] [--bare 20000] [--fanout 3000]
                           [--skip-throughput] [--skip-fanout] [--profile FILE]
                           [--db sqlite|postgres|postgres=URL] [--redis URL] [--processes N]

Two measurements, each with the emulator in its own process and the product as a real
``python -m maxremind run`` process on a fresh SQLite file:

1. **Throughput and timing, no rate limits** (emulator ``--no-rate-limits``, product at
   1,000 requests/s).  The scenario: ``people`` employees in teams of ``team_size``;
   every team has ``events_per_team`` events with one reminder for the whole team at
   the start, the events' start times spread evenly over ``spread`` seconds — by
   default 100,000 reminders (1,000 jobs of 100 recipients) due within five minutes.
   That is a stress test, not a typical day: a 10,000-person company whose every team
   meets within the same five minutes.  Reported: lateness of each delivery
   (``sent_at - due_at`` from the ledger, i.e. including expansion; and
   ``sent_at - send_at``, what ``EngineStats.lateness`` counts), the product's CPU time
   per delivery (from /proc, counted from "ready" to the last send) next to a bare
   httpx loop that posts ``bare`` equally long messages to the same emulator with the
   dispatcher's concurrency (measured with ``time.process_time`` in this process, in the
   same run), and the product's peak RSS (VmHWM).  The bare loop runs twice: flat out —
   the yardstick for the aim — and at the pace the product sent (replaying the send
   times of ``bare`` deliveries from the middle of the run).  Flat out costs less per
   request because each turn of the event loop serves many requests at once; the paced
   figure shows what the same posts cost when they fall due over time, as reminders do.
2. **A fan-out at MAX's real limits** (emulator with limits, product at its default
   30 requests/s): one announcement-size reminder to ``fanout`` people; reported: first
   to last send against the theoretical ``fanout / 30`` s, and the emulator's 429 count.

Seeding goes through the storage port and ``EventService`` (what the bot and the web
do), one transaction per person or membership: ~a minute for 10,000 people.  Prints
markdown, and on stderr the product's CPU per delivery split into its main thread (the
event loop) and its other threads (SQLite's connections).  ``--profile FILE`` attaches
py-spy (install it into the venv yourself) to the product for part 1.  Linux only
(reads /proc).

**Scale mode** (``bench/engine_scale.py``): ``--db postgres`` runs the same two parts on
Postgres instead (``--db postgres=URL`` names the server; by default
``postgresql://postgres@127.0.0.1:5432/test``): each part gets a database of its own,
created next to the one the URL names and dropped afterwards, and the product is started
with ``MAXREMIND_DB_URL`` (so it claims two seconds of sending at a time, as in scale
mode).  ``--redis URL`` adds ``MAXREMIND_REDIS_URL``: MAX's limits are kept through the
fleet limiter in Redis (a round trip or two per request) and dialog state lives there.
``--processes N`` (Postgres and Redis only) starts N product processes sharing the work;
the CPU figures are then their sum.  On Postgres the report adds the CPU of the server's
backends serving the benchmark's database (sampled by pid from ``pg_stat_activity``)
per delivery, and of its shared helpers (WAL writer, checkpointer: server-wide); with
Redis, the Redis server's CPU (``INFO cpu``, whatever else uses it included).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

# Run as ``python bench/engine.py``: the repository's root comes first, so
# ``bench.engine_scale`` and the product import from this checkout.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from bench.engine_scale import (
    DEFAULT_POSTGRES,
    Ledger,
    LoadWatch,
    cpu_seconds,
    database_option,
    emulator_pid,
    open_ledger,
    postgres_version,
    redact,
    redis_cpu_seconds,
)
from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    EventKind,
    Language,
    NewEvent,
    ReminderSpec,
    Role,
)
from maxremind.emulator.server import emulator_process, free_port
from maxremind.engine.dispatcher import EngineConfig
from maxremind.engine.planner import Planner
from maxremind.services.events import EventService
from maxremind.storage import open_storage

__all__ = ["cpu_seconds"]  # bench/web.py imports it from here

TOKEN = "bench-token-0123456789abcdef"
FIRST_USER = 7_000_001
MOSCOW = ZoneInfo("Europe/Moscow")
TICK = os.sysconf("SC_CLK_TCK")


def thread_cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU of a live process's main thread and of all its other threads together."""
    main = other = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # the thread ended meanwhile
            continue
        seconds = (int(fields[11]) + int(fields[12])) / TICK
        if task.name == str(pid):
            main += seconds
        else:
            other += seconds
    return main, other


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# --- processes -----------------------------------------------------------------------


def emulator(*extra: str) -> AbstractAsyncContextManager[str]:
    return emulator_process(TOKEN, *extra)


def start_product(
    api_url: str,
    data_dir: Path,
    rps: float,
    chat_rps: float,
    extra: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAXREMIND_")}
    port = free_port()
    env.update(
        MAXREMIND_TOKEN=TOKEN,
        MAXREMIND_API_URL=api_url,
        MAXREMIND_DATA_DIR=str(data_dir),
        MAXREMIND_WEB_PORT=str(port),
        MAXREMIND_RATE_LIMIT_RPS=str(rps),
        MAXREMIND_CHAT_RATE_LIMIT_RPS=str(chat_rps),
        MAXREMIND_LOG_LEVEL="warning",
    )
    env.update(extra or {})
    log = (data_dir / "product.log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "maxremind", "run"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    proc.web_port = port  # type: ignore[attr-defined]
    return proc


async def wait_ready(proc: subprocess.Popen[bytes]) -> None:
    url = f"http://127.0.0.1:{proc.web_port}/readyz"  # type: ignore[attr-defined]
    async with httpx.AsyncClient() as http:
        for _ in range(600):
            if proc.poll() is not None:
                raise RuntimeError("the product exited during start-up (see product.log)")
            try:
                if (await http.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError("the product did not become ready")


def start_profiler(pid: int, out: Path) -> subprocess.Popen[bytes]:
    """py-spy sampling every thread of the product until SIGINT (``--profile``)."""
    return subprocess.Popen(
        [
            "py-spy",
            "record",
            "--pid",
            str(pid),
            "--threads",
            "--rate",
            "250",
            "--format",
            "raw",
            "--output",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)


def start_products(
    args: argparse.Namespace, api_url: str, work: Path, ledger: Ledger, rps: float, chat_rps: float
) -> list[subprocess.Popen[bytes]]:
    """The product on SQLite (one process, its data in ``work``), or ``--processes`` of
    them on the ledger's Postgres database, each with a data folder of its own."""
    if args.postgres is None:
        return [start_product(api_url, work, rps, chat_rps)]
    extra = dict(ledger.env)
    if args.redis:
        extra["MAXREMIND_REDIS_URL"] = args.redis
    procs = []
    for i in range(args.processes):
        data_dir = work / f"p{i}"
        data_dir.mkdir()
        procs.append(start_product(api_url, data_dir, rps, chat_rps, extra))
    return procs


def stop_all(procs: Sequence[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    for proc in procs:
        proc.wait(30)


# --- seeding -------------------------------------------------------------------------


async def emulator_people(url: str, user_ids: Sequence[int]) -> None:
    """Create and start the people in the emulator, then drop the bot_started updates."""
    limit = asyncio.Semaphore(32)
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:

        async def call(method: str, path: str, **kwargs: object) -> httpx.Response:
            # On a busy machine a kept-alive connection may close just as a request goes
            # out on it (seen as a ReadError): try again on a new one.
            for attempt in range(3):
                try:
                    return await http.request(method, path, **kwargs)  # type: ignore[arg-type]
                except httpx.TransportError:
                    if attempt == 2:
                        raise
                    await asyncio.sleep(0.5)
            raise AssertionError("unreachable")

        async def one(uid: int) -> None:
            async with limit:
                r = await call("POST", "/_emulator/users", json={"name": f"P{uid}", "user_id": uid})
                if r.is_error and (await call("GET", f"/_emulator/users/{uid}")).is_error:
                    r.raise_for_status()  # not made by an attempt whose answer was lost either
                (await call("POST", f"/_emulator/users/{uid}/start", json={})).raise_for_status()

        await asyncio.gather(*(one(uid) for uid in user_ids))
        drained = await http.get(
            "/updates", params={"marker": 10**12, "timeout": 0}, headers={"Authorization": TOKEN}
        )
        drained.raise_for_status()


def _storage_url(db: Path | str) -> str:
    return db if isinstance(db, str) else f"sqlite:///{db}"


async def seed_people(db: Path | str, teams: list[list[int]]) -> list[int]:
    """Users and teams (the first member owns each team); returns the team ids.
    ``db``: a SQLite file, or a database URL."""
    ids = []
    async with open_storage(_storage_url(db)) as storage:
        for members in teams:
            for uid in members:
                await storage.upsert_user(uid, name=f"Сотрудник {uid}", username=None)
            team = await storage.create_team(
                f"Отдел {members[0]}",
                timezone="Europe/Moscow",
                language=Language.RU,
                created_by=members[0],
            )
            await storage.add_member(team.id, members[0], Role.OWNER)
            for uid in members[1:]:
                await storage.add_member(team.id, uid, Role.MEMBER)
            ids.append(team.id)
    return ids


async def seed_events(
    db: Path | str, teams: list[tuple[int, int]], starts: list[datetime], rps: float
) -> None:
    """One event per start time, round-robin over ``(team_id, owner)``, reminding the
    whole team at its start."""
    async with open_storage(_storage_url(db)) as storage:
        service = EventService(storage, Planner(storage, rps=rps))
        for i, at in enumerate(starts):
            team_id, owner = teams[i % len(teams)]
            await service.create(
                NewEvent(
                    team_id=team_id,
                    organizer_id=owner,
                    title=f"Планёрка №{i}",
                    start_local=at.astimezone(MOSCOW).replace(tzinfo=None),
                    timezone="Europe/Moscow",
                    kind=EventKind.EVENT,
                    audience=(AudienceEntry(AudienceKind.TEAM),),
                    reminders=(ReminderSpec(offset=timedelta(0)),),
                )
            )


async def wait_sent(
    ledger: Ledger,
    expected: int,
    procs: Sequence[subprocess.Popen[bytes]],
    limit: float,
    load: LoadWatch | None = None,
) -> None:
    deadline = time.monotonic() + limit
    while (await ledger.counts()).get("sent", 0) < expected:
        if any(proc.poll() is not None for proc in procs):
            raise RuntimeError("the product died (see product.log)")
        if time.monotonic() > deadline:
            raise RuntimeError(f"not all sent in time: {await ledger.counts()}")
        await ledger.sample_server_cpu()
        if load is not None:
            load.sample()
        await asyncio.sleep(0.5)
    await ledger.sample_server_cpu()


# --- part 1 --------------------------------------------------------------------------


def per_ten_seconds(times: Sequence[tuple[int, int, int]]) -> str:
    """Deliveries sent in each 10 s from the first due time: stalls show as dips."""
    if not times:
        return ""
    first = min(due for due, _, _ in times)
    buckets: dict[int, int] = {}
    for _, _, sent in times:
        buckets[(sent - first) // 10_000] = buckets.get((sent - first) // 10_000, 0) + 1
    return " ".join(str(buckets.get(i, 0)) for i in range(max(buckets) + 1))


@dataclass
class Throughput:
    deliveries: int
    wall: float
    late_due: list[float]
    late_send: list[float]
    cpu_product: float
    cpu_bare: float
    cpu_paced: float
    rss_mb: float
    bare_n: int
    # Scale mode, per delivery: Postgres's backends of this database and its shared
    # helpers; the Redis server.
    cpu_server: tuple[float, float] | None = None
    cpu_redis: float | None = None
    # Postgres's counters for the database over the run (pg_stat_database), in total.
    db_work: dict[str, int] | None = None


async def bare_loop(
    url: str, user_ids: Sequence[int], text: str, n: int, timeline: Sequence[float] | None = None
) -> float:
    """CPU seconds this process spends posting ``n`` messages with plain httpx.

    Without ``timeline`` the posts go as fast as the concurrency allows; with it, post
    ``i`` starts ``timeline[i]`` seconds after the first (the product's own send times).
    """
    limit = asyncio.Semaphore(EngineConfig().concurrency)
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": TOKEN}, timeout=30
    ) as http:

        async def one(i: int) -> None:
            async with limit:
                r = await http.post(
                    "/messages",
                    params={"user_id": user_ids[i % len(user_ids)]},
                    json={"text": text},
                )
                r.raise_for_status()
                r.json()

        await one(0)  # connection set up outside the measurement
        start = time.process_time()
        if timeline is None:
            await asyncio.gather(*(one(i) for i in range(1, n + 1)))
        else:
            # Each post starts when the product sent its delivery, relative to the first.
            t0 = time.monotonic()
            tasks = []
            for i, at in enumerate(timeline[:n], start=1):
                delay = t0 + at - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(one(i)))
            await asyncio.gather(*tasks)
        return time.process_time() - start


async def throughput(args: argparse.Namespace, work: Path) -> Throughput:
    people = [FIRST_USER + i for i in range(args.people)]
    teams = [people[i : i + args.team_size] for i in range(0, len(people), args.team_size)]
    events = len(teams) * args.events_per_team
    expected = events * args.team_size
    async with emulator("--no-rate-limits") as url:
        async with open_ledger(args.postgres, work) as ledger:
            t = time.monotonic()
            await emulator_people(url, people)
            team_ids = await seed_people(ledger.url, teams)
            print(f"seeded {len(people)} people in {time.monotonic() - t:.0f}s", file=sys.stderr)
            t = time.monotonic()
            # Time enough to seed the events and start: an event takes ~7 ms through the
            # services on SQLite, 30-60 ms on Postgres (a round trip per statement).
            per_event = 0.03 if args.postgres is None else 0.1
            first = datetime.now(UTC).replace(microsecond=0) + timedelta(
                seconds=20 + events * per_event
            )
            starts = [
                first + timedelta(seconds=int(i * args.spread / events)) for i in range(events)
            ]
            owners = [(tid, members[0]) for tid, members in zip(team_ids, teams, strict=True)]
            await seed_events(ledger.url, owners, starts, rps=1000)
            print(f"seeded {events} events in {time.monotonic() - t:.0f}s", file=sys.stderr)

            procs = start_products(args, url, work, ledger, rps=1000, chat_rps=100)
            spy = None
            load = LoadWatch()
            try:
                for proc in procs:
                    await wait_ready(proc)
                if datetime.now(UTC) > first:
                    print(
                        "warning: the product was ready after the first due time", file=sys.stderr
                    )
                if args.profile:
                    spy = start_profiler(procs[0].pid, args.profile)
                await ledger.start_server_cpu()
                redis0 = await redis_cpu_seconds(args.redis) if args.redis else 0.0
                cpu0 = sum(cpu_seconds(proc.pid) for proc in procs)
                threads0 = [thread_cpu_seconds(proc.pid) for proc in procs]
                emu_pid = emulator_pid(url)
                emu0 = cpu_seconds(emu_pid) if emu_pid else 0.0
                t0 = time.monotonic()
                await wait_sent(ledger, expected, procs, limit=args.spread + 600, load=load)
                wall = time.monotonic() - t0
                cpu1 = sum(cpu_seconds(proc.pid) for proc in procs)
                threads1 = [thread_cpu_seconds(proc.pid) for proc in procs]
                emu1 = cpu_seconds(emu_pid) if emu_pid else 0.0
                redis1 = await redis_cpu_seconds(args.redis) if args.redis else 0.0
                server = ledger.server_cpu()
                rss = max(peak_rss_mb(proc.pid) for proc in procs)
            finally:
                if spy is not None:
                    spy.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
                    spy.wait(60)
                stop_all(procs)
            times = await ledger.times()
            if args.postgres is not None:
                await asyncio.sleep(0.5)  # the closing backends report their counts
            db_work = await ledger.database_work()
        main_cpu = sum(b[0] - a[0] for a, b in zip(threads0, threads1, strict=True))
        other_cpu = sum(b[1] - a[1] for a, b in zip(threads0, threads1, strict=True))
        whose = "other threads (SQLite's)" if args.postgres is None else "other threads"
        print(
            f"product CPU per delivery: main thread {main_cpu / len(times) * 1e3:.3f} ms,"
            f" {whose} {other_cpu / len(times) * 1e3:.3f} ms",
            file=sys.stderr,
        )
        if server is not None:
            print(
                f"Postgres CPU per delivery: backends {server[0] / len(times) * 1e3:.3f} ms,"
                f" shared helpers {server[1] / len(times) * 1e3:.3f} ms",
                file=sys.stderr,
            )
        print(f"sent per 10 s from the first due time: {per_ten_seconds(times)}", file=sys.stderr)
        if emu_pid:
            print(
                f"emulator CPU per delivery: {(emu1 - emu0) / len(times) * 1e3:.3f} ms",
                file=sys.stderr,
            )
        print(f"load average (1 min) during the sends: {load.span()}", file=sys.stderr)
        async with httpx.AsyncClient(base_url=url) as http:
            dialog = (await http.get(f"/_emulator/users/{people[1]}")).json()
        text = dialog["messages"][-1]["text"]
        cpu_bare = await bare_loop(url, people, text, args.bare)
        sent = sorted(sent for _, _, sent in times)
        middle = sent[max(0, len(sent) // 2 - args.bare // 2) :]
        timeline = [(at - middle[0]) / 1000 for at in middle]
        cpu_paced = await bare_loop(url, people, text, args.bare, timeline)
    first_due = min(due for due, _, _ in times) / 1000
    last_sent = max(sent for _, _, sent in times) / 1000
    return Throughput(
        deliveries=len(times),
        wall=last_sent - first_due if wall else 0.0,
        late_due=[(sent - due) / 1000 for due, _, sent in times],
        late_send=[(sent - send) / 1000 for _, send, sent in times],
        cpu_product=(cpu1 - cpu0) / len(times),
        cpu_bare=cpu_bare / args.bare,
        cpu_paced=cpu_paced / min(args.bare, len(timeline)),
        rss_mb=rss,
        bare_n=args.bare,
        cpu_server=None if server is None else (server[0] / len(times), server[1] / len(times)),
        cpu_redis=(redis1 - redis0) / len(times) if args.redis else None,
        db_work=db_work,
    )


# --- part 2 --------------------------------------------------------------------------


@dataclass
class Fanout:
    recipients: int
    first_to_last: float
    last_after_due: float
    rate_limited: int
    requests: int


async def fanout(args: argparse.Namespace, work: Path) -> Fanout:
    people = [FIRST_USER + i for i in range(args.fanout)]
    async with emulator() as url:  # with MAX's limits: 30 requests/s, 2/s per chat
        async with open_ledger(args.postgres, work) as ledger:
            await emulator_people(url, people)
            (team_id,) = await seed_people(ledger.url, [people])
            # Due once seeding and start-up are surely over; expansion starts ~50 s earlier.
            due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=70)
            await seed_events(ledger.url, [(team_id, people[0])], [due], rps=30)
            procs = start_products(args, url, work, ledger, rps=30, chat_rps=2)
            load = LoadWatch()
            try:
                for proc in procs:
                    await wait_ready(proc)
                await wait_sent(ledger, len(people), procs, limit=400, load=load)
            finally:
                stop_all(procs)
            sent = sorted(s for _, _, s in await ledger.times())
        print(f"load average (1 min) during the fan-out: {load.span()}", file=sys.stderr)
        async with httpx.AsyncClient(base_url=url) as http:
            stats = (await http.get("/_emulator/stats")).json()
    return Fanout(
        recipients=len(sent),
        first_to_last=(sent[-1] - sent[0]) / 1000,
        last_after_due=sent[-1] / 1000 - due.timestamp(),
        rate_limited=int(stats["rate_limited"]),
        requests=int(stats["requests"]),
    )


# --- report --------------------------------------------------------------------------


def setup_line(args: argparse.Namespace, server_version: str) -> str:
    """What the product ran on, for a scale-mode report."""
    processes = (
        "1 product process" if args.processes == 1 else f"{args.processes} product processes"
    )
    limiter = (
        f"MAX's limits kept in Redis ({redact(args.redis)}, the fleet limiter)"
        if args.redis
        else "MAX's limits kept in process"
    )
    return (
        f"Setup: {processes} on Postgres {server_version} ({redact(args.postgres)}, a new"
        f" database per part), {limiter}."
    )


def scale_rows(tp: Throughput) -> list[str]:
    rows = []
    if tp.cpu_server is not None:
        backends, helpers = tp.cpu_server
        rows += [
            f"| CPU per delivery, Postgres backends of this database | {backends * 1e3:.2f} ms | |",
            f"| CPU per delivery, Postgres's shared helpers (WAL writer, checkpointer,"
            f" background writer; server-wide) | {helpers * 1e3:.2f} ms | |",
            f"| Ratio product + backends / bare flat out |"
            f" {(tp.cpu_product + backends) / tp.cpu_bare:.2f}× | |",
        ]
    if tp.db_work is not None:
        per = {key: value / tp.deliveries for key, value in tp.db_work.items()}
        rows.append(
            f"| Postgres's work per delivery (pg_stat_database): transactions / rows inserted"
            f" / updated / fetched | {per['transactions']:.2f} / {per['inserted']:.2f} /"
            f" {per['updated']:.2f} / {per['fetched']:.2f} | |"
        )
    if tp.cpu_redis is not None:
        rows.append(
            f"| CPU per delivery, Redis server (all its users) | {tp.cpu_redis * 1e3:.3f} ms | |"
        )
    return rows


def report(
    args: argparse.Namespace, tp: Throughput | None, fo: Fanout | None, server_version: str = ""
) -> str:
    lines = [
        f"Machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"{datetime.now(UTC):%Y-%m-%d}.",
        "",
        "| Measure | Result | Aim |",
        "|---|---|---|",
    ]
    if args.postgres is not None:
        lines[1:1] = [setup_line(args, server_version)]
    if tp is not None:
        ratio = tp.cpu_product / tp.cpu_bare
        together = "" if args.processes == 1 else f" ({args.processes} processes together)"
        lines += [
            f"| Deliveries (due within {args.spread} s) | {tp.deliveries:,} in "
            f"{tp.wall:.0f} s from first due to last sent ({tp.deliveries / tp.wall:.0f}/s) "
            "| 100,000 |",
            f"| Lateness sent − due, p50 / p99 / max | {percentile(tp.late_due, 50):.3f} / "
            f"{percentile(tp.late_due, 99):.3f} / {max(tp.late_due):.3f} s | p99 ≤ 1 s |",
            f"| Lateness sent − send_at (EngineStats), p50 / p99 | "
            f"{percentile(tp.late_send, 50):.3f} / {percentile(tp.late_send, 99):.3f} s | |",
            f"| CPU per delivery, product{together} | {tp.cpu_product * 1e3:.2f} ms | |",
            *scale_rows(tp),
            f"| CPU per message, bare httpx loop flat out ({tp.bare_n:,} posts) | "
            f"{tp.cpu_bare * 1e3:.2f} ms | |",
            f"| Ratio product / bare flat out | {ratio:.2f}× | ≤ 1.5× |",
            f"| CPU per message, bare httpx loop at the product's pace ({tp.bare_n:,} posts) | "
            f"{tp.cpu_paced * 1e3:.2f} ms | |",
            f"| Ratio product / bare at the same pace | {tp.cpu_product / tp.cpu_paced:.2f}× | |",
            f"| Peak RSS of the product (VmHWM) | {tp.rss_mb:.0f} MB | ≤ 120 MB |",
        ]
    if fo is not None:
        theory = fo.recipients / 30
        lines += [
            f"| Fan-out of {fo.recipients:,} at 30 rps, first → last send | "
            f"{fo.first_to_last:.1f} s (theory {theory:.0f} s) | ≤ 105 s |",
            f"| Fan-out: last send after due time | {fo.last_after_due:.1f} s | ≤ 60 s by design |",
            f"| Fan-out: 429 answers | {fo.rate_limited} of {fo.requests} requests | 0 |",
        ]
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> None:
    tp = fo = None
    version = await postgres_version(args.postgres) if args.postgres is not None else ""
    with tempfile.TemporaryDirectory(prefix="maxremind-bench-") as tmp:
        if args.keep is not None:
            args.keep.mkdir(parents=True)
            tmp = str(args.keep)
        if not args.skip_throughput:
            work = Path(tmp) / "throughput"
            work.mkdir()
            tp = await throughput(args, work)
        if not args.skip_fanout:
            work = Path(tmp) / "fanout"
            work.mkdir()
            fo = await fanout(args, work)
    print(report(args, tp, fo, version))
    if tp is not None:
        print(
            f"\nlateness sent − due: mean {statistics.fmean(tp.late_due):.3f} s, "
            f"p90 {percentile(tp.late_due, 90):.3f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--team-size", type=int, default=100)
    parser.add_argument("--events-per-team", type=int, default=10)
    parser.add_argument("--spread", type=int, default=300, help="seconds the due times span")
    parser.add_argument("--bare", type=int, default=20_000, help="posts of the bare loop")
    parser.add_argument("--fanout", type=int, default=3000)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-fanout", action="store_true")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="attach py-spy (installed separately) to the product from ready to the last"
        " send and write its samples to FILE in collapsed-stack form; it pauses the product"
        " for each sample, so the CPU figures of such a run are not comparable (with"
        " --processes, the first process only)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="a new folder to keep the products' data folders and logs in (product.log)",
    )
    parser.add_argument(
        "--db",
        dest="postgres",
        type=database_option,
        default=None,
        metavar="sqlite|postgres|postgres=URL",
        help="the product's database: a fresh SQLite file (the default), or a new database"
        f" on a Postgres server (by default {DEFAULT_POSTGRES}), dropped afterwards",
    )
    parser.add_argument(
        "--redis",
        metavar="URL",
        help="with --db postgres: keep MAX's limits in this Redis (the fleet limiter), e.g."
        " redis://127.0.0.1:6379/15; nothing is flushed (the keys name the bot and expire)",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="with --db postgres and --redis: product processes sharing the work",
    )
    args = parser.parse_args()
    if args.redis and args.postgres is None:
        parser.error("--redis is scale mode: add --db postgres")
    if args.processes != 1 and not (args.postgres and args.redis):
        parser.error(
            "--processes needs --db postgres and --redis (the processes share one database,"
            " and MAX's limits only through Redis)"
        )
    if args.processes < 1:
        parser.error("--processes must be at least 1")
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
