"""Property: in a clean run, every planned delivery is sent exactly once, to the right people.

Hypothesis draws small teams (members in groups and with tags, some in other time
zones, some with quiet hours), events with audiences and reminder ladders (some
urgent, some asking for answers, some with a quorum), answers given up front, and
the size of the clock steps the engine is driven with.  After the run:

* nothing is left planned, held, claimed or failed: every delivery is sent or skipped;
* the messages MAX got and the ledger's sent rows match one to one (by message id);
* nobody got two messages of one reminder step;
* every step that went out reached exactly whom the policy says: the audience
  (people deduplicated across groups and tags) for "all", those who had not answered
  for "unanswered", the organizer for the summary;
* no delivery went before its send time, nor later than one clock step after it (or
  after its due time, for a send placed before the member's quiet hours);
* with a clock that never jumps further than ``late_after``, no step planned in the
  future is treated as missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    DeliveryKind,
    DeliveryStatus,
    NewEvent,
    QuietHoursSpec,
    RecipientKind,
    ReminderSpec,
    ReminderTarget,
    Role,
)
from maxremind.engine.dispatcher import EngineConfig
from maxremind.storage import NotFound, open_storage

from .conftest import START, Clock, Env, assemble

OWNER = 100
MOSCOW = ZoneInfo("Europe/Moscow")
ZONES = ("Europe/Moscow", "Asia/Vladivostok", "Europe/Berlin")
QUIET = (None, ("22:00", "08:00"), ("13:00", "15:00"), ("00:00", "06:30"))
OFFSETS_MIN = (0, 10, 45, 90, 180, 600, 1440)


@dataclass(frozen=True)
class Person:
    zone: str | None
    quiet: tuple[str, str] | None
    groups: frozenset[int]
    tagged: bool
    answer: Answer | None


@dataclass(frozen=True)
class Scenario:
    people: tuple[Person, ...]
    team_quiet: tuple[str, str] | None
    audience: tuple[tuple[str, int], ...]  # ("team"|"group"|"tag"|"member", index)
    ladder: tuple[tuple[int, ReminderTarget], ...]  # (minutes before, target)
    starts_in_min: int
    confirm: bool
    urgent: bool
    quorum: int | None
    step_min: int


people = st.builds(
    Person,
    zone=st.sampled_from((None, *ZONES)),
    quiet=st.sampled_from(QUIET),
    groups=st.frozensets(st.integers(0, 1)),
    tagged=st.booleans(),
    answer=st.sampled_from((None, None, Answer.YES, Answer.NO, Answer.MAYBE)),
)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    crowd = tuple(draw(st.lists(people, min_size=1, max_size=7)))
    entry = st.one_of(
        st.just(("team", 0)),
        st.tuples(st.just("group"), st.integers(0, 1)),
        st.just(("tag", 0)),
        st.tuples(st.just("member"), st.integers(0, len(crowd) - 1)),
    )
    audience = tuple(draw(st.lists(entry, min_size=1, max_size=3, unique=True)))
    steps = draw(
        st.lists(
            st.tuples(st.sampled_from(OFFSETS_MIN), st.sampled_from(list(ReminderTarget))),
            min_size=1,
            max_size=3,
            unique_by=lambda s: (s[0], s[1] is ReminderTarget.ORGANIZER_SUMMARY),
        )
    )
    return Scenario(
        people=crowd,
        team_quiet=draw(st.sampled_from(QUIET)),
        audience=audience,
        ladder=tuple(steps),
        starts_in_min=draw(st.integers(30, 20 * 60)),
        confirm=draw(st.booleans()),
        urgent=draw(st.booleans()),
        quorum=draw(st.sampled_from((None, None, 1, 2))),
        step_min=draw(st.sampled_from((1, 5, 17, 60, 240))),
    )


async def build_env(db: Path) -> Env:
    storage = open_storage(f"sqlite:///{db}")
    await storage.open()
    env = await assemble(storage, Clock(START), owner="prop")
    assert env.owner == OWNER
    return env


async def run_scenario(sc: Scenario, db: Path) -> None:
    env = await build_env(db)
    storage = env.storage
    try:
        members = [OWNER + 1 + i for i in range(len(sc.people))]
        groups = [(await storage.create_group(env.team_id, f"G{i}")).id for i in range(2)]
        tag = (await storage.create_tag(env.team_id, "дежурный")).id
        for uid, person in zip(members, sc.people, strict=True):
            await storage.upsert_user(uid, name=f"Участник {uid}", username=None)
            await storage.add_member(env.team_id, uid, Role.MEMBER)
            quiet = QuietHoursSpec(*person.quiet) if person.quiet else None
            await storage.update_user(uid, timezone=person.zone, quiet_hours=quiet)
            for g in person.groups:
                await storage.add_to_group(groups[g], [uid])
            if person.tagged:
                await storage.tag_members(tag, [uid])
        if sc.team_quiet:
            await storage.update_team(env.team_id, quiet_hours=QuietHoursSpec(*sc.team_quiet))

        # The audience as the policy defines it, computed independently of the engine.
        entries, expected = [], set()
        for kind, index in sc.audience:
            if kind == "team":
                entries.append(AudienceEntry(AudienceKind.TEAM))
                expected |= {OWNER, *members}
            elif kind == "group":
                entries.append(AudienceEntry(AudienceKind.GROUP, groups[index]))
                expected |= {
                    u for u, p in zip(members, sc.people, strict=True) if index in p.groups
                }
            elif kind == "tag":
                entries.append(AudienceEntry(AudienceKind.TAG, tag))
                expected |= {u for u, p in zip(members, sc.people, strict=True) if p.tagged}
            else:
                entries.append(AudienceEntry(AudienceKind.MEMBER, members[index]))
                expected.add(members[index])
        if not expected:
            return  # the service refuses an empty audience; nothing to check

        local_start = (START + timedelta(minutes=sc.starts_in_min)).astimezone(MOSCOW)
        event = await env.events.create(
            NewEvent(
                team_id=env.team_id,
                organizer_id=OWNER,
                title="Сборы",
                start_local=local_start.replace(tzinfo=None, second=0, microsecond=0),
                timezone="Europe/Moscow",
                audience=tuple(entries),
                reminders=tuple(
                    ReminderSpec(offset=timedelta(minutes=m), target=t) for m, t in sc.ladder
                ),
                confirm_required=sc.confirm,
                urgent=sc.urgent,
                quorum=sc.quorum,
                duration=timedelta(hours=1),
            )
        )
        occurrence = (await storage.list_occurrences(event.id))[0]
        answers = {}
        for uid, person in zip(members, sc.people, strict=True):
            if person.answer is not None and uid in expected:
                await storage.set_confirmation(
                    occurrence.id, uid, person.answer, comment="", at=env.clock()
                )
                answers[uid] = person.answer

        step = timedelta(minutes=sc.step_min)
        await env.run_until(occurrence.starts_at + timedelta(hours=2), step)

        # The whole ledger (catch-up summaries belong to no occurrence).
        statuses = await storage.count_deliveries()
        # The who-came checklist after the date may wait for the organizer's quiet hours.
        checklist = f"attendance:{occurrence.id}"
        with contextlib.suppress(NotFound):
            waiting = await storage.get_delivery(checklist)
            if waiting.status is DeliveryStatus.PLANNED and waiting.send_at > env.clock():
                statuses[DeliveryStatus.PLANNED] -= 1
                statuses = {k: n for k, n in statuses.items() if n}
        assert set(statuses) <= {DeliveryStatus.SENT, DeliveryStatus.SKIPPED}, statuses
        mids = [s.mid for s in env.sender.sent]
        assert len(mids) == len(set(mids)) == statuses.get(DeliveryStatus.SENT, 0)
        for mid in mids:
            found = await storage.find_delivery_by_message(mid)
            assert found is not None and found.status is DeliveryStatus.SENT, mid

        ledger = await storage.list_deliveries(occurrence.id)
        sent = [d for d in ledger if d.status is DeliveryStatus.SENT]
        per_step = Counter((d.job_id, d.recipient_kind, d.recipient_id) for d in sent)
        assert max(per_step.values(), default=1) == 1, "someone got one step twice"
        for d in sent:
            assert d.sent_at is not None
            # "Before quiet hours" may place a send before its due time; the step is
            # expanded at due time at the latest, then it goes at once.
            assert d.send_at <= d.sent_at <= max(d.send_at, d.due_at) + step, d

        yes = sum(1 for a in answers.values() if a is Answer.YES)
        quorum_met = sc.quorum is not None and yes >= sc.quorum
        for job in await storage.list_jobs(occurrence.id):
            got = {
                d.recipient_id
                for d in sent
                if d.job_id == job.id
                and d.kind is DeliveryKind.REMINDER
                and d.recipient_kind is RecipientKind.USER
            }
            if job.status.value != "expanded":
                assert got == set(), job
                # Only a clock that jumps further than ``late_after`` looks like downtime.
                if step <= EngineConfig().late_after and job.due_at >= START:
                    assert not (job.skip_reason or "").startswith(("missed", "superseded")), job
                continue
            if job.target is ReminderTarget.ALL:
                assert not quorum_met
                assert got == expected, (job, got, expected)
            elif job.target is ReminderTarget.UNANSWERED:
                assert not quorum_met
                assert got == expected - set(answers), (job, got, expected, answers)
    finally:
        await storage.close()


@settings(
    max_examples=30,
    deadline=None,  # one example runs an engine over hours of fake time; CI is slow
    suppress_health_check=[HealthCheck.too_slow],
)
@given(sc=scenarios())
def test_every_planned_delivery_is_sent_exactly_once_to_the_right_people(sc: Scenario) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run_scenario(sc, Path(tmp) / "engine.db"))
