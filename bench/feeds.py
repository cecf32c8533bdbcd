# ruff: noqa: E402  (the standard library first, see below)
"""Benchmark calendar feeds: a personal feed of 500 events, rendered and answered 304.

    python bench/feeds.py [--events 500] [--runs 40] [--requests 300]

In-process, on a fresh SQLite file: one team of 21 people (Moscow), ``events`` events
that reach the person through the whole team — two thirds weekly series (a few in
Europe/Berlin and America/New_York), a third one-off dates over the next 60 days — each
with two reminders, planned by the real planner (the 35-day horizon of occurrences), and
the person's answer on the first date of every third event.

Measured (median and p95 over the runs):

* **render**: ``CalendarService.serve`` with its cache emptied — the token lookup, the
  rule, the fingerprint, the four bulk reads and ``render_feed`` (icalendar); also
  ``render_feed`` alone on the same data; the aim is < 50 ms;
* **304**: ``GET /cal/<token>.ics`` with the ETag in ``If-None-Match``, through the door
  of the real route (Starlette app, httpx over ASGI, so the client's own work is
  included): the token lookup, the rule and the fingerprint statement; the aim is < 5 ms.

Prints markdown.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, and its name would hide
# the standard library's ``calendar`` (which ``email`` and so Starlette import).
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import httpx
from starlette.applications import Starlette

from maxremind.calendar.feed import Feed, FeedItem, render_feed
from maxremind.domain.feeds import FeedKind, FeedScope
from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    Language,
    NewEvent,
    ReminderSpec,
    Role,
)
from maxremind.engine.planner import Planner
from maxremind.http.web.pages.calendar import feed as feed_route
from maxremind.http.web.visit import WebSettings
from maxremind.services.calendar import CalendarService
from maxremind.storage import Storage, open_storage

ME = 1001


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def seed(storage: Storage, events: int) -> None:
    for user_id in range(ME, ME + 21):
        await storage.upsert_user(user_id, name=f"Участник {user_id}", username=None)
    team = await storage.create_team(
        "Отдел продаж", timezone="Europe/Moscow", language=Language.RU, created_by=ME
    )
    for user_id in range(ME, ME + 21):
        await storage.add_member(team.id, user_id, Role.OWNER if user_id == ME else Role.MEMBER)
    planner = Planner(storage, rps=30)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    zones = ["Europe/Moscow"] * 8 + ["Europe/Berlin", "America/New_York"]
    weekdays = ["MO", "TU", "WE", "TH", "FR"]
    for i in range(events):
        recurring = i % 3 != 2
        event = await storage.create_event(
            NewEvent(
                team_id=team.id,
                organizer_id=ME + 1 + i % 20,
                title=f"Событие {i}: планёрка отдела",
                start_local=today + timedelta(days=1 + i % 60, hours=8 + i % 10),
                timezone=zones[i % len(zones)],
                place="Переговорная 3" if i % 2 else "",
                description="Повестка: итоги недели, планы" if i % 4 == 0 else "",
                duration=timedelta(minutes=45),
                rrule=f"FREQ=WEEKLY;BYDAY={weekdays[i % 5]}" if recurring else None,
                audience=(AudienceEntry(AudienceKind.TEAM),),
                reminders=(
                    ReminderSpec(offset=timedelta(days=1)),
                    ReminderSpec(offset=timedelta(hours=1)),
                ),
                confirm_required=True,
            )
        )
        if recurring:  # a series' first date must be one its rule makes
            await storage.update_event(
                event.id, _first_matching(event.start_local, event.rrule or "", event, team.id)
            )
        await planner.plan_event(event.id)
        if i % 3 == 0:
            first = (await storage.list_occurrences(event.id))[:1]
            for occurrence in first:
                await storage.set_confirmation(
                    occurrence.id, ME, Answer.YES, comment="", at=datetime.now(UTC)
                )


def _first_matching(start: datetime, rrule: str, event: object, team_id: int) -> NewEvent:
    weekday = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"].index(rrule.rsplit("=", 1)[1])
    shift = (weekday - start.weekday()) % 7
    e = event
    return NewEvent(
        team_id=team_id,
        organizer_id=e.organizer_id,  # type: ignore[attr-defined]
        title=e.title,  # type: ignore[attr-defined]
        start_local=start + timedelta(days=shift),
        timezone=e.timezone,  # type: ignore[attr-defined]
        place=e.place,  # type: ignore[attr-defined]
        description=e.description,  # type: ignore[attr-defined]
        duration=e.duration,  # type: ignore[attr-defined]
        rrule=rrule,
        audience=e.audience,  # type: ignore[attr-defined]
        reminders=tuple(ReminderSpec(offset=r.offset) for r in e.reminders),  # type: ignore[attr-defined]
        confirm_required=True,
    )


async def main_async(args: argparse.Namespace) -> str:
    folder = Path(tempfile.mkdtemp(prefix="maxremind-bench-calendar-"))
    async with open_storage(f"sqlite:///{folder / 'bench.db'}") as storage:
        started = time.perf_counter()
        await seed(storage, args.events)
        seeded = time.perf_counter() - started
        service = CalendarService(storage)
        link = await service.link(ME, FeedKind.PERSONAL)

        renders: list[float] = []
        render_cpu: list[float] = []
        for _ in range(args.runs):
            service._cache.clear()
            began, cpu = time.perf_counter(), time.process_time()
            rendered = await service.serve(link.token)
            renders.append((time.perf_counter() - began) * 1000)
            render_cpu.append((time.process_time() - cpu) * 1000)

        # render_feed alone, on the same data as the service reads it
        since = datetime(datetime.now(UTC).year - 1, 1, 1, tzinfo=UTC)
        rows = await storage.feed_events(FeedScope(FeedKind.PERSONAL, user_id=ME), since=since)
        ids = [r.event.id for r in rows]
        dates = await storage.feed_occurrences(ids, since=since)
        answers = await storage.feed_answers(ids, since=since, user_id=ME)
        given: dict[int, dict[int, Answer]] = {}
        for a in answers:
            given.setdefault(a.occurrence_id, {})[a.user_id] = a.answer
        items = [
            FeedItem(
                r.event,
                r.sequence,
                [o for o in dates if o.event_id == r.event.id],
                {o.id: given[o.id] for o in dates if o.event_id == r.event.id and o.id in given},
                [ME],
            )
            for r in rows
        ]
        feed = Feed(
            items, name="bench", since=since.date(), until=since.date() + timedelta(days=1000)
        )
        pure: list[float] = []
        for _ in range(args.runs):
            began = time.perf_counter()
            render_feed(feed)
            pure.append((time.perf_counter() - began) * 1000)

        app = Starlette(routes=[feed_route])
        app.state.services = SimpleNamespace(calendar=service)
        app.state.web = WebSettings(web_url="http://bench")
        cached: list[float] = []
        cached_cpu: list[float] = []
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client:
            first = await client.get(link.path)
            assert first.status_code == 200
            etag = first.headers["etag"]
            for _ in range(args.requests):
                began, cpu = time.perf_counter(), time.process_time()
                answer = await client.get(link.path, headers={"if-none-match": etag})
                cached.append((time.perf_counter() - began) * 1000)
                cached_cpu.append((time.process_time() - cpu) * 1000)
                assert answer.status_code == 304
    vevents = rendered.body.count(b"BEGIN:VEVENT")
    load = _load_average()

    def row(what: str, wall: list[float], cpu: list[float] | None, aim: str) -> str:
        spent = f"{statistics.median(cpu):.1f} ms" if cpu else ""
        return (
            f"| {what} | {statistics.median(wall):.1f} ms | {percentile(wall, 0.95):.1f} ms"
            f" | {spent} | {aim} |"
        )

    return "\n".join(
        [
            f"Personal feed of {args.events} events ({vevents} VEVENTs with the answered "
            f"dates' overrides, {len(rendered.body) // 1024} KiB); seeded in {seeded:.1f} s; "
            f"load average {load} when it ended.",
            "",
            "| Measure | Median | p95 | CPU (median) | Aim |",
            "|---|---|---|---|---|",
            row(f"render: serve, cache emptied ({args.runs} runs)", renders, render_cpu, "< 50 ms"),
            row("of which render_feed alone", pure, None, ""),
            row(f"304 through the route ({args.requests} requests)", cached, cached_cpu, "< 5 ms"),
        ]
    )


def _load_average() -> str:
    try:
        with open("/proc/loadavg") as stats:
            return stats.read().split()[0]
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--requests", type=int, default=300)
    print(asyncio.run(main_async(parser.parse_args())))


if __name__ == "__main__":
    main()
