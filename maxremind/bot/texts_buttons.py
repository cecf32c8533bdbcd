"""Texts of button presses: a press repeated, a cancelled event's buttons, a snooze shown
in the message, /events in a group chat, the roster members may see.

Added to the shared table on import; Russian first, English second, same placeholders.
"""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts

RU, EN = Language.RU, Language.EN

TEXTS: dict[str, dict[Language, str]] = {
    "press_already_done": {
        RU: "Уже сделано ✓ Повторное нажатие ничего не меняет.",
        EN: "Already done ✓ Pressing again changes nothing.",
    },
    "answer_already_yes": {
        RU: "Уже записано: вы будете ✅",
        EN: "Already noted: you'll be there ✅",
    },
    "answer_already_no": {
        RU: "Уже записано: вы не сможете ❌",
        EN: "Already noted: you can't make it ❌",
    },
    "answer_already_maybe": {
        RU: "Уже записано: может быть 🤔",
        EN: "Already noted: maybe 🤔",
    },
    "snooze_already": {
        RU: "Уже отложено: напомню {when}",
        EN: "Already snoozed: I'll remind you {when}",
    },
    "snoozed_until": {
        RU: "⏰ Отложено: напомню ещё раз {when}.",
        EN: "⏰ Snoozed: I'll remind you again {when}.",
    },
    "press_event_cancelled": {
        RU: "Это событие отменено.",
        EN: "This event was cancelled.",
    },
    "press_event_cancelled_at": {
        RU: "Это событие отменено {when}.",
        EN: "This event was cancelled {when}.",
    },
    "press_event_cancelled_by": {
        RU: "Это событие отменено: {name}, {when}.",
        EN: "This event was cancelled by {name} {when}.",
    },
    "chat_events_header": {
        RU: "📅 Ближайшие события команды «{team}» для этого чата:",
        EN: "📅 Upcoming events of the team “{team}” for this chat:",
    },
    "chat_events_empty": {
        RU: "У команды «{team}» нет предстоящих событий для этого чата.",
        EN: "The team “{team}” has no upcoming events for this chat.",
    },
    "chat_events_private": {
        RU: "Ваши события, ответы и подробности — в личном диалоге со мной: /events",
        EN: "Your own events, answers and details are in a private chat with me: /events",
    },
    "chat_events_unlinked": {
        RU: "Этот чат не привязан к команде. Ваши события — в личном диалоге со мной: /events",
        EN: "This chat is not linked to a team. Your events are in a private chat with me: /events",
    },
    "roster_flag": {RU: "👥 участники видят, кто идёт", EN: "👥 members see who is coming"},
    "roster_button_members": {RU: "👥 Кто идёт", EN: "👥 Who is coming"},
    "roster_button_show": {
        RU: "👁 Показывать участникам, кто идёт",
        EN: "👁 Let members see who is coming",
    },
    "roster_button_hide": {
        RU: "🙈 Скрыть от участников, кто идёт",
        EN: "🙈 Hide who is coming from members",
    },
    "roster_now_visible": {RU: "Список открыт участникам", EN: "Members can see the list"},
    "roster_now_hidden": {RU: "Список скрыт от участников", EN: "The list is hidden from members"},
    "roster_now_visible_long": {
        RU: "Теперь приглашённые на «{title}» видят, кто идёт: кнопка «👥 Кто идёт» в /events "
        "и команда /who.",
        EN: "People invited to “{title}” can now see who is coming: the “👥 Who is coming” "
        "button in /events and the /who command.",
    },
    "roster_now_hidden_long": {
        RU: "Кто идёт на «{title}», теперь видят только организаторы.",
        EN: "Only organizers now see who is coming to “{title}”.",
    },
}

add_texts(TEXTS)
