"""Escalation policy: a ladder of reminder steps before an occurrence, and who each one reaches.

A ladder such as "T-1d everyone; T-3h only those who have not answered; T-1h tell the
organizer who is missing" is a list of ``EscalationStep`` and is stored in a compact
text form, ``P1D:all;PT3H:unanswered;PT1H:organizer_summary``.

Decisions:

* **Unanswered** means no answer at all. ``maybe`` counts as answered: the member did
  respond, and chasing people who responded is nagging; the organizer summary lists
  the maybes separately so the organizer can follow up in person.
* **Quorum** (``quorum`` "yes" answers needed): once reached, the member-facing steps
  still ahead (``all`` and ``unanswered``) are skipped, since the point of chasing is
  gone. The ``organizer_summary`` step is still sent, and its summary says the quorum
  is reached, so the organizer learns it without asking.
* **Offsets** count back from the occurrence start. The whole days of an offset are
  calendar days on the event's clock ("the day before, at the same time", even across
  a DST switch); the rest (hours, minutes, seconds) is exact elapsed time. That is
  RFC 5545's reading of ``P1D`` versus ``PT3H``. Offsets are 0 to 366 days.
* **Duplicates**: at one offset a ladder may hold one member-facing step and one
  organizer summary (a last nudge and a report at the same time), no more.
* Ladders are kept earliest step first; at one offset the nudge comes before the report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import filterfalse
from typing import Literal
from zoneinfo import ZoneInfo

from maxremind.domain.models import Answer, ReminderTarget
from maxremind.domain.wall_time import resolve_local, to_wall

__all__ = [
    "MAX_OFFSET",
    "Answer",
    "EscalationStep",
    "ReminderTarget",
    "StepPlan",
    "Summary",
    "default_ladder",
    "due_before",
    "format_duration",
    "format_ladder",
    "normalize_ladder",
    "parse_duration",
    "parse_ladder",
    "plan_step",
    "quorum_reached",
    "recipients_for_step",
    "summarize",
]

MAX_OFFSET = timedelta(days=366)
_MEMBER_TARGETS = frozenset({ReminderTarget.ALL, ReminderTarget.UNANSWERED})
_DURATION = re.compile(r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


@dataclass(frozen=True, slots=True)
class EscalationStep:
    """Remind ``target`` at ``offset`` before the occurrence start."""

    offset: timedelta
    target: ReminderTarget

    def __post_init__(self) -> None:
        _check_offset(self.offset)
        if not isinstance(self.target, ReminderTarget):
            raise ValueError(f"unknown escalation target {self.target!r}")

    @property
    def messages_members(self) -> bool:
        return self.target in _MEMBER_TARGETS

    def due_at(self, occurrence_at: datetime, tz: ZoneInfo) -> datetime:
        """The instant this step is due for an occurrence starting at ``occurrence_at``."""
        return due_before(occurrence_at, self.offset, tz)

    def __str__(self) -> str:
        return f"{format_duration(self.offset)}:{self.target.value}"


@dataclass(frozen=True, slots=True)
class Summary:
    """Who answered what, in audience order; what the organizer is told."""

    yes: tuple[int, ...]
    no: tuple[int, ...]
    maybe: tuple[int, ...]
    no_answer: tuple[int, ...]
    quorum: int | None = None

    @property
    def yes_count(self) -> int:
        return len(self.yes)

    @property
    def no_count(self) -> int:
        return len(self.no)

    @property
    def maybe_count(self) -> int:
        return len(self.maybe)

    @property
    def no_answer_count(self) -> int:
        return len(self.no_answer)

    @property
    def quorum_reached(self) -> bool:
        return self.quorum is not None and self.yes_count >= self.quorum


@dataclass(frozen=True, slots=True)
class StepPlan:
    """What one step does now: members to message, and a summary for the organizer."""

    recipients: tuple[int, ...]
    summary: Summary | None
    skip_reason: Literal["quorum_reached", "everyone_answered"] | None = None


def recipients_for_step(
    step: EscalationStep, audience: Sequence[int], answers: Mapping[int, Answer]
) -> list[int]:
    """Members this step messages, in audience order without repeats.

    An ``organizer_summary`` step messages no member (the engine sends ``summarize``
    to the organizer), so it gets an empty list.
    """
    if step.target is ReminderTarget.ORGANIZER_SUMMARY:
        return []
    members = _unique(audience)
    if step.target is ReminderTarget.UNANSWERED:
        return [member for member in members if member not in answers]
    return members


def quorum_reached(answers: Mapping[int, Answer], quorum: int | None) -> bool:
    """Whether at least ``quorum`` members answered yes; never when there is no quorum.

    :raises ValueError: ``quorum`` is below 1.
    """
    _check_quorum(quorum)
    if quorum is None:
        return False
    return sum(1 for answer in answers.values() if answer is Answer.YES) >= quorum


def summarize(
    audience: Sequence[int],
    answers: Mapping[int, Answer],
    *,
    quorum: int | None = None,
    distinct: bool = False,
) -> Summary:
    """Sort the audience by answer. Answers from outside the audience are not counted.
    ``distinct``: the caller vouches that ``audience`` has no repeats."""
    _check_quorum(quorum)
    members = audience if distinct else _unique(audience)
    # A big team's audience is thousands of people and most have not answered: filter
    # in C, and sort out only those who answered.
    if not answers:  # nobody has answered yet (most dates, most of the time)
        return Summary((), (), (), tuple(members), quorum)
    groups: dict[Answer, list[int]] = {answer: [] for answer in Answer}
    for member in filter(answers.__contains__, members):
        groups[answers[member]].append(member)
    return Summary(
        yes=tuple(groups[Answer.YES]),
        no=tuple(groups[Answer.NO]),
        maybe=tuple(groups[Answer.MAYBE]),
        no_answer=tuple(filterfalse(answers.__contains__, members)),
        quorum=quorum,
    )


def plan_step(
    step: EscalationStep,
    audience: Sequence[int],
    answers: Mapping[int, Answer],
    *,
    quorum: int | None = None,
) -> StepPlan:
    """Apply the policy (module docstring) to one step at the moment it is due."""
    if step.target is ReminderTarget.ORGANIZER_SUMMARY:
        return StepPlan((), summarize(audience, answers, quorum=quorum))
    if quorum_reached(answers, quorum):
        return StepPlan((), None, "quorum_reached")
    recipients = tuple(recipients_for_step(step, audience, answers))
    if not recipients and step.target is ReminderTarget.UNANSWERED:
        return StepPlan((), None, "everyone_answered")
    return StepPlan(recipients, None)


def default_ladder(confirm_required: bool, offsets: Sequence[timedelta]) -> list[EscalationStep]:
    """The ladder an event gets from its reminder offsets.

    Without confirmation every offset reminds everyone. With it, the earliest offset
    reminds everyone, later ones only those who have not answered, and the organizer
    gets a summary at the last one.

    :raises ValueError: an offset is out of range.
    """
    ordered = sorted(set(offsets), reverse=True)
    if not ordered:
        return []
    if not confirm_required:
        return [EscalationStep(offset, ReminderTarget.ALL) for offset in ordered]
    steps = [EscalationStep(ordered[0], ReminderTarget.ALL)]
    steps += [EscalationStep(offset, ReminderTarget.UNANSWERED) for offset in ordered[1:]]
    steps.append(EscalationStep(ordered[-1], ReminderTarget.ORGANIZER_SUMMARY))
    return steps


def normalize_ladder(steps: Iterable[EscalationStep]) -> list[EscalationStep]:
    """The steps earliest first, after checking for duplicates.

    :raises ValueError: two member-facing steps, or two summaries, share an offset.
    """
    ordered = sorted(steps, key=lambda step: (-step.offset, not step.messages_members))
    seen: set[tuple[timedelta, bool]] = set()
    for step in ordered:
        slot = (step.offset, step.messages_members)
        if slot in seen:
            kind = "member reminders" if step.messages_members else "organizer summaries"
            raise ValueError(f"two {kind} at {format_duration(step.offset)} before the start")
        seen.add(slot)
    return ordered


def parse_ladder(text: str) -> list[EscalationStep]:
    """Parse ``"P1D:all;PT3H:unanswered;PT1H:organizer_summary"``; empty text is no ladder.

    :raises ValueError: with a message naming the bad step.
    """
    steps: list[EscalationStep] = []
    for position, item in enumerate(filter(None, (i.strip() for i in text.split(";"))), 1):
        offset_text, sep, target_text = item.partition(":")
        if not sep:
            raise ValueError(f"step {position} {item!r}: expected OFFSET:TARGET, like PT3H:all")
        try:
            target = ReminderTarget(target_text.strip().lower())
        except ValueError:
            raise ValueError(
                f"step {position} {item!r}: the target is all, unanswered or organizer_summary"
            ) from None
        try:
            steps.append(EscalationStep(parse_duration(offset_text), target))
        except ValueError as error:
            raise ValueError(f"step {position} {item!r}: {error}") from None
    return normalize_ladder(steps)


def format_ladder(steps: Iterable[EscalationStep]) -> str:
    """The text form ``parse_ladder`` reads; steps come out earliest first.

    :raises ValueError: the ladder has duplicates.
    """
    return ";".join(str(step) for step in normalize_ladder(steps))


def parse_duration(text: str) -> timedelta:
    """An ISO 8601 duration in weeks, days, hours, minutes, seconds: ``P1D``, ``PT3H``, ``P1DT12H``.

    :raises ValueError: anything else, months and years included (they have no fixed length).
    """
    match = _DURATION.match(text.strip().upper())
    if match is None or not any(match.groups()) or text.strip().upper().endswith("T"):
        raise ValueError(
            f"offsets look like P1D, PT3H, PT30M or P1DT12H (no months or years), got {text!r}"
        )
    weeks, days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    offset = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    _check_offset(offset)
    return offset


def format_duration(offset: timedelta) -> str:
    """The shortest ISO 8601 form: whole days as ``D``, the rest as ``H``, ``M``, ``S``."""
    days, rest = offset.days, offset.seconds
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    if not clock:
        return f"P{days}D" if days else "PT0S"
    return f"P{days}DT{clock}" if days else f"PT{clock}"


def due_before(start: datetime, offset: timedelta, tz: ZoneInfo) -> datetime:
    """The instant ``offset`` before the aware ``start``: whole days on the clock of ``tz``,
    the rest exact (see the module docstring)."""
    if not offset.days:
        return start - offset
    wall = to_wall(start, tz) - timedelta(days=offset.days)
    at, _ = resolve_local(wall, tz)
    return at - timedelta(seconds=offset.seconds)


def _check_offset(offset: timedelta) -> None:
    if offset < timedelta(0):
        raise ValueError("offsets count back from the start and cannot be negative")
    if offset > MAX_OFFSET:
        raise ValueError(f"an offset is at most 366 days, got {format_duration(offset)}")
    if offset.microseconds:
        raise ValueError("offsets are whole seconds")


def _check_quorum(quorum: int | None) -> None:
    if quorum is not None and quorum < 1:
        raise ValueError(f"a quorum is at least 1 yes, got {quorum}")


def _unique(members: Sequence[int]) -> list[int]:
    return list(dict.fromkeys(members))
