"""MAX markdown as safe HTML (the announcement preview)."""

from __future__ import annotations

import re

import pytest

from maxremind.domain.markdown import render_markdown

ALLOWED_TAGS = {"p", "br", "strong", "em", "del", "ins", "mark", "code", "a", "span"}


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("*em* and _em_", "<p><em>em</em> and <em>em</em></p>"),
        ("**strong** and __strong__", "<p><strong>strong</strong> and <strong>strong</strong></p>"),
        ("~~gone~~", "<p><del>gone</del></p>"),
        ("++under++", "<p><ins>under</ins></p>"),
        ("^^important^^", "<p><mark>important</mark></p>"),
        ("`a*b*`", "<p><code>a*b*</code></p>"),
        ("```x = 1\ny = 2```", "<p><code>x = 1<br>y = 2</code></p>"),
        ("**bold `code` inside**", "<p><strong>bold <code>code</code> inside</strong></p>"),
    ],
)
def test_inline_styles(text: str, html: str) -> None:
    assert render_markdown(text) == html


def test_underscores_inside_words_stay() -> None:
    assert render_markdown("send to user_name_here") == "<p>send to user_name_here</p>"
    assert render_markdown("a * b * c") == "<p>a * b * c</p>"  # spaced stars are not markers


def test_header_paragraphs_and_line_breaks() -> None:
    out = render_markdown("# Собрание\nв пятницу\n\nприходите\nвсе")
    assert out == (
        '<p class="md-header"><strong>Собрание</strong></p><p>в пятницу</p>\n'
        "<p>приходите<br>все</p>"
    )


def test_links_only_to_web_addresses() -> None:
    out = render_markdown("[site](https://dev.max.ru/docs?a=1&b=2)")
    assert out == (
        '<p><a href="https://dev.max.ru/docs?a=1&amp;b=2" rel="nofollow noopener noreferrer">'
        "site</a></p>"
    )
    assert "<a" not in render_markdown("[x](javascript:alert)")
    assert "<a" not in render_markdown("[x](/relative/path)")
    assert (
        render_markdown("[Anna](max://user/42)") == '<p><span class="md-mention">@Anna</span></p>'
    )
    # Underscores in an address are not emphasis.
    assert 'href="https://x.ru/a_b_c"' in render_markdown("[x](https://x.ru/a_b_c)")


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "**<b>bold</b>**",
        '[<i>x</i>](https://a.ru/"onmouseover="alert(1))',
        "`<script>`",
        "# <h1>big</h1>",
        "\x00<script>\x01",
    ],
)
def test_everything_is_escaped(text: str) -> None:
    out = render_markdown(text)
    tags = set(re.findall(r"</?([a-zA-Z0-9]+)", out))
    assert tags <= ALLOWED_TAGS, out
    assert "<script" not in out and "onerror=" not in out.replace("onerror=&quot;", "")
    assert 'href="https://a.ru/"onmouseover' not in out


def test_script_stays_text() -> None:
    assert render_markdown("<script>x</script>") == "<p>&lt;script&gt;x&lt;/script&gt;</p>"


def test_empty_and_huge_input() -> None:
    assert render_markdown("") == ""
    assert render_markdown("\n\n\n") == ""
    big = render_markdown("*a* " * 20_000)
    assert big.startswith("<p><em>a</em>") and len(big) < 200_000


@pytest.mark.parametrize("unit", ["*a ", "_a ", "**a ", "~~a ", "++a ", "^^a ", "[a](", "```a "])
def test_unclosed_markers_take_linear_time(unit: str) -> None:
    import time

    text = unit * (20_000 // len(unit))
    started = time.perf_counter()
    render_markdown(text)
    assert time.perf_counter() - started < 0.5  # a quadratic search takes seconds here
