"""The results of this session's races, newest first, each labelled with its race.

Its columns are the one column list (`engine.columns`); on a narrow screen only the compact
set, so every figure shown is whole without scrolling sideways.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import DataTable

from tuiconc.engine.columns import COLUMNS, COMPACT_COLUMNS, lane_cells
from tuiconc.engine.race import RaceState


def race_label(number: int, state: RaceState, compact: bool) -> str:
    return f"#{number}" if compact else f"#{number} {state.config.mode}"


class ResultsTable(DataTable):
    DEFAULT_CSS = """
    ResultsTable { height: 1fr; }
    """

    compact: reactive[bool] = reactive(False, init=False)

    def __init__(self, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.history: list[RaceState] = []

    def on_mount(self) -> None:
        self.lay_out()

    @property
    def columns_shown(self):
        # "#" (the place) stays out: the race pane shows it, and the race label leads each race here.
        return COMPACT_COLUMNS if self.compact else tuple(c for c in COLUMNS if c.key not in ("place", "workers"))

    def lay_out(self) -> None:
        self.clear(columns=True)
        self.add_column("race", key="race", width=None if self.compact else 11)
        for column in self.columns_shown:
            self.add_column(column.title, key=column.key)
        self.show(self.history)

    def watch_compact(self) -> None:
        self.lay_out()

    def show(self, history: list[RaceState]) -> None:
        """Redraw from the finished races (oldest first in `history`)."""
        self.history = history
        self.clear()
        columns = self.columns_shown
        for number in range(len(history), 0, -1):
            state = history[number - 1]
            label = race_label(number, state, self.compact)
            for lane in state.lanes:
                cells = lane_cells(lane)
                self.add_row(label, *(Text(cells[column.key], justify="right" if column.numeric else "left")
                                      for column in columns))
                label = ""
