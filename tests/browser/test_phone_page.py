"""The emulator's phone page in real Chromium: how a person tries maxremind without MAX."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.harness import product_settings, running_emulator, running_product

CHROMIUM = os.environ.get("MAXREMIND_TEST_CHROMIUM", "/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()), reason="Chromium is not installed"
)
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


async def test_a_person_creates_a_user_starts_the_bot_and_presses_a_button(tmp_path: Path) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    async with (
        running_emulator() as (_emu, url),
        running_product(product_settings(url, tmp_path)),
        playwright_api.async_playwright() as pw,
    ):
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = await browser.new_page()
            await page.goto(url + "/")
            await page.get_by_text("Новый пользователь").click()
            await page.fill("#newName", "Анна")
            await page.click("#createUser")
            await page.get_by_text("Начать (Start)").click()
            await page.get_by_text("MAX Уведомления").first.wait_for(timeout=10_000)
            await page.fill("#text", "/lang")
            await page.click("#send")
            await page.get_by_role("button", name="English").click()
            await page.get_by_text("I will speak English now").first.wait_for(timeout=10_000)
            await page.screenshot(
                path=os.environ.get("MAXREMIND_TEST_SCREENSHOT", str(tmp_path / "phone.png"))
            )
        finally:
            await browser.close()
