"""Screenshots of the main pages for README.md: ``python tests/browser/screenshots.py``
(from the repository root; Debian's Chromium) writes docs/screenshots/*.png.

The same team as the page checks (tests/browser/world.py), in Chromium at desktop width,
and the dashboard, the event page and the mini-app at phone width. The page checks run
``shoot`` too, into a temporary folder, so this script keeps working.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if __package__ in (None, ""):  # run as a script: the repository root is the import root
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.browser.kit import DESKTOP, PHONE, Stage, stage
from tests.browser.world import World, build

if TYPE_CHECKING:
    from playwright.async_api import Page

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP_SHOTS = (
    "dashboard",
    "events",
    "event",
    "event-edit",
    "people",
    "announcement",
    "settings",
    "me",
    "instance",
)
PHONE_SHOTS = ("dashboard", "event")


async def shoot(
    s: Stage,
    world: World,
    out: Path,
    desktop: tuple[str, ...] = DESKTOP_SHOTS,
    phone: tuple[str, ...] = PHONE_SHOTS,
) -> list[Path]:
    """Desktop shots of the main pages and phone shots of a few (by their names in
    ``World.pages``) and the mini-app, into the folder ``out``; returns the files."""
    pages = dict(world.pages())
    made: list[Path] = []
    for viewport, mobile, names, suffix in (
        (DESKTOP, False, desktop, ""),
        (PHONE, True, phone, "-phone"),
    ):
        context = await s.context(viewport, mobile=mobile)
        page, _ = await s.sign_in(s.owner, context)
        for name in names:
            await page.goto(pages[name])
            await _settle(page)
            made.append(out / f"{name}{suffix}.png")
            await page.screenshot(path=made[-1], animations="disabled", caret="hide")
        await context.close()
    made.append(await _mini_app(s, world, out / "mini-app.png"))
    return made


async def _settle(page: Page) -> None:
    """Fonts and images in, nothing focused: the picture people would see."""
    await page.wait_for_load_state("load")
    await page.evaluate("document.fonts.ready.then(() => document.activeElement?.blur())")


async def _mini_app(s: Stage, world: World, path: Path) -> Path:
    """The emulator's phone page with Иван's mini-app open over the dialog."""
    from playwright.async_api import expect

    context = await s.context({"width": 1000, "height": 820})
    phone = await context.new_page()
    ivan = world.people["Иван"]
    await phone.goto(s.emulator_url + "/")
    await phone.select_option("#userSelect", str(ivan.user_id))
    await phone.fill("#text", "/web")
    await phone.click("#send")
    await phone.get_by_role("button", name="Открыть в MAX").last.click()
    app = phone.frame_locator("#miniAppFrame")
    await expect(app.get_by_role("heading", level=1)).to_contain_text("Отдел")
    await phone.screenshot(path=path, animations="disabled", caret="hide")
    await context.close()
    return path


async def main() -> int:
    with tempfile.TemporaryDirectory(prefix="maxremind-shots-") as folder:
        async with stage(Path(folder)) as s:
            page, team_id = await s.sign_in(s.owner, await s.context())
            world = await build(s, page, team_id)
            OUT.mkdir(parents=True, exist_ok=True)
            for made in await shoot(s, world, OUT):
                print(f"{made.relative_to(OUT.parents[1])}: {made.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
