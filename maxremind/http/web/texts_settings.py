"""Texts of the settings pages: the team's (``/t/<team>/settings``) and one's own
(``/me``), in Russian and English."""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts

RU, EN = Language.RU, Language.EN

add_texts(
    {
        # --- the team's settings ----------------------------------------------------------
        "web_settings_title": {RU: "Настройки команды", EN: "Team settings"},
        "web_settings_read_only": {
            RU: "Менять настройки команды могут администраторы и владелец.",
            EN: "Admins and the owner change the team's settings.",
        },
        "web_settings_clock": {RU: "Время", EN: "Time"},
        "web_settings_zone": {RU: "Часовой пояс команды", EN: "The team's time zone"},
        "web_settings_zone_hint": {
            RU: "По нему назначаются события и объявления; у кого свой пояс — "
            "получают напоминания по своему времени.",
            EN: "Events and announcements are set in it; people with a zone of their own "
            "are reminded on their own clock.",
        },
        "web_settings_zones_common": {RU: "Россия", EN: "Russia"},
        "web_settings_zones_other": {RU: "Другие", EN: "Others"},
        "web_settings_quiet": {RU: "Тихие часы команды", EN: "The team's quiet hours"},
        "web_settings_quiet_hint": {
            RU: "Например 22:00-08:00: напоминания в это время ждут утра (кроме срочных). "
            "Пусто — без тихих часов. Свои тихие часы человека важнее.",
            EN: "Like 22:00-08:00: reminders due then wait for the morning (urgent ones "
            "do not). Empty: none. A person's own quiet hours come first.",
        },
        "web_settings_quiet_none": {RU: "нет", EN: "none"},
        "web_settings_defaults": {
            RU: "Напоминания по умолчанию",
            EN: "Default reminders",
        },
        "web_settings_defaults_lead": {
            RU: "Что предлагается для нового события; у каждого события их можно изменить.",
            EN: "What a new event starts with; each event can change them.",
        },
        "web_settings_reminders": {RU: "Напомнить всем", EN: "Remind everyone"},
        "web_settings_reminders_hint": {
            RU: "Например: за 1 день, за 1 час. Пусто — без напоминаний по умолчанию.",
            EN: "Like: 1 day, 1 hour. Empty: no default reminders.",
        },
        "web_settings_chase": {
            RU: "Повторить тем, кто не ответил",
            EN: "Remind again those who have not answered",
        },
        "web_settings_chase_hint": {
            RU: "Для событий с подтверждением. Например: за 3 часа.",
            EN: "For events asking to confirm. Like: 3 hours.",
        },
        "web_settings_summary": {
            RU: "Сообщить организатору, кто не ответил",
            EN: "Tell the organizer who has not answered",
        },
        "web_settings_summary_hint": {
            RU: "Для событий с подтверждением. Например: за 1 час.",
            EN: "For events asking to confirm. Like: 1 hour.",
        },
        "web_settings_none": {RU: "не задано", EN: "not set"},
        "web_settings_short_notice": {
            RU: "Напоминание, время которого прошло до создания события",
            EN: "A reminder due before its event was made",
        },
        "web_settings_short_notice_hint": {
            RU: "Например, «за 1 день» для события, созданного на завтрашнее утро.",
            EN: "Like “1 day before” an event made for tomorrow morning.",
        },
        "web_settings_short_notice_send": {
            RU: "Прислать сразу, с пометкой, что событие назначено позже",
            EN: "Send it at once, saying the event was scheduled at short notice",
        },
        "web_settings_short_notice_skip": {
            RU: "Пропустить (придут только следующие напоминания)",
            EN: "Skip it (only the later reminders come)",
        },
        "web_settings_save": {RU: "Сохранить", EN: "Save"},
        "web_settings_personal": {
            RU: "Мои личные настройки: язык, часовой пояс, токены API →",
            EN: "My own settings: language, time zone, API tokens →",
        },
        "web_settings_saved": {RU: "Сохранено.", EN: "Saved."},
        "web_settings_has_errors": {
            RU: "Проверьте поля, отмеченные ниже.",
            EN: "Please check the fields marked below.",
        },
        "web_settings_err_zone": {
            RU: "Выберите часовой пояс из списка.",
            EN: "Pick a time zone from the list.",
        },
        "web_settings_err_quiet": {
            RU: "Тихие часы пишутся так: 22:00-08:00.",
            EN: "Quiet hours look like 22:00-08:00.",
        },
        "web_settings_err_offsets": {
            RU: "Не понял. Пример: за 1 день, за 2 часа, за 15 минут.",
            EN: "Not understood. For example: 1 day, 2 hours, 15 minutes.",
        },
        "web_settings_err_far": {
            RU: "Не раньше чем за год.",
            EN: "At most a year before.",
        },
        "web_settings_err_many": {
            RU: "Не больше {limit}.",
            EN: "At most {limit}.",
        },
        "web_settings_err_twice": {
            RU: "Один и тот же срок указан дважды.",
            EN: "The same time is given twice.",
        },
        # --- my settings ------------------------------------------------------------------
        "web_me_title": {RU: "Мои настройки", EN: "My settings"},
        "web_me_lead": {
            RU: "Эти настройки ваши и действуют во всех ваших командах, как /lang, /tz и "
            "/quiet в боте.",
            EN: "These are yours, in all your teams, like /lang, /tz and /quiet in the bot.",
        },
        "web_me_language": {RU: "Язык", EN: "Language"},
        "web_me_lang_ru": {RU: "Русский", EN: "Русский (Russian)"},
        "web_me_lang_en": {RU: "English (английский)", EN: "English"},
        "web_me_save_language": {RU: "Сменить язык", EN: "Change language"},
        "web_me_err_language": {
            RU: "Такого языка нет: выберите русский или английский.",
            EN: "No such language: pick Russian or English.",
        },
        "web_me_clock": {RU: "Время и тихие часы", EN: "Time zone and quiet hours"},
        "web_me_zone": {RU: "Мой часовой пояс", EN: "My time zone"},
        "web_me_zone_team": {
            RU: "Как у команды",
            EN: "The team's",
        },
        "web_me_zone_hint": {
            RU: "Напоминания приходят по этому времени.",
            EN: "Reminders come on this clock.",
        },
        "web_me_quiet": {RU: "Мои тихие часы", EN: "My quiet hours"},
        "web_me_quiet_hint": {
            RU: "Например 22:00-08:00. Пусто — как у команды.",
            EN: "Like 22:00-08:00. Empty: the team's.",
        },
        "web_me_save_clock": {RU: "Сохранить", EN: "Save"},
        "web_me_done_language": {RU: "Язык изменён.", EN: "Language changed."},
        "web_me_done_clock": {RU: "Сохранено.", EN: "Saved."},
        "web_me_done_revoked": {RU: "Токен отозван.", EN: "The token is revoked."},
        # tokens
        "web_me_tokens": {RU: "Токены API", EN: "API tokens"},
        "web_me_tokens_lead": {
            RU: "Токен даёт программе доступ к API от вашего имени, в одной команде, "
            "с вашей ролью в ней: заголовок «Authorization: Bearer <токен>».",
            EN: "A token lets a program use the API as you, in one team, with your role "
            "there: the header “Authorization: Bearer <token>”.",
        },
        "web_me_no_tokens": {RU: "Токенов нет.", EN: "No tokens."},
        "web_me_token_name": {RU: "Название", EN: "Name"},
        "web_me_token_team": {RU: "Команда", EN: "Team"},
        "web_me_token_created": {RU: "Создан", EN: "Created"},
        "web_me_token_used": {RU: "Последнее использование", EN: "Last used"},
        "web_me_token_never": {RU: "не использовался", EN: "never"},
        "web_me_token_revoke": {RU: "Отозвать", EN: "Revoke"},
        "web_me_token_revoke_confirm": {
            RU: "Отозвать токен «{name}»? Программы с ним перестанут работать.",
            EN: "Revoke the token “{name}”? Programs using it stop working.",
        },
        "web_me_token_actions": {RU: "Действия", EN: "Actions"},
        "web_me_new_token": {RU: "Новый токен", EN: "New token"},
        "web_me_token_name_hint": {
            RU: "Чтобы потом понять, где он используется: «скрипт отдела кадров».",
            EN: "To tell later where it is used: “HR script”.",
        },
        "web_me_create_token": {RU: "Создать токен", EN: "Create token"},
        "web_me_token_created_title": {RU: "Токен создан", EN: "Token created"},
        "web_me_token_once": {
            RU: "Скопируйте его сейчас: он показан один раз и больше не будет виден.",
            EN: "Copy it now: it is shown once and never again.",
        },
        "web_me_copy": {RU: "Скопировать", EN: "Copy"},
        "web_me_err_token_name": {
            RU: "Дайте токену название (до {limit} символов).",
            EN: "Name the token (up to {limit} characters).",
        },
        "web_me_err_token_team": {
            RU: "Выберите одну из ваших команд.",
            EN: "Pick one of your teams.",
        },
        "web_me_err_too_many": {
            RU: "Токенов слишком много — отзовите ненужные.",
            EN: "Too many tokens: revoke those you do not need.",
        },
        "web_me_no_teams": {
            RU: "Токен привязан к команде, а вы пока ни в одной не состоите.",
            EN: "A token belongs to a team, and you are in none yet.",
        },
        # sessions
        "web_me_sessions": {RU: "Где выполнен вход", EN: "Where you are signed in"},
        "web_me_session_started": {RU: "Вход", EN: "Signed in"},
        "web_me_session_seen": {RU: "Последняя активность", EN: "Last active"},
        "web_me_session_via": {RU: "Как", EN: "How"},
        "web_me_session_device": {RU: "Браузер", EN: "Browser"},
        "web_me_via_link": {RU: "ссылка из бота", EN: "link from the bot"},
        "web_me_via_miniapp": {RU: "мини-приложение MAX", EN: "MAX mini-app"},
        "web_me_this_device": {RU: "это устройство", EN: "this device"},
        "web_me_unknown_device": {RU: "неизвестно", EN: "unknown"},
        "web_me_sign_out_everywhere": {
            RU: "Выйти на всех устройствах",
            EN: "Sign out everywhere",
        },
        "web_me_sign_out_everywhere_hint": {
            RU: "Завершит все входы, включая этот. Токены API продолжат работать.",
            EN: "Ends every session, this one too. API tokens keep working.",
        },
        "web_me_sign_out_confirm": {
            RU: "Выйти на всех устройствах?",
            EN: "Sign out on every device?",
        },
    }
)
