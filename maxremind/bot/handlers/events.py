"""Bot feature module (being written): see maxremind/bot/handlers/__init__.py."""

from __future__ import annotations

from maxremind.bot.router import Router


def register(router: Router) -> None:
    """Register this feature's commands, actions and dialogs."""
