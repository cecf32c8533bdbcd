"""What the browser tests share: Debian's Chromium through Playwright, the emulator and the
product running in this process, people who talk to the bot, and the page checks (axe-core,
no sideways scrolling).

Only the ``chromium`` package is used (no browser Playwright downloads): tests skip when it
is missing. axe-core comes from npm (``npm ci --prefix tests/browser``); without it the
accessibility checks skip and say how to install it.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from maxremind.app import Running
from maxremind.emulator.app import Emulator
from maxremind.emulator.limits import Limits
from tests.bot.conftest import Bot, Phone
from tests.bot.people_kit import link_in, open_link
from tests.harness import product_settings, running_emulator, running_product, wait_for

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page, ViewportSize

CHROMIUM = os.environ.get("MAXREMIND_TEST_CHROMIUM", "/usr/bin/chromium")
HAVE_CHROMIUM = bool(shutil.which(CHROMIUM) or Path(CHROMIUM).exists())
needs_chromium = pytest.mark.skipif(not HAVE_CHROMIUM, reason="Chromium is not installed")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_MISSING = "axe-core is not installed: run `npm ci --prefix tests/browser`"
PHONE: ViewportSize = {"width": 375, "height": 740}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
# Waits are bounded: a page or a bot answer that takes longer than this is a failure.
STEP_MS = 10_000
# MAX allows 2 messages a second into one dialog; the flows send a few dozen, so the
# emulator and the product agree on a higher rate (the rules under test do not depend on it).
FAST_CHAT_RPS = 20
TEAM_PATH = re.compile(r"/t/(\d+)/$")


@dataclass
class Stage:
    """The emulator and the product, a browser, and the team's owner (an instance admin)."""

    bot: Bot
    emulator_url: str
    browser: Browser
    owner: Phone
    problems: list[str] = field(default_factory=list)

    @property
    def emulator(self) -> Emulator:
        return self.bot.emulator

    @property
    def running(self) -> Running:
        return self.bot.running

    @property
    def web_url(self) -> str:
        return self.running.web_url

    def phone(self, name: str, *, username: str | None = None) -> Phone:
        return self.bot.phone(name, username=username)

    async def context(
        self, viewport: ViewportSize | None = None, *, mobile: bool = False
    ) -> BrowserContext:
        """A fresh browser profile (its own cookies) in Russian; page errors and CSP
        refusals are collected into ``problems`` and fail the test at the end."""
        context = await self.browser.new_context(
            base_url=self.web_url,
            viewport=viewport or DESKTOP,
            locale="ru-RU",
            timezone_id="Europe/Moscow",
            is_mobile=mobile,
            has_touch=mobile,
        )
        context.set_default_timeout(STEP_MS)
        # MAX's bridge script (https://st.max.ru) is not reachable from a test: refuse it at
        # once, as an offline appliance would, so the mini-app page signs in from the fragment.
        await context.route("https://st.max.ru/**", lambda route: route.abort())
        context.on("page", self.watch)
        return context

    def watch(self, page: Page) -> None:
        def console(message: Any) -> None:
            if "Content Security Policy" in message.text:
                self.problems.append(f"{page.url}: {message.text}")

        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))
        page.on("console", console)

    async def member(self, name: str, username: str, group: str | None = None) -> Phone:
        """Someone who joins the team by the owner's invite link (into ``group`` if given)."""
        answer = await self.owner.say(f"/invite #{group}" if group else "/invite")
        phone = self.phone(name, username=username)
        welcome = await open_link(phone, link_in(answer))
        assert "Вы в команде" in welcome, welcome
        return phone

    async def sign_in(self, phone: Phone, context: BrowserContext) -> tuple[Page, int]:
        """The person sends /web and opens the one-time link: their team's dashboard."""
        link = await web_link(phone)
        page = await context.new_page()
        await page.goto(link)
        await page.wait_for_url(TEAM_PATH)
        match = TEAM_PATH.search(urlsplit(page.url).path)
        assert match, page.url
        return page, int(match.group(1))


async def web_link(phone: Phone) -> str:
    """The URL of the "sign in in a browser" button of the bot's answer to /web."""
    before = len(phone.messages())
    phone.bot.emulator.send_message(phone.user_id, "/web")

    def links() -> list[str]:
        # Other messages (a reminder, an announcement) may arrive around the answer.
        return [
            str(b["url"])
            for m in phone.messages()[before:]
            for b in m.buttons()
            if b.get("type") == "link"
        ]

    await wait_for(lambda: bool(links()), what="the bot's answer to /web")
    (url,) = links()
    return url


