"""The results of this session's races, newest first, each labelled with its mode."""

from __future__ import annotations

from textual.widgets import DataTable

from tuiconc import units
from tuiconc.engine.race import RaceState

COLUMNS = ("race", "lane", "ok", "wall", "start-up", "CPU", "cores", "speedup", "effic.", "memory")


def outcome(lane) -> str:
    return units.correct_mark(lane.correct) if lane.status == "finished" else lane.status


class ResultsTable(DataTable):
    DEFAULT_CSS = """
    ResultsTable { height: 1fr; }
    """

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_column(COLUMNS[0], width=11)  # "#12 isolated" reads fine cut to "#12 isolate"
        self.add_column(COLUMNS[1], width=18)
        self.add_columns(*COLUMNS[2:])

    def show(self, history: list[RaceState]) -> None:
        """Redraw from the finished races (oldest first in `history`)."""
        self.clear()
        for number in range(len(history), 0, -1):
            state = history[number - 1]
            label = f"#{number} {state.config.mode}"
            for lane in state.lanes:
                self.add_row(
                    label, lane.name, outcome(lane), units.seconds(lane.wall_s), units.seconds(lane.startup_s),
                    units.seconds(lane.cpu_s), units.ratio(lane.cores, ""), units.ratio(lane.speedup),
                    units.percent(lane.efficiency), units.megabytes(lane.peak_rss_mb),
                )
                label = ""
