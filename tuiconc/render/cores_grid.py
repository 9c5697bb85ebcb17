"""The cores as a grid that fits any pane, from 1 core to 256: the richest cell that fits wins.

As btop does: one row per core with its history and percentage where there is room; else a
grid of percentages; else one block per core, its height the load; else two cores per cell.
A core busy with a lane's process takes the lane's colour, so four processes show on four
cores and four GIL-bound threads on one core's worth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

from tuiconc.engine.sampler import Sample
from tuiconc.render.lane_line import fit

BLOCKS = " ▁▂▃▄▅▆▇█"
SPARK = "▁▁▂▃▄▅▆▇█"
MIN_SPARK = 4
COLUMN_GAP = 2
NUMBER_CELL = 4  # "100" and a space
IDLE_PERCENT = 5.0


@dataclass(frozen=True)
class LaneMark:
    """How a lane shows on the cores: its name, its colour and the cores it uses now."""

    name: str
    colour: str
    cores_now: float = 0.0


@dataclass(frozen=True)
class Levels:
    """Colours for load that no lane of this race owns: low, middle, high, and an idle core."""

    low: str = "green"
    middle: str = "yellow"
    high: str = "red"
    idle: str = "grey39"

    def colour(self, percent: float) -> str:
        if percent < IDLE_PERCENT:
            return self.idle
        return self.high if percent >= 75 else self.middle if percent >= 40 else self.low


@dataclass(frozen=True)
class Layout:
    kind: str  # "sparks", "numbers", "blocks" or "halves"
    per_row: int  # cores per row (sparks: columns)
    rows: int
    cell: int = 0  # sparks: a column's width


def label_width(sample: Sample) -> int:
    return len(f"cpu{max(sample.cpu_ids, default=0)}")


def choose_layout(count: int, width: int, rows: int, label: int) -> Layout:
    """The richest way to show `count` cores in width × rows."""
    width, rows = max(1, width), max(1, rows)
    for columns in range(1, count + 1):
        cell = (width - COLUMN_GAP * (columns - 1)) // columns
        if cell < label + 1 + MIN_SPARK + 5:
            break
        if math.ceil(count / columns) <= rows:
            return Layout("sparks", columns, math.ceil(count / columns), cell)
    per_row = max(1, (width + 1) // NUMBER_CELL)
    if math.ceil(count / per_row) <= rows:
        return Layout("numbers", per_row, math.ceil(count / per_row))
    if math.ceil(count / width) <= rows:
        return Layout("blocks", width, math.ceil(count / width))
    return Layout("halves", width * 2, min(rows, math.ceil(count / (width * 2))))


def core_colours(sample: Sample, lanes: dict[int, LaneMark], levels: Levels) -> list[tuple[str, bool]]:
    """Each core's colour, and whether a lane owns it."""
    found = []
    for cpu, percent in zip(sample.cpu_ids, sample.cores):
        mark = lanes.get(sample.core_lanes.get(cpu, -1))
        found.append((mark.colour, True) if mark is not None else (levels.colour(percent), False))
    return found


def _sparks(sample: Sample, colours, layout: Layout, label: int) -> list[Text]:
    spark_width = layout.cell - label - 1 - 5
    lines = []
    for row in range(layout.rows):
        line = Text()
        for column in range(layout.per_row):
            index = column * layout.rows + row  # down the columns: cpu0, cpu1, … read top to bottom
            if index >= len(sample.cores):
                break
            colour, owned = colours[index]
            history = sample.history[index][-spark_width:] if index < len(sample.history) else []
            if column:
                line.append(" " * COLUMN_GAP)
            line.append(f"cpu{sample.cpu_ids[index]}".ljust(label + 1), style=Style(bold=True, color=colour if owned else None))
            line.append("".join(SPARK[min(8, max(0, round(v / 100 * 8)))] for v in history).rjust(spark_width),
                        style=colour)
            line.append(f"{sample.cores[index]:4.0f}%", style=Style(color=colour, bold=owned))
        lines.append(line)
    return lines


def _cells(sample: Sample, colours, layout: Layout) -> list[Text]:
    lines = []
    for row in range(layout.rows):
        line = Text()
        for index in range(row * layout.per_row, min(len(sample.cores), (row + 1) * layout.per_row)):
            colour, owned = colours[index]
            percent = sample.cores[index]
            if layout.kind == "numbers":
                if index % layout.per_row:
                    line.append(" ")
                style = Style(color="black", bgcolor=colour, bold=True) if owned else Style(color=colour)
                line.append(f"{percent:3.0f}", style=style)
            else:
                line.append(BLOCKS[max(1, min(8, round(percent / 100 * 8)))], style=colour)
        lines.append(line)
    return lines


def _halves(sample: Sample, colours, layout: Layout) -> list[Text]:
    """Two cores per cell: the left one in the foreground of ▌, the right one its background."""
    lines = []
    for row in range(layout.rows):
        line = Text()
        start = row * layout.per_row
        for left in range(start, min(len(sample.cores), start + layout.per_row), 2):
            right = colours[left + 1][0] if left + 1 < len(colours) else None
            line.append("▌", style=Style(color=colours[left][0], bgcolor=right))
        lines.append(line)
    return lines


def cores_grid(sample: Sample, lanes: dict[int, LaneMark], width: int, rows: int, levels: Levels = Levels(),
               legend: list[LaneMark] = ()) -> Text:
    """The grid in width × rows, with a line per lane of `legend` below it where rows are left."""
    if not sample.cores:
        return Text()
    label = label_width(sample)
    layout = choose_layout(len(sample.cores), width, rows - len(legend), label)
    if legend and layout.kind != choose_layout(len(sample.cores), width, rows, label).kind:
        legend, layout = [], choose_layout(len(sample.cores), width, rows, label)  # the cores come first
    colours = core_colours(sample, lanes, levels)
    if layout.kind == "sparks":
        lines = _sparks(sample, colours, layout, label)
    elif layout.kind == "halves":
        lines = _halves(sample, colours, layout)
    else:
        lines = _cells(sample, colours, layout)
    unit = " cores" if width >= 30 else "c"
    name_width = max(1, width - 7 - len(unit))
    for mark in legend:
        lines.append(Text.assemble(("■ ", mark.colour), f"{fit(mark.name, name_width)} {mark.cores_now:4.2f}{unit}"))
    return Text("\n").join(lines)
