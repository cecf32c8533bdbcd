"""The web UI in English: every page, file and API answer an English-speaking owner (an
instance admin, so every page opens) and an English-speaking member can open, searched
for Cyrillic.

The seeded team, its people, events, groups and tags have Russian names; those are
theirs and are taken out before looking, as is the language picker's own name for
Russian ("Русский").  What is left — headings, labels, buttons, dates, counts, hints,
titles and the text of attributes people or screen readers meet — must be English.
"""

from __future__ import annotations

import html
import re

import pytest

from maxremind.domain.models import Language
from tests.web.conftest import IDS, NAMES, WebWorld
from tests.web.test_authorization import concrete, door_routes, seed_params

CYRILLIC = re.compile(r"[\u0400-\u04ff]+")
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
READ_ATTRIBUTES = re.compile(r'\b(?:title|alt|aria-label|placeholder|value|content)="([^"]*)"')
TAG = re.compile(r"<[^>]+>")
# Names the seed and seed_params gave, in Russian; plus the language's own name.
THEIRS = (
    *NAMES.values(),
    "Отдел продаж",
    "Другая команда",
    "Напоминалка",
    "Планёрка",
    "Объявление",
    "Склад",
    "дежурные",
    "Русский",
)


def shown(page: str) -> str:
    """What a reader meets: the text between tags and the attributes read out or shown."""
    page = SCRIPT_OR_STYLE.sub(" ", page)
    attributes = " ".join(READ_ATTRIBUTES.findall(page))
    return html.unescape(TAG.sub(" ", page) + " " + attributes)


def leaks(text: str) -> list[str]:
    for name in sorted(THEIRS, key=len, reverse=True):
        text = text.replace(name, "")
    return CYRILLIC.findall(text)


@pytest.mark.timeout(300)
async def test_every_page_speaks_english_to_english_speakers(web: WebWorld) -> None:
    params = await seed_params(web)
    for who in ("owner", "member"):
        await web.services.users.set_language(IDS[who], Language.EN)
    pages = [r for r in door_routes(web.app) if "GET" in (r.methods or {"GET"})]
    assert len(pages) > 10
    problems = []
    opened = 0
    for who in ("owner", "member"):
        browser = await web.client(who)
        for route in pages:
            answer = await browser.get(concrete(route.path, params))
            if answer.is_redirect:
                continue  # refusals (403, 404 pages, API errors) are read like pages
            opened += 1
            found = leaks(shown(answer.text))
            if found:
                problems.append(f"{route.path} as {who}: {sorted(set(found))}")
    # And what someone outside a team, or asking for what is not there, is told.
    for url in (f"/t/{web.other_team.id}/people", "/t/1/events/999999", "/no/such/page"):
        answer = await browser.get(url)
        found = leaks(shown(answer.text))
        if found:
            problems.append(f"{url} as member ({answer.status_code}): {sorted(set(found))}")
    assert opened > 10
    assert not problems, "Cyrillic on English pages:\n" + "\n".join(problems)
