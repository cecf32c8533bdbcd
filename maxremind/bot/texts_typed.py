"""Texts about what people type (Russian first, English second): times that cannot be,
names with spaces, and which team an answer is about."""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts

RU, EN = Language.RU, Language.EN

TEXTS: dict[str, dict[Language, str]] = {
    # --- times that cannot be -----------------------------------------------------------
    "ev_time_negative": {
        RU: "Время не может быть отрицательным: «через -5 минут» — это уже в прошлом. "
        "Напишите, например: «через 5 минут».",
        EN: "A time cannot be negative: “in -5 minutes” is already past. "
        "Write, for example: “in 5 minutes”.",
    },
    "ev_offset_negative": {
        RU: "Напоминание не может быть «за» отрицательное время. Напишите, например: "
        "«за 15 минут» или «в момент начала».",
        EN: "A reminder cannot come a negative time before the start. Write, for example: "
        "“15 minutes before” or “at start”.",
    },
    "ev_time_no_such_date": {
        RU: "Такой даты нет: {date}. Проверьте число и месяц.",
        EN: "There is no such date: {date}. Please check the day and the month.",
    },
    "ev_time_no_such_date_bare": {
        RU: "Такой даты нет. Проверьте число и месяц.",
        EN: "There is no such date. Please check the day and the month.",
    },
    # --- names with spaces, names several things share --------------------------------
    "aud_which": {
        RU: "«{token}» — так называется несколько адресатов. Кого вы имели в виду?",
        EN: "“{token}” could mean several recipients. Which one do you mean?",
    },
    "aud_kind_group": {RU: "группа «{name}»", EN: "group “{name}”"},
    "aud_kind_tag": {RU: "тег «{name}»", EN: "tag “{name}”"},
    "aud_kind_chat": {RU: "чат «{name}»", EN: "chat “{name}”"},
    "aud_kind_member": {RU: "{name}", EN: "{name}"},
    "aud_kind_team": {RU: "вся команда", EN: "the whole team"},
    "ev_audience_chat_button": {RU: "💬 {name}", EN: "💬 {name}"},
    # --- which team: switching says so, answers name it ---------------------------------
    "team_switched": {
        RU: "Текущая команда теперь «{name}» (была «{previous}»): /members, /events, "
        "/event, /notify и другие команды относятся к ней. Переключиться: /team",
        EN: "Your current team is now “{name}” (was “{previous}”): /members, /events, "
        "/event, /notify and other commands apply to it. To switch: /team",
    },
    "team_switched_first": {
        RU: "Текущая команда теперь «{name}»: /members, /events, /event, /notify и другие "
        "команды относятся к ней. Переключиться: /team",
        EN: "Your current team is now “{name}”: /members, /events, /event, /notify and "
        "other commands apply to it. To switch: /team",
    },
    "team_already_current": {
        RU: "«{name}» и так текущая команда. Другие команды: /team",
        EN: "“{name}” is already your current team. Your other teams: /team",
    },
    "team_pick": {
        RU: "Сейчас команды относятся к «{name}». Переключиться на другую:",
        EN: "Commands now apply to “{name}”. Switch to another team:",
    },
    "team_pick_none": {
        RU: "К какой команде будут относиться команды? Выберите:",
        EN: "Which team should commands apply to? Choose:",
    },
    "team_pick_footer": {
        RU: "Новая команда: /team Название",
        EN: "A new team: /team Name",
    },
    "team_line": {RU: "👥 Команда «{team}»", EN: "👥 Team “{team}”"},
    "ev_list_page": {RU: "стр. {page} из {pages}", EN: "page {page} of {pages}"},
    "ev_list_prev": {RU: "◀️ Назад", EN: "◀️ Back"},
    "ev_list_next": {RU: "Дальше ▶️", EN: "Next ▶️"},
    "ev_list_by": {RU: "👤 {name}", EN: "👤 {name}"},
}

add_texts(TEXTS)
