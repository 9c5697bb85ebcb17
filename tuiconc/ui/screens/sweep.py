"""The scaling sweep: one runner at 1, 2, 4… workers, its speedup curve against the ideal, Amdahl fitted.

The sweep runs in a thread worker; a timer pulls its latest snapshot and the widgets draw it.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Header, Label, ProgressBar, Static

from tuiconc import units
from tuiconc import tunables
from tuiconc.render.sweep_view import ideal_text, karp_flatt_text, speedup_plot, sweep_title
from tuiconc.engine.config import ConfigError, RaceConfig
from tuiconc.engine.sampler import SamplerLike
from tuiconc.engine.sweep import Sweep, SweepState
from tuiconc.ui.widgets.text import pane

# Plot roles → theme variables, so the curve follows the theme (and high contrast).
PLOT_COLOURS = {"measured": "success", "ideal": "primary", "cores": "warning", "limit": "foreground",
                "failed": "error"}
TABLE_COLUMNS = ("workers", "wall", "speedup", "effic.", "Karp–Flatt", "ideal")
PLOT_FOOTER_ROWS = 3  # the x axis, its labels and the legend under the plot area


class SpeedupPlot(Widget):
    """Speedup against workers, drawn in characters to whatever size the widget has."""

    DEFAULT_CSS = """
    SpeedupPlot { height: 1fr; width: 1fr; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.state: SweepState | None = None

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.refresh())

    def show(self, state: SweepState) -> None:
        self.state = state
        self.refresh()

    def render(self) -> Text:
        if self.state is None:
            return Text("")
        variables = self.app.theme_variables
        styles = {role: variables[name] for role, name in PLOT_COLOURS.items() if variables.get(name)}
        styles["measured"] = f"bold {styles.get('measured', 'green')}"
        return speedup_plot(self.state, self.size.width, self.size.height - PLOT_FOOTER_ROWS, styles)


