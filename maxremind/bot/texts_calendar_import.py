"""What the bot says about calendar files sent to it, in Russian and English."""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts

RU, EN = Language.RU, Language.EN

add_texts(
    {
        "calimp_bot_not_ics": {
            RU: "Я понимаю только файлы календаря .ics: пришлите экспорт из Яндекс "
            "Календаря, Outlook или Google Календаря, и я добавлю его события в команду.",
            EN: "I only take .ics calendar files: send an export from Yandex Calendar, "
            "Outlook or Google Calendar and I will add its events to the team.",
        },
        "calimp_bot_no_team": {
            RU: "Сначала выберите команду: /teams.",
            EN: "Choose a team first: /teams.",
        },
        "calimp_bot_accepted": {
            RU: "📥 Файл получен, импортирую его в команду «{team}»… "
            "Пришлю итог, как только закончу.",
            EN: "📥 Got the file, importing it into “{team}”… "
            "I will send the result as soon as it is done.",
        },
        "calimp_bot_failed": {
            RU: "Календарь не импортирован: что-то сломалось у нас ({detail}). "
            "Попробуйте прислать файл ещё раз позже.",
            EN: "The calendar was not imported: something broke on our side ({detail}). "
            "Please send the file again later.",
        },
        "calimp_bot_done": {
            RU: "📅 Календарь импортирован в команду «{team}».",
            EN: "📅 The calendar was imported into “{team}”.",
        },
        "calimp_bot_refused": {
            RU: "Календарь не импортирован: {reason}",
            EN: "The calendar was not imported: {reason}",
        },
        "calimp_bot_more": {
            RU: "…и ещё {count}. Всё — на странице импорта:",
            EN: "…and {count} more. All of it on the import page:",
        },
        "calimp_bot_page": {RU: "Импорт календаря", EN: "Calendar import"},
        "calimp_bot_unavailable": {
            RU: "Импорт календарей здесь недоступен.",
            EN: "Calendar import is not available here.",
        },
    }
)
