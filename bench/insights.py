"""Benchmark the team insights page over a year of ledger.

    python bench/insights.py [--members 300] [--weeks 52] [--runs 40] [--reuse DIR]

A fresh SQLite file is filled through the product's storage port (what the planner, the
engine and the answer buttons write, with past times): one team of ``members`` people
(Moscow) in two groups, five weekly events over the past ``weeks`` weeks at different
days and hours (each date reminds the whole team a few hours before, then chases those
who have not answered four hours later), each reminder claimed and recorded sent like the
engine does (about 1 % unreachable), answers from every member with a member's own habit
(how often and how fast they answer, how often yes), the organizer's "who came" marks on
most past dates, and ten people who left the team during the year.  With the defaults
that is about 100,000 deliveries.

Then the product runs as a real ``python -m maxremind run`` process on that file (its
emulator in another process).  After two other pages (the settings and an event's
insights: the web's modules and templates load on a process's first pages), the
owner's browser session asks for the team insights page ``/t/<team>/insights`` over
real HTTP, one request at a time, in two ways:

* **computes**: ``runs`` views, each right after the owner flipped a who-came mark of a
  recent date through the JSON API (``PUT .../attendance`` with a personal token).  Any
  write makes the insights service compute again instead of reusing its kept answer
  (``services/sharing.py``), so these are the views after an answer, a new event, a
  mark;
* **kept answer**: ``runs`` views while nothing is written.

Each view's wall time and the product's CPU during it (all threads, from /proc) are
reported; the writes are not counted.  Aim: a view that computes < 200 ms on 2 cores.

Prints markdown.  Linux only (reads /proc).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

# Run as ``python bench/insights.py``: the repository's root comes first.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from bench.engine import cpu_seconds, emulator, percentile, start_product, stop, wait_ready
from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    DeliveryStatus,
    EventKind,
    Language,
    NewDelivery,
    NewEvent,
    NewJob,
    OccurrenceIn,
    RecipientKind,
    ReminderSpec,
    ReminderTarget,
    Role,
    delivery_key,
)
from maxremind.services.access import AccessService
from maxremind.storage import Storage, open_storage

TOKEN = "bench-token-0123456789abcdef"
FIRST_USER = 9_000_001
ZONE = ZoneInfo("Europe/Moscow")
# (title, weekday, hour, minute, reminder hours before): five meetings a week.
EVENTS = (
    ("Планёрка", 0, 9, 30, 2),
    ("Выезд на объект", 1, 18, 0, 6),
    ("Обучение", 2, 12, 0, 3),
    ("Разбор недели", 3, 17, 0, 5),
    ("Субботник", 5, 10, 0, 20),
)
CHASE_AFTER = timedelta(hours=4)
LEFT = 10  # people who leave during the year (their ledger stays)


@dataclass(frozen=True)
class Habit:
    """How one person answers: how often, how fast (median minutes), how often yes, and
    how often a yes is followed by not coming."""

    answers: float
    minutes: float
    yes: float
    no_show: float


def habits(members: list[int], seed: int) -> dict[int, Habit]:
    pick = random.Random(seed)
    return {
        uid: Habit(
            answers=min(0.99, max(0.05, pick.gauss(0.8, 0.2))),
            minutes=math.exp(pick.uniform(math.log(2), math.log(600))),
            yes=min(0.98, max(0.1, pick.gauss(0.7, 0.15))),
            no_show=min(0.6, max(0.0, pick.gauss(0.08, 0.08))),
        )
        for uid in members
    }


@dataclass
class Seeded:
    team_id: int
    owner: int
    deliveries: int
    answers: int
    occurrences: int
    marked: int
    seconds: float


async def seed(db: Path, members: int, weeks: int) -> Seeded:
    """The team, its events and a year of ledger, answers and attendance in ``db``."""
    began = time.monotonic()
    people = [FIRST_USER + i for i in range(members)]
    owner, organizer = people[0], people[1]
    habit = habits(people, seed=members * 1000 + weeks)
    pick = random.Random(7)
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(weeks=weeks)
    deliveries = answers = occurrences = marked = 0
    async with open_storage(f"sqlite:///{db}") as storage:
        for uid in people:
            await storage.upsert_user(uid, name=f"Сотрудник {uid - FIRST_USER + 1}", username=None)
        team = await storage.create_team(
            "Бригада", timezone="Europe/Moscow", language=Language.RU, created_by=owner
        )
        await storage.add_member(team.id, owner, Role.OWNER)
        await storage.add_member(team.id, organizer, Role.ORGANIZER)
        for uid in people[2:]:
            await storage.add_member(team.id, uid, Role.MEMBER)
        half = len(people) // 2
        for name, part in (("Смена А", people[:half]), ("Смена Б", people[half:])):
            group = await storage.create_group(team.id, name)
            await storage.add_to_group(group.id, part)
        leaving = {
            uid: start + (weeks * i // LEFT) * timedelta(weeks=1)
            for i, uid in enumerate(pick.sample(people[2:], min(LEFT, len(people) - 2)))
        }

        for title, weekday, hour, minute, before in EVENTS:
            first = start.astimezone(ZONE) + timedelta(
                days=(weekday - start.astimezone(ZONE).weekday()) % 7
            )
            first_local = first.replace(hour=hour, minute=minute, second=0, tzinfo=None)
            until = (now - timedelta(days=1)).strftime("%Y%m%dT%H%M%SZ")
            event = await storage.create_event(
                NewEvent(
                    team_id=team.id,
                    organizer_id=organizer,
                    title=title,
                    start_local=first_local,
                    timezone="Europe/Moscow",
                    kind=EventKind.EVENT,
                    rrule=f"FREQ=WEEKLY;UNTIL={until}",
                    audience=(AudienceEntry(AudienceKind.TEAM),),
                    reminders=(
                        ReminderSpec(offset=timedelta(hours=before)),
                        ReminderSpec(
                            offset=timedelta(hours=before) - CHASE_AFTER,
                            target=ReminderTarget.UNANSWERED,
                        ),
                    ),
                    confirm_required=True,
                    quorum=int(members * 0.6),
                )
            )
            await storage.set_planned_until(event.id, now + timedelta(days=3650))
            dates = []
            local = first_local
            while True:
                at = local.replace(tzinfo=ZONE).astimezone(UTC)
                if at >= now - timedelta(days=1):
                    break
                dates.append(OccurrenceIn(starts_at=at, local_start=local))
                local += timedelta(weeks=1)
            made = await storage.upsert_occurrences(event.id, dates)
            occurrences += len(made)
            for occ in made:
                n_sent, n_answers, n_marked = await _one_date(
                    storage, occ.id, occ.starts_at, before, people, habit, leaving, pick, organizer
                )
                deliveries += n_sent
                answers += n_answers
                marked += n_marked
        for uid in leaving:  # gone now; their deliveries and answers stay in the ledger
            await storage.remove_member(team.id, uid)
    return Seeded(
        team.id, owner, deliveries, answers, occurrences, marked, time.monotonic() - began
    )


async def _one_date(
    storage: Storage,
    occurrence_id: int,
    starts_at: datetime,
    before: int,
    people: list[int],
    habit: dict[int, Habit],
    leaving: dict[int, datetime],
    pick: random.Random,
    organizer: int,
) -> tuple[int, int, int]:
    """One past date: its reminder and chase, sent; answers; attendance."""
    first_at = starts_at - timedelta(hours=before)
    chase_at = first_at + CHASE_AFTER
    audience = [uid for uid in people if leaving.get(uid, starts_at + timedelta(days=1)) > first_at]
    answered: dict[int, tuple[Answer, datetime]] = {}
    for uid in audience:
        h = habit[uid]
        if pick.random() < h.answers:
            took = timedelta(
                minutes=min(pick.lognormvariate(math.log(h.minutes), 0.8), 60 * 24 * 3)
            )
            at = first_at + took
            if at < starts_at:
                roll = pick.random()
                answer = (
                    Answer.YES
                    if roll < h.yes
                    else Answer.NO
                    if roll < h.yes + (1 - h.yes) * 0.6
                    else Answer.MAYBE
                )
                answered[uid] = (answer, at)
    sent = 0
    async with storage.unit_of_work():
        base = f"bench:{occurrence_id}"
        await storage.add_jobs(
            [
                NewJob(f"{base}:all", occurrence_id, None, ReminderTarget.ALL, first_at, first_at),
                NewJob(
                    f"{base}:chase",
                    occurrence_id,
                    None,
                    ReminderTarget.UNANSWERED,
                    chase_at,
                    chase_at,
                ),
            ]
        )
        for job in await storage.list_jobs(occurrence_id):
            if job.target is ReminderTarget.ALL:
                recipients = audience
            else:
                recipients = [u for u in audience if u not in answered or answered[u][1] > chase_at]
            await storage.finish_job(
                job.id,
                deliveries=[
                    NewDelivery(
                        key=delivery_key(job.key, RecipientKind.USER, uid),
                        recipient_kind=RecipientKind.USER,
                        recipient_id=uid,
                        due_at=job.due_at,
                        send_at=job.due_at,
                        job_id=job.id,
                        occurrence_id=occurrence_id,
                    )
                    for uid in recipients
                ],
                expected_finish=job.due_at + timedelta(seconds=30),
            )
            sent += len(recipients)
        claimed = await storage.claim_deliveries(
            now=chase_at + timedelta(seconds=1),
            owner="bench",
            lease_until=datetime.now(UTC) + timedelta(hours=1),
            limit=10 * len(people),
        )
        ok = []
        for row in claimed:
            if pick.random() < 0.01:
                await storage.record_failure(
                    row.key,
                    owner="bench",
                    error="bot_stopped",
                    status=DeliveryStatus.UNREACHABLE,
                    retry_at=None,
                )
            else:
                ok.append(
                    (row.key, f"m{row.id}", row.send_at + timedelta(seconds=pick.uniform(0.5, 20)))
                )
        await storage.record_sent_many(ok, owner="bench")
        for uid, (answer, at) in answered.items():
            await storage.set_confirmation(occurrence_id, uid, answer, comment="", at=at)
        marked = 0
        if pick.random() < 0.8:  # the organizer ticks who came on most dates
            for uid, (answer, _) in answered.items():
                if answer is Answer.YES:
                    came = pick.random() >= habit[uid].no_show
                    done = starts_at + timedelta(hours=2)
                    await storage.set_attendance(
                        occurrence_id, uid, came, marked_by=organizer, at=done
                    )
                    marked += 1
    return sent, len(answered), marked


async def credentials(db: Path, owner: int, team_id: int) -> tuple[str, str]:
    """The owner's browser session cookie and a personal API token of theirs."""
    async with open_storage(f"sqlite:///{db}") as storage:
        access = await AccessService.create(storage, bot_token=TOKEN)
        issued = await access.redeem_login(await access.login_link(owner))
        assert issued is not None
        _, secret = await access.create_api_token(owner, team_id, "bench")
    return issued.cookie, secret


