"""Presses on reminder buttons: ✅ / ❌ answers (``c``) and ⏰ snoozes (``z``).

The press is answered with a short notification; after an answer the pressed message
is edited in the same call (a personal message shows the person's answer, a chat
message the live counts), and after a snooze it says until when.  Who may answer is
the answer service's rule; pressing again what is already recorded is answered
"already" and changes nothing.  A cancelled event's buttons say it was cancelled (by
whom and when, if known).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from maxremind.bot.context import MAX_TEXT, Ctx
from maxremind.bot.router import Router
from maxremind.domain.ids import digits
from maxremind.domain.models import Answer
from maxremind.domain.timefmt import format_when
from maxremind.services.answers import AnswerOutcome, AnswerResult, Cancelled

_REFUSALS = {
    AnswerOutcome.NOT_INVITED: "answer_not_invited",
    AnswerOutcome.OVER: "event_over",
    AnswerOutcome.STALE: "stale_button",
    AnswerOutcome.TOO_LATE: "snooze_too_late",
}


def _occurrence(ctx: Ctx) -> tuple[int, str] | None:
    args = ctx.extras["args"]
    if len(args) != 2 or not digits(args[0]):
        return None
    return int(args[0]), args[1]


async def _refuse(ctx: Ctx, result: AnswerResult) -> None:
    if result.outcome is AnswerOutcome.CANCELLED:
        await ctx.notify(cancelled_text(ctx, result.cancelled or Cancelled()))
        return
    await ctx.notify(ctx.t(_REFUSALS.get(result.outcome, "stale_button")))


def cancelled_text(ctx: Ctx, cancelled: Cancelled) -> str:
    """ "This event was cancelled", naming by whom and when when that is known."""
    if cancelled.at is None:
        return ctx.t("press_event_cancelled")
    when = format_when(
        cancelled.at,
        ZoneInfo(ctx.user.timezone or ctx.services.default_timezone),
        ctx.lang.value,
        now=ctx.services.answers.clock(),
    )
    if cancelled.by is None:
        return ctx.t("press_event_cancelled_at", when=when)
    return ctx.t("press_event_cancelled_by", name=cancelled.by[:60], when=when)


def _shown(ctx: Ctx, result: AnswerResult) -> str:
    assert result.snoozed_until is not None
    return format_when(
        result.snoozed_until,
        ZoneInfo(result.zone or "UTC"),
        ctx.lang.value,
        now=ctx.services.answers.clock(),
    )


async def on_answer(ctx: Ctx) -> None:
    parsed = _occurrence(ctx)
    if parsed is None or parsed[1] not in {a.value for a in Answer}:
        await ctx.notify(ctx.t("stale_button"))
        return
    occurrence_id, value = parsed
    answers = ctx.services.answers
    result = await answers.answer(
        occurrence_id, ctx.user.user_id, Answer(value), chat_id=ctx.chat_id
    )
    if result.outcome is AnswerOutcome.ALREADY:
        await ctx.notify(ctx.t(f"answer_already_{value}"))
        return
    if result.outcome is not AnswerOutcome.SAVED:
        await _refuse(ctx, result)
        return
    message = ctx.extras.get("message")
    edited = None if message is None else await answers.message_after_press(message.body.mid)
    await ctx.answer_press(ctx.t(f"answer_saved_{value}"), message=edited)


async def on_snooze(ctx: Ctx) -> None:
    parsed = _occurrence(ctx)
    if parsed is None:
        await ctx.notify(ctx.t("stale_button"))
        return
    occurrence_id, choice = parsed
    message = ctx.extras.get("message")
    answers = ctx.services.answers
    result = await answers.snooze(
        occurrence_id,
        ctx.user.user_id,
        choice,
        chat_id=ctx.chat_id,
        source=None if message is None else message.body.mid,
    )
    if result.outcome is AnswerOutcome.ALREADY and result.snoozed_until is not None:
        await ctx.notify(ctx.t("snooze_already", when=_shown(ctx, result)))
        return
    if result.outcome is not AnswerOutcome.SAVED or result.snoozed_until is None:
        await _refuse(ctx, result)
        return
    shown = _shown(ctx, result)
    note = ctx.t("snoozed_until", when=shown)
    # The message itself says it is snoozed (a toast is gone in a second): the reminder
    # redrawn with a line added, or, for a message that is not one of ours, a reply.
    rendered = None if message is None else await answers.message_after_press(message.body.mid)
    if rendered is None:
        await ctx.notify(ctx.t("snooze_saved", when=shown))
        await ctx.reply(note)
        return
    text = f"{rendered.text}\n\n{note}" if rendered.text else note
    edited = rendered.model_copy(
        update={"text": text[-MAX_TEXT:] if len(text) > MAX_TEXT else text}
    )
    await ctx.answer_press(ctx.t("snooze_saved", when=shown), message=edited)


def register(router: Router) -> None:
    # An answer may be changed back and forth on one message: the answer service keeps
    # the press idempotent by the answer recorded (see AnswerService.answer).
    router.action("c", on_answer, once=False)
    router.action("z", on_snooze)
