"""Charts drawn on the server as SVG: no script, nothing from a CDN, allowed by the strict
content security policy (no inline style: colours are presentation attributes, which the
page's stylesheet may override by class, e.g. in a dark theme).

Every chart is an ``<svg role="img">`` named by its own ``<title>`` and ``<desc>``
(``aria-labelledby``), every mark carries a ``<title>`` with its value in words (shown on
hover, read by screen readers that enter the picture), and values are written as text
where they fit, so the chart reads the same in light and dark and without colour.  The
page shows the same numbers in a table beside it.

All text given here is escaped: event titles and names are people's text.  Sizes are in
viewBox units; the picture scales to the width it is shown in (``.chart`` in the CSS).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

# Colours that stay apart for the common colour-vision deficiencies (Okabe-Ito), each
# readable on white and on a dark background; the answers keep the event page's meaning.
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9")
ANSWER_COLOURS = {"yes": "#1a7f45", "no": "#c0392b", "maybe": "#8a5300", "none": "#8a93a3"}
AXIS = "#8a93a3"
GRID = "#d5d9e0"
FONT = 11
WIDTH = 420  # a phone shows it at ~350 px: text stays about 9 px or more


def _num(value: float) -> str:
    """A coordinate, short: ``12.5``, ``40``."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _open(chart_id: str, title: str, desc: str, width: float, height: float, kind: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'class="chart chart-{kind}" id="{escape(chart_id)}" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" '
        f'font-size="{FONT}" font-family="system-ui, sans-serif">'
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>'
    )


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    css: str = "chart-label",
    fill: str = "currentColor",
    size: float | None = None,
) -> str:
    sized = f' font-size="{_num(size)}"' if size else ""
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" class="{css}" '
        f'fill="{fill}"{sized}>{escape(text)}</text>'
    )


