"""Issue 15, 9: the event form's "people invited see who is coming" option."""

from __future__ import annotations

import html

from tests.web.conftest import WebWorld
from tests.web.test_events_pages import _VERSION, _form


async def test_the_event_form_sets_and_clears_the_roster_option(web: WebWorld) -> None:
    browser = await web.client("organizer")
    new = await browser.get(f"/t/{web.team.id}/events/new")
    assert 'name="roster"' in new.text and "видят, кто идёт" in new.text
    answer = await browser.post_form(f"/t/{web.team.id}/events/new", _form(confirm="1", roster="1"))
    assert answer.status_code == 303, answer.text
    event_id = int(answer.headers["location"].rsplit("/", 1)[1])
    assert (await web.storage.get_event(event_id)).roster_visible

    url = f"/t/{web.team.id}/events/{event_id}/edit"
    edit = await browser.get(url)
    assert 'id="ev-roster" name="roster" value="1" checked' in edit.text
    version = _VERSION.search(edit.text)
    assert version
    saved = await browser.post_form(
        url, _form(confirm="1", version=html.unescape(version.group(1)))
    )
    assert saved.status_code == 303, saved.text
    assert not (await web.storage.get_event(event_id)).roster_visible
