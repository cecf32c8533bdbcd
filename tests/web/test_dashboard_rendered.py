"""The dashboard page is rendered once per shared board and viewer: reloads while
nothing was written reuse it, and any write (an answer, a change of role) renders anew."""

from __future__ import annotations

from typing import Any

import pytest

from maxremind.domain.models import Answer, Role
from maxremind.http.web import templates
from tests.web.conftest import IDS, WebWorld
from tests.web.test_dashboard import an_event


async def test_reloads_reuse_the_page_until_a_write(
    web: WebWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []
    real = templates.render

    def counting(visit: Any, template: str, **kwargs: Any) -> Any:
        if template.startswith("dashboard/"):
            rendered.append(template)
        return real(visit, template, **kwargs)

    monkeypatch.setattr(templates, "render", counting)
    event, occ = await an_event(web, "Планёрка отдела")
    organizer = await web.client("organizer")
    path = f"/t/{web.team.id}/"
    first = await organizer.get(path)
    second = await organizer.get(path)
    assert first.status_code == second.status_code == 200
    assert second.text == first.text
    assert second.headers["cache-control"] == "no-store"
    assert second.headers["content-type"] == first.headers["content-type"]
    assert rendered == ["dashboard/index.html"]  # the reload reused the page

    owner = await web.client("owner")  # another viewer gets their own page
    assert (await owner.get(path)).status_code == 200
    assert len(rendered) == 2

    await web.services.answers.answer(occ, IDS["member"], Answer.YES)
    page = await organizer.get(path)
    assert f'data-live-key="o{occ}-yes">1<' in page.text
    assert len(rendered) == 3

    await web.storage.set_member_role(web.team.id, IDS["organizer"], Role.MEMBER)
    page = await organizer.get(path)
    assert len(rendered) == 4
    announcements = f'href="/t/{web.team.id}/announcements"'
    assert announcements in first.text
    assert announcements not in page.text  # an organizer's link, gone with the role
    assert event.title in page.text
