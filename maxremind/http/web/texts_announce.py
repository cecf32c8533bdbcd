"""Texts of the announcements pages, in Russian and English."""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts

RU, EN = Language.RU, Language.EN

add_texts(
    {
        "web_announce_title": {RU: "Объявления", EN: "Announcements"},
        "web_announce_lead": {
            RU: "Сообщение уходит всем выбранным людям и чатам сразу или в назначенное время. "
            "Первая строка — заголовок.",
            EN: "The message goes to everyone picked, now or at the time you set. "
            "The first line is its title.",
        },
        "web_announce_new": {RU: "Новое объявление", EN: "New announcement"},
        "web_announce_text": {RU: "Текст", EN: "Text"},
        "web_announce_text_hint": {
            RU: "Разметка MAX: *курсив*, **жирный**, ~~зачёркнутый~~, ++подчёркнутый++, "
            "`код`, ^^важное^^, [текст](https://адрес), # Заголовок. "
            "Не больше {limit} символов вместе с заголовком.",
            EN: "MAX markdown: *italic*, **bold**, ~~strike~~, ++underline++, `code`, "
            "^^important^^, [text](https://address), # Header. "
            "At most {limit} characters, title included.",
        },
        "web_announce_length": {RU: "Символов: {n} из {limit}", EN: "Characters: {n} of {limit}"},
        "web_announce_preview": {RU: "Как увидят в MAX", EN: "As MAX will show it"},
        "web_announce_preview_button": {RU: "Показать предпросмотр", EN: "Preview"},
        "web_announce_preview_empty": {
            RU: "Напишите текст — здесь появится предпросмотр.",
            EN: "Type the text and its preview shows here.",
        },
        "web_announce_audience": {RU: "Кому", EN: "To whom"},
        "web_announce_team": {RU: "Вся команда", EN: "The whole team"},
        "web_announce_groups": {RU: "Группы", EN: "Groups"},
        "web_announce_tags": {RU: "Метки", EN: "Tags"},
        "web_announce_chats": {RU: "Связанные чаты", EN: "Linked chats"},
        "web_announce_people": {RU: "Отдельные люди", EN: "Particular people"},
        "web_announce_people_hint": {
            RU: "Несколько — с Ctrl (⌘ на Mac).",
            EN: "Several: hold Ctrl (⌘ on a Mac).",
        },
        "web_announce_nothing": {RU: "Пока нет.", EN: "None yet."},
        "web_announce_when": {RU: "Когда", EN: "When"},
        "web_announce_now": {RU: "Отправить сейчас", EN: "Send now"},
        "web_announce_later": {RU: "Запланировать", EN: "Schedule"},
        "web_announce_date": {RU: "Дата", EN: "Date"},
        "web_announce_time": {RU: "Время", EN: "Time"},
        "web_announce_zone_hint": {
            RU: "Время команды: {zone}.",
            EN: "In the team's time zone: {zone}.",
        },
        "web_announce_send": {RU: "Отправить", EN: "Send"},
        "web_announce_has_errors": {
            RU: "Проверьте поля, отмеченные ниже.",
            EN: "Please check the fields marked below.",
        },
        # field messages
        "web_announce_err_text": {RU: "Напишите текст объявления.", EN: "Write the text."},
        "web_announce_err_too_long": {
            RU: "Слишком длинно: {n} символов, а MAX принимает не больше {limit}.",
            EN: "Too long: {n} characters, MAX takes at most {limit}.",
        },
        "web_announce_err_title": {
            RU: "Первая строка — заголовок, в ней не больше {limit} символов.",
            EN: "The first line is the title: at most {limit} characters.",
        },
        "web_announce_err_audience": {
            RU: "Выберите, кому отправить.",
            EN: "Pick who receives it.",
        },
        "web_announce_err_audience_gone": {
            RU: "Часть выбранного уже удалена — выберите заново.",
            EN: "Some of what was picked no longer exists; pick again.",
        },
        "web_announce_err_empty_audience": {
            RU: "В выбранной аудитории никого нет.",
            EN: "Nobody is in the audience picked.",
        },
        "web_announce_err_date": {RU: "Укажите дату.", EN: "Enter a date."},
        "web_announce_err_time": {RU: "Укажите время (ЧЧ:ММ).", EN: "Enter a time (HH:MM)."},
        "web_announce_err_past": {
            RU: "Это время уже прошло.",
            EN: "That time has passed.",
        },
        "web_announce_err_far": {
            RU: "Не дальше чем на год вперёд.",
            EN: "At most a year ahead.",
        },
        "web_announce_err_other": {
            RU: "Не получилось отправить: {reason}.",
            EN: "Could not send it: {reason}.",
        },
        # lists
        "web_announce_scheduled": {RU: "Запланированные", EN: "Scheduled"},
        "web_announce_sent_list": {RU: "Отправленные", EN: "Sent"},
        "web_announce_none_scheduled": {
            RU: "Запланированных объявлений нет.",
            EN: "No announcements are scheduled.",
        },
        "web_announce_none_sent": {RU: "Объявлений ещё не было.", EN: "No announcements yet."},
        "web_announce_col_title": {RU: "Объявление", EN: "Announcement"},
        "web_announce_col_when": {RU: "Когда", EN: "When"},
        "web_announce_col_by": {RU: "Автор", EN: "By"},
        "web_announce_col_delivery": {RU: "Доставка", EN: "Delivery"},
        "web_announce_delivered": {
            RU: "{sent} из {total}",
            EN: "{sent} of {total}",
        },
        "web_announce_page": {RU: "Страница {page} из {pages}", EN: "Page {page} of {pages}"},
        "web_announce_newer": {RU: "← Новее", EN: "← Newer"},
        "web_announce_older": {RU: "Старее →", EN: "Older →"},
        "web_announce_pages": {RU: "Страницы", EN: "Pages"},
        # one announcement
        "web_announce_one": {RU: "Объявление", EN: "Announcement"},
        "web_announce_back": {RU: "← Все объявления", EN: "← All announcements"},
        "web_announce_to": {RU: "Кому: {audience}", EN: "To: {audience}"},
        "web_announce_at": {RU: "Время отправки: {when}", EN: "Sent at: {when}"},
        "web_announce_at_planned": {RU: "Будет отправлено: {when}", EN: "Goes out at: {when}"},
        "web_announce_progress": {RU: "Ход отправки", EN: "Progress"},
        "web_announce_state_scheduled": {RU: "запланировано", EN: "scheduled"},
        "web_announce_state_sending": {RU: "отправляется", EN: "going out"},
        "web_announce_state_done": {RU: "отправлено", EN: "sent"},
        "web_announce_state_cancelled": {RU: "отменено", EN: "cancelled"},
        "web_announce_n_sent": {RU: "Доставлено", EN: "Delivered"},
        "web_announce_n_total": {RU: "Всего получателей", EN: "Recipients"},
        "web_announce_n_waiting": {RU: "Ждут отправки", EN: "Waiting"},
        "web_announce_n_failed": {RU: "Не доставлено", EN: "Failed"},
        "web_announce_n_skipped": {RU: "Пропущено", EN: "Skipped"},
        "web_announce_progress_label": {
            RU: "Отправлено {percent}%",
            EN: "{percent}% sent",
        },
        "web_announce_live_lost": {
            RU: "Нет связи с сервером — цифры могут быть устаревшими.",
            EN: "Lost touch with the server; the numbers may be stale.",
        },
        "web_announce_ledger": {
            RU: "Кому и когда доставлено — журнал доставки",
            EN: "Who got it when: the delivery ledger",
        },
        "web_announce_cancel": {RU: "Отменить отправку", EN: "Cancel it"},
        "web_announce_cancel_confirm": {
            RU: "Отменить это объявление? Оно не будет отправлено.",
            EN: "Cancel this announcement? It will not be sent.",
        },
        "web_announce_done_sent": {
            RU: "Объявление отправляется.",
            EN: "The announcement is going out.",
        },
        "web_announce_done_scheduled": {
            RU: "Объявление запланировано.",
            EN: "The announcement is scheduled.",
        },
        "web_announce_done_cancelled": {
            RU: "Объявление отменено.",
            EN: "The announcement is cancelled.",
        },
        "web_announce_not_cancellable": {
            RU: "Это объявление уже отправлено — отменить нельзя.",
            EN: "This announcement has gone out and cannot be cancelled.",
        },
        # audience in words
        "web_announce_aud_team": {RU: "вся команда", EN: "the whole team"},
        "web_announce_aud_group": {RU: "группа «{name}»", EN: "group “{name}”"},
        "web_announce_aud_tag": {RU: "метка «{name}»", EN: "tag “{name}”"},
        "web_announce_aud_chat": {RU: "чат «{name}»", EN: "chat “{name}”"},
        "web_announce_aud_member": {RU: "{name}", EN: "{name}"},
        "web_announce_aud_you": {RU: "вы", EN: "you"},
        "web_announce_aud_gone": {RU: "(удалено)", EN: "(removed)"},
    }
)
