"""Texts of the people pages (members, invites, groups and tags, linked chats), in
Russian and English."""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts

RU, EN = Language.RU, Language.EN

add_texts(
    {
        "web_people_title": {RU: "Люди", EN: "People"},
        "web_people_sections": {RU: "Разделы «Люди»", EN: "People sections"},
        "web_people_members": {RU: "Участники", EN: "Members"},
        "web_people_groups": {RU: "Группы", EN: "Groups"},
        "web_people_groups_title": {RU: "Группы и метки", EN: "Groups and tags"},
        "web_people_chats": {RU: "Связанные чаты", EN: "Linked chats"},
        "web_people_invites": {RU: "Приглашения", EN: "Invite links"},
        # members list
        "web_people_search": {RU: "Имя или @username", EN: "Name or @username"},
        "web_people_group": {RU: "Группа", EN: "Group"},
        "web_people_tag": {RU: "Метка", EN: "Tag"},
        "web_people_any": {RU: "любая", EN: "any"},
        "web_people_find": {RU: "Найти", EN: "Search"},
        "web_people_count": {
            RU: "Показано: {found} из {total}",
            EN: "Showing {found} of {total}",
        },
        "web_people_name": {RU: "Имя", EN: "Name"},
        "web_people_role": {RU: "Роль", EN: "Role"},
        "web_people_tags": {RU: "Метки", EN: "Tags"},
        "web_people_zone": {RU: "Часовой пояс", EN: "Time zone"},
        "web_people_reachability": {RU: "Доставка", EN: "Reachability"},
        "web_people_reachable": {RU: "доступен", EN: "reachable"},
        "web_people_unreachable": {RU: "недоступен", EN: "unreachable"},
        "web_people_unreachable_bot_stopped": {
            RU: "остановил бота",
            EN: "stopped the bot",
        },
        "web_people_unreachable_dialog_removed": {
            RU: "удалил диалог с ботом",
            EN: "deleted the chat with the bot",
        },
        "web_people_unreachable_other": {
            RU: "MAX не доставляет сообщения ({reason})",
            EN: "MAX does not deliver messages ({reason})",
        },
        "web_people_team_zone": {RU: "как у команды ({zone})", EN: "the team's ({zone})"},
        "web_people_role_of": {RU: "Роль: {name}", EN: "Role of {name}"},
        "web_people_save": {RU: "Сохранить", EN: "Save"},
        "web_people_nobody_found": {RU: "Никого не нашлось.", EN: "Nobody found."},
        "web_people_pages": {RU: "Страницы", EN: "Pages"},
        "web_people_prev": {RU: "← Назад", EN: "← Previous"},
        "web_people_next": {RU: "Дальше →", EN: "Next →"},
        "web_people_page": {RU: "Страница {page} из {pages}", EN: "Page {page} of {pages}"},
        # one member
        "web_people_username": {RU: "Имя в MAX", EN: "MAX username"},
        "web_people_joined": {RU: "В команде с", EN: "In the team since"},
        "web_people_in_no_group": {RU: "Ни в одной группе.", EN: "In no group."},
        "web_people_no_tags": {RU: "Меток нет.", EN: "No tags."},
        "web_people_add_to_group": {RU: "Добавить в группу", EN: "Add to group"},
        "web_people_add_tag": {RU: "Новая метка", EN: "New tag"},
        "web_people_add": {RU: "Добавить", EN: "Add"},
        "web_people_take_out": {RU: "убрать", EN: "take out"},
        "web_people_take_off": {RU: "снять", EN: "remove"},
        "web_people_remove_from_group": {
            RU: "Убрать из группы «{group}»",
            EN: "Take out of the group “{group}”",
        },
        "web_people_untag": {RU: "Снять метку #{tag}", EN: "Remove the tag #{tag}"},
        "web_people_remove_title": {RU: "Удаление из команды", EN: "Removing from the team"},
        "web_people_remove_hint": {
            RU: "Человек перестанет получать напоминания команды; вернуться можно по приглашению.",
            EN: "They stop getting the team's reminders; they can come back with an invite.",
        },
        "web_people_remove": {RU: "Убрать из команды: {name}", EN: "Remove {name}"},
        "web_people_remove_confirm": {
            RU: "Убрать {name} из команды «{team}»?",
            EN: "Remove {name} from the team “{team}”?",
        },
        "web_people_bad_role": {RU: "Выберите роль из списка.", EN: "Choose a role from the list."},
        "web_people_choose_group": {
            RU: "Выберите группу из списка.",
            EN: "Choose a group from the list.",
        },
        # refusals of the people service (its ``reason``)
        "web_people_err_name_empty": {
            RU: "Название не может быть пустым.",
            EN: "The name cannot be empty.",
        },
        "web_people_err_name_too_long": {
            RU: "Слишком длинное название: не больше {limit} символов.",
            EN: "That name is too long: {limit} characters at most.",
        },
        "web_people_err_last_owner": {
            RU: "Это единственный владелец команды. Сначала назначьте владельцем кого-то ещё.",
            EN: "This is the team's only owner. Make someone else an owner first.",
        },
        "web_people_err_remove_self": {
            RU: "Себя убрать нельзя — выйти из команды можно командой /leave в боте.",
            EN: "You cannot remove yourself — to leave the team send /leave to the bot.",
        },
        "web_people_err_remove_owner": {
            RU: "Владельца убрать нельзя. Сначала смените его роль.",
            EN: "An owner cannot be removed. Change their role first.",
        },
        "web_people_err_group_exists": {
            RU: "Группа «{name}» уже есть.",
            EN: "There is already a group “{name}”.",
        },
        "web_people_err_bad_validity": {
            RU: "Срок действия — от 1 часа до 365 дней.",
            EN: "Validity is 1 hour to 365 days.",
        },
        "web_people_err_bad_uses": {
            RU: "Число использований — от 1 до 100000.",
            EN: "The use limit is 1 to 100000.",
        },
        # after a change
        "web_people_done_role": {RU: "Роль изменена.", EN: "Role changed."},
        "web_people_done_removed": {RU: "Убран из команды.", EN: "Removed from the team."},
        "web_people_done_group_added": {RU: "Добавлен в группу.", EN: "Added to the group."},
        "web_people_done_group_removed": {
            RU: "Убран из группы.",
            EN: "Taken out of the group.",
        },
        "web_people_done_tagged": {RU: "Метка добавлена.", EN: "Tag added."},
        "web_people_done_untagged": {RU: "Метка снята.", EN: "Tag removed."},
        "web_people_done_invite_created": {
            RU: "Приглашение создано — оно первое в списке.",
            EN: "Invite created — it is the first one in the list.",
        },
        "web_people_done_invite_revoked": {
            RU: "Приглашение отозвано: ссылка больше не работает.",
            EN: "Invite revoked: the link no longer works.",
        },
        "web_people_done_group_created": {RU: "Группа создана.", EN: "Group created."},
        "web_people_done_group_renamed": {RU: "Группа переименована.", EN: "Group renamed."},
        "web_people_done_group_deleted": {RU: "Группа удалена.", EN: "Group deleted."},
        # invites
        "web_people_invites_lead": {
            RU: "Кто откроет ссылку или отсканирует QR-код, попадёт в команду через бота. "
            "Здесь — ссылки, которые ещё действуют.",
            EN: "Whoever opens a link or scans its QR code joins the team through the bot. "
            "These are the links that still work.",
        },
        "web_people_invite_to_team": {RU: "В команду", EN: "To the team"},
        "web_people_invite_to_group": {RU: "В группу «{group}»", EN: "To the group “{group}”"},
        "web_people_qr_title": {RU: "QR-код приглашения", EN: "Invite QR code"},
        "web_people_qr_alt": {RU: "QR-код ссылки {link}", EN: "QR code of the link {link}"},
        "web_people_link": {RU: "Ссылка", EN: "Link"},
        "web_people_copy": {RU: "Скопировать ссылку", EN: "Copy the link"},
        "web_people_expires": {RU: "действует до {when}", EN: "works until {when}"},
        "web_people_no_expiry": {RU: "бессрочно", EN: "no expiry"},
        "web_people_uses_unlimited": {
            RU: "использовано: {used}, без ограничения",
            EN: "used {used} {used:time|times}, no limit",
        },
        "web_people_uses_left": {
            RU: "осталось: {left} из {limit} (использовано {used})",
            EN: "{left} of {limit} uses left ({used} used)",
        },
        "web_people_revoke": {RU: "Отозвать", EN: "Revoke"},
        "web_people_revoke_confirm": {
            RU: "Отозвать приглашение? Ссылка перестанет работать.",
            EN: "Revoke this invite? The link stops working.",
        },
        "web_people_no_invites": {
            RU: "Действующих приглашений нет.",
            EN: "No invite links work right now.",
        },
        "web_people_new_invite": {RU: "Новое приглашение", EN: "New invite link"},
        "web_people_invite_where": {RU: "Куда приглашать", EN: "Invite to"},
        "web_people_whole_team": {RU: "вся команда", EN: "whole team"},
        "web_people_valid_for": {RU: "Срок действия", EN: "Valid for"},
        "web_people_unit": {RU: "Единица", EN: "Unit"},
        "web_people_days": {RU: "дней", EN: "days"},
        "web_people_hours": {RU: "часов", EN: "hours"},
        "web_people_valid_hint": {
            RU: "Пусто — бессрочно. От 1 часа до 365 дней.",
            EN: "Empty: no expiry. 1 hour to 365 days.",
        },
        "web_people_use_limit": {RU: "Сколько раз можно использовать", EN: "Use limit"},
        "web_people_use_hint": {RU: "Пусто — без ограничения.", EN: "Empty: no limit."},
        "web_people_create_invite": {RU: "Создать ссылку", EN: "Create the link"},
        # groups and tags
        "web_people_people": {RU: "Людей", EN: "People"},
        "web_people_manage": {RU: "Управление", EN: "Manage"},
        "web_people_new_name": {RU: "Новое название", EN: "New name"},
        "web_people_rename": {RU: "Переименовать", EN: "Rename"},
        "web_people_delete": {RU: "Удалить…", EN: "Delete…"},
        "web_people_no_groups": {RU: "Групп пока нет.", EN: "No groups yet."},
        "web_people_new_group": {RU: "Новая группа", EN: "New group"},
        "web_people_create": {RU: "Создать", EN: "Create"},
        "web_people_no_tags_team": {RU: "Меток пока нет.", EN: "No tags yet."},
        "web_people_tags_hint": {
            RU: "Метку ставят и снимают на странице человека.",
            EN: "Tags are put on and taken off on a person's page.",
        },
        "web_people_delete_group": {RU: "Удалить группу «{group}»?", EN: "Delete “{group}”?"},
        "web_people_delete_group_size": {
            RU: "Людей в группе: {n}. Из команды они не уйдут.",
            EN: "People in the group: {n}. They stay in the team.",
        },
        "web_people_delete_group_events": {
            RU: "События, которые напоминают этой группе, будут приостановлены, пока их "
            "организатор не выберет, кому напоминать.",
            EN: "Events that remind this group are put on hold until their organizer "
            "chooses whom to remind.",
        },
        "web_people_delete_confirm": {RU: "Да, удалить группу", EN: "Yes, delete the group"},
        "web_people_cancel": {RU: "Отмена", EN: "Cancel"},
        "web_people_flagged": {
            RU: "Приостановлены события, напоминавшие удалённой группе: {n}. Выберите, кому "
            "они должны напоминать:",
            EN: "Events that reminded the deleted group are on hold: {n}. Choose whom they "
            "should remind:",
        },
        # chats
        "web_people_chats_lead": {
            RU: "Чаты MAX, связанные с командой: кто в них вступает, попадает в команду и "
            "группу чата. Чтобы связать чат, добавьте в него бота {bot} и напишите там /link.",
            EN: "MAX chats linked to the team: whoever joins one joins the team and the "
            "chat's group. To link a chat, add the bot {bot} to it and send /link there.",
        },
        "web_people_chat": {RU: "Чат", EN: "Chat"},
        "web_people_state": {RU: "Состояние", EN: "State"},
        "web_people_chat_active": {RU: "бот в чате", EN: "bot is in the chat"},
        "web_people_chat_removed": {RU: "бота удалили", EN: "bot was removed"},
        "web_people_chats_removed": {
            RU: "Чаты, из которых удалили бота",
            EN: "Chats the bot was removed from",
        },
        "web_people_no_chats": {RU: "Связанных чатов нет.", EN: "No linked chats."},
    }
)
