"""Who may answer a reminder, and whose answers count (the answer service's rules)."""

from __future__ import annotations

from datetime import datetime, timedelta

from maxremind.domain.models import Answer, ReminderSpec, ReminderTarget
from maxremind.services.answers import AnswerOutcome, AnswerService
from tests.engine.conftest import Env
from tests.engine.test_engine import spec

STRANGER = 999


def answers(env: Env) -> AnswerService:
    return AnswerService(env.storage, render=env.dispatcher.render, clock=env.clock)


async def quorum_event(env: Env) -> int:
    """Quorum 2; the silent are nudged 3 h before, the organizer summarised 1 h before."""
    reminders = (
        ReminderSpec(offset=timedelta(hours=3), target=ReminderTarget.UNANSWERED),
        ReminderSpec(offset=timedelta(hours=1), target=ReminderTarget.ORGANIZER_SUMMARY),
    )
    event = await env.events.create(spec(env, confirm_required=True, quorum=2, reminders=reminders))
    return (await env.storage.list_occurrences(event.id))[0].id


async def test_a_stranger_and_a_removed_member_are_refused_and_nothing_is_recorded(
    env: Env,
) -> None:
    occurrence_id = await quorum_event(env)
    await env.storage.upsert_user(STRANGER, name="Посторонний", username=None)
    removed = env.members[0]
    await env.storage.remove_member(env.team_id, removed)
    service = answers(env)
    for user_id in (STRANGER, removed):
        result = await service.answer(occurrence_id, user_id, Answer.YES)
        assert result.outcome is AnswerOutcome.NOT_INVITED
        snoozed = await service.snooze(occurrence_id, user_id, "15")
        assert snoozed.outcome is AnswerOutcome.NOT_INVITED
    assert await env.storage.list_confirmations(occurrence_id) == []
    assert [d for d in await env.storage.list_deliveries(occurrence_id) if d.kind == "snooze"] == []
    member = await service.answer(occurrence_id, env.members[1], Answer.YES)
    assert member.outcome is AnswerOutcome.SAVED


async def test_answers_from_outside_the_audience_neither_reach_the_quorum_nor_stop_nudges(
    env: Env,
) -> None:
    occurrence_id = await quorum_event(env)
    # Stored answers of people who are not (or no longer) in the audience: a stranger's
    # (written before this rule existed) and one of a member who then left the team.
    await env.storage.upsert_user(STRANGER, name="Посторонний", username=None)
    await env.storage.set_confirmation(
        occurrence_id, STRANGER, Answer.YES, comment="", at=env.clock()
    )
    leaver = env.members[0]
    await answers(env).answer(occurrence_id, leaver, Answer.YES)
    await env.storage.remove_member(env.team_id, leaver)
    await env.run_until(datetime.fromisoformat("2026-11-26T06:00:00+00:00"))
    nudged = sorted(s.user_id for s in env.sender.sent[:-1] if s.user_id is not None)
    assert nudged == sorted([env.owner, *env.members[1:]])  # quorum not reached: nudged
    summary = env.sender.to(env.owner)[-1]
    assert "✅ Будут (0)" in summary
    assert "Посторонний" not in summary and "Участник 1" not in summary
    assert "До кворума не хватает: 2 из 2" in summary


async def test_a_team_member_may_answer_from_a_chat_of_the_audience_but_a_stranger_may_not(
    env: Env,
) -> None:
    from maxremind.domain.models import AudienceEntry, AudienceKind

    chat = await env.storage.upsert_chat(-500, title="Склад", chat_type="chat", added_by=None)
    await env.storage.link_chat(chat.chat_id, env.team_id, None)
    event = await env.events.create(
        spec(env, confirm_required=True, audience=(AudienceEntry(AudienceKind.CHAT, -500),))
    )
    occurrence_id = (await env.storage.list_occurrences(event.id))[0].id
    await env.storage.upsert_user(STRANGER, name="Посторонний", username=None)
    service = answers(env)
    ok = await service.answer(occurrence_id, env.members[2], Answer.NO, chat_id=-500)
    assert ok.outcome is AnswerOutcome.SAVED
    not_there = await service.answer(occurrence_id, env.members[3], Answer.NO)  # not via chat
    assert not_there.outcome is AnswerOutcome.NOT_INVITED
    stranger = await service.answer(occurrence_id, STRANGER, Answer.YES, chat_id=-500)
    assert stranger.outcome is AnswerOutcome.NOT_INVITED
    assert [(c.user_id, c.answer) for c in await env.storage.list_confirmations(occurrence_id)] == [
        (env.members[2], Answer.NO)
    ]
