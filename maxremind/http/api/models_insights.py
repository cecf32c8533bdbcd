"""What the insights routes of the JSON API take and give (the numbers of
:mod:`maxremind.services.insights`, as the pages show them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import Field

from maxremind.http.api.models import Id, In, LocalTime, Out
from maxremind.services.insights import (
    Answers,
    Attendance,
    Checklist,
    Durations,
    EventInsights,
    InsightSettings,
    MemberInsight,
    OccurrenceInsight,
    Reach,
    SlotBucket,
    TeamInsights,
    Totals,
    WeekBucket,
)

MAX_WEEKS = 104
MAX_MARKS = 1000


class InsightsQuery(In):
    weeks: int = Field(12, ge=1, le=MAX_WEEKS, description="the window: this many weeks to now")
    group_id: Id | None = Field(None, description="only the people now in this group")


class EventInsightsQuery(In):
    weeks: int = Field(52, ge=1, le=MAX_WEEKS, description="the window: this many weeks to now")


class MyInsightsQuery(In):
    weeks: int = Field(12, ge=1, le=MAX_WEEKS, description="the window: this many weeks to now")


class DurationsOut(Out):
    """Times from the first reminder a person got to their answer."""

    count: int
    median_seconds: float | None
    p90_seconds: float | None

    @classmethod
    def of(cls, d: Durations) -> DurationsOut:
        return cls(count=d.count, median_seconds=d.median_s, p90_seconds=d.p90_s)


class ReachOut(Out):
    """Recipients of the reminders, each once: ``sent`` = delivered + unreachable + failed."""

    sent: int
    delivered: int
    unreachable: int
    failed: int
    pending: int

    @classmethod
    def of(cls, r: Reach) -> ReachOut:
        return cls(
            sent=r.sent,
            delivered=r.delivered,
            unreachable=r.unreachable,
            failed=r.failed,
            pending=r.pending,
        )


class AnswerCountsOut(Out):
    yes: int
    no: int
    maybe: int
    none: int = Field(description="asked and did not answer")
    asked: int
    answered: int
    rate: float | None = Field(description="answered / asked; null when nobody was asked")
    yes_rate: float | None = Field(description="yes / answered")

    @classmethod
    def of(cls, a: Answers) -> AnswerCountsOut:
        return cls(
            yes=a.yes,
            no=a.no,
            maybe=a.maybe,
            none=a.none,
            asked=a.asked,
            answered=a.answered,
            rate=a.rate,
            yes_rate=a.yes_rate,
        )


class AttendanceOut(Out):
    """Of those who said yes, the ones with a who-came mark."""

    marked: int
    came: int
    no_show: int

    @classmethod
    def of(cls, a: Attendance) -> AttendanceOut:
        return cls(marked=a.marked, came=a.came, no_show=a.no_show)


class TotalsOut(Out):
    occurrences: int
    events: int
    reach: ReachOut
    answers: AnswerCountsOut
    time_to_answer: DurationsOut
    quorum_checked: int = Field(description="dates of events with a quorum")
    quorum_met: int
    nudges: int
    attendance: AttendanceOut

    @classmethod
    def of(cls, t: Totals) -> TotalsOut:
        return cls(
            occurrences=t.occurrences,
            events=t.events,
            reach=ReachOut.of(t.reach),
            answers=AnswerCountsOut.of(t.answers),
            time_to_answer=DurationsOut.of(t.time_to_answer),
            quorum_checked=t.quorum_checked,
            quorum_met=t.quorum_met,
            nudges=t.nudges,
            attendance=AttendanceOut.of(t.attendance),
        )


class OccurrenceInsightOut(Out):
    event_id: int
    event_title: str
    occurrence_id: int
    starts_at: datetime
    local_start: LocalTime
    reach: ReachOut
    answers: AnswerCountsOut
    time_to_answer: DurationsOut
    quorum: int | None
    quorum_met: bool | None = Field(description="null when the event has no quorum")
    nudges: int = Field(description="reminders after each person's first")
    answered_after_nudge: int
    attendance: AttendanceOut

    @classmethod
    def of(cls, o: OccurrenceInsight) -> OccurrenceInsightOut:
        return cls(
            event_id=o.event_id,
            event_title=o.event_title,
            occurrence_id=o.occurrence_id,
            starts_at=o.starts_at,
            local_start=o.local_start,
            reach=ReachOut.of(o.reach),
            answers=AnswerCountsOut.of(o.answers),
            time_to_answer=DurationsOut.of(o.time_to_answer),
            quorum=o.quorum,
            quorum_met=o.quorum_met,
            nudges=o.nudges,
            answered_after_nudge=o.answered_after_nudge,
            attendance=AttendanceOut.of(o.attendance),
        )


class MemberInsightOut(Out):
    user_id: int
    name: str
    former: bool = Field(description="no longer in the team (their history stays)")
    asked: int
    answered: int
    yes: int
    no: int
    maybe: int
    answer_rate: float | None
    yes_rate: float | None
    median_seconds: float | None = Field(description="median time to answer")
    marked_yes: int = Field(description="yes answers with a who-came mark")
    no_shows: int

    @classmethod
    def of(cls, m: MemberInsight) -> MemberInsightOut:
        return cls(
            user_id=m.user_id,
            name=m.name,
            former=m.former,
            asked=m.asked,
            answered=m.answered,
            yes=m.yes,
            no=m.no,
            maybe=m.maybe,
            answer_rate=m.answer_rate,
            yes_rate=m.yes_rate,
            median_seconds=m.median_s,
            marked_yes=m.marked_yes,
            no_shows=m.no_shows,
        )


class WeekOut(Out):
    week_start: date = Field(description="Monday, in the team's zone")
    asked: int
    answered: int
    rate: float | None
    time_to_answer: DurationsOut

    @classmethod
    def of(cls, w: WeekBucket) -> WeekOut:
        return cls(
            week_start=w.week_start,
            asked=w.asked,
            answered=w.answered,
            rate=w.rate,
            time_to_answer=DurationsOut.of(w.time_to_answer),
        )


class SlotOut(Out):
    """The weekday and hour of each person's first reminder, in the team's zone."""

    weekday: int = Field(ge=0, le=6, description="0 = Monday")
    hour: int = Field(ge=0, le=23)
    asked: int
    answered: int
    rate: float | None
    time_to_answer: DurationsOut

    @classmethod
    def of(cls, s: SlotBucket) -> SlotOut:
        return cls(
            weekday=s.weekday,
            hour=s.hour,
            asked=s.asked,
            answered=s.answered,
            rate=s.rate,
            time_to_answer=DurationsOut.of(s.time_to_answer),
        )


class WindowInsightsOut(Out):
    """What a team's and an event's answers over a window share: the zone the buckets and
    local times are in, the window, totals, by week, by the reminders' weekday and hour, by
    date (newest first) and by person (empty when the owner turned per-member statistics
    off: ``members_hidden``)."""

    timezone: str
    since: datetime
    until: datetime
    totals: TotalsOut
    weeks: list[WeekOut]
    slots: list[SlotOut]
    occurrences: list[OccurrenceInsightOut]
    members: list[MemberInsightOut]
    members_hidden: bool

    @staticmethod
    def window_of(w: TeamInsights | EventInsights) -> dict[str, Any]:
        """The shared fields of ``w``, as keyword arguments of a subclass."""
        return {
            "timezone": w.timezone,
            "since": w.since,
            "until": w.until,
            "totals": TotalsOut.of(w.totals),
            "weeks": [WeekOut.of(b) for b in w.weeks],
            "slots": [SlotOut.of(s) for s in w.slots],
            "occurrences": [OccurrenceInsightOut.of(o) for o in w.occurrences],
            "members": [MemberInsightOut.of(m) for m in w.members],
            "members_hidden": w.members_hidden,
        }


class TeamInsightsOut(WindowInsightsOut):
    """A team's (or a group's) answers over a window: totals, by week, by the reminders'
    weekday and hour, by date (newest first) and by person (empty when the owner turned
    per-member statistics off: ``members_hidden``)."""

    team_id: int
    group_id: int | None

    @classmethod
    def of(cls, t: TeamInsights) -> TeamInsightsOut:
        return cls(team_id=t.team_id, group_id=t.group_id, **cls.window_of(t))


class EventInsightsOut(WindowInsightsOut):
    event_id: int
    title: str
    quorum: int | None

    @classmethod
    def of(cls, e: EventInsights) -> EventInsightsOut:
        return cls(event_id=e.event_id, title=e.title, quorum=e.quorum, **cls.window_of(e))


class ChecklistRowOut(Out):
    user_id: int
    name: str
    came: bool | None = Field(description="null: not marked yet")
    former: bool


class ChecklistOut(Out):
    """Who said yes to a date that has started, and who of them came.  Before the date
    starts ``started`` is false and ``rows`` empty: marks can be set once it has."""

    event_id: int
    occurrence_id: int
    starts_at: datetime
    local_start: LocalTime
    started: bool
    came: int
    marked: int
    rows: list[ChecklistRowOut]

    @classmethod
    def of(cls, c: Checklist) -> ChecklistOut:
        return cls(
            event_id=c.event_id,
            occurrence_id=c.occurrence_id,
            starts_at=c.starts_at,
            local_start=c.local_start,
            started=True,
            came=c.came,
            marked=c.marked,
            rows=[
                ChecklistRowOut(user_id=r.user_id, name=r.name, came=r.came, former=r.former)
                for r in c.rows
            ],
        )


class MarkIn(In):
    user_id: Id
    came: bool | None = Field(description="null clears the mark")


class AttendanceIn(In):
    marks: list[MarkIn] = Field(max_length=MAX_MARKS)


class InsightSettingsOut(Out):
    member_stats: bool = Field(description="organizers see each member's statistics")
    can_change_privacy: bool = Field(description="the viewer (the owner) may switch it")
    digest_weekday: int = Field(ge=0, le=6, description="0 = Monday")
    digest_time: str = Field(description="HH:MM in the team's zone")
    subscribed: bool = Field(description="the viewer gets the weekly digest")

    @classmethod
    def of(cls, s: InsightSettings) -> InsightSettingsOut:
        return cls(
            member_stats=s.member_stats,
            can_change_privacy=s.can_change_privacy,
            digest_weekday=s.digest_weekday,
            digest_time=s.digest_time.strftime("%H:%M"),
            subscribed=s.subscribed,
        )


class InsightSettingsIn(In):
    member_stats: bool
