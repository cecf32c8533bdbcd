"""The server-drawn SVG charts: well-formed, named for assistive technology, every value
also in words, people's text escaped, sensible with no data, no inline style (CSP)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from maxremind.http.web.charts import (
    PALETTE,
    Cell,
    Part,
    Series,
    heat_colour,
    heatmap,
    line_chart,
    nice_top,
    stacked_bars,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    assert root.tag == SVG + "svg"
    assert "style" not in svg  # the CSP allows no inline style
    assert "<script" not in svg
    return root


def named(root: ET.Element, chart_id: str) -> tuple[str, str]:
    """The chart's accessible name and description, as aria-labelledby points to them."""
    assert root.get("role") == "img"
    assert root.get("id") == chart_id
    ids = (root.get("aria-labelledby") or "").split()
    assert ids == [f"{chart_id}-t", f"{chart_id}-d"]
    by_id = {e.get("id"): (e.text or "") for e in root.iter() if e.get("id")}
    return by_id[ids[0]], by_id[ids[1]]


def titles(root: ET.Element, tag: str) -> list[str]:
    return [
        (e.find(SVG + "title").text or "")  # type: ignore[union-attr]
        for e in root.iter(SVG + tag)
        if e.find(SVG + "title") is not None
    ]


def test_line_chart_has_a_point_per_value_with_its_value_in_words() -> None:
    svg = line_chart(
        chart_id="rate",
        title="Доля ответов по неделям",
        desc="Последние 3 недели",
        labels=["01.03", "08.03", "15.03"],
        series=[Series("Ответили", [0.5, None, 0.875])],
        fmt=lambda v: f"{v * 100:.0f} %",
        top=1.0,
    )
    root = parse(svg)
    assert named(root, "rate") == ("Доля ответов по неделям", "Последние 3 недели")
    # The missing week is a gap: two dots, no line drawn through the missing one.
    assert titles(root, "circle") == ["Ответили, 01.03: 50 %", "Ответили, 15.03: 88 %"]
    assert root.findall(f".//{SVG}polyline") == []
    texts = [e.text for e in root.iter(SVG + "text")]
    assert "100 %" in texts and "0 %" in texts  # the axis
    assert {"01.03", "08.03", "15.03"} <= set(texts)


def test_line_chart_points_are_higher_for_higher_values() -> None:
    svg = line_chart(
        chart_id="c",
        title="t",
        desc="d",
        labels=["a", "b", "c"],
        series=[Series("s", [1, 3, 2])],
    )
    root = parse(svg)
    ys = [float(c.get("cy", "0")) for c in root.iter(SVG + "circle")]
    assert ys[1] < ys[2] < ys[0]  # SVG's y grows downwards
    (line,) = root.iter(SVG + "polyline")
    assert len((line.get("points") or "").split()) == 3


def test_line_chart_with_two_series_has_a_legend_and_long_labels_are_thinned() -> None:
    labels = [f"w{i}" for i in range(52)]
    svg = line_chart(
        chart_id="two",
        title="t",
        desc="d",
        labels=labels,
        series=[Series("Команда", [0.5] * 52), Series("Водители", [0.7] * 52)],
    )
    root = parse(svg)
    texts = [e.text for e in root.iter(SVG + "text")]
    assert "Команда" in texts and "Водители" in texts
    shown = [t for t in texts if t and t.startswith("w")]
    assert "w0" in shown and "w51" in shown and len(shown) <= 6
    assert len(list(root.iter(SVG + "circle"))) == 104


def test_a_series_with_its_own_colour_draws_line_dots_and_legend_in_it() -> None:
    svg = line_chart(
        chart_id="own",
        title="t",
        desc="d",
        labels=["a", "b"],
        series=[Series("да", [1, 2], colour="#1a7f45"), Series("прочие", [2, 1])],
    )
    root = parse(svg)
    both = {"#1a7f45", PALETTE[1]}  # the other series keeps the palette's colour
    assert {e.get("fill") for e in root.iter(SVG + "circle")} == both
    assert {e.get("stroke") for e in root.iter(SVG + "polyline")} == both
    assert {e.get("fill") for e in root.iter(SVG + "rect")} == both  # the legend


def test_empty_line_chart_is_still_a_valid_named_picture() -> None:
    root = parse(line_chart(chart_id="e", title="t", desc="no data", labels=[], series=[]))
    assert named(root, "e") == ("t", "no data")
    assert list(root.iter(SVG + "circle")) == []


