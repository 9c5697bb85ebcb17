"""One lane of the race: its key, name, live bar, elapsed time, cores now, and how it finished."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from tuiconc import units
from tuiconc.engine.lane import LaneState
from tuiconc.ui.widgets.text import set_text


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


class LaneView(Horizontal):
    DEFAULT_CSS = """
    LaneView { height: 1; }
    LaneView .lane-place { width: 5; text-style: bold; }
    LaneView .lane-name { width: 22; text-wrap: nowrap; text-overflow: ellipsis; }
    LaneView ProgressBar { width: 1fr; }
    LaneView Bar { width: 1fr; }
    LaneView .lane-figures { width: 35; padding-left: 1; }
    LaneView.-off { opacity: 50%; }
    LaneView.-first .lane-place { color: $success; }
    LaneView.-failed .lane-figures { color: $error; }
    """

    def __init__(self, key: str, name: str, **kwargs):
        super().__init__(**kwargs)
        self.key, self.lane_name = key, name

    def compose(self) -> ComposeResult:
        yield Label("", classes="lane-place")
        yield Label(f"{self.key} {self.lane_name}", classes="lane-name")
        yield ProgressBar(total=1.0, show_eta=False, show_percentage=True)
        yield Label("", classes="lane-figures")

    def show(self, lane: LaneState | None, enabled: bool) -> None:
        """Draw a lane's state; None means it is not in the current race."""
        self.set_class(not enabled, "-off")
        place, figures, progress = "", ("off" if not enabled else ""), 0.0
        if lane is not None:
            progress = lane.fraction
            figures = lane_summary(lane, compact=self.screen.has_class("-narrow"))
            place = units.place(lane.place) if lane.place else ""
            self.set_class(lane.place == 1, "-first")
            self.set_class(lane.status == "failed" or lane.correct is False, "-failed")
        else:
            self.set_class(False, "-first", "-failed")
        # Fixed-width labels: a changed text needs a repaint, never a new layout of the screen.
        set_text(self.query_one(".lane-place", Label), place, layout=False)
        set_text(self.query_one(".lane-figures", Label), figures, layout=False)
        self.query_one(ProgressBar).update(progress=progress)
