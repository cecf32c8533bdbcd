"""Texts of calendar feeds on the web (the Calendar section of ``/me``) and in the API, in
Russian and English."""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts

RU, EN = Language.RU, Language.EN

add_texts(
    {
        "web_cal_title": {RU: "Календарь", EN: "Calendar"},
        "web_cal_lead": {
            RU: "Подпишитесь на события в Яндекс Календаре, Google, Outlook или на телефоне: "
            "календарь сам подтянет изменения. Ссылка — как пароль: не пересылайте её.",
            EN: "Subscribe to the events in Yandex Calendar, Google, Outlook or on your phone: "
            "the calendar picks up changes by itself. The link is like a password: keep it.",
        },
        "web_cal_personal": {RU: "Мои события", EN: "My events"},
        "web_cal_personal_hint": {
            RU: "События, на которые вас позвали, с вашими ответами и напоминаниями.",
            EN: "The events you are invited to, with your answers and reminders.",
        },
        "web_cal_make_personal": {RU: "Получить ссылку", EN: "Get the link"},
        "web_cal_https": {RU: "Ссылка (https)", EN: "Link (https)"},
        "web_cal_webcal": {RU: "Открыть в календаре", EN: "Open in a calendar app"},
        "web_cal_copy": {RU: "Скопировать", EN: "Copy"},
        "web_cal_renew": {RU: "Новая ссылка", EN: "New link"},
        "web_cal_renew_confirm": {
            RU: "Старая ссылка перестанет работать. Продолжить?",
            EN: "The old link stops working. Continue?",
        },
        "web_cal_revoke": {RU: "Отключить", EN: "Revoke"},
        "web_cal_revoke_confirm": {
            RU: "Календарь «{title}» перестанет обновляться. Отключить?",
            EN: "“{title}” stops updating. Revoke it?",
        },
        "web_cal_shared": {RU: "Календари команд и групп", EN: "Team and group calendars"},
        "web_cal_shared_hint": {
            RU: "Календарь группы доступен её участникам, календарь всей команды — "
            "администраторам.",
            EN: "A group's calendar is for its members, a whole team's for its admins.",
        },
        "web_cal_none_shared": {RU: "Пока нет.", EN: "None yet."},
        "web_cal_add": {RU: "Добавить календарь", EN: "Add a calendar"},
        "web_cal_which": {RU: "Какой", EN: "Which"},
        "web_cal_team_feed": {RU: "Команда «{team}»", EN: "Team “{team}”"},
        "web_cal_group_feed": {RU: "{team}: группа «{group}»", EN: "{team}: group “{group}”"},
        "web_cal_feed_name": {RU: "Календарь", EN: "Calendar"},
        "web_cal_actions": {RU: "Действия", EN: "Actions"},
        "web_cal_err_choice": {
            RU: "Такой календарь вам недоступен.",
            EN: "That calendar is not available to you.",
        },
        "web_cal_err_too_many": {
            RU: "Слишком много календарей: отключите ненужные.",
            EN: "Too many calendars: revoke some first.",
        },
        "web_me_done_calendar": {
            RU: "Ссылка на календарь готова.",
            EN: "The calendar link is ready.",
        },
        "web_me_done_calendar_revoked": {RU: "Календарь отключён.", EN: "The calendar is revoked."},
    }
)
