"""One lane of a race as one line: place, key and name, bar, figures; sized to any width.

The name never touches the bar: a gap always separates them, and a name too long for its
column ends in an ellipsis.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

from tuiconc import units
from tuiconc.engine.lane import LaneState
from tuiconc.engine.thread_states import STATES

COMPACT_BELOW = 70  # narrower lines drop the percentage and the cores column
PLACE_WIDTH = 4
FIGURES_WIDTH, COMPACT_FIGURES_WIDTH = 33, 17
PERCENT_WIDTH = 5
MIN_BAR = 6
BAR = "━"
STATES_WIDTH = 12  # the workers' states after the bar: one small stacked bar per worker thread, up to four
STATES_PER_WORKER_UP_TO = 4  # more threads than this: one bar for the lane
STATE_BLOCK = "█"
STATE_LABELS = ("running", "GIL wait", "I/O or lock", "CPU wait")  # engine.thread_states.STATES, for people


@dataclass(frozen=True)
class LineStyles:
    first: str = "green"
    failed: str = "red"
    bar_rest: str = "grey27"
    # running, waiting for the GIL, waiting on I/O or a lock, waiting for a CPU (engine.thread_states.STATES)
    states: tuple[str, str, str, str] = ("green", "red", "dodger_blue1", "yellow")


def state_bars(lane: LaneState) -> tuple[tuple[float, ...], ...]:
    """What the lane's workers are doing, as shares (running, GIL, I/O, CPU wait): one per worker thread while
    there are few, else the lane's; live, each worker's last second; rounded, so a line redraws when it shows."""
    rows = lane.worker_states if 0 < len(lane.worker_states) <= STATES_PER_WORKER_UP_TO else \
        ([lane.states] if lane.states else [])
    return tuple(tuple(round(row[state] * 20) / 20 for state in STATES) for row in rows)


def stacked(shares: tuple[float, ...], width: int, colours: tuple[str, ...]) -> Text:
    """`width` cells split between the states in proportion (largest remainders), each in its colour."""
    total = sum(shares)
    if not total:
        return Text(" " * width)
    exact = [share / total * width for share in shares]
    cells = [int(value) for value in exact]
    for index in sorted(range(len(exact)), key=lambda i: exact[i] - cells[i], reverse=True)[:width - sum(cells)]:
        cells[index] += 1
    text = Text()
    for count, colour in zip(cells, colours):
        text.append(STATE_BLOCK * count, style=colour)
    return text


def lane_summary(lane: LaneState, compact: bool = False) -> str:
    """The figures after the bar: live while running, the result once ended."""
    if lane.status == "finished":
        mark = units.correct_mark(lane.correct)
        if compact:
            return f"{units.seconds(lane.wall_s):>7} {units.ratio(lane.speedup):>6} {mark}"
        return (f"{units.seconds(lane.wall_s):>7}  {units.ratio(lane.speedup):>7}  {mark}  "
                f"{units.ratio(lane.cores, ''):>5} cores")
    if lane.active:
        if compact:
            return f"{units.seconds(lane.elapsed_s):>7} {lane.cores_now:4.2f}c"
        return f"{units.seconds(lane.elapsed_s):>7}  {lane.cores_now:5.2f} cores now"
    if lane.status in ("failed", "cancelled"):
        return lane.status
    return ""


def fit(name: str, width: int) -> str:
    """`name` in exactly `width` cells, cut with an ellipsis if it must be."""
    if len(name) > width:
        return name[:max(0, width - 1)] + "…" if width else ""
    return name.ljust(width)


@dataclass(frozen=True)
class LaneLine:
    """What one line shows; equal lines draw the same, so a row redraws only when this changes."""

    key: str
    name: str
    enabled: bool
    fraction: float = 0.0
    place: int | None = None
    failed: bool = False
    figures: str = ""
    compact_figures: str = ""
    states: tuple[tuple[float, ...], ...] = ()  # state_bars(lane)

    @classmethod
    def of(cls, key: str, name: str, lane: LaneState | None, enabled: bool) -> "LaneLine":
        if lane is None:
            return cls(key, name, enabled, figures="" if enabled else "off", compact_figures="" if enabled else "off")
        return cls(key, name, enabled, round(lane.fraction, 3), lane.place,
                   lane.status == "failed" or lane.correct is False, lane_summary(lane), lane_summary(lane, compact=True),
                   state_bars(lane))

    def render(self, width: int, name_width: int, colour: str, styles: LineStyles = LineStyles()) -> Text:
        compact = width < COMPACT_BELOW
        figures_width = COMPACT_FIGURES_WIDTH if compact else FIGURES_WIDTH
        percent_width = 0 if compact else PERCENT_WIDTH
        states_width = 0 if compact or not self.states else STATES_WIDTH + 1
        fixed = PLACE_WIDTH + len(self.key) + 1 + 1 + 1 + percent_width + figures_width + states_width
        name_width = max(1, min(name_width, width - fixed - MIN_BAR))
        bar = max(0, width - fixed - name_width)
        done = round(bar * self.fraction)
        line = Text(no_wrap=True, overflow="crop", style="" if self.enabled else Style(dim=True))
        line.append(units.place(self.place).ljust(PLACE_WIDTH), style=Style(bold=True, color=styles.first if self.place == 1 else None))
        line.append(f"{self.key} {fit(self.name, name_width)} ")
        line.append(BAR * done, style=colour)
        line.append(BAR * (bar - done), style=styles.bar_rest)
        if states_width:
            line.append(" ")
            line.append_text(self._states(styles.states))
        if percent_width:
            line.append(f"{self.fraction * 100:4.0f}%" if self.enabled else " " * percent_width)
        line.append(" " + fit(self.compact_figures if compact else self.figures, figures_width),
                    style=styles.failed if self.failed else "")
        return line

    def _states(self, colours: tuple[str, ...]) -> Text:
        """One stacked bar per worker thread, a cell apart, in STATES_WIDTH cells."""
        count = len(self.states)
        width = (STATES_WIDTH - (count - 1)) // count
        text = Text()
        for index, shares in enumerate(self.states):
            if index:
                text.append(" ")
            text.append_text(stacked(shares, width, colours))
        text.pad_right(STATES_WIDTH - text.cell_len)
        return text