def nice_top(value: float) -> float:
    """The axis' top: the value rounded up to 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover (the loop ends at 10)


def _shown_labels(count: int, room: int) -> set[int]:
    """Which of ``count`` x labels to write so that at most ``room`` show (first and last
    always)."""
    if count <= room:
        return set(range(count))
    every = math.ceil((count - 1) / max(1, room - 1))
    shown = set(range(0, count, every))
    shown.add(count - 1)
    if count - 1 - max(shown - {count - 1}, default=0) < every / 2:
        shown.discard(max(shown - {count - 1}, default=0))
    return shown


@dataclass(frozen=True)
class Series:
    """One line of a line chart: a value per label, ``None`` where there is none; its
    colour (e.g. an answer's) or, without one, the palette's next."""

    name: str
    values: Sequence[float | None]
    colour: str | None = None


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[float], str] = _num,
    top: float | None = None,
    width: float = WIDTH,
    height: float = 200,
) -> str:
    """Values over time (weeks): one line per series, a dot with its value per point,
    gaps where a value is missing, an axis from 0 to ``top`` (or a round number above the
    largest value).  An empty chart (no labels) says so in its description only; the page
    shows its own empty state."""
    left, right, upper, lower = 40.0, 8.0, 22.0 if len(series) > 1 else 10.0, 22.0
    found = [v for s in series for v in s.values if v is not None]
    axis_top = top if top is not None else nice_top(max(found, default=0.0))
    plot_w, plot_h = width - left - right, height - upper - lower
    count = len(labels)

    def x_of(index: int) -> float:
        return left + (plot_w / 2 if count == 1 else index * plot_w / (count - 1))

    def y_of(value: float) -> float:
        return upper + plot_h - min(value, axis_top) / axis_top * plot_h

    parts = [_open(chart_id, title, desc, width, height, "line")]
    for step in range(5):  # grid and y labels at 0, 1/4 .. the top
        tick = axis_top * step / 4
        y = y_of(tick)
        parts.append(
            f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(width - right)}" y2="{_num(y)}" '
            f'class="chart-grid" stroke="{GRID if step else AXIS}"/>'
        )
        parts.append(_text(left - 4, y + 4, fmt(tick), anchor="end", css="chart-axis"))
    for index in sorted(_shown_labels(count, 6)):
        # The first and last labels keep inside the picture.
        anchor = "middle" if count == 1 or 0 < index < count - 1 else "end" if index else "start"
        x = x_of(index) + (-6 if anchor == "start" else 6 if anchor == "end" else 0)
        parts.append(_text(max(0.0, x), height - 6, labels[index], anchor=anchor))
    if len(series) > 1:  # a legend above the plot
        x = left
        for number, line in enumerate(series):
            colour = line.colour or PALETTE[number % len(PALETTE)]
            parts.append(
                f'<rect x="{_num(x)}" y="6" width="10" height="10" rx="2" fill="{colour}" '
                f'class="chart-s{number}"/>'
            )
            parts.append(_text(x + 14, 15, line.name))
            x += 24 + 6.5 * len(line.name)
    for number, line in enumerate(series):
        colour = line.colour or PALETTE[number % len(PALETTE)]
        runs: list[list[str]] = [[]]
        for index, value in enumerate(line.values[:count]):
            if value is None:
                runs.append([])
                continue
            runs[-1].append(f"{_num(x_of(index))},{_num(y_of(value))}")
        for run in runs:
            if len(run) > 1:
                parts.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                    f'class="chart-s{number}" points="{" ".join(run)}"/>'
                )
        for index, value in enumerate(line.values[:count]):
            if value is None:
                continue
            said = f"{line.name}, {labels[index]}: {fmt(value)}"
            parts.append(
                f'<circle cx="{_num(x_of(index))}" cy="{_num(y_of(value))}" r="3" '
                f'fill="{colour}" class="chart-s{number}"><title>{escape(said)}</title></circle>'
            )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Cell:
    """One square of a heat-map: ``rate`` 0..1, or ``None`` when nothing fell in it;
    ``text`` is what the square says (e.g. "87"), ``said`` its full value in words."""

    rate: float | None
    text: str = ""
    said: str = ""


def heat_colour(rate: float) -> tuple[str, str]:
    """Fill and text colour for a rate: light to dark blue; white text on the dark half."""
    rate = min(1.0, max(0.0, rate))
    light, dark = (222, 235, 247), (8, 69, 148)
    mixed = tuple(round(a + (b - a) * rate) for a, b in zip(light, dark, strict=True))
    fill = "#{:02x}{:02x}{:02x}".format(*mixed)
    return fill, ("#ffffff" if rate >= 0.5 else "#0b1f3a")


def heatmap(
    *,
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[Cell]],
    width: float = WIDTH,
) -> str:
    """A grid of squares (rows × columns, e.g. weekday × hour), darker for a higher rate,
    each with its number; squares where nothing happened are outlined only."""
    left, top = 30.0, 16.0
    count = max(1, len(columns))
    size = min(28.0, (width - left - 4) / count)
    height = top + size * len(rows) + 4
    parts = [_open(chart_id, title, desc, width, height, "heat")]
    every = 1 if size >= 18 else 2 if size >= 9 else 3
    for number, column in enumerate(columns):
        if number % every == 0:
            x = left + number * size + size / 2
            parts.append(_text(x, top - 4, column, anchor="middle", css="chart-axis"))
    for row_number, row in enumerate(rows):
        y = top + row_number * size
        parts.append(_text(left - 4, y + size / 2 + 4, row, anchor="end", css="chart-axis"))
        for number, cell in enumerate(cells[row_number][: len(columns)]):
            x = left + number * size
            inner = f"<title>{escape(cell.said)}</title>" if cell.said else ""
            if cell.rate is None:
                parts.append(
                    f'<rect x="{_num(x + 1)}" y="{_num(y + 1)}" width="{_num(size - 2)}" '
                    f'height="{_num(size - 2)}" rx="2" fill="none" stroke="{GRID}" '
                    f'class="chart-empty">{inner}</rect>'
                )
                continue
            fill, ink = heat_colour(cell.rate)
            parts.append(
                f'<rect x="{_num(x + 1)}" y="{_num(y + 1)}" width="{_num(size - 2)}" '
                f'height="{_num(size - 2)}" rx="2" fill="{fill}" class="chart-cell">{inner}</rect>'
            )
            if cell.text and size >= 20:
                parts.append(
                    _text(
                        x + size / 2,
                        y + size / 2 + 3.5,
                        cell.text,
                        anchor="middle",
                        css="chart-cell-text",
                        fill=ink,
                        size=min(FONT, size * 0.4),
                    )
                )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Part:
    """One kind of a stacked bar (e.g. "yes"): its name in words and its colour key."""

    key: str
    name: str


def stacked_bars(
    *,
    chart_id: str,
    title: str,
    desc: str,
    parts: Sequence[Part],
    bars: Sequence[tuple[str, Sequence[int]]],
    width: float = WIDTH,
) -> str:
    """One horizontal bar per row (an event's date), split into ``parts`` (yes / no /
    maybe / none) by share of its total, the count written in each piece that has room,
    the row's label above its bar and a legend on top."""
    bar_h, gap, label_h, legend_h = 14.0, 8.0, 14.0, 20.0
    left, right = 4.0, 4.0
    height = legend_h + len(bars) * (label_h + bar_h + gap) + 2
    out = [_open(chart_id, title, desc, width, height, "bars")]
    x = left
    for part in parts:
        colour = ANSWER_COLOURS.get(part.key, PALETTE[0])
        out.append(
            f'<rect x="{_num(x)}" y="4" width="10" height="10" rx="2" fill="{colour}" '
            f'class="chart-{escape(part.key)}"/>'
        )
        out.append(_text(x + 14, 13, part.name))
        x += 26 + 6.5 * len(part.name)
    plot_w = width - left - right
    y = legend_h
    for label, values in bars:
        out.append(_text(left, y + label_h - 3, label))
        y += label_h
        total = sum(values)
        if total <= 0:
            out.append(
                f'<rect x="{_num(left)}" y="{_num(y)}" width="{_num(plot_w)}" '
                f'height="{_num(bar_h)}" rx="2" fill="none" stroke="{GRID}" class="chart-empty">'
                f"<title>{escape(label)}: 0</title></rect>"
            )
        x = left
        for part, value in zip(parts, values, strict=False):
            if value <= 0 or total <= 0:
                continue
            piece = value / total * plot_w
            colour = ANSWER_COLOURS.get(part.key, PALETTE[0])
            said = f"{label} — {part.name}: {value}"
            out.append(
                f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(piece)}" height="{_num(bar_h)}" '
                f'fill="{colour}" class="chart-{escape(part.key)}">'
                f"<title>{escape(said)}</title></rect>"
            )
            if piece >= 7 * len(str(value)) + 4:
                out.append(
                    _text(
                        x + piece / 2,
                        y + bar_h - 3.5,
                        str(value),
                        anchor="middle",
                        css="chart-bar-text",
                        fill="#ffffff" if part.key != "none" else "#111827",
                        size=10,
                    )
                )
            x += piece
        y += bar_h + gap
    out.append("</svg>")
    return "".join(out)
