"""MAX's markdown as safe HTML, for previews of what a message will look like.

MAX reads (``format: markdown``): ``*em*`` / ``_em_``, ``**strong**`` / ``__strong__``,
``~~strike~~``, ``++underline++``, ``` `code` ``` and ``` ```code``` ```,
``^^important^^`` (highlighted), ``[text](url)`` (``max://user/<id>`` is a mention) and a
``# Header`` line.  Everything is HTML-escaped first; the only tags in the result are the
ones made here, and links only go to ``http``/``https`` addresses.  Pure code, no I/O.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

__all__ = ["render_markdown"]

MAX_INPUT = 20_000  # longer text is cut before rendering (MAX takes 4000 characters)

# Placeholders for finished pieces (code, links): control characters that escaped input
# never contains (they are removed from it first).
_HOLD = "\x02{}\x03"
_HELD = re.compile("\x02(\\d+)\x03")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_FENCED = re.compile(r"```(.+?)```", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+?)`")
_LINK = re.compile(r"\[([^\[\]\n]+?)\]\(([^()\s]+)\)")
_HEADER = re.compile(r"^# +(.+)$")


def _span(marker: str, *, word_bound: bool = False) -> re.Pattern[str]:
    """``marker text marker`` on one line: the text neither starts nor ends with a space
    and does not hold the marker itself, so a search never runs past the next marker
    (linear time, whatever is typed); with ``word_bound`` the markers may not touch a
    letter or digit outside (``snake_case`` stays as typed, as in CommonMark)."""
    c = re.escape(marker[0])
    m = re.escape(marker)
    inner = f"[^{c}\\n]" if len(marker) == 1 else f"(?:[^{c}\\n]|{c}(?!{c}))"
    before, after = (r"(?<![\w])", r"(?![\w])") if word_bound else ("", "")
    return re.compile(rf"{before}{m}(?=[^\s{c}])({inner}+?)(?<=[^\s{c}]){m}{after}")


# Longer markers first: ``**`` before ``*``, ``__`` before ``_``.
_SPANS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_span("**"), "strong"),
    (_span("__", word_bound=True), "strong"),
    (_span("~~"), "del"),
    (_span("++"), "ins"),
    (_span("^^"), "mark"),
    (_span("*"), "em"),
    (_span("_", word_bound=True), "em"),
)


def render_markdown(text: str) -> str:
    """``text`` (MAX markdown) as HTML: paragraphs, line breaks, the inline styles,
    links and headers.  Safe to put in a page as is."""
    text = _CONTROL.sub("", text[:MAX_INPUT].replace("\r\n", "\n").replace("\r", "\n"))
    held: list[str] = []

    def hold(piece: str) -> str:
        held.append(piece)
        return _HOLD.format(len(held) - 1)

    escaped = html.escape(text, quote=True)
    escaped = _FENCED.sub(
        lambda m: hold("<code>" + m.group(1).strip("\n").replace("\n", "<br>") + "</code>"),
        escaped,
    )
    escaped = _CODE.sub(lambda m: hold(f"<code>{m.group(1)}</code>"), escaped)
    escaped = _LINK.sub(lambda m: hold(_link(m.group(1), m.group(2), _inline)), escaped)
    blocks = []
    for block in re.split(r"\n[ \t]*\n", escaped.strip("\n")):
        lines: list[str] = []
        parts: list[str] = []
        for line in block.split("\n"):
            header = _HEADER.match(line.strip())
            if header:
                if lines:
                    parts.append("<p>" + "<br>".join(lines) + "</p>")
                    lines = []
                parts.append(
                    f'<p class="md-header"><strong>{_inline(header.group(1))}</strong></p>'
                )
            else:
                lines.append(_inline(line))
        if lines and any(line.strip() for line in lines):
            parts.append("<p>" + "<br>".join(lines) + "</p>")
        blocks.append("".join(parts))
    out = "\n".join(b for b in blocks if b)
    # Pieces may hold pieces (a code span in a link's text): restore until none is left.
    while _HELD.search(out):
        out = _HELD.sub(lambda m: held[int(m.group(1))], out)
    return out


def _inline(text: str) -> str:
    for pattern, tag in _SPANS:
        text = pattern.sub(rf"<{tag}>\1</{tag}>", text)
    return text


def _link(label: str, target: str, inline: Callable[[str], str]) -> str:
    """A link to a web address; a mention (``max://user/…``) shows as a name; anything
    else (``javascript:``, relative paths) stays as the text that was typed."""
    address = html.unescape(target)
    if address.lower().startswith("max://user/"):
        return f'<span class="md-mention">@{inline(label)}</span>'
    if not re.match(r"^https?://[^\s/]+", address, re.IGNORECASE):
        return f"[{inline(label)}]({target})"
    href = html.escape(address, quote=True)
    return f'<a href="{href}" rel="nofollow noopener noreferrer">{inline(label)}</a>'
