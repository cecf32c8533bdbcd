"""/help lists every registered command in both languages, tells members that organizers
see answer statistics, and README's table of commands names the same commands."""

from __future__ import annotations

import re
from pathlib import Path

from maxremind.bot.handlers import register_all
from maxremind.bot.router import Router
from maxremind.domain.models import Language
from tests.bot.conftest import Bot

README = Path(__file__).resolve().parents[2] / "README.md"
COMMAND = re.compile(r"(?<![\w/])/[a-z]+")


def registered() -> set[str]:
    router = Router(None)  # type: ignore[arg-type]  # registration needs no services
    register_all(router)
    return set(router.commands)


def help_commands(text: str) -> set[str]:
    """The commands /help describes: each line that starts with one."""
    return {m.group(0) for line in text.splitlines() if (m := COMMAND.match(line))}


def readme_commands() -> set[str]:
    """The commands in the first column of README's table of what people type in MAX."""
    section = README.read_text(encoding="utf-8").split("## In MAX", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    assert rows and rows[0].startswith("| command |"), "README: the commands table moved"
    found: set[str] = set()
    for row in rows[1:]:
        first = row.split("|")[1]
        found |= {
            token for part in re.findall(r"`([^`]*)`", first) for token in COMMAND.findall(part)
        }
    return found


def test_every_registered_command_has_a_help_line_in_both_languages() -> None:
    router = Router(None)  # type: ignore[arg-type]
    register_all(router)
    missing = sorted(name for name, command in router.commands.items() if not command.help_key)
    assert missing == [], f"commands without a help line: {missing}"
    for lang in Language:
        assert help_commands(router.help_text(lang)) == set(router.commands), lang


def test_readme_table_lists_exactly_the_commands_of_help() -> None:
    commands = registered()
    in_readme = readme_commands()
    assert in_readme - commands == set(), "README names commands the bot does not have"
    assert commands - in_readme == set(), "README's table leaves out commands"
    router = Router(None)  # type: ignore[arg-type]
    register_all(router)
    for lang in Language:
        assert help_commands(router.help_text(lang)) == in_readme, lang


async def test_help_in_russian_lists_every_command_and_the_statistics_line(bot: Bot) -> None:
    anna = bot.phone("Анна")
    await anna.start()
    text = "\n".join(await anna.say_all("/help"))
    assert help_commands(text) == registered()
    assert "/calendar" in text and "/web" in text
    assert "Организаторы команды видят статистику ответов участников." in text


async def test_help_in_english_lists_every_command_without_cyrillic(bot: Bot) -> None:
    john = bot.phone("John", locale="en")
    await john.start()
    text = "\n".join(await john.say_all("/help"))
    assert help_commands(text) == registered()
    assert "Your team's organizers see members' answer statistics." in text
    # Only the language button's own name ("русский") may be Cyrillic in English help.
    assert not re.search(r"[А-Яа-яЁё]", text.replace("русский", ""))