@dataclass(frozen=True)
class Mark:
    """A who-came mark the owner flips through the API between views: a write the
    numbers depend on (the "yes" person of a recent date came, or did not)."""

    event_id: int
    occurrence_id: int
    user_id: int

    def path(self, team_id: int) -> str:
        return (
            f"/api/v1/teams/{team_id}/events/{self.event_id}"
            f"/occurrences/{self.occurrence_id}/attendance"
        )


def a_mark(db: Path, team_id: int) -> Mark:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT o.event_id, o.id, c.user_id FROM confirmations c"
            " JOIN occurrences o ON o.id = c.occurrence_id JOIN events e ON e.id = o.event_id"
            " WHERE e.team_id = ? AND c.answer = 'yes' AND o.starts_at < ?"
            " ORDER BY o.starts_at DESC, c.user_id LIMIT 1",
            (team_id, int(time.time() * 1000)),
        ).fetchone()
    return Mark(*row)


def ledger_size(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        (deliveries,) = conn.execute("SELECT COUNT(*) FROM deliveries").fetchone()
        (answers,) = conn.execute("SELECT COUNT(*) FROM confirmations").fetchone()
    return int(deliveries), int(answers)


@dataclass
class Measured:
    computed: list[float]  # ms of each view right after a write
    computed_cpu: float  # the product's CPU per such view, ms
    kept: list[float]  # ms of each view while nothing was written
    kept_cpu: float
    size: int  # bytes of the page


async def measure(
    http: httpx.AsyncClient,
    api: httpx.AsyncClient,
    path: str,
    runs: int,
    pid: int,
    mark: Mark,
    team_id: int,
) -> Measured:
    """``runs`` views that have to compute (each right after a who-came mark flipped
    through the API: a write, so the kept answer is not used), then ``runs`` views while
    nothing is written (the kept answer).  Only the views are timed, and only their CPU
    counted (/proc: the product's threads, at clock-tick resolution, summed)."""
    computed, kept = [], []
    computed_cpu = kept_cpu = 0.0
    size = 0
    for i in range(runs):
        flipped = await api.put(
            mark.path(team_id), json={"marks": [{"user_id": mark.user_id, "came": i % 2 == 0}]}
        )
        if flipped.status_code != 200:
            raise RuntimeError(f"mark: {flipped.status_code} {flipped.text[:500]}")
        cpu = cpu_seconds(pid)
        started = time.perf_counter()
        answer = await http.get(path)
        computed.append((time.perf_counter() - started) * 1000)
        computed_cpu += cpu_seconds(pid) - cpu
        if answer.status_code != 200:
            raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:500]}")
        size = len(answer.content)
    for _ in range(runs):
        cpu = cpu_seconds(pid)
        started = time.perf_counter()
        answer = await http.get(path)
        kept.append((time.perf_counter() - started) * 1000)
        kept_cpu += cpu_seconds(pid) - cpu
        if answer.status_code != 200:
            raise RuntimeError(f"{path}: {answer.status_code}")
    return Measured(computed, computed_cpu / runs * 1000, kept, kept_cpu / runs * 1000, size)


