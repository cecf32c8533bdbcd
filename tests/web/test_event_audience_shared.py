"""An event page's audience (the whole team, for most events) is resolved once for all
the team's events while nothing is written, and anew after a write."""

from __future__ import annotations

from maxremind.domain.models import Role
from tests.web.conftest import IDS, WebWorld
from tests.web.test_dashboard import an_event


async def test_the_team_audience_is_shared_by_its_events_until_a_write(web: WebWorld) -> None:
    first, _ = await an_event(web, "Планёрка")
    second, _ = await an_event(web, "Разбор", hours=40)
    agenda = web.services.overview.agenda
    calls = 0
    real = web.storage.member_ids

    async def counted(team_id: int) -> list[int]:
        nonlocal calls
        calls += 1
        return await real(team_id)

    web.storage.member_ids = counted  # type: ignore[method-assign]
    one = await agenda.sight(first.id, IDS["organizer"])
    two = await agenda.sight(second.id, IDS["member"])
    assert one is not None and two is not None
    assert one.audience is two.audience and calls == 1
    assert two.invited and IDS["member"] in two.audience.users

    await web.storage.remove_member(web.team.id, IDS["member"])
    three = await agenda.sight(second.id, IDS["member"])
    assert calls == 2
    assert three is not None and not three.invited and not three.visible
    await web.storage.add_member(web.team.id, IDS["member"], Role.MEMBER)
    four = await agenda.sight(second.id, IDS["member"])
    assert four is not None and four.invited and calls == 3
