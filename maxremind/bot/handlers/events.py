"""Events and reminders in the bot: ``/event``, ``/events``, ``/who``, ``/remind``,
``/notify``, ``/reminders``. The work is in the modules registered here."""

from __future__ import annotations

from maxremind.bot import texts_events  # noqa: F401 - registers this feature's texts
from maxremind.bot.handlers import (
    audience_pick,
    events_chat,
    events_dialog,
    events_list,
    reminders,
)
from maxremind.bot.router import Router
from maxremind.domain.models import Role


def register(router: Router) -> None:
    """Register this feature's commands, actions and dialogs."""
    router.command("/event", events_dialog.start, help_key="help_event", team_role=Role.ORGANIZER)
    router.dialog(events_dialog.DIALOG, events_dialog.on_text)
    router.action("ev", events_dialog.on_button)

    # In a group chat: the linked team's events addressed to everyone there.
    router.command(
        "/events",
        events_chat.anywhere(events_list.list_events),
        help_key="help_events",
        in_chats=True,
    )
    router.action("evv", events_list.view)
    router.action("evp", events_list.events_page)
    router.action("eve", events_list.edit)
    router.action("evc", events_list.cancel_ask)
    router.action("evcy", events_list.cancel_yes)
    router.action("evcn", events_list.cancel_no)
    router.action("evx", events_list.export)
    router.command("/who", events_list.who, help_key="help_who")
    router.action("who", events_list.who_pressed)
    router.action("nudge", events_list.nudge)
    router.action("evr", events_list.roster_visibility)

    router.command("/remind", reminders.remind, help_key="help_remind")
    router.dialog(reminders.DIALOG, reminders.remind_text)
    router.action("rmw", reminders.remind_choice)
    router.command("/notify", reminders.notify, help_key="help_notify", team_role=Role.ORGANIZER)
    router.command("/reminders", reminders.list_reminders, help_key="help_reminders")
    router.action("rmc", reminders.cancel_reminder)
    audience_pick.register(router)
