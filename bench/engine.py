"""Benchmark the scheduling and delivery engine against the MAX emulator.

    python bench/engine.py [--people 10000] [--team-size 100] [--events-per-team 10]
                           [--spread 300] [--bare 20000] [--fanout 3000]
                           [--skip-throughput] [--skip-fanout] [--profile FILE]

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
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

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

TOKEN = "bench-token-0123456789abcdef"
FIRST_USER = 7_000_001
MOSCOW = ZoneInfo("Europe/Moscow")
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a live process, from /proc (clock-tick resolution)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


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
    api_url: str, data_dir: Path, rps: float, chat_rps: float
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


# --- seeding -------------------------------------------------------------------------


async def emulator_people(url: str, user_ids: Sequence[int]) -> None:
    """Create and start the people in the emulator, then drop the bot_started updates."""
    limit = asyncio.Semaphore(32)
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:

        async def one(uid: int) -> None:
            async with limit:
                r = await http.post("/_emulator/users", json={"name": f"P{uid}", "user_id": uid})
                r.raise_for_status()
                (await http.post(f"/_emulator/users/{uid}/start", json={})).raise_for_status()

        await asyncio.gather(*(one(uid) for uid in user_ids))
        drained = await http.get(
            "/updates", params={"marker": 10**12, "timeout": 0}, headers={"Authorization": TOKEN}
        )
        drained.raise_for_status()


async def seed_people(db: Path, teams: list[list[int]]) -> list[int]:
    """Users and teams (the first member owns each team); returns the team ids."""
    ids = []
    async with open_storage(f"sqlite:///{db}") as storage:
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
    db: Path, teams: list[tuple[int, int]], starts: list[datetime], rps: float
) -> None:
    """One event per start time, round-robin over ``(team_id, owner)``, reminding the
    whole team at its start."""
    async with open_storage(f"sqlite:///{db}") as storage:
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


def ledger_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db, timeout=30) as conn:
        return dict(conn.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY status"))


def ledger_times(db: Path) -> list[tuple[int, int, int]]:
    with sqlite3.connect(db, timeout=30) as conn:
        return list(
            conn.execute("SELECT due_at, send_at, sent_at FROM deliveries WHERE status = 'sent'")
        )


async def wait_sent(db: Path, expected: int, proc: subprocess.Popen[bytes], limit: float) -> None:
    deadline = time.monotonic() + limit
    while ledger_counts(db).get("sent", 0) < expected:
        if proc.poll() is not None:
            raise RuntimeError("the product died (see product.log)")
        if time.monotonic() > deadline:
            raise RuntimeError(f"not all sent in time: {ledger_counts(db)}")
        await asyncio.sleep(0.5)


# --- part 1 --------------------------------------------------------------------------


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
    db = work / "maxremind.db"
    async with emulator("--no-rate-limits") as url:
        t = time.monotonic()
        await emulator_people(url, people)
        team_ids = await seed_people(db, teams)
        print(f"seeded {len(people)} people in {time.monotonic() - t:.0f}s", file=sys.stderr)
        t = time.monotonic()
        first = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=20 + events * 0.03)
        starts = [first + timedelta(seconds=int(i * args.spread / events)) for i in range(events)]
        owners = [(tid, members[0]) for tid, members in zip(team_ids, teams, strict=True)]
        await seed_events(db, owners, starts, rps=1000)
        print(f"seeded {events} events in {time.monotonic() - t:.0f}s", file=sys.stderr)

        proc = start_product(url, work, rps=1000, chat_rps=100)
        spy = None
        try:
            await wait_ready(proc)
            if args.profile:
                spy = start_profiler(proc.pid, args.profile)
            cpu0 = cpu_seconds(proc.pid)
            threads0 = thread_cpu_seconds(proc.pid)
            t0 = time.monotonic()
            await wait_sent(db, expected, proc, limit=args.spread + 600)
            wall = time.monotonic() - t0
            cpu1 = cpu_seconds(proc.pid)
            threads1 = thread_cpu_seconds(proc.pid)
            rss = peak_rss_mb(proc.pid)
        finally:
            if spy is not None:
                spy.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
                spy.wait(60)
            stop(proc)
        times = ledger_times(db)
        main_cpu, other_cpu = (b - a for a, b in zip(threads0, threads1, strict=True))
        print(
            f"product CPU per delivery: main thread {main_cpu / len(times) * 1e3:.3f} ms,"
            f" other threads (SQLite's) {other_cpu / len(times) * 1e3:.3f} ms",
            file=sys.stderr,
        )
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
    db = work / "maxremind.db"
    async with emulator() as url:  # with MAX's limits: 30 requests/s, 2/s per chat
        await emulator_people(url, people)
        (team_id,) = await seed_people(db, [people])
        # Due once seeding and start-up are surely over; expansion starts ~50 s earlier.
        due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=70)
        await seed_events(db, [(team_id, people[0])], [due], rps=30)
        proc = start_product(url, work, rps=30, chat_rps=2)
        try:
            await wait_ready(proc)
            await wait_sent(db, len(people), proc, limit=400)
        finally:
            stop(proc)
        async with httpx.AsyncClient(base_url=url) as http:
            stats = (await http.get("/_emulator/stats")).json()
    sent = sorted(s for _, _, s in ledger_times(db))
    return Fanout(
        recipients=len(sent),
        first_to_last=(sent[-1] - sent[0]) / 1000,
        last_after_due=sent[-1] / 1000 - due.timestamp(),
        rate_limited=int(stats["rate_limited"]),
        requests=int(stats["requests"]),
    )


# --- report --------------------------------------------------------------------------


def report(args: argparse.Namespace, tp: Throughput | None, fo: Fanout | None) -> str:
    lines = [
        f"Machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"{datetime.now(UTC):%Y-%m-%d}.",
        "",
        "| Measure | Result | Aim |",
        "|---|---|---|",
    ]
    if tp is not None:
        ratio = tp.cpu_product / tp.cpu_bare
        lines += [
            f"| Deliveries (due within {args.spread} s) | {tp.deliveries:,} in "
            f"{tp.wall:.0f} s from first due to last sent ({tp.deliveries / tp.wall:.0f}/s) "
            "| 100,000 |",
            f"| Lateness sent − due, p50 / p99 / max | {percentile(tp.late_due, 50):.3f} / "
            f"{percentile(tp.late_due, 99):.3f} / {max(tp.late_due):.3f} s | p99 ≤ 1 s |",
            f"| Lateness sent − send_at (EngineStats), p50 / p99 | "
            f"{percentile(tp.late_send, 50):.3f} / {percentile(tp.late_send, 99):.3f} s | |",
            f"| CPU per delivery, product | {tp.cpu_product * 1e3:.2f} ms | |",
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
    with tempfile.TemporaryDirectory(prefix="maxremind-bench-") as tmp:
        if not args.skip_throughput:
            work = Path(tmp) / "throughput"
            work.mkdir()
            tp = await throughput(args, work)
        if not args.skip_fanout:
            work = Path(tmp) / "fanout"
            work.mkdir()
            fo = await fanout(args, work)
    print(report(args, tp, fo))
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
        " for each sample, so the CPU figures of such a run are not comparable",
    )
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
