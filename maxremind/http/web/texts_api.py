"""Texts of the JSON API (``/api/v1``): error messages and per-field details, in Russian
and English; the viewer's language picks one (keys start with ``web_api_``)."""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts

RU, EN = Language.RU, Language.EN

add_texts(
    {
        # fields that did not validate (pydantic error types, the common ones)
        "web_api_field_missing": {RU: "Обязательное поле.", EN: "This field is required."},
        "web_api_field_extra": {RU: "Лишнее поле.", EN: "Unknown field."},
        "web_api_field_too_short": {
            RU: "Слишком коротко (минимум {limit}).",
            EN: "Too short (at least {limit}).",
        },
        "web_api_field_too_long": {
            RU: "Слишком длинно (максимум {limit}).",
            EN: "Too long (at most {limit}).",
        },
        "web_api_field_too_small": {
            RU: "Слишком маленькое значение (минимум {limit}).",
            EN: "Too small (at least {limit}).",
        },
        "web_api_field_too_big": {
            RU: "Слишком большое значение (максимум {limit}).",
            EN: "Too large (at most {limit}).",
        },
        "web_api_field_choice": {
            RU: "Допустимые значения: {choices}.",
            EN: "Allowed values: {choices}.",
        },
        "web_api_field_datetime": {
            RU: "Нужны дата и время в формате ISO 8601 (2026-05-01T10:00).",
            EN: "Expected an ISO 8601 date and time (2026-05-01T10:00).",
        },
        "web_api_field_date": {
            RU: "Нужна дата в формате ISO 8601 (2026-05-01).",
            EN: "Expected an ISO 8601 date (2026-05-01).",
        },
        "web_api_field_aware": {
            RU: "Укажите часовой пояс (2026-05-01T10:00+03:00 или …Z).",
            EN: "Give a time zone offset (2026-05-01T10:00+03:00 or …Z).",
        },
        "web_api_field_year": {
            RU: "Год должен быть от {first} до {last}.",
            EN: "The year must be between {first} and {last}.",
        },
        "web_api_field_type": {RU: "Неверный тип значения.", EN: "Wrong type of value."},
        "web_api_field_invalid": {RU: "Неверное значение.", EN: "Invalid value."},
        "web_api_field_body": {
            RU: "Тело запроса должно быть JSON-объектом.",
            EN: "The request body must be a JSON object.",
        },
        "web_api_field_one_time": {
            RU: "Укажите ровно одно из offset_seconds и at.",
            EN: "Give exactly one of offset_seconds and at.",
        },
        "web_api_field_ref": {
            RU: "Для «{kind}» нужен id; для всей команды (team) — без id.",
            EN: "“{kind}” needs an id; the whole team (team) takes none.",
        },
        "web_api_field_version": {
            RU: "Укажите expected_updated_at (или заголовок If-Match) — версию, которую вы "
            "правили, чтобы не затереть чужие изменения.",
            EN: "Give expected_updated_at (or an If-Match header): the version you edited, "
            "so nobody's changes are overwritten.",
        },
        "web_api_field_if_match": {
            RU: "If-Match должен быть ETag из ответа GET.",
            EN: "If-Match must be an ETag from a GET answer.",
        },
        # whole-request refusals
        "web_api_no_route": {
            RU: "Такого адреса в API нет.",
            EN: "There is no such API address.",
        },
        "web_api_method": {
            RU: "Этот адрес принимает только: {allowed}.",
            EN: "This address takes only: {allowed}.",
        },
        "web_api_conflict_event": {
            RU: "Событие изменил кто-то другой ({updated_at}). Загрузите его заново и "
            "повторите правку.",
            EN: "Someone else changed the event ({updated_at}). Load it again and redo your edit.",
        },
        "web_api_not_invited": {
            RU: "Вы не среди приглашённых на это событие.",
            EN: "You are not among the people invited to this event.",
        },
        "web_api_occurrence_over": {
            RU: "Эта дата уже прошла или отменена.",
            EN: "This date has passed or was cancelled.",
        },
        "web_api_announcement_sent": {
            RU: "Объявление уже отправлено — его нельзя изменить.",
            EN: "The announcement has been sent; it cannot be changed.",
        },
        "web_api_refused": {
            RU: "Не сохранено: {reason}",
            EN: "Not saved: {reason}",
        },
        # why an event was refused (EventRejected reasons)
        "web_api_event_empty_title": {RU: "Нужно название.", EN: "A title is needed."},
        "web_api_event_too_long": {
            RU: "Название или описание слишком длинное.",
            EN: "The title or the description is too long.",
        },
        "web_api_event_bad_timezone": {
            RU: "Неизвестный часовой пояс (нужно вроде Europe/Moscow).",
            EN: "Unknown time zone (expected something like Europe/Moscow).",
        },
        "web_api_event_bad_quorum": {
            RU: "Кворум — от 1 до 10 000 человек.",
            EN: "A quorum is between 1 and 10,000 people.",
        },
        "web_api_event_offset_too_long": {
            RU: "Напоминание не может быть раньше чем за год.",
            EN: "A reminder cannot come more than a year before.",
        },
        "web_api_event_never_fires": {
            RU: "По такому правилу повторения событие ни разу не наступит.",
            EN: "With this repeat rule the event never happens.",
        },
        "web_api_event_in_the_past": {
            RU: "Это время уже прошло.",
            EN: "That time has already passed.",
        },
        "web_api_event_empty_audience": {
            RU: "Никто не получит напоминание: аудитория пуста.",
            EN: "Nobody would be reminded: the audience is empty.",
        },
        "web_api_event_audience_gone": {
            RU: "Такой группы, метки, человека или чата в команде нет.",
            EN: "No such group, tag, person or chat in the team.",
        },
        "web_api_event_other": {
            RU: "Событие не сохранено.",
            EN: "The event was not saved.",
        },
        # why a people change was refused (PeopleRefused reasons)
        "web_api_people_name_empty": {RU: "Нужно название.", EN: "A name is needed."},
        "web_api_people_name_too_long": {
            RU: "Название длиннее {limit} символов.",
            EN: "The name is longer than {limit} characters.",
        },
        "web_api_people_group_exists": {
            RU: "Группа «{name}» уже есть.",
            EN: "The group “{name}” exists already.",
        },
        "web_api_people_last_owner": {
            RU: "У команды должен остаться хотя бы один владелец.",
            EN: "The team must keep at least one owner.",
        },
        "web_api_people_remove_self": {
            RU: "Себя удалить нельзя — можно только выйти из команды.",
            EN: "You cannot remove yourself; leave the team instead.",
        },
        "web_api_people_remove_owner": {
            RU: "Владельца удалить нельзя.",
            EN: "An owner cannot be removed.",
        },
        "web_api_people_not_member": {
            RU: "Не участники команды: {ids}.",
            EN: "Not members of the team: {ids}.",
        },
        "web_api_people_other": {RU: "Не получилось.", EN: "That did not work."},
    }
)
