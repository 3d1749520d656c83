"""Charts of the report pages as SVG shapes, drawn on the server from a section's figures.

The template (templates/reports/_chart.html) writes the shapes as inline SVG: sizes and positions
are SVG attributes and colours are CSS classes (static/css/reports.css), so the strict
Content-Security-Policy holds (no inline style, no script, no CDN). The chart repeats what the
table below it says; the numbers stay in the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from reports.builders.base import Row, Section

WIDTH = 640
LABEL_WIDTH = 170
VALUE_WIDTH = 70
BAR_AREA = WIDTH - LABEL_WIDTH - VALUE_WIDTH
ROW_HEIGHT = 22
BAR_HEIGHT = 14
SERIES = 8  # colour classes chart-series-0 … chart-series-7
LABEL_CHARACTERS = 24


@dataclass(frozen=True)
class Shape:
    """A rectangle; `title` is its tooltip (and what a screen reader reads on focus)."""

    x: float
    y: float
    width: float
    height: float
    css: str
    title: str = ""


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"  # SVG text-anchor: start, middle, end
    css: str = ""


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    width: int
    height: int
    shapes: tuple[Shape, ...]
    texts: tuple[Text, ...]
    legend: tuple[tuple[str, str], ...] = ()  # (colour class, label)


def chart_for(section: Section) -> Chart | None:
    """The chart the section asks for, or None (no chart kind, or nothing to draw)."""
    if not section.rows:
        return None
    draw = {
        "stacked": stacked,
        "progress": progress,
        "funnel": funnel,
        "columns": columns,
    }.get(section.chart_kind)
    if draw is None:
        return bars(section) if section.chart_column is not None else None
    return draw(section)


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def _shown(value: object) -> str:
    return "—" if value is None else str(value)


def _plain_rows(section: Section) -> list[Row]:
    """The rows a per-row chart draws: not the total (it would dwarf the others)."""
    return [row for row in section.rows if not row.is_total]


def _round(value: float) -> float:
    return round(value, 1)


def stacked(section: Section) -> Chart | None:
    """One horizontal bar per row, a segment per column (e.g. interactions of each kind)."""
    rows = _plain_rows(section)
    indexes = section.chart_columns
    sums = [sum(_number(row.cells[index].value) for index in indexes) for row in rows]
    largest = max(sums, default=0)
    if not largest:
        return None
    shapes, texts = [], []
    for position, (row, total) in enumerate(zip(rows, sums, strict=True)):
        y = position * ROW_HEIGHT
        texts.append(Text(LABEL_WIDTH - 8, y + 15, _short(row.label), "end"))
        x = float(LABEL_WIDTH)
        for series, index in enumerate(indexes):
            value = _number(row.cells[index].value)
            if not value:
                continue
            width = value * BAR_AREA / largest
            shapes.append(
                Shape(
                    _round(x),
                    y + 4,
                    _round(width),
                    BAR_HEIGHT,
                    f"chart-series-{series % SERIES}",
                    f"{row.label} · {section.columns[index + 1]}: {row.cells[index].value}",
                )
            )
            x += width
        texts.append(Text(_round(x + 6), y + 15, _shown(int(total)), css="chart-value"))
    legend = tuple(
        (f"chart-series-{series % SERIES}", section.columns[index + 1])
        for series, index in enumerate(indexes)
    )
    return Chart(
        section.key,
        section.title,
        WIDTH,
        len(rows) * ROW_HEIGHT + 4,
        tuple(shapes),
        tuple(texts),
        legend,
    )


def bars(section: Section) -> Chart | None:
    """One horizontal bar per row for the figure of `chart_column`."""
    rows = _plain_rows(section)
    index = section.chart_column
    assert index is not None
    largest = max((_number(row.cells[index].value) for row in rows), default=0)
    if not largest:
        return None
    shapes, texts = [], []
    for position, row in enumerate(rows):
        y = position * ROW_HEIGHT
        value = _number(row.cells[index].value)
        width = value * BAR_AREA / largest
        texts.append(Text(LABEL_WIDTH - 8, y + 15, _short(row.label), "end"))
        if value:
            shapes.append(
                Shape(
                    LABEL_WIDTH,
                    y + 4,
                    _round(width),
                    BAR_HEIGHT,
                    "chart-series-0",
                    f"{row.label}: {row.cells[index].value}",
                )
            )
        texts.append(
            Text(
                _round(LABEL_WIDTH + width + 6),
                y + 15,
                _shown(row.cells[index].value),
                css="chart-value",
            )
        )
    return Chart(
        section.key, section.title, WIDTH, len(rows) * ROW_HEIGHT + 4, tuple(shapes), tuple(texts)
    )


def columns(section: Section) -> Chart | None:
    """Vertical bars over time (calls per day or week) for the figure of `chart_column`."""
    rows = _plain_rows(section)
    index = section.chart_column
    if index is None:
        return None
    largest = max((_number(row.cells[index].value) for row in rows), default=0)
    if not largest:
        return None
    plot_height, top, bottom = 160, 14, 22
    slot = (WIDTH - 20) / len(rows)
    width = max(slot * 0.7, 1)
    every = max(1, round(len(rows) / 10))  # about ten date labels, whatever the number of bars
    shapes, texts = [], []
    for position, row in enumerate(rows):
        value = _number(row.cells[index].value)
        height = value * plot_height / largest
        x = 10 + position * slot + (slot - width) / 2
        if value:
            shapes.append(
                Shape(
                    _round(x),
                    _round(top + plot_height - height),
                    _round(width),
                    _round(height),
                    "chart-series-0",
                    f"{row.label}: {row.cells[index].value}",
                )
            )
        if position % every == 0:
            # The first and last labels lean inwards so that they stay inside the picture.
            anchor = "start" if position == 0 else "end" if position == len(rows) - 1 else "middle"
            center = x if anchor == "start" else x + width if anchor == "end" else x + width / 2
            texts.append(
                Text(_round(center), top + plot_height + 16, row.label, anchor, "chart-axis")
            )
    texts.append(Text(10, 10, _("Most: %(value)s") % {"value": int(largest)}, css="chart-axis"))
    shapes.append(Shape(10, top + plot_height, WIDTH - 20, 1, "chart-baseline"))
    return Chart(
        section.key,
        section.title,
        WIDTH,
        top + plot_height + bottom,
        tuple(shapes),
        tuple(texts),
    )


def progress(section: Section) -> Chart | None:
    """Done against target: `chart_columns` holds (done, target) pairs; a track per target."""
    rows = _plain_rows(section)
    pairs = list(zip(section.chart_columns[::2], section.chart_columns[1::2], strict=True))
    line = 12
    block = line * len(pairs) + 10
    shapes, texts = [], []
    for position, row in enumerate(rows):
        y = position * block
        texts.append(Text(LABEL_WIDTH - 8, y + line, _short(row.label), "end"))
        for series, (done_index, target_index) in enumerate(pairs):
            done = _number(row.cells[done_index].value)
            target = _number(row.cells[target_index].value)
            top = y + series * line + 2
            name = section.columns[done_index + 1]
            shapes.append(Shape(LABEL_WIDTH, top, BAR_AREA, line - 3, "chart-track"))
            share = min(done / target, 1.0) if target else 0.0
            if share:
                shapes.append(
                    Shape(
                        LABEL_WIDTH,
                        top,
                        _round(share * BAR_AREA),
                        line - 3,
                        f"chart-series-{series % SERIES}",
                        f"{row.label} · {name}: {int(done)} / {int(target)}",
                    )
                )
            texts.append(
                Text(
                    LABEL_WIDTH + BAR_AREA + 6,
                    top + line - 4,
                    f"{int(done)} / {int(target) if target else '—'}",
                    css="chart-value chart-small",
                )
            )
    legend = tuple(
        (f"chart-series-{series % SERIES}", section.columns[done_index + 1])
        for series, (done_index, _target) in enumerate(pairs)
    )
    return Chart(
        section.key,
        section.title,
        WIDTH,
        len(rows) * block,
        tuple(shapes),
        tuple(texts),
        legend,
    )


def funnel(section: Section) -> Chart | None:
    """The funnel of the total row (or the only row): one centred bar per column."""
    row = section.rows[-1]
    indexes = section.chart_columns
    values = [_number(row.cells[index].value) for index in indexes]
    largest = max(values, default=0)
    if not largest:
        return None
    shapes, texts = [], []
    for position, (index, value) in enumerate(zip(indexes, values, strict=True)):
        y = position * ROW_HEIGHT
        width = max(value * BAR_AREA / largest, 0)
        label = section.columns[index + 1]
        texts.append(Text(LABEL_WIDTH - 8, y + 15, _short(label), "end"))
        if value:
            shapes.append(
                Shape(
                    _round(LABEL_WIDTH + (BAR_AREA - width) / 2),
                    y + 3,
                    _round(width),
                    ROW_HEIGHT - 6,
                    f"chart-series-{position % SERIES}",
                    f"{label}: {row.cells[index].value}",
                )
            )
        texts.append(
            Text(WIDTH - VALUE_WIDTH + 8, y + 15, _shown(row.cells[index].value), css="chart-value")
        )
    return Chart(
        section.key,
        section.title,
        WIDTH,
        len(indexes) * ROW_HEIGHT + 4,
        tuple(shapes),
        tuple(texts),
    )
