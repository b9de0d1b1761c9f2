"""Server-drawn SVG charts for the dashboard: geometry here, markup in templates/operations/charts/.

Why not pygal (tried first, and left out of the lock): pygal 3.1 always writes a ``<style>`` element
(its base.css and the series colours, keyed to a random chart id) and a ``<script>`` element with its
configuration into every chart, even with ``js=[]``, and puts ``style="..."`` attributes on its tooltip
elements. Our CSP
(``style-src 'self'``, ``script-src 'self'``) blocks all three when the SVG sits inline in the page, so
using it would mean overriding its private ``Svg.add_styles``/``add_scripts`` and rewriting its tree, and
it has no heatmap. These two charts are a few rectangles and labels: drawn here, styled by classes in
static/css/operations.css, with no inline style or script, the same output for the same data, and each
one an ``role="img"`` with a title and description (the page puts the numbers in a table beside it).
"""

from __future__ import annotations

from dataclasses import dataclass

# Round steps for the value axis: at most MAX_TICKS gridlines whatever the numbers.
STEPS = (1, 2, 5)
MAX_TICKS = 5


def nice_step(maximum: int) -> int:
    """The smallest 1-2-5 step that draws ``maximum`` in at most MAX_TICKS gridlines."""
    scale = 1
    while True:
        for step in STEPS:
            if step * scale * MAX_TICKS >= maximum:
                return step * scale
        scale *= 10


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str  # the series' class: its colour and pattern come from the stylesheet
    value: int
    label_y: float


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class Category:
    x: float  # centre
    label: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    bars: list[Bar]
    ticks: list[Tick]
    categories: list[Category]


def bar_chart(
    categories: list[str],
    series: list[tuple[str, list[int]]],
    *,
    width: int = 720,
    height: int = 280,
) -> BarChart:
    """Grouped bars: one group per category, one bar per series (``(css class, values)``)."""
    left, right_margin, top, bottom_margin = 44, 8, 16, 36
    right, bottom = width - right_margin, height - bottom_margin
    plot_w, plot_h = right - left, bottom - top
    highest = max((v for _css, values in series for v in values), default=0)
    step = nice_step(max(highest, 1))
    top_value = step * max(1, -(-highest // step))
    group_w = plot_w / max(len(categories), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    bars = []
    for i, _name in enumerate(categories):
        for j, (css, values) in enumerate(series):
            value = values[i]
            h = plot_h * value / top_value
            x = left + i * group_w + group_w * 0.1 + j * bar_w
            bars.append(
                Bar(
                    round(x, 1),
                    round(bottom - h, 1),
                    round(bar_w - 2, 1),
                    round(h, 1),
                    css,
                    value,
                    round(bottom - h - 4, 1),
                )
            )
    ticks = [Tick(round(bottom - plot_h * v / top_value, 1), v) for v in range(0, top_value + 1, step)]
    labels = [Category(round(left + (i + 0.5) * group_w, 1), name) for i, name in enumerate(categories)]
    return BarChart(width, height, left, right, top, bottom, bars, ticks, labels)


@dataclass(frozen=True)
class HeatRect:
    x: int
    y: int
    level: int  # 0: nothing offered; 1-4: quarters of the offered hours taken
    text: str
    text_x: int
    text_y: int


@dataclass(frozen=True)
class Heatmap:
    width: int
    height: int
    cell_w: int
    cell_h: int
    rects: list[HeatRect]
    columns: list[Category]  # hours along the top
    rows: list[Category]  # weekdays down the side (x holds the label's y)


def level(taken: int, offered: int) -> int:
    if not offered:
        return 0
    share = taken / offered
    return 1 if share < 0.25 else 2 if share < 0.5 else 3 if share < 0.75 else 4


def heatmap(
    row_labels: list[str],
    column_labels: list[str],
    cells: list[list[tuple[int, int]]],
) -> Heatmap:
    """A grid of (taken, offered) per row and column; each cell is shaded by the share taken and says
    "taken/offered" in text, so the colour is never the only carrier of the number."""
    left, top, cell_w, cell_h = 44, 22, 52, 30
    rects = []
    for r, row in enumerate(cells):
        for c, (taken, offered) in enumerate(row):
            x, y = left + c * cell_w, top + r * cell_h
            rects.append(
                HeatRect(
                    x,
                    y,
                    level(taken, offered),
                    f"{taken}/{offered}" if offered else "–",
                    x + cell_w // 2,
                    y + cell_h // 2 + 4,
                )
            )
    columns = [Category(left + c * cell_w + cell_w // 2, label) for c, label in enumerate(column_labels)]
    rows = [Category(top + r * cell_h + cell_h // 2 + 4, label) for r, label in enumerate(row_labels)]
    width = left + cell_w * len(column_labels) + 4
    height = top + cell_h * len(row_labels) + 4
    return Heatmap(width, height, cell_w - 2, cell_h - 2, rects, columns, rows)
