"""Why a reminder comes at another time than planned: quiet hours moved it earlier or
later, or its event was scheduled after the step's time (issue 15)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from maxremind.domain.models import Language
from maxremind.domain.timefmt import format_offset, format_when
from maxremind.i18n import add_texts, t

RU, EN = Language.RU, Language.EN

add_texts(
    {
        "timing_early": {
            RU: "🌙 Пришло раньше: по плану — {due}, но тогда у вас тихие часы ({quiet}).",
            EN: "🌙 Sent early: it was due {due}, during your quiet hours ({quiet}).",
        },
        "timing_held": {
            RU: "🌙 Пришло позже: по плану — {due}, но тогда у вас были тихие часы ({quiet}).",
            EN: "🌙 Sent late: it was due {due}, during your quiet hours ({quiet}).",
        },
        "timing_short_notice": {
            RU: "ℹ️ Событие назначено меньше чем {offset} до начала, поэтому напоминание "
            "пришло сейчас.",
            EN: "ℹ️ The event was scheduled less than {offset} the start, so this reminder "
            "comes now.",
        },
        "timing_short_notice_at": {
            RU: "ℹ️ Событие назначено позже времени этого напоминания, поэтому оно пришло сейчас.",
            EN: "ℹ️ The event was scheduled after this reminder's time, so it comes now.",
        },
    }
)


def timing_note(payload: dict[str, Any], lang: Language, tz: ZoneInfo, now: datetime) -> str | None:
    """The line a reminder carries when it does not come at its planned time (see
    :mod:`maxremind.engine.expand`), or None."""
    moved = payload.get("moved")
    if moved in ("early", "held"):
        due = format_when(datetime.fromtimestamp(payload["due"], UTC), tz, lang.value, now=now)
        return t(f"timing_{moved}", lang, due=due, quiet=payload.get("quiet", ""))
    if moved == "short_notice":
        offset = payload.get("offset")
        if offset is None:
            return t("timing_short_notice_at", lang)
        words = format_offset(timedelta(seconds=int(offset)), lang.value)
        return t("timing_short_notice", lang, offset=words)
    return None
