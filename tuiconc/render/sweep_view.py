"""The sweep for people: its title, table and speedup plot as Rich renderables, for the CLI and the app."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from tuiconc import units

if TYPE_CHECKING:  # rich loads when a sweep is drawn, not when this module is imported
    from rich.table import Table
    from rich.text import Text

    from tuiconc.engine.sweep import SweepState

PLOT_STYLES = {"measured": "bold green", "ideal": "cyan", "cores": "yellow", "limit": "magenta",
               "failed": "bold red", "axis": "dim"}
PLOT_SIZE = (64, 12)  # columns and rows of the plot area in the terminal
AXIS_WIDTH = 6  # "  4× ┤"


def sweep_title(state: SweepState) -> str:
    from tuiconc.render.race_table import cpu_shape

    c = state.config
    runs = "1 run a point" if state.repeat == 1 else f"{state.repeat} runs a point, medians"
    return (f"Scaling sweep: {state.runner} on {c.workload} {c.effective_size:,} · {cpu_shape(state.machine)} · "
            f"start method {c.start_method} · {runs}")


def ideal_text(processors: float) -> str:
    return f"{processors:g}×"


def range_cells(point) -> tuple:
    """A point's range of wall times and its spread, marked when unstable."""
    from rich.text import Text

    from tuiconc.render.race_table import UNSTABLE_MARK

    if point.wall_range is None:
        return units.DASH, units.DASH
    spread = Text(units.DASH, style="dim") if point.spread is None else (
        Text(f"{units.percent(point.spread)}{UNSTABLE_MARK}", style="bold yellow") if point.unstable
        else Text(f"{units.percent(point.spread)} "))
    return units.seconds_range(*point.wall_range), spread


def point_outcome(point) -> "Text | str":
    """The wall time, or how the point ended when it has none."""
    from rich.text import Text

    if point.ok:
        return units.seconds(point.wall_s)
    style = "red" if point.status == "failed" else "dim"
    return Text(point.status, style=style)


def sweep_table(state: SweepState) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD)
    repeated = state.repeat > 1
    for name in ("workers", "wall", *(("range", "spread") if repeated else ()), "speedup", "efficiency",
                 "Karp–Flatt", "ideal"):
        table.add_column(name, justify="right", no_wrap=True)
    baseline = state.baseline
    table.add_row("sequential", point_outcome(baseline), *(range_cells(baseline) if repeated else ()),
                  "1.00×" if baseline.ok else units.DASH, "", "", "")
    for point in state.points:
        table.add_row(str(point.workers), point_outcome(point), *(range_cells(point) if repeated else ()),
                      units.ratio(point.speedup), units.percent(point.efficiency), karp_flatt_text(point.karp_flatt),
                      ideal_text(point.processors))
    return table


def karp_flatt_text(value: float | None) -> str:
    return units.DASH if value is None else f"{value:.3f}"


def sweep_errors(state: SweepState) -> list[Text]:
    from rich.text import Text

    return [Text(line, style="red") for line in state.error_lines()]


def nice_ceiling(value: float) -> float:
    """The top of the speedup axis: a round number at or above value."""
    if value <= 10:
        return float(math.ceil(value))
    magnitude = 10 ** math.floor(math.log10(value))
    return next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= value)


