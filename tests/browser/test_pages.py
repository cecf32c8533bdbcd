"""Every main page of a lived-in team at phone width (375 px) and desktop width: it opens,
nothing scrolls sideways, and axe-core finds no serious or critical accessibility violation.
The screenshots for README are taken from the same team (tests/browser/screenshots.py)."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.kit import (
    AXE,
    AXE_MISSING,
    DESKTOP,
    PHONE,
    Stage,
    axe_problems,
    needs_chromium,
    overflow,
    stage,
)
from tests.browser.screenshots import DESKTOP_SHOTS, PHONE_SHOTS, shoot
from tests.browser.world import World, build

if TYPE_CHECKING:
    from playwright.async_api import Page

pytestmark = needs_chromium


async def look_at(s: Stage, world: World) -> list[str]:
    """What is wrong with each main page, at each width; empty when all is well."""
    from playwright.async_api import expect

    problems: list[str] = []

    async def check(page_name: str, page: Page) -> None:
        wide = await overflow(page)
        if wide:
            problems.append(f"{page_name}: {wide}")
        if AXE.exists():
            problems.extend(f"{page_name}: {found}" for found in await axe_problems(page))

    for viewport, mobile in ((PHONE, True), (DESKTOP, False)):
        width = f"{viewport['width']}px"
        context = await s.context(viewport, mobile=mobile)
        page, _ = await s.sign_in(s.owner, context)
        for name, path in world.pages():
            response = await page.goto(path)
            assert response is not None and response.status == 200, (path, response)
            await expect(page.get_by_role("heading", level=1)).to_have_count(1)
            await check(f"{name} at {width}", page)
        # A form sent back with mistakes: messages next to the fields, still accessible.
        await page.goto(dict(world.pages())["event-form"])
        await page.fill("#ev-title", "")
        await page.fill("#ev-offsets", "когда-нибудь")
        await page.get_by_role("button", name="Сохранить").click()
        await expect(page.locator("#form-errors")).to_be_visible()
        await expect(page.locator("#ev-title")).to_have_attribute("aria-invalid", "true")
        await check(f"event form with errors at {width}", page)
        await context.close()

    # A member on a phone, in English (longer words): what the mini-app shows him.
    context = await s.context(PHONE, mobile=True)
    page, _ = await s.sign_in(world.people["Иван"], context)
    await page.goto("/me")
    await page.get_by_label("English").check()
    await page.get_by_role("button", name="Сменить язык").click()
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    for name, path in world.member_pages():
        response = await page.goto(path)
        assert response is not None and response.status == 200, (path, response)
        await check(f"{name} as a member in English at 375px", page)
    await context.close()

    # Signed out: the landing page and the sign-in page.
    context = await s.context(PHONE, mobile=True)
    page = await context.new_page()
    for path in ("/", "/login"):
        await page.goto(path)
        await check(f"{path} signed out", page)
    if AXE.exists():
        # The checker itself: a field without a label is a critical violation it must see.
        await page.evaluate(
            "document.querySelector('main').append(document.createElement('input'))"
        )
        assert any("label" in found for found in await axe_problems(page))
    await context.close()
    return problems


async def test_main_pages_fit_a_phone_and_pass_axe_and_screenshots_are_taken(
    tmp_path: Path,
) -> None:
    async with stage(tmp_path) as s:
        owner, team_id = await s.sign_in(s.owner, await s.context())
        world = await build(s, owner, team_id)
        problems = await look_at(s, world)
        assert problems == [], "\n".join(problems)

        # The screenshot script still works (a few of its pictures: the pages were seen above).
        assert set(DESKTOP_SHOTS + PHONE_SHOTS) <= set(dict(world.pages()))
        shots = await shoot(s, world, tmp_path, desktop=("dashboard",), phone=("event",))
        names = sorted(p.name for p in shots)
        assert names == ["dashboard.png", "event-phone.png", "mini-app.png"], names
        for shot in shots:
            width, height = png_size(shot)
            assert width >= 375 and height >= 600, (shot.name, width, height)
    if not AXE.exists():
        pytest.skip(AXE_MISSING + " (the pages fit; accessibility was not checked)")


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", head[16:24])
    return width, height
