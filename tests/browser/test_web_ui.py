"""The web UI in real Chromium, as people use it: signing in from the bot, planning an event
in the form, answers arriving on the dashboard without a reload, the mini-app inside the
emulator's phone page, and every main page at phone and desktop width with axe-core."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from maxremind.emulator.models import Message
from maxremind.http.web.visit import SESSION_COOKIE
from tests.browser.kit import TEAM_PATH, needs_chromium, plan_event, stage, web_link
from tests.harness import wait_for

# The dashboard's live counts are polled (3 s, backing off while nothing changes).
LIVE_MS = 20_000

pytestmark = needs_chromium


async def test_the_bot_link_signs_in_once_and_lands_on_the_dashboard(tmp_path: Path) -> None:
    from playwright.async_api import expect

    async with stage(tmp_path) as s:
        browser = await s.context()
        link = await web_link(s.owner)
        page = await browser.new_page()
        await page.goto(link)
        await page.wait_for_url(TEAM_PATH)
        # Signed in: the dashboard of the team made in the bot, with the person's name.
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Отдел")
        await expect(page.locator("header .who")).to_contain_text("Ольга")
        # The token only ever lived in the fragment; the session cookie is out of scripts' reach.
        assert "#" not in page.url
        (cookie,) = [c for c in await browser.cookies() if c["name"] == SESSION_COOKIE]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

        # The link works once: a second browser that opens it is asked to sign in again.
        other = await s.context()
        again = await other.new_page()
        await again.goto(link)
        await expect(again.locator("#login-error")).to_be_visible()
        assert not TEAM_PATH.search(again.url)
        assert not [c for c in await other.cookies() if c["name"] == SESSION_COOKIE]


async def test_an_event_planned_in_the_form_is_confirmed_in_max_and_the_dashboard_follows(
    tmp_path: Path,
) -> None:
    from playwright.async_api import expect

    async with stage(tmp_path) as s:
        await s.owner.say("/group new Водители")
        ivan = await s.member("Иван", "ivan", group="Водители")
        page, team_id = await s.sign_in(s.owner, await s.context())
        # Starts in about three minutes; reminded three minutes before: due now.
        planned = await plan_event(
            page,
            team_id,
            "Планёрка",
            group="Водители",
            headcount=1,
            start_in=timedelta(minutes=2),
            offsets="за 3 минуты",
        )
        assert planned.event_id > 0

        # The reminder reaches the member in MAX, with the answer buttons.
        def reminder() -> Message | None:
            return next(
                (m for m in ivan.messages() if "Планёрка" in (m.text or "") and m.buttons()),
                None,
            )

        await wait_for(lambda: reminder() is not None, timeout=20, what="the reminder")
        message = reminder()
        assert message is not None and "Переговорная 2" in (message.text or "")
        (yes,) = [b for b in message.buttons() if "Буду" in b["text"]]

        # The organizer watches the dashboard; the member answers in MAX meanwhile.
        await page.goto(f"/t/{team_id}/")
        rows = page.locator("table.upcoming tbody tr", has_text="Планёрка")
        await expect(rows).to_have_count(2)  # weekly: today's and next week's, in 14 days
        row = rows.first
        await expect(row).to_contain_text("срочно")
        await expect(row.locator("[data-live-key$='-sent']")).to_have_text("1 / 1")
        await expect(row.locator("[data-live-key$='-yes']")).to_have_text("0")
        await expect(row.locator("[data-live-key$='-none']")).to_have_text("1")
        await page.evaluate("window.stillHere = true")
        s.emulator.press_button(ivan.user_id, message.mid, yes["payload"])
        # app.js polls every 3 s while nothing moves it backs off: bounded well above that.
        await expect(row.locator("[data-live-key$='-yes']")).to_have_text("1", timeout=LIVE_MS)
        await expect(row.locator("[data-live-key$='-none']")).to_have_text("0")
        assert await page.evaluate("window.stillHere === true"), "the page was reloaded"
        assert "Записал" in " ".join(ivan.notifications())


async def test_the_same_flow_in_the_mini_app_from_the_phone_page(tmp_path: Path) -> None:
    """The member opens the bot's mini-app on the emulator's phone page (an open_app button
    of /web), finds the event and answers in it; the organizer's dashboard follows."""
    from playwright.async_api import expect

    async with stage(tmp_path) as s:
        await s.owner.say("/group new Водители")
        ivan = await s.member("Иван", "ivan", group="Водители")
        desk, team_id = await s.sign_in(s.owner, await s.context())
        await plan_event(desk, team_id, "Планёрка", group="Водители", headcount=1)
        await desk.goto(f"/t/{team_id}/")
        counts = desk.locator("table.upcoming tbody tr", has_text="Планёрка").first
        await expect(counts.locator("[data-live-key$='-yes']")).to_have_text("0")
        await desk.evaluate("window.stillHere = true")

        phone = await (await s.context()).new_page()
        await phone.goto(s.emulator_url + "/")
        await phone.select_option("#userSelect", str(ivan.user_id))
        await phone.fill("#text", "/web")
        await phone.click("#send")
        await phone.get_by_role("button", name="Открыть в MAX").last.click()
        sheet = phone.locator("#miniApp")
        await expect(sheet).to_be_visible()
        app = phone.frame_locator("#miniAppFrame")
        # /app posts the signed launch data, then follows the redirect to the dashboard.
        await expect(app.get_by_role("heading", level=1)).to_contain_text("Отдел")
        await expect(app.locator("header .who")).to_contain_text("Иван")
        (inner,) = [f for f in phone.frames if f.url.startswith(s.web_url)]
        assert TEAM_PATH.search(inner.url) and "WebAppData" not in inner.url, inner.url

        await app.get_by_role("link", name="Планёрка").first.click()
        await expect(app.get_by_role("heading", level=1)).to_contain_text("Планёрка")
        await app.get_by_role("button", name="✅ Приду").click()
        await expect(app.get_by_role("status")).to_contain_text("Ответ сохранён")
        await expect(app.locator("#my-answer")).to_contain_text("Приду")

        # The organizer's open dashboard counts the answer without a reload.
        await expect(counts.locator("[data-live-key$='-yes']")).to_have_text("1", timeout=LIVE_MS)
        assert await desk.evaluate("window.stillHere === true"), "the page was reloaded"
        # Closing the sheet ends the frame, as closing a mini-app in MAX does.
        await phone.click("#closeMiniApp")
        await expect(sheet).to_be_hidden()
