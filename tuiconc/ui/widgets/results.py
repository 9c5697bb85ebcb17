"""The results of this session's races, newest first, each labelled with its race.

Its columns are the one column list (`engine.columns`): on a narrow screen only the compact set,
on a wider one as many as fit, so every figure shown is whole without scrolling sideways.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import DataTable

from tuiconc.engine.columns import COMPACT_COLUMNS, OPTIONAL_KEYS, Column, lane_cells, shown_columns
from tuiconc.engine.race import RaceState


def race_label(number: int, state: RaceState, compact: bool) -> str:
    return f"#{number}" if compact else f"#{number} {state.config.mode}"


RACE_LABEL_WIDTH = 11  # "#12 isolated"


class ResultsTable(DataTable):
    DEFAULT_CSS = """
    ResultsTable { height: 1fr; }
    """

    compact: reactive[bool] = reactive(False, init=False)

    def __init__(self, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.history: list[RaceState] = []
        self.laid_out: tuple[Column, ...] = ()

    def on_mount(self) -> None:
        self.lay_out()

    def on_resize(self) -> None:
        if self.columns_that_fit() != self.laid_out:
            self.lay_out()

    def columns_that_fit(self) -> tuple[Column, ...]:
        """The compact set on a narrow screen; else every column, less the optional ones (in OPTIONAL_KEYS'
        order) that would push the others out of sight, as the CLI's table does."""
        if self.compact:
            return COMPACT_COLUMNS
        # "#" (the place) stays out: the race pane shows it, and the race label leads each race here.
        repeated = any(state.repeat > 1 for state in self.history)
        cells = [lane_cells(lane) for state in self.history for lane in state.lanes]
        room = self.size.width - RACE_LABEL_WIDTH - 2 * self.cell_padding - 2  # the race label, a scrollbar
        for dropped in range(len(OPTIONAL_KEYS) + 1):
            columns = shown_columns(repeated, leave_out=("place", "workers", *OPTIONAL_KEYS[:dropped]))
            wanted = sum(max([len(column.title), *(len(row[column.key]) for row in cells)]) + 2 * self.cell_padding
                         for column in columns)
            if wanted <= room or not self.size.width:
                return columns
        return columns

    def lay_out(self) -> None:
        self.laid_out = self.columns_that_fit()
        self.clear(columns=True)
        self.add_column("race", key="race", width=None if self.compact else RACE_LABEL_WIDTH)
        for column in self.laid_out:
            self.add_column(column.title, key=column.key)
        self.fill()

    def watch_compact(self) -> None:
        self.lay_out()

    def show(self, history: list[RaceState]) -> None:
        """Redraw from the finished races (oldest first in `history`)."""
        self.history = history
        if self.columns_that_fit() != self.laid_out:
            self.lay_out()
        else:
            self.fill()

    def fill(self) -> None:
        self.clear()
        for number in range(len(self.history), 0, -1):
            state = self.history[number - 1]
            labels = [race_label(number, state, self.compact), state.runs_label]  # "#3 isolated", "3 runs"
            for row, lane in enumerate(state.lanes):
                cells = lane_cells(lane)
                self.add_row(labels[row] if row < len(labels) else "",
                             *(Text(cells[column.key], justify="right" if column.numeric else "left")
                               for column in self.laid_out))
