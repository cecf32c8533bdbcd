"""Presses on reminder buttons: ✅ / ❌ answers (``c``) and ⏰ snoozes (``z``).

The press is answered with a short notification; after an answer the pressed message
is edited in the same call (a personal message shows the person's answer, a chat
message the live counts).  Who may answer is the answer service's rule.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from maxremind.bot.context import Ctx
from maxremind.bot.router import Router
from maxremind.domain.ids import digits
from maxremind.domain.models import Answer
from maxremind.domain.timefmt import format_when
from maxremind.services.answers import AnswerOutcome, AnswerResult

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
    await ctx.notify(ctx.t(_REFUSALS.get(result.outcome, "stale_button")))


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
    result = await ctx.services.answers.snooze(
        occurrence_id, ctx.user.user_id, choice, chat_id=ctx.chat_id
    )
    if result.outcome is not AnswerOutcome.SAVED or result.snoozed_until is None:
        await _refuse(ctx, result)
        return
    shown = format_when(
        result.snoozed_until,
        ZoneInfo(result.zone or "UTC"),
        ctx.lang.value,
        now=ctx.services.answers.clock(),
    )
    await ctx.notify(ctx.t("snooze_saved", when=shown))


def register(router: Router) -> None:
    router.action("c", on_answer)
    router.action("z", on_snooze)