def tick_step(top: float, rows: int) -> float:
    """Axis labels at most every other row, on a 1-2-5 step (0.5 at the finest)."""
    step, multipliers = 0.5, (2, 2, 2.5)  # 0.5 → 1 → 2 → 5 → 10 → 20 → 50 …
    index = 0
    while top / step > max(1, rows // 2):
        step *= multipliers[index % 3]
        index += 1
    return step


def column_of(value: float, counts: list[int], columns: list[int]) -> float | None:
    """Where a worker count falls on the x axis (points evenly spaced, linear between them)."""
    for (a, xa), (b, xb) in zip(zip(counts, columns), zip(counts[1:], columns[1:])):
        if a <= value <= b:
            return xa + (xb - xa) * (value - a) / (b - a)
    return columns[0] if len(counts) == 1 and value == counts[0] else None


def along(columns: list[int], values: list[float | None], column: int) -> float | None:
    """The value of a line through (columns, values) at this column; None across gaps."""
    for (xa, va), (xb, vb) in zip(zip(columns, values), zip(columns[1:], values[1:])):
        if xa <= column <= xb and va is not None and vb is not None:
            return va if xb == xa else va + (vb - va) * (column - xa) / (xb - xa)
    return next((v for x, v in zip(columns, values) if x == column), None)


def speedup_plot(state: SweepState, width: int = PLOT_SIZE[0], height: int = PLOT_SIZE[1],
                 styles: dict[str, str] | None = None) -> Text:
    """Speedup against workers in characters: measured ●, ideal ·, usable cores ┊, Amdahl's limit 1/f ╌."""
    from rich.text import Text

    styles = {**PLOT_STYLES, **(styles or {})}
    width, height = max(12, width - AXIS_WIDTH), max(4, height)
    counts = [point.workers for point in state.points]
    measured = [point.speedup for point in state.points]
    ideal = [float(point.processors) for point in state.points]
    limit = state.fit.max_speedup if state.fit else None
    top = nice_ceiling(max([1.0, *ideal, *(m for m in measured if m is not None)]))
    columns = ([round(i * (width - 1) / (len(counts) - 1)) for i in range(len(counts))] if len(counts) > 1
               else [width // 2])

    grid = [[(" ", "axis") for _ in range(width)] for _ in range(height)]

    def row_of(value: float) -> int:
        return min(height - 1, max(0, round((1 - value / top) * (height - 1))))

    def put(row: int, column: int, char: str, role: str) -> None:
        grid[row][column] = (char, role)

    cores_at = column_of(state.usable_cpus, counts, columns)
    if cores_at is not None:
        for row in range(height):
            put(row, round(cores_at), "┊", "cores")
    if limit is not None and limit <= top:
        for column in range(width):
            put(row_of(limit), column, "╌", "limit")
    for column in range(width):
        value = along(columns, ideal, column)
        if value is not None:
            put(row_of(value), column, "·", "ideal")
    for column in range(width):
        value = along(columns, measured, column)
        if value is not None:
            put(row_of(value), column, "•", "measured")
    for point, column in zip(state.points, columns):
        if point.speedup is not None:
            put(row_of(point.speedup), column, "●", "measured")
        elif point.status == "failed":
            put(height - 1, column, "✗", "failed")

    step = tick_step(top, height)
    labels = {row_of(step * i): f"{step * i:g}×" for i in range(int(top / step) + 1)}
    text = Text()
    for row, cells in enumerate(grid):
        label = labels.get(row)
        text.append(f"{label or '':>{AXIS_WIDTH - 2}} {'┤' if label else '│'}", styles["axis"])
        for char, role in cells:
            text.append(char, styles[role] if char != " " else None)
        text.append("\n")
    text.append(" " * (AXIS_WIDTH - 1) + "└" + "─" * width + "\n", styles["axis"])
    axis = [" "] * (width + 1)
    for count, column in zip(counts, columns):
        label = str(count)
        start = min(width + 1 - len(label), max(0, column - len(label) // 2))
        axis[start:start + len(label)] = label
    text.append(" " * AXIS_WIDTH + "".join(axis).rstrip() + "\n", styles["axis"])
    physical = state.machine.get("usable_cores", state.usable_cpus)
    cores = (f"{state.usable_cpus} usable CPUs" + (f" on {physical} cores" if physical < state.usable_cpus else "")
             + ("" if cores_at is not None else " (off the plot)"))
    legend = [("●", "measured", "measured"), ("·", "ideal", "ideal"), ("┊", "cores", cores)]
    if limit is not None and limit <= top:
        legend.append(("╌", "limit", "Amdahl 1/f"))
    used = AXIS_WIDTH
    text.append(" " * AXIS_WIDTH)
    for char, role, words in legend:
        if used + len(words) + 2 > AXIS_WIDTH + width:
            break  # a legend that wraps would push the plot out of its box
        text.append(char, styles[role])
        text.append(f" {words}  ")
        used += len(words) + 4
    return text


def live_line(state: SweepState):
    from rich.console import Group
    from rich.progress_bar import ProgressBar
    from rich.table import Table
    from rich.text import Text

    table = Table.grid(padding=(0, 1))
    table.add_row(Text("sweep", style="bold"), ProgressBar(total=1.0, completed=state.progress, width=30),
                  f"{state.progress * 100:3.0f}%", Text(state.describe_current(), style="dim"))
    return Group(table)


def show_results(state: SweepState) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console()
    console.print(Text(sweep_title(state), style="dim"))
    console.print(sweep_table(state))
    if any(point.speedup is not None for point in state.points):
        console.print(Text("Speedup vs workers", style="bold"))
        console.print(speedup_plot(state))
    for line in sweep_errors(state):
        console.print(line)
    for note in state.notes:
        console.print(Text(note, style="bold" if note is state.notes[0] else None))
