"""Issue 15 (8): reminders and announcements say who is speaking — the team and the
organizer — so a person in several teams knows whose message it is."""

from __future__ import annotations

from maxremind.domain.models import Role
from tests.bot.conftest import Bot
from tests.bot.test_events_support import make_team, wait_for_text


async def test_an_announcement_names_the_team_and_its_sender(bot: Bot) -> None:
    team = await make_team(
        bot,
        {"Анна": ("anna", Role.ORGANIZER), "Борис": ("boris", Role.MEMBER)},
        {"Отдел продаж": ["Анна", "Борис"]},
        locales={"Борис": "en"},
    )
    anna, boris = team.people["Анна"], team.people["Борис"]
    await anna.say("/notify #Отдел продаж; Собрание в 15:00")
    got = await wait_for_text(boris, "Собрание в 15:00")
    assert "👥 Ромашка · from Анна" in got  # Boris reads English: the frame is English
    own = await wait_for_text(anna, "📣 Собрание")
    # The organizer is not told that the message is from herself; the team is named.
    assert "👥 Ромашка" in own and "от Анна" not in own
