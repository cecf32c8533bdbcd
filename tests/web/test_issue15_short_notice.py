"""The team's choice for a reminder due before its event was made (issue 15), on the
settings page and in the JSON API."""

from __future__ import annotations

from tests.web.conftest import WebWorld


async def test_admins_choose_on_the_settings_page_members_see_it(web: WebWorld) -> None:
    url = f"/t/{web.team.id}/settings"
    admin = await web.client("admin")
    page = await admin.get(url)
    assert "Напоминание, время которого прошло до создания события" in page.text
    assert 'name="short_notice" value="send" checked' in page.text
    fields = {"zone": "Europe/Moscow", "quiet": "", "reminders": "", "chase": "", "summary": ""}
    answer = await admin.post_form(url, fields | {"short_notice": "skip"})
    assert answer.status_code == 303
    assert (await web.services.people.team(web.team.id)).skip_short_notice
    assert 'name="short_notice" value="skip" checked' in (await admin.get(url)).text
    # A form without the field (an older page) leaves the choice as it is.
    assert (await admin.post_form(url, fields)).status_code == 303
    assert (await web.services.people.team(web.team.id)).skip_short_notice
    member = await web.client("member")
    facts = (await member.get(url)).text.split('id="settings"')[1].split("</dl>")[0]
    assert "Пропустить (придут только следующие напоминания)" in facts
    await admin.post_form(url, fields | {"short_notice": "send"})
    assert not (await web.services.people.team(web.team.id)).skip_short_notice


async def test_the_api_shows_the_teams_choice(web: WebWorld) -> None:
    api = await web.api("admin")
    url = f"/api/v1/teams/{web.team.id}"
    assert (await api.get(url)).json()["skip_short_notice"] is False
    await web.services.people.set_team_short_notice(web.team.id, web.ids["admin"], skip=True)
    assert (await api.get(url)).json()["skip_short_notice"] is True
