"""Texts of the calendar import pages (``web_calimp_``) and of an event a subscribed
calendar owns, in Russian and English."""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts
from maxremind.services import texts_calendar_import as _shared  # noqa: F401 (reasons)

RU, EN = Language.RU, Language.EN

add_texts(
    {
        "web_calimp_title": {RU: "Импорт календаря", EN: "Calendar import"},
        "web_calimp_lead": {
            RU: "События из Яндекс Календаря, Outlook, Google Календаря или телефона: "
            "загрузите файл .ics или подпишите команду на ссылку календаря — maxremind "
            "напомнит о них в MAX и соберёт подтверждения.",
            EN: "Events from Yandex Calendar, Outlook, Google Calendar or a phone: upload an "
            ".ics file or subscribe the team to a calendar's address, and maxremind reminds "
            "people of them in MAX and collects their answers.",
        },
        "web_calimp_upload": {RU: "Загрузить файл", EN: "Upload a file"},
        "web_calimp_file": {RU: "Файл .ics", EN: ".ics file"},
        "web_calimp_file_hint": {
            RU: "До 2 МБ и 2000 событий. Тот же файл можно загрузить снова: изменения "
            "применятся, а отменённые в нём события отменятся.",
            EN: "Up to 2 MB and 2,000 events. Upload the same file again to apply its "
            "changes; events cancelled in it are cancelled here.",
        },
        "web_calimp_subscribe": {RU: "Подписаться на календарь", EN: "Subscribe to a calendar"},
        "web_calimp_url": {RU: "Ссылка на календарь (.ics)", EN: "Calendar address (.ics)"},
        "web_calimp_url_hint": {
            RU: "Ссылка iCal/ICS из настроек календаря (webcal:// тоже подходит). События "
            "календаря в maxremind только для чтения: меняйте их в самом календаре.",
            EN: "The iCal/ICS address from the calendar's settings (webcal:// works too). "
            "Its events are read-only in maxremind: change them in the calendar itself.",
        },
        "web_calimp_refresh": {RU: "Обновлять каждые (минут)", EN: "Refresh every (minutes)"},
        "web_calimp_where": {RU: "Для кого", EN: "For whom"},
        "web_calimp_whole_team": {RU: "Вся команда", EN: "The whole team"},
        "web_calimp_alarms": {
            RU: "Напоминать по напоминаниям самого календаря (иначе — по умолчаниям команды)",
            EN: "Remind as the calendar's own alarms say (otherwise the team's defaults)",
        },
        "web_calimp_do_upload": {RU: "Загрузить", EN: "Upload"},
        "web_calimp_do_subscribe": {RU: "Подписаться", EN: "Subscribe"},
        "web_calimp_sources": {RU: "Календари команды", EN: "The team's calendars"},
        "web_calimp_none": {RU: "Пока ничего не импортировано.", EN: "Nothing imported yet."},
        "web_calimp_kind_upload": {RU: "Загруженные файлы", EN: "Uploaded files"},
        "web_calimp_kind_url": {RU: "Подписка", EN: "Subscription"},
        "web_calimp_for": {RU: "Для", EN: "For"},
        "web_calimp_last_ok": {RU: "Последнее обновление", EN: "Last update"},
        "web_calimp_next": {RU: "Следующее", EN: "Next"},
        "web_calimp_never": {RU: "ещё не было", EN: "not yet"},
        "web_calimp_every": {RU: "каждые {minutes} мин", EN: "every {minutes} min"},
        "web_calimp_error": {RU: "Ошибка", EN: "Error"},
        "web_calimp_kept": {
            RU: "Последнее удачное состояние сохранено.",
            EN: "The last good state is kept.",
        },
        "web_calimp_left_out": {RU: "Не импортировано", EN: "Left out"},
        "web_calimp_notes": {RU: "Заметки", EN: "Notes"},
        "web_calimp_refresh_now": {RU: "Обновить сейчас", EN: "Refresh now"},
        "web_calimp_remove": {RU: "Удалить", EN: "Remove"},
        "web_calimp_remove_confirm": {
            RU: "Перестать импортировать из этого календаря? Уже созданные события останутся "
            "и станут обычными событиями команды.",
            EN: "Stop importing from this calendar? The events it made stay, as ordinary "
            "events of the team.",
        },
        "web_calimp_done_upload": {RU: "Файл импортирован.", EN: "The file was imported."},
        "web_calimp_done_subscribe": {RU: "Подписка добавлена.", EN: "Subscription added."},
        "web_calimp_done_refresh": {RU: "Календарь обновлён.", EN: "The calendar was refreshed."},
        "web_calimp_done_removed": {RU: "Календарь удалён.", EN: "The calendar was removed."},
        "web_calimp_err_file": {RU: "Выберите файл .ics.", EN: "Choose an .ics file."},
        "web_calimp_err_group": {RU: "Нет такой группы.", EN: "No such group."},
        "web_calimp_link": {RU: "Импорт из календаря", EN: "Import from a calendar"},
        # An event a subscribed calendar owns, refused by the events service.
        "web_events_rejected_from_calendar": {
            RU: "Это событие из календаря по подписке: меняйте его в самом календаре, "
            "изменения придут при следующем обновлении.",
            EN: "This event comes from a subscribed calendar: change it in the calendar "
            "itself; the change arrives with the next refresh.",
        },
        "web_api_event_from_calendar": {
            RU: "Событие принадлежит календарю по подписке; меняйте его в самом календаре.",
            EN: "The event belongs to a subscribed calendar; change it in the calendar itself.",
        },
    }
)
