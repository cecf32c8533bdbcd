"""The mini-app page MAX opens at /app: standalone, both languages, no inline code (it runs
under a strict CSP), and a script that reads the launch data from the fragment."""

from __future__ import annotations

import re

import pytest
from jinja2 import Environment, FileSystemLoader, select_autoescape

from maxremind.domain.models import Language
from maxremind.http.web import texts as _texts  # noqa: F401  (registers the texts)
from maxremind.i18n import t
from maxremind.resources import web_dir

BRIDGE = "https://st.max.ru/js/max-web-app.js"


def render(lang: Language | str, bridge_url: str = BRIDGE) -> str:
    env = Environment(
        loader=FileSystemLoader(web_dir() / "templates"), autoescape=select_autoescape()
    )
    language = Language(lang)

    def say(key: str, **params: object) -> str:
        return t(key, language, **params)

    return env.get_template("miniapp.html").render(
        lang=language.value, bridge_url=bridge_url, _=say
    )


@pytest.mark.parametrize(
    ("lang", "heading", "noscript"),
    [(Language.RU, "Вход…", "нужен JavaScript"), (Language.EN, "Signing in…", "needs JavaScript")],
)
def test_the_page_speaks_the_users_language(lang: Language, heading: str, noscript: str) -> None:
    page = render(lang)
    assert f'<html lang="{lang.value}">' in page
    assert f'<h1 id="miniapp-title">{heading}</h1>' in page
    assert re.search(rf"<noscript>.*{noscript}.*</noscript>", page, re.S)
    assert 'role="alert"' in page and 'data-error-generic="' in page


def test_no_inline_code_and_the_scripts_it_loads() -> None:
    page = render(Language.RU)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert all(body.strip() == "" for _, body in scripts)  # nothing inline
    sources = [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _ in scripts]  # type: ignore[union-attr]
    assert sources == [BRIDGE, "/static/miniapp.js"]
    assert "<style" not in page and " style=" not in page and " on" not in page.split("<body")[1]
    # Without a bridge (offline appliance) the page signs in from the fragment alone.
    assert "max-web-app" not in render(Language.EN, bridge_url="")


def test_the_script_reads_the_fragment_and_posts_to_the_server() -> None:
    script = (web_dir() / "static" / "miniapp.js").read_text("utf-8")
    assert '"WebAppData"' in script and "window.WebApp" in script
    assert 'fetch("/auth/miniapp"' in script and 'credentials: "same-origin"' in script
    assert "init_data: initData" in script and "location.replace(" in script