async def main_async(args: argparse.Namespace) -> str:
    work = Path(tempfile.mkdtemp(prefix="maxremind-bench-insights-"))
    db = work / "maxremind.db"
    kept = args.reuse / f"insights-{args.members}-{args.weeks}.db" if args.reuse else None
    seeded_line = ""
    if kept is not None and kept.exists():
        shutil.copyfile(kept, db)
        with sqlite3.connect(db) as conn:
            (team_id,) = conn.execute("SELECT MIN(id) FROM teams").fetchone()
        owner = FIRST_USER
        seeded_line = f"copied from {kept}"
    else:
        made = await seed(db, args.members, args.weeks)
        team_id, owner = made.team_id, made.owner
        seeded_line = f"seeded in {made.seconds:.0f} s"
        if kept is not None:
            kept.parent.mkdir(parents=True, exist_ok=True)
            with sqlite3.connect(db) as source, sqlite3.connect(kept) as target:
                source.backup(target)
    deliveries, answers = ledger_size(db)
    cookie, secret = await credentials(db, owner, team_id)
    mark = a_mark(db, team_id)
    results = {}
    async with emulator() as url:
        proc = start_product(url, work, rps=30, chat_rps=2)
        try:
            await wait_ready(proc)
            base = f"http://127.0.0.1:{proc.web_port}"  # type: ignore[attr-defined]
            async with (
                httpx.AsyncClient(
                    base_url=base, cookies={"mr_session": cookie}, timeout=60
                ) as http,
                httpx.AsyncClient(
                    base_url=base, headers={"Authorization": f"Bearer {secret}"}, timeout=60
                ) as api,
            ):
                # The process's first pages load the web's modules and templates: another
                # page and an event's insights page (the same charts and texts) first.
                for warm in (
                    f"/t/{team_id}/settings",
                    f"/t/{team_id}/events/{mark.event_id}/insights",
                ):
                    if (await http.get(warm)).status_code != 200:
                        raise RuntimeError(f"{warm} did not answer 200")
                for name, path in (
                    ("team, 12 weeks (the page's default)", f"/t/{team_id}/insights"),
                    ("team, 52 weeks", f"/t/{team_id}/insights?weeks=52"),
                    ("one group (150 people), 12 weeks", f"/t/{team_id}/insights?group=1"),
                ):
                    results[name] = await measure(
                        http, api, path, args.runs, proc.pid, mark, team_id
                    )
        finally:
            stop(proc)
    shutil.rmtree(work)
    return report(args, deliveries, answers, seeded_line, results)


def report(
    args: argparse.Namespace,
    deliveries: int,
    answers: int,
    seeded_line: str,
    results: dict[str, Measured],
) -> str:
    lines = [
        f"Team insights page, {args.members} members, {args.weeks} weeks of ledger: "
        f"{deliveries:,} deliveries, {answers:,} answers ({seeded_line}); over real HTTP, "
        f"one request at a time, {args.runs} views right after a write (a who-came mark "
        f"flipped through the API) and {args.runs} while nothing is written; "
        f"load average {os.getloadavg()[0]:.1f}:",
        "",
        "| page /t/<team>/insights | computes: median ms | p95 ms | product CPU ms/view"
        " | kept answer: median ms | product CPU ms/view | KiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, m in results.items():
        lines.append(
            f"| {name} | {statistics.median(m.computed):.1f} | "
            f"{percentile(m.computed, 95):.1f} | {m.computed_cpu:.1f} | "
            f"{statistics.median(m.kept):.1f} | {m.kept_cpu:.1f} | {m.size // 1024} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument(
        "--reuse",
        type=Path,
        metavar="DIR",
        help="keep the seeded database in DIR and start later runs from that copy",
    )
    print(asyncio.run(main_async(parser.parse_args())))


if __name__ == "__main__":
    main()
