"""A team with a few months' life in it, for the page checks and the screenshots: people in
groups, a tag, events that repeat, one reminded a moment ago with answers coming in, an
announcement; and the list of the main pages to look at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from maxremind.emulator.models import Message
from tests.bot.conftest import Phone
from tests.browser.kit import Stage
from tests.harness import wait_for

if TYPE_CHECKING:
    from playwright.async_api import Page

ZONE = ZoneInfo("Europe/Moscow")


@dataclass
class World:
    team_id: int
    people: dict[str, Phone]
    groups: dict[str, int]
    events: dict[str, int]
    announcement: int

    def pages(self) -> list[tuple[str, str]]:
        """The main pages, (name, path), as the owner (an instance admin) sees them."""
        team = f"/t/{self.team_id}"
        event = self.events["Планёрка"]
        return [
            ("dashboard", f"{team}/"),
            ("events", f"{team}/events"),
            ("event-form", f"{team}/events/new"),
            ("event", f"{team}/events/{event}"),
            ("event-edit", f"{team}/events/{self.events['Инвентаризация склада']}/edit"),
            ("people", f"{team}/people"),
            ("person", f"{team}/people/{self.people['Иван'].user_id}"),
            ("invites", f"{team}/people/invites"),
            ("groups", f"{team}/people/groups"),
            ("chats", f"{team}/people/chats"),
            ("announcements", f"{team}/announcements"),
            ("announcement", f"{team}/announcements/{self.announcement}"),
            ("settings", f"{team}/settings"),
            ("me", "/me"),
            ("instance", "/instance"),
        ]

    def member_pages(self) -> list[tuple[str, str]]:
        """What a member (Иван, a driver) opens: his dashboard, events, the event he is
        asked to confirm, and his own settings."""
        team = f"/t/{self.team_id}"
        return [
            ("dashboard", f"{team}/"),
            ("events", f"{team}/events"),
            ("event", f"{team}/events/{self.events['Планёрка']}"),
            ("me", "/me"),
        ]


async def api(page: Page, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """The JSON API with the page's session (and its CSRF token), as the page's scripts call it."""
    csrf = await page.get_attribute("meta[name=csrf-token]", "content")
    origin = page.url.split("/t/")[0].split("/instance")[0].rstrip("/")
    response = await page.request.fetch(
        origin + path, method=method, data=body, headers={"X-CSRF-Token": csrf or ""}
    )
    assert response.ok, f"{method} {path}: {response.status} {await response.text()}"
    return await response.json()


def _local(moment: datetime) -> str:
    return moment.astimezone(ZONE).replace(tzinfo=None).isoformat(timespec="minutes")


async def build(s: Stage, page: Page, team_id: int) -> World:
    """Fill the owner's team (``page`` is the owner's, signed in) through the bot, the JSON
    API and the emulator; returns what the pages will show."""
    owner = s.owner
    await owner.say("/group new Водители")
    people = {
        "Иван": await s.member("Иван", "ivan", group="Водители"),
        "Мария": await s.member("Мария", "maria", group="Водители"),
        "Пётр": await s.member("Пётр", "petr"),
        "Анна": await s.member("Анна", "anna"),
    }
    base = f"/api/v1/teams/{team_id}"
    groups = {g["name"]: g["id"] for g in (await api(page, "GET", f"{base}/groups"))["items"]}
    store = await api(page, "POST", f"{base}/groups", {"name": "Склад"})
    groups["Склад"] = store["id"]
    ids = [people[n].user_id for n in ("Пётр", "Анна")]
    await api(page, "POST", f"{base}/groups/{store['id']}/members", {"user_ids": ids})
    await api(page, "POST", f"{base}/tags", {"name": "новички", "user_ids": ids[:1]})

    now = datetime.now(ZONE)
    soon = (now + timedelta(minutes=3)).replace(second=0, microsecond=0)
    tomorrow = (now + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    specs: dict[str, dict[str, Any]] = {
        # Reminded three minutes before a start a few minutes away: due now.
        "Планёрка": {
            "place": "Переговорная 2",
            "start_local": _local(soon),
            "duration_minutes": 30,
            "rrule": "FREQ=WEEKLY",
            "audience": [{"kind": "group", "id": groups["Водители"]}],
            "reminders": [{"offset_seconds": 180}],
            "confirm_required": True,
        },
        "Инвентаризация склада": {
            "place": "Склад №1",
            "start_local": _local(tomorrow),
            "duration_minutes": 180,
            "audience": [{"kind": "group", "id": groups["Склад"]}],
            "reminders": [{"offset_seconds": 86_400}, {"offset_seconds": 3_600}],
            "confirm_required": True,
            "quorum": 2,
        },
        "Обучение по охране труда": {
            "description": "Инструктаж для новых сотрудников.",
            "start_local": _local(tomorrow + timedelta(days=2, hours=5)),
            "duration_minutes": 90,
            "rrule": "FREQ=MONTHLY",
            "audience": [{"kind": "team"}],
            "reminders": [{"offset_seconds": 86_400}],
            "confirm_required": True,
            "urgent": True,
        },
    }
    events: dict[str, int] = {}
    for title, spec in specs.items():
        made = await api(page, "POST", f"{base}/events", {"title": title, **spec})
        events[title] = made["id"]

    sent = await api(
        page,
        "POST",
        f"{base}/announcements",
        {
            "text": "Склад закрыт в пятницу\nИнвентаризация: **приходите к 9:00**, пропуск с собой.",
            "audience": [{"kind": "team"}],
        },
    )

    # The reminder reaches the drivers; Иван will come, Мария will not.
    for name, label in (("Иван", "✅"), ("Мария", "❌")):
        phone = people[name]

        def reminder(phone: Phone = phone) -> Message | None:
            return next(
                (m for m in phone.messages() if "Планёрка" in (m.text or "") and m.buttons()),
                None,
            )

        await wait_for(lambda: reminder() is not None, timeout=20, what=f"{name}'s reminder")
        message = reminder()
        assert message is not None
        (button,) = [b for b in message.buttons() if b["text"].startswith(label)]
        before = len(phone.notifications())
        s.emulator.press_button(phone.user_id, message.mid, button["payload"])

        def answered(phone: Phone = phone, before: int = before) -> bool:
            return len(phone.notifications()) > before

        await wait_for(answered, what=f"{name}'s answer")
    return World(team_id, people, groups, events, sent["event"]["id"])
