"""Texts of the web layout, sign-in and errors, in Russian and English (the bot's catalog:
:func:`maxremind.i18n.t`; page modules add theirs the same way, keys start with ``web_``)."""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts

RU, EN = Language.RU, Language.EN

add_texts(
    {
        "web_product": {RU: "MAX Уведомления", EN: "MAX Reminders"},
        "web_nav_dashboard": {RU: "Сводка", EN: "Dashboard"},
        "web_nav_events": {RU: "События", EN: "Events"},
        "web_nav_people": {RU: "Люди", EN: "People"},
        "web_nav_announcements": {RU: "Объявления", EN: "Announcements"},
        "web_nav_settings": {RU: "Настройки", EN: "Settings"},
        "web_nav_insights": {RU: "Статистика", EN: "Insights"},
        "web_nav_instance": {RU: "Сервер", EN: "Instance"},
        "web_nav_me": {RU: "Мой профиль", EN: "My profile"},
        "web_team_switch": {RU: "Команда", EN: "Team"},
        "web_switch": {RU: "Перейти", EN: "Go"},
        "web_sign_out": {RU: "Выйти", EN: "Sign out"},
        "web_sign_out_everywhere": {RU: "Выйти на всех устройствах", EN: "Sign out everywhere"},
        "web_language": {RU: "English", EN: "Русский"},
        "web_skip": {RU: "К содержимому", EN: "Skip to content"},
        "web_main_nav": {RU: "Разделы", EN: "Sections"},
        "web_live_paused": {
            RU: "Обновление приостановлено — нет связи",
            EN: "Live updates paused — no connection",
        },
        # sign-in
        "web_login_title": {RU: "Вход", EN: "Sign in"},
        "web_login_how": {
            RU: "Напишите боту {bot} команду /web — он пришлёт одноразовую ссылку для входа "
            "(действует 10 минут) и кнопку, открывающую это приложение прямо в MAX.",
            EN: "Send /web to the bot {bot}: it answers with a one-time sign-in link (valid for "
            "10 minutes) and a button that opens this app right inside MAX.",
        },
        "web_login_code": {RU: "Код из ссылки", EN: "Code from the link"},
        "web_login_button": {RU: "Войти", EN: "Sign in"},
        "web_login_working": {RU: "Входим…", EN: "Signing in…"},
        "web_login_bad_link": {
            RU: "Ссылка не подошла: она одноразовая и действует 10 минут. Попросите новую "
            "командой /web в боте.",
            EN: "That link did not work: it works once and for 10 minutes. Ask the bot for a "
            "new one with /web.",
        },
        "web_landing_lead": {
            RU: "Напоминания команде о событиях, подтверждения и повторные напоминания тем, "
            "кто не ответил.",
            EN: "Reminders for your team's events, confirmations, and nudges for those who "
            "have not answered.",
        },
        "web_no_team": {
            RU: "Вы пока не в команде. Создайте её в боте командой /team Название или "
            "откройте приглашение от руководителя.",
            EN: "You are not in a team yet. Create one in the bot with /team Name, or open "
            "the invite link from your lead.",
        },
        # errors
        "web_error_title": {RU: "Ошибка {code}", EN: "Error {code}"},
        "web_back_home": {RU: "На главную", EN: "Back to the start"},
        "web_sign_in_needed": {RU: "Нужно войти.", EN: "Please sign in."},
        "web_bad_token": {
            RU: "API-токен не подошёл: он неверен или отозван.",
            EN: "The API token was not accepted: it is wrong or revoked.",
        },
        "web_not_found": {
            RU: "Такой страницы нет или у вас нет к ней доступа.",
            EN: "There is no such page, or you have no access to it.",
        },
        "web_forbidden": {RU: "Это вам недоступно.", EN: "You may not do this."},
        "web_role_needed": {
            RU: "Для этого нужна роль «{role}» в команде.",
            EN: "This needs the “{role}” role in the team.",
        },
        "web_admin_only": {
            RU: "Эта страница — только для администраторов сервера (MAXREMIND_ADMIN_IDS).",
            EN: "This page is for instance admins only (MAXREMIND_ADMIN_IDS).",
        },
        "web_csrf": {
            RU: "Запрос отклонён: форма устарела или отправлена с другого сайта. Обновите "
            "страницу и попробуйте снова.",
            EN: "Request refused: the form is stale or came from another site. Reload the "
            "page and try again.",
        },
        "web_too_large": {RU: "Слишком большой запрос.", EN: "The request is too large."},
        "web_token_not_for_pages": {
            RU: "API-токен работает только с API (/api/v1/…). Страницы открывайте в браузере "
            "после входа по ссылке из бота.",
            EN: "An API token works only with the API (/api/v1/…). Open the pages in a "
            "browser after signing in with a link from the bot.",
        },
        "web_too_many_attempts": {
            RU: "Слишком много попыток. Подождите минуту.",
            EN: "Too many attempts. Wait a minute.",
        },
        "web_bad_json": {RU: "Тело запроса — не JSON.", EN: "The request body is not JSON."},
        "web_conflict": {
            RU: "Такое уже есть или его только что изменил кто-то другой.",
            EN: "This already exists, or someone else has just changed it.",
        },
        "web_invite_unusable": {
            RU: "Приглашение больше не действует.",
            EN: "This invite no longer works.",
        },
        "web_refused": {RU: "Не получилось: {reason}", EN: "Could not do it: {reason}"},
        "web_invalid": {RU: "Проверьте поля формы.", EN: "Please check the form fields."},
        "web_miniapp_signing_in": {RU: "Вход…", EN: "Signing in…"},
        "web_miniapp_checking": {
            RU: "Проверяем, кто вы в MAX.",
            EN: "Checking who you are in MAX.",
        },
        "web_miniapp_error": {
            RU: "Не удалось войти. Закройте приложение и откройте его снова из бота.",
            EN: "Could not sign in. Close the app and open it again from the bot.",
        },
        "web_miniapp_offline": {
            RU: "Нет связи с сервером. Проверьте сеть и попробуйте снова.",
            EN: "No connection to the server. Check the network and try again.",
        },
        "web_miniapp_not_in_max": {
            RU: "Эта страница выполняет вход, когда MAX открывает её как мини-приложение. "
            "Откройте её из бота: отправьте /web и нажмите «Открыть в MAX».",
            EN: "This page signs you in when MAX opens it as a mini-app. Open it from the "
            "bot: send /web and press “Open in MAX”.",
        },
        "web_miniapp_noscript": {
            RU: "Для входа в мини-приложение нужен JavaScript. Можно войти и в браузере: "
            "отправьте боту /web и откройте одноразовую ссылку.",
            EN: "The mini-app needs JavaScript to sign you in. You can also sign in in a "
            "browser: send /web to the bot and open the one-time link.",
        },
        "web_miniapp_no_data": {
            RU: "MAX не передал данные запуска. Откройте приложение кнопкой в боте.",
            EN: "MAX passed no launch data. Open the app with the button in the bot.",
        },
        "web_miniapp_refused": {
            RU: "Данные запуска не подошли (подпись или срок). Откройте приложение из бота заново.",
            EN: "The launch data was not accepted (signature or age). Open the app from the "
            "bot again.",
        },
    }
)