def test_people_text_is_escaped_everywhere() -> None:
    evil = '<script>alert("x")</script> & "q"'
    svgs = [
        line_chart(
            chart_id="x", title=evil, desc=evil, labels=[evil], series=[Series(evil, [1.0])]
        ),
        stacked_bars(
            chart_id="y",
            title=evil,
            desc=evil,
            parts=[Part("yes", evil)],
            bars=[(evil, [3])],
        ),
        heatmap(
            chart_id="z",
            title=evil,
            desc=evil,
            rows=[evil],
            columns=[evil],
            cells=[[Cell(0.5, "50", evil)]],
        ),
    ]
    for svg in svgs:
        root = parse(svg)
        assert "<script>" not in svg
        assert any(evil == (e.text or "") for e in root.iter())


def test_heatmap_darkens_with_the_rate_and_outlines_empty_squares() -> None:
    svg = heatmap(
        chart_id="heat",
        title="По дням и часам",
        desc="d",
        rows=["пн", "вт"],
        columns=["09", "18"],
        cells=[
            [Cell(0.2, "20", "пн 09:00 — 20 %"), Cell(None, "", "пн 18:00 — нет напоминаний")],
            [Cell(0.9, "90", "вт 09:00 — 90 %"), Cell(0.0, "0", "вт 18:00 — 0 %")],
        ],
    )
    root = parse(svg)
    rects = list(root.iter(SVG + "rect"))
    assert len(rects) == 4
    fills = {titles_of(r): r.get("fill") for r in rects}
    assert fills["пн 18:00 — нет напоминаний"] == "none"
    assert fills["пн 09:00 — 20 %"] == heat_colour(0.2)[0]
    assert darkness(heat_colour(0.9)[0]) > darkness(heat_colour(0.2)[0])
    texts = [e.text for e in root.iter(SVG + "text")]
    assert {"пн", "вт", "09", "18", "20", "90", "0"} <= set(texts)
    # The number in a dark square is white, in a light one dark.
    assert heat_colour(0.9)[1] == "#ffffff" and heat_colour(0.1)[1] != "#ffffff"


def titles_of(element: ET.Element) -> str:
    found = element.find(SVG + "title")
    return (found.text or "") if found is not None else ""


def darkness(colour: str) -> int:
    return 765 - sum(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def test_many_hours_keep_the_heatmap_within_its_width() -> None:
    hours = [f"{h:02d}" for h in range(24)]
    svg = heatmap(
        chart_id="h",
        title="t",
        desc="d",
        rows=["пн"],
        columns=hours,
        cells=[[Cell(0.5, "50", "x")] * 24],
    )
    root = parse(svg)
    width = float((root.get("viewBox") or "").split()[2])
    assert all(
        float(r.get("x", "0")) + float(r.get("width", "0")) <= width
        for r in root.iter(SVG + "rect")
    )
    axis = [e.text for e in root.iter(SVG + "text") if e.get("class") == "chart-axis"]
    assert "00" in axis and len(axis) < 24 + 1  # some hour labels left out for room


def test_stacked_bars_split_by_share_and_say_each_count() -> None:
    parts = [Part("yes", "да"), Part("no", "нет"), Part("maybe", "может"), Part("none", "молчат")]
    svg = stacked_bars(
        chart_id="ev",
        title="Ответы по датам",
        desc="d",
        parts=parts,
        bars=[("12.03", [6, 2, 0, 2]), ("19.03", [0, 0, 0, 0])],
    )
    root = parse(svg)
    pieces = {
        titles_of(r): float(r.get("width", "0"))
        for r in root.iter(SVG + "rect")
        if r.find(SVG + "title") is not None
    }
    assert set(pieces) == {"12.03 — да: 6", "12.03 — нет: 2", "12.03 — молчат: 2", "19.03: 0"}
    assert pieces["12.03 — да: 6"] == pytest.approx(3 * pieces["12.03 — нет: 2"], rel=0.01)
    texts = [e.text for e in root.iter(SVG + "text")]
    assert {"да", "нет", "может", "молчат", "12.03", "19.03", "6"} <= set(texts)


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (0.7, 1), (1, 1), (3, 5), (12, 20), (47, 50), (180, 200)]
)
def test_axis_top_is_a_round_number_at_or_above_the_largest_value(value: float, top: float) -> None:
    assert nice_top(value) == top
