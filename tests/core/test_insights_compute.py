"""``compute`` against a plain reference, on ledgers drawn at random.

``compute`` counts a year of a large team in one tight pass per date (the insights page
must render in well under a second); the service tests check its numbers against hand
computations on a small ledger.  Here a straightforward statement of the same rules
(:mod:`maxremind.core.insights`'s docstring), one person and date at a time, must give
exactly the same result — every count, every median and p90 to the last bit, the
weeks, the weekday-hour cells, the people in order, the silent ones — on random
ledgers with what the hand-made one has few of: chats, people reminded three times,
reminders accepted out of order, pending, failed and skipped ones, answers before any
reminder, who-came marks, groups, former members, DST.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from maxremind.core.insights import (
    Answers,
    Attendance,
    Computed,
    Durations,
    MemberInsight,
    OccurrenceInsight,
    Reach,
    SlotBucket,
    Totals,
    WeekBucket,
    compute,
    durations,
    median,
    week_start,
)
from maxremind.storage.ports.insights import (
    FAILED,
    PENDING,
    SKIPPED,
    UNREACHABLE,
    InsightLedger,
    OccurrenceRow,
)

BERLIN = ZoneInfo("Europe/Berlin")


def reference(
    ledger: InsightLedger,
    tz: ZoneInfo,
    since: datetime,
    until: datetime,
    names: dict[int, str],
    current: set[int],
    only: set[int] | None,
) -> Computed:
    """The rules, one (person, date) pair at a time."""
    pairs = []  # (occurrence, week, person, first reminder ms, answer, wait s, nudges, came)
    insights = []
    for occ in ledger.occurrences:
        local = occ.starts_at.astimezone(tz)
        week = week_start(local.date())
        chat_first = min((t for t in occ.chats.values() if t > 0), default=None)
        recipients = [r for u, r in occ.people.items() if only is None or u in only]
        if only is None:
            recipients += list(occ.chats.values())
        reach = Reach(
            sent=sum(1 for r in recipients if r > 0 or r in (UNREACHABLE, FAILED)),
            delivered=sum(1 for r in recipients if r > 0),
            unreachable=sum(1 for r in recipients if r == UNREACHABLE),
            failed=sum(1 for r in recipients if r == FAILED),
            pending=sum(1 for r in recipients if r == PENDING),
        )
        mine = []
        for person in sorted(set(occ.people) | set(occ.answers)):
            if only is not None and person not in only:
                continue
            reminded = occ.people.get(person)
            accepted = [t for t in (reminded, *occ.later.get(person, ())) if t and t > 0]
            answer, at = occ.answers.get(person), occ.answered_at.get(person)
            if not accepted and answer is None:
                continue  # never reached, never answered: not asked
            first = (min(accepted) if accepted else None) if reminded is not None else chat_first
            wait = None
            if at is not None and first is not None and at >= first:
                wait = (at - first) / 1000
            counted = bisect_right(sorted(accepted), at) if at is not None else len(accepted)
            came = occ.came.get(person)
            mine.append(
                (occ.occurrence_id, week, person, first, answer, wait, max(0, counted - 1), came)
            )
        pairs += mine
        yes = sum(1 for p in mine if p[4] == "yes")
        marked = [p for p in mine if p[4] == "yes" and p[7] is not None]
        insights.append(
            OccurrenceInsight(
                event_id=occ.event_id,
                event_title=occ.event_title,
                occurrence_id=occ.occurrence_id,
                starts_at=occ.starts_at,
                local_start=local.replace(tzinfo=None),
                reach=reach,
                answers=Answers(
                    yes,
                    sum(1 for p in mine if p[4] == "no"),
                    sum(1 for p in mine if p[4] == "maybe"),
                    sum(1 for p in mine if p[4] is None),
                ),
                time_to_answer=durations(p[5] for p in mine if p[5] is not None),
                quorum=occ.quorum,
                quorum_met=None if not occ.quorum else yes >= occ.quorum,
                nudges=sum(p[6] for p in mine),
                answered_after_nudge=sum(1 for p in mine if p[4] and p[6]),
                attendance=Attendance(
                    len(marked), sum(1 for p in marked if p[7]), sum(1 for p in marked if not p[7])
                ),
            )
        )
    first_week = week_start(since.astimezone(tz).date())
    last_week = week_start((until - timedelta(microseconds=1)).astimezone(tz).date())
    weeks = []
    day = first_week
    while day <= last_week:
        found = [p for p in pairs if p[1] == day]
        answered = sum(1 for p in found if p[4])
        weeks.append(
            WeekBucket(
                day, len(found), answered, durations(p[5] for p in found if p[5] is not None)
            )
        )
        day += timedelta(weeks=1)
    cells = defaultdict(list)
    for p in pairs:
        if p[3] is not None:
            moment = datetime.fromtimestamp(p[3] // 60_000 * 60, tz)
            cells[(moment.weekday(), moment.hour)].append(p)
    slots = tuple(
        SlotBucket(
            weekday,
            hour,
            len(found),
            sum(1 for p in found if p[4]),
            durations(p[5] for p in found if p[5] is not None),
        )
        for (weekday, hour), found in sorted(cells.items())
    )
    members = []
    for person in {p[2] for p in pairs}:
        found = [p for p in pairs if p[2] == person]
        marked = [p for p in found if p[4] == "yes" and p[7] is not None]
        members.append(
            MemberInsight(
                user_id=person,
                name=names.get(person, str(person)),
                former=person not in current,
                asked=len(found),
                answered=sum(1 for p in found if p[4]),
                yes=sum(1 for p in found if p[4] == "yes"),
                no=sum(1 for p in found if p[4] == "no"),
                maybe=sum(1 for p in found if p[4] == "maybe"),
                median_s=median(sorted(p[5] for p in found if p[5] is not None)),
                marked_yes=len(marked),
                no_shows=sum(1 for p in marked if not p[7]),
            )
        )
    members.sort(key=lambda m: (m.answer_rate or 0.0, m.name.casefold(), m.user_id))
    silent = tuple(m for m in members if not m.former and m.asked and not m.answered)
    quiet = {m.user_id for m in silent}
    reach, answers, attendance = Reach(), Answers(), Attendance()
    for o in insights:
        reach += o.reach
        answers += o.answers
        attendance += o.attendance
    return Computed(
        totals=Totals(
            occurrences=len(insights),
            events=len({o.event_id for o in insights}),
            reach=reach,
            answers=answers,
            time_to_answer=durations(p[5] for p in pairs if p[5] is not None),
            quorum_checked=sum(1 for o in insights if o.quorum_met is not None),
            quorum_met=sum(1 for o in insights if o.quorum_met),
            nudges=sum(o.nudges for o in insights),
            attendance=attendance,
        ),
        occurrences=tuple(reversed(insights)),
        members=tuple(members),
        weeks=tuple(weeks),
        slots=slots,
        silent=silent,
        silent_dates=len({p[0] for p in pairs if p[2] in quiet}),
    )


def ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def a_ledger(pick: random.Random, since: datetime, people: list[int]) -> InsightLedger:
    """Dates over five weeks around the spring DST change, each reminding some people
    (and sometimes chats) one to three times, with odd milliseconds."""
    rows = []
    for i in range(pick.randint(0, 14)):
        starts = since + timedelta(hours=pick.randint(1, 24 * 34), minutes=pick.choice((0, 30)))
        reminded: dict[int, tuple[int, ...]] = {}
        answers: dict[int, tuple[str, int]] = {}
        for person in pick.sample(people, pick.randint(0, len(people))):
            first = ms(starts) - pick.randint(0, 3 * 86_400_000)
            ends = [
                pick.choice(
                    (first + pick.randint(0, 4 * 3_600_000), UNREACHABLE, FAILED, PENDING, SKIPPED)
                )
                if pick.random() < 0.25
                else first + pick.randint(0, 10 * 3_600_000)
                for _ in range(pick.choice((1, 1, 1, 2, 2, 3)))
            ]
            times = sorted(t for t in ends if t > 0)
            reminded[person] = tuple(times) if times else (max(ends),)
        for person in pick.sample(people, pick.randint(0, len(people))):
            at = ms(starts) - pick.randint(-3_600_000, 2 * 86_400_000)
            if person in reminded and reminded[person][0] > 0 and pick.random() < 0.2:
                at = reminded[person][-1 if pick.random() < 0.5 else 0]  # the same ms
            answers[person] = (pick.choice(("yes", "yes", "no", "maybe")), at)
        chats = {}
        if pick.random() < 0.4:
            chats = {
                900 + k: ms(starts) - pick.randint(0, 86_400_000)
                if pick.random() < 0.7
                else pick.choice((UNREACHABLE, FAILED, PENDING))
                for k in range(pick.randint(1, 2))
            }
        came = {p: pick.random() < 0.7 for p in answers if pick.random() < 0.6}
        came.update({p: True for p in pick.sample(people, min(2, len(people)))})  # not a yes
        rows.append(
            OccurrenceRow(
                occurrence_id=100 + i,
                event_id=pick.choice((1, 2, 3)),
                event_title="Event",
                organizer_id=people[0],
                timezone="Europe/Berlin",
                quorum=pick.choice((None, 0, 2, 5)),
                starts_at=starts,
                local_start=starts.astimezone(BERLIN).replace(tzinfo=None),
                people={p: r[0] for p, r in reminded.items()},
                later={p: r[1:] for p, r in reminded.items() if len(r) > 1},
                chats=chats,
                answers={p: a for p, (a, _) in answers.items()},
                answered_at={p: at for p, (_, at) in answers.items()},
                came=came,
            )
        )
    rows.sort(key=lambda r: (r.starts_at, r.occurrence_id))
    return InsightLedger(occurrences=tuple(rows))


@pytest.mark.parametrize("seed", range(60))
def test_compute_gives_what_the_rules_say(seed: int) -> None:
    pick = random.Random(seed)
    since = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)
    until = since + timedelta(weeks=5)
    people = list(range(1, pick.randint(2, 12)))
    ledger = a_ledger(pick, since, people)
    names = {p: pick.choice(("Anna", "anna", "Boris", "Clara")) for p in people}
    current = set(pick.sample(people, len(people) * 3 // 4))
    for only in (None, set(pick.sample(people, len(people) // 2))):
        got = compute(
            ledger,
            tz=BERLIN,
            since=since,
            until=until,
            names=names,
            current_members=current,
            people=only,
        )
        assert got == reference(ledger, BERLIN, since, until, names, current, only)


def test_the_random_ledgers_hold_what_the_hand_made_one_lacks() -> None:
    """The reference comparison above is only as good as what the ledgers hold."""
    seen: dict[str, int] = defaultdict(int)
    since = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)
    for seed in range(60):
        pick = random.Random(seed)
        people = list(range(1, pick.randint(2, 12)))
        ledger = a_ledger(pick, since, people)
        names = {p: "x" for p in people}
        got = compute(
            ledger,
            tz=BERLIN,
            since=since,
            until=since + timedelta(weeks=5),
            names=names,
            current_members=people[: len(people) * 3 // 4],
        )
        seen["silent"] += bool(got.silent)
        seen["former"] += any(m.former for m in got.members)
        seen["even median"] += any(
            o.time_to_answer.count and o.time_to_answer.count % 2 == 0 for o in got.occurrences
        )
        for occ in ledger.occurrences:
            seen["chats"] += bool(occ.chats)
            seen["three reminders"] += any(len(r) == 2 for r in occ.later.values())
            seen["skipped"] += SKIPPED in occ.people.values()
            seen["pending"] += PENDING in occ.people.values()
            seen["from a chat"] += any(p not in occ.people for p in occ.answers) and bool(occ.chats)
        seen["answer at a reminder"] += any(
            at in (occ.people.get(p), *occ.later.get(p, ()))
            for occ in ledger.occurrences
            for p, at in occ.answered_at.items()
        )
        seen["dst week"] += any(w.week_start == date(2026, 3, 23) and w.asked for w in got.weeks)
    assert all(
        seen[k] >= 3
        for k in (
            "silent",
            "former",
            "even median",
            "chats",
            "three reminders",
            "skipped",
            "pending",
            "from a chat",
            "dst week",
        )
    ), dict(seen)
    assert Durations() == durations([])
