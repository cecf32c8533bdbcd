"""Bot features; each module has ``register(router)``."""

from __future__ import annotations

from maxremind.bot.handlers import (
    answers,
    calendar,
    calendar_import,
    core,
    events,
    insights,
    people,
    web,
)
from maxremind.bot.router import Router

MODULES = [core, people, events, answers, web, calendar, calendar_import, insights]


def register_all(router: Router) -> None:
    for module in MODULES:
        module.register(router)
