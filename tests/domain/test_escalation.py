"""Escalation ladders: who each step reaches, quorum, summaries, and the text form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maxremind.domain.escalation import (
    Answer,
    EscalationStep,
    ReminderTarget,
    StepPlan,
    default_ladder,
    due_before,
    format_duration,
    format_ladder,
    parse_duration,
    parse_ladder,
    plan_step,
    quorum_reached,
    recipients_for_step,
    summarize,
)

ALL = ReminderTarget.ALL
UNANSWERED = ReminderTarget.UNANSWERED
SUMMARY = ReminderTarget.ORGANIZER_SUMMARY
DAY, HOUR = timedelta(days=1), timedelta(hours=1)
BERLIN = ZoneInfo("Europe/Berlin")

AUDIENCE = [10, 20, 30, 40, 50]
ANSWERS = {10: Answer.YES, 20: Answer.NO, 30: Answer.MAYBE, 99: Answer.YES}


def test_all_step_reaches_everyone_once_in_order() -> None:
    step = EscalationStep(DAY, ALL)
    assert recipients_for_step(step, [30, 10, 30, 20], ANSWERS) == [30, 10, 20]


def test_unanswered_step_skips_everyone_who_answered_maybe_included() -> None:
    step = EscalationStep(3 * HOUR, UNANSWERED)
    assert recipients_for_step(step, AUDIENCE, ANSWERS) == [40, 50]


def test_organizer_summary_step_messages_no_member() -> None:
    assert recipients_for_step(EscalationStep(HOUR, SUMMARY), AUDIENCE, ANSWERS) == []


def test_quorum_counts_yes_answers() -> None:
    assert quorum_reached(ANSWERS, 2)
    assert not quorum_reached(ANSWERS, 3)
    assert not quorum_reached(ANSWERS, None)
    with pytest.raises(ValueError, match="at least 1"):
        quorum_reached(ANSWERS, 0)


def test_summary_sorts_the_audience_by_answer() -> None:
    summary = summarize(AUDIENCE, ANSWERS, quorum=2)
    assert (summary.yes, summary.no, summary.maybe, summary.no_answer) == (
        (10,),
        (20,),
        (30,),
        (40, 50),
    )
    assert (summary.yes_count, summary.no_count, summary.maybe_count) == (1, 1, 1)
    assert summary.no_answer_count == 2
    assert not summary.quorum_reached  # 99 answered yes but is not in the audience


def test_quorum_stops_member_steps_but_the_organizer_still_hears() -> None:
    answers = {10: Answer.YES, 20: Answer.YES}
    for target in (ALL, UNANSWERED):
        plan = plan_step(EscalationStep(HOUR, target), AUDIENCE, answers, quorum=2)
        assert plan == StepPlan((), None, "quorum_reached")
    report = plan_step(EscalationStep(HOUR, SUMMARY), AUDIENCE, answers, quorum=2)
    assert report.recipients == ()
    assert report.summary is not None
    assert report.summary.quorum_reached
    assert report.summary.no_answer == (30, 40, 50)


def test_steps_before_quorum_go_out() -> None:
    plan = plan_step(EscalationStep(3 * HOUR, UNANSWERED), AUDIENCE, ANSWERS, quorum=3)
    assert plan == StepPlan((40, 50), None)


def test_unanswered_step_with_everyone_answered_is_skipped() -> None:
    answers = dict.fromkeys(AUDIENCE, Answer.NO)
    plan = plan_step(EscalationStep(HOUR, UNANSWERED), AUDIENCE, answers)
    assert plan.skip_reason == "everyone_answered"


def test_default_ladder_without_confirmation_reminds_everyone() -> None:
    assert default_ladder(False, [HOUR, DAY]) == [
        EscalationStep(DAY, ALL),
        EscalationStep(HOUR, ALL),
    ]
    assert default_ladder(True, []) == []


def test_default_ladder_with_confirmation_chases_and_reports() -> None:
    assert default_ladder(True, [HOUR, DAY, 3 * HOUR, HOUR]) == [
        EscalationStep(DAY, ALL),
        EscalationStep(3 * HOUR, UNANSWERED),
        EscalationStep(HOUR, UNANSWERED),
        EscalationStep(HOUR, SUMMARY),
    ]


def test_ladder_text_round_trip() -> None:
    text = "P1D:all;PT3H:unanswered;PT1H:organizer_summary"
    steps = parse_ladder(text)
    assert steps == [
        EscalationStep(DAY, ALL),
        EscalationStep(3 * HOUR, UNANSWERED),
        EscalationStep(HOUR, SUMMARY),
    ]
    assert format_ladder(steps) == text


def test_ladder_text_is_normalized_earliest_first() -> None:
    steps = parse_ladder(" PT1H:organizer_summary ; P1W:all;PT1H:unanswered; ")
    assert format_ladder(steps) == "P7D:all;PT1H:unanswered;PT1H:organizer_summary"
    assert parse_ladder("") == []
    assert format_ladder([]) == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("P367D:all", "at most 366 days"),
        ("P1D:all;PT24H:all", "two member reminders at P1D"),
        ("PT1H:organizer_summary;PT60M:organizer_summary", "two organizer summaries"),
        ("P1D:all;P1D:unanswered", "two member reminders"),
        ("P1D:everyone", "all, unanswered or organizer_summary"),
        ("P1M:all", "no months or years"),
        ("PT:all", "look like"),
        ("P1DT:all", "look like"),
        ("1 day:all", "look like"),
        ("P1D", "OFFSET:TARGET"),
    ],
)
def test_bad_ladders_are_rejected_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_ladder(text)


def test_steps_reject_negative_and_fractional_offsets() -> None:
    with pytest.raises(ValueError, match="negative"):
        EscalationStep(-HOUR, ALL)
    with pytest.raises(ValueError, match="whole seconds"):
        EscalationStep(timedelta(milliseconds=1), ALL)


@pytest.mark.parametrize(
    ("offset", "text"),
    [
        (timedelta(0), "PT0S"),
        (DAY, "P1D"),
        (DAY + 12 * HOUR, "P1DT12H"),
        (timedelta(minutes=90), "PT1H30M"),
        (timedelta(seconds=45), "PT45S"),
        (timedelta(days=366), "P366D"),
    ],
)
def test_durations_format_and_parse(offset: timedelta, text: str) -> None:
    assert format_duration(offset) == text
    assert parse_duration(text) == offset


def test_whole_days_count_on_the_events_clock_across_dst() -> None:
    monday = datetime(2026, 3, 30, 8, tzinfo=UTC)  # 10:00 CEST, the day after the switch
    assert due_before(monday, DAY, BERLIN) == datetime(2026, 3, 29, 8, tzinfo=UTC)  # 10:00 CEST
    assert due_before(monday, 24 * HOUR + HOUR, BERLIN) == datetime(2026, 3, 29, 7, tzinfo=UTC)
    assert due_before(monday, 3 * HOUR, BERLIN) == datetime(2026, 3, 30, 5, tzinfo=UTC)
    step = EscalationStep(DAY, ALL)
    assert step.due_at(monday, BERLIN) == datetime(2026, 3, 29, 8, tzinfo=UTC)


offsets = st.builds(
    lambda days, seconds: timedelta(days=days, seconds=seconds),
    st.integers(0, 365),
    st.integers(0, 86_399),
)
steps = st.builds(EscalationStep, offsets, st.sampled_from(ReminderTarget))


@given(st.lists(steps, max_size=8, unique_by=lambda s: (s.offset, s.messages_members)))
def test_any_valid_ladder_round_trips_through_text(ladder: list[EscalationStep]) -> None:
    text = format_ladder(ladder)
    assert parse_ladder(text) == sorted(
        ladder, key=lambda step: (-step.offset, not step.messages_members)
    )
    assert format_ladder(parse_ladder(text)) == text
