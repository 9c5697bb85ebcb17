"""The results of this session's races, newest first, each labelled with its mode."""

from __future__ import annotations

from textual.widgets import DataTable

from tuiconc import format as fmt
from tuiconc.race import RaceState

COLUMNS = ("race", "lane", "ok", "wall", "start-up", "CPU", "cores", "speedup", "effic.", "memory")


def outcome(lane) -> str:
    return fmt.correct_mark(lane.correct) if lane.status == "finished" else lane.status


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
                    label, lane.name, outcome(lane), fmt.seconds(lane.wall_s), fmt.seconds(lane.startup_s),
                    fmt.seconds(lane.cpu_s), fmt.ratio(lane.cores, ""), fmt.ratio(lane.speedup),
                    fmt.percent(lane.efficiency), fmt.megabytes(lane.peak_rss_mb),
                )
                label = ""