@asynccontextmanager
async def stage(
    tmp_path: Path, *, owner: str = "Ольга", team: str = "Отдел"
) -> AsyncIterator[Stage]:
    """The emulator and the product (the owner is an instance admin, the emulator's phone
    page may frame the product's mini-app), Chromium, and an owner with a team."""
    playwright_api = pytest.importorskip("playwright.async_api")
    limits = Limits(messages_per_chat_per_second=FAST_CHAT_RPS)
    async with running_emulator(limits=limits) as (emulator, url):
        boss = emulator.create_user(owner, username="olga")
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        settings = product_settings(
            url,
            tmp_path,
            log_level="info",
            admin_ids=str(boss.user_id),
            frame_ancestors=f"https://web.max.ru {origin}",
            chat_rate_limit_rps=float(FAST_CHAT_RPS),
        )
        async with running_product(settings) as running, playwright_api.async_playwright() as pw:
            # What the bot's owner does in MAX's partner platform (maxremind demo does it too).
            emulator.register_mini_app(f"{running.web_url}/app")
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                bot = Bot(emulator, running, tmp_path)
                phone = Phone(bot, boss.user_id)
                await phone.start()
                created = await phone.say(f"/team {team}")
                assert f"«{team}» создана" in created, created
                here = Stage(bot, url, browser, phone)
                yield here
                assert here.problems == [], "page errors or CSP refusals:\n" + "\n".join(
                    here.problems
                )
            finally:
                await browser.close()


async def axe_problems(page: Page) -> list[str]:
    """Serious and critical axe-core violations of the page as it is now (axe-core must be
    installed: see ``AXE``).

    axe is evaluated in the page rather than added as a ``<script>`` tag: the product's CSP
    (no inline script) refuses an injected tag, and bypassing the CSP would check a page
    other than the one people get.
    """
    if not await page.evaluate("typeof window.axe === 'object'"):
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    violations: list[dict[str, Any]] = await page.evaluate(
        """async () => {
            const result = await window.axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — "
                                   + (n.failureSummary || "").split("\\n").slice(1).join(" "))}));
        }"""
    )
    return [
        f"{urlsplit(page.url).path} [{v['impact']}] {v['id']}: {v['help']}\n    "
        + "\n    ".join(v["nodes"])
        for v in violations
    ]


async def overflow(page: Page) -> str | None:
    """Whether the page scrolls sideways (wider than the window): what sticks out, or None."""
    found: dict[str, Any] = await page.evaluate(
        """() => {
            const width = window.innerWidth, doc = document.documentElement;
            if (doc.scrollWidth <= width + 1) return {wide: false};
            const culprits = [...document.body.querySelectorAll("*")]
                .filter(el => el.getBoundingClientRect().right > width + 1)
                .slice(-5)
                .map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                          + (el.className && typeof el.className === "string"
                             ? "." + el.className.trim().split(/\\s+/).join(".") : ""));
            return {wide: true, scroll: doc.scrollWidth, width, culprits};
        }"""
    )
    if not found["wide"]:
        return None
    return (
        f"{urlsplit(page.url).path} is {found['scroll']}px wide in a {found['width']}px window; "
        f"sticking out: {', '.join(found['culprits'])}"
    )


@dataclass(frozen=True)
class Planned:
    event_id: int
    starts_at: datetime  # aware, in the event's zone


async def plan_event(
    page: Page,
    team_id: int,
    title: str,
    *,
    group: str,
    headcount: int,
    start_in: timedelta = timedelta(days=1),
    offsets: str = "за 1 час",
) -> Planned:
    """An organizer fills in the events form: a weekly event for ``group`` with a
    confirmation and reminder ``offsets``, starting ``start_in`` from now (whole minutes, in
    the zone the form offers); the page then is the event's."""
    from playwright.async_api import expect

    await page.goto(f"/t/{team_id}/events/new")
    zone = ZoneInfo(await page.input_value("#ev-zone"))
    now = datetime.now(zone)
    starts_at = (now + start_in + timedelta(minutes=1)).replace(second=0, microsecond=0)
    await page.fill("#ev-title", title)
    await page.fill("#ev-place", "Переговорная 2")
    await page.fill("#ev-date", starts_at.date().isoformat())
    await page.fill("#ev-time", starts_at.strftime("%H:%M"))
    await page.select_option("#ev-repeat", "weekly")
    audience = page.locator("#audience")
    await audience.get_by_label("Вся команда").uncheck()
    await audience.get_by_label(group).check()
    # The head count follows the picks (events.js asks the server).
    await expect(audience.locator("[data-headcount=headcount]")).to_have_text(
        re.compile(rf"(^|\D){headcount}(\D|$)")
    )
    await page.fill("#ev-offsets", offsets)
    await page.locator("#ev-confirm").check()
    # Urgent: it reaches people even in their quiet hours.
    await page.locator("#ev-urgent").check()
    await page.get_by_role("button", name="Сохранить").click()
    await page.wait_for_url(re.compile(r"/events/\d+$"))
    await expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    return Planned(int(page.url.rsplit("/", 1)[1]), starts_at)