class SweepScreen(Screen):
    BINDINGS = [
        Binding("r", "rerun", "Re-run"),
        Binding("escape,q", "back", "Back"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    DEFAULT_CSS = """
    SweepScreen #sweep-head { height: 1; padding: 0 1; }
    SweepScreen #sweep-status { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    SweepScreen #sweep-progress { width: 34; }
    SweepScreen #sweep-progress Bar { width: 24; }
    SweepScreen.-narrow #sweep-progress { width: 18; }
    SweepScreen.-narrow #sweep-progress Bar { width: 12; }
    SweepScreen #sweep-body { height: 1fr; }
    SweepScreen.-wide #sweep-body { layout: horizontal; }
    SweepScreen.-narrow #sweep-body { layout: vertical; }
    SweepScreen #sweep-plot { padding: 0 1; }
    SweepScreen #sweep-table { width: 1fr; height: 1fr; }
    SweepScreen.-wide #sweep-table { width: 60; }
    SweepScreen.-narrow #sweep-table { height: auto; max-height: 10; }
    SweepScreen #sweep-summary { height: auto; padding: 0 1; }
    SweepScreen #sweep-amdahl { text-style: bold; color: $success; }
    SweepScreen #sweep-notes { color: $text-muted; }
    SweepScreen #sweep-errors { color: $error; }
    SweepScreen #sweep-errors.-empty { display: none; }
    """

    def __init__(self, config: RaceConfig, runner: str, workers: list[int], sampler: SamplerLike | None = None):
        super().__init__()
        self.sweep_config, self.runner, self.worker_counts = config, runner, list(workers)
        self.sampler = sampler  # the session's one sampler, shared rather than a second one started
        self.sweep: Sweep | None = None
        self.shown_rows: list[tuple] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="sweep-head"):
            yield Label("", id="sweep-status")
            yield ProgressBar(total=1.0, show_eta=False, id="sweep-progress")
        with Container(id="sweep-body"):
            yield pane(SpeedupPlot(id="sweep-plot"), "Speedup vs workers")
            yield pane(DataTable(id="sweep-table", cursor_type="none", zebra_stripes=True), "Points")
        with Container(id="sweep-summary"):
            yield Label("", id="sweep-amdahl")
            yield Static("", id="sweep-notes")
            yield Static("", id="sweep-errors", classes="-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*TABLE_COLUMNS)
        # The live figures move at the sampler's pace; more redraws would show nothing new.
        self.set_interval(1 / tunables.SAMPLE_HZ, self.refresh_sweep)
        self.action_rerun()

    # -- actions -----------------------------------------------------------------------------
    def action_rerun(self) -> None:
        self.end_sweep()
        try:
            self.sweep = Sweep(self.sweep_config, self.runner, self.worker_counts, sampler=self.sampler)
        except ConfigError as error:
            self.sweep = None
            self.query_one("#sweep-status", Label).update(Text(f"Can't sweep: {error}"))
            self.notify(str(error), title="Can't sweep", severity="error")
            return
        self.sub_title = sweep_title(self.sweep.snapshot())
        self.run_sweep(self.sweep)
        self.refresh_sweep()

    def action_back(self) -> None:
        self.end_sweep()
        self.dismiss()

    def on_unmount(self) -> None:
        self.end_sweep()  # the app may close this screen any way it likes: no lane outlives it

    def end_sweep(self) -> None:
        """Kill the running race's processes now (the kill is synchronous; reaping them is the race's)."""
        if self.sweep is not None and not self.sweep.done:
            self.sweep.cancel(wait=False)

    @work(thread=True, exclusive=True, group="sweep")
    def run_sweep(self, sweep: Sweep) -> None:
        sweep.run()

    # -- the timer ---------------------------------------------------------------------------
    def refresh_sweep(self) -> None:
        if self.sweep is None:
            return
        state = self.sweep.snapshot()
        self.query_one("#sweep-status", Label).update(Text(status_line(state)))  # errors may hold [brackets]
        self.query_one(ProgressBar).update(progress=state.progress)
        self.query_one(SpeedupPlot).show(state)
        self.show_table(state)
        self.show_summary(state)

    def show_table(self, state: SweepState) -> None:
        rows = table_rows(state, self.app.theme_variables.get("error", "red"))
        if rows == self.shown_rows:
            return  # redrawing an unchanged table would reset its scroll
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            table.add_row(*row)
        self.shown_rows = rows

    def show_summary(self, state: SweepState) -> None:
        notes = state.notes if state.status == "finished" else []
        self.query_one("#sweep-amdahl", Label).update(Text(notes[0] if notes else ""))
        self.query_one("#sweep-notes", Static).update(Text("\n".join(notes[1:])))
        errors = state.error_lines()
        errors_view = self.query_one("#sweep-errors", Static)
        errors_view.update(Text("\n".join(errors)))
        errors_view.set_class(not errors, "-empty")


def status_line(state: SweepState) -> str:
    if state.running and state.current is not None:
        lane = state.race.lanes[0] if state.race and state.race.lanes else None
        elapsed = f" · {units.seconds(lane.elapsed_s)}" if lane and lane.active else ""
        return f"Running {state.describe_current()}{elapsed}"
    return {
        "ready": "Starting…",
        "running": "Starting…",
        "finished": f"Finished: {len(state.points)} points · r sweeps again",
        "cancelled": "Cancelled · r sweeps again",
        "failed": f"Failed: {state.error}",
    }[state.status]


def table_rows(state: SweepState, failed_style: str) -> list[tuple]:
    def wall(step) -> str | Text:
        if step.ok:
            return units.seconds(step.wall_s)
        return Text(step.status, style={"failed": f"bold {failed_style}", "running": "bold"}.get(step.status, "dim"))

    rows = [("sequential", wall(state.baseline), "1.00×" if state.baseline.ok else units.DASH, "", "", "")]
    for point in state.points:
        rows.append((str(point.workers), wall(point), units.ratio(point.speedup), units.percent(point.efficiency),
                     karp_flatt_text(point.karp_flatt), ideal_text(point.processors)))
    return rows
