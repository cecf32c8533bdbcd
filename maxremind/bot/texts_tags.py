"""Texts of managing tags (/tags, its cards, rename and delete), of renaming a group from
its card and of what deleting a group touched (Russian first, English second)."""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts

RU, EN = Language.RU, Language.EN

TEXTS: dict[str, dict[Language, str]] = {
    "ppl_tags_manage": {
        RU: "Переименовать или удалить тег — нажмите на него.",
        EN: "To rename or delete a tag, tap it.",
    },
    "ppl_tag_card": {RU: "🏷 Тег «{tag}», {n} чел.", EN: "🏷 Tag “{tag}”, {n} {n:person|people}"},
    "ppl_btn_tag_rename": {RU: "✏️ Переименовать", EN: "✏️ Rename"},
    "ppl_btn_tag_delete": {RU: "🗑 Удалить тег", EN: "🗑 Delete tag"},
    "ppl_tags_usage": {
        RU: "Пример: /tags rename водитель шофёр · /tags delete шофёр · список: /tags",
        EN: "Example: /tags rename driver chauffeur · /tags delete chauffeur · the list: /tags",
    },
    "ppl_tag_rename_usage": {
        RU: "Пример: /tags rename водитель шофёр (или водитель → шофёр). Теги: /tags",
        EN: "Example: /tags rename driver chauffeur (or driver → chauffeur). Tags: /tags",
    },
    "ppl_tag_delete_usage": {
        RU: "Пример: /tags delete водитель. Теги: /tags",
        EN: "Example: /tags delete driver. Tags: /tags",
    },
    "ppl_tag_rename_ask": {
        RU: "Как теперь назвать тег «{tag}»? Напишите новое название (выйти: /cancel).",
        EN: "What should the tag “{tag}” be called now? Type the new name (to leave: /cancel).",
    },
    "ppl_tag_renamed": {
        RU: "Тег «{old}» теперь называется «{tag}». События с ним напоминают как раньше.",
        EN: "The tag “{old}” is now called “{tag}”. Events that use it remind as before.",
    },
    "ppl_tag_delete_confirm": {
        RU: "Удалить тег «{tag}»? Его снимут с {n} чел., люди останутся в команде; "
        "события для этого тега будут приостановлены, пока организатор не выберет, "
        "кому напоминать.",
        EN: "Delete the tag “{tag}”? It comes off {n} {n:person|people} (they stay in the "
        "team); events for this tag are put on hold until their organizer picks whom to "
        "remind.",
    },
    "ppl_tag_deleted": {
        RU: "Тег «{tag}» удалён: снят с {n} чел. (они остались в команде).",
        EN: "The tag “{tag}” is deleted: it came off {n} {n:person|people} "
        "(they stay in the team).",
    },
    "ppl_tag_deleted_no_events": {
        RU: "Событий с этим тегом не было.",
        EN: "No event used this tag.",
    },
    "ppl_btn_group_rename": {RU: "✏️ Переименовать", EN: "✏️ Rename"},
    "ppl_group_rename_ask": {
        RU: "Как теперь назвать группу «{group}»? Напишите новое название (выйти: /cancel).",
        EN: "What should the group “{group}” be called now? Type the new name (to leave: /cancel).",
    },
    "ppl_group_gone": {
        RU: "Этой группы уже нет. Список: /groups",
        EN: "That group no longer exists. See /groups",
    },
    "ppl_group_deleted_members": {
        RU: "В ней было {n} чел.; они остались в команде.",
        EN: "It had {n} {n:person|people}; they stay in the team.",
    },
    "ppl_group_deleted_no_events": {
        RU: "Событий для этой группы не было.",
        EN: "No event was for this group.",
    },
    "ppl_event_flagged_tag": {
        RU: "⚠️ Тег «{tag}» удалили, поэтому событие «{title}» приостановлено. "
        "Выберите, кому напоминать: /events → ✏️ → Изменить → Участники.",
        EN: "⚠️ The tag “{tag}” was deleted, so the event “{title}” is on hold. "
        "Pick whom to remind: /events → ✏️ → Change → People.",
    },
    "ev_list_on_hold": {
        RU: "⏸ на паузе: выберите, кому напоминать (✏️)",
        EN: "⏸ on hold: pick whom to remind (✏️)",
    },
    "ppl_err_tag_exists": {
        RU: "Тег «{name}» уже есть. Список: /tags",
        EN: "There is already a tag “{name}”. See /tags",
    },
    "ppl_tag_gone": {
        RU: "Этого тега уже нет. Список: /tags",
        EN: "That tag no longer exists. See /tags",
    },
}

add_texts(TEXTS)
