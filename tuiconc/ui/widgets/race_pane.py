"""One lane per runner, side by side: live while a race runs, the last result after it."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Label

from tuiconc.engine.race import RaceState
from tuiconc.render.race_table import cluster_notes
from tuiconc.ui.widgets.lane import LaneView
from tuiconc.ui.widgets.text import set_text


class RacePane(VerticalScroll):
    DEFAULT_CSS = """
    RacePane { height: auto; max-height: 14; }
    RacePane .verdict { height: auto; width: 100%; text-style: bold; color: $accent; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.names: list[str] = []

    async def set_lanes(self, names: list[str]) -> None:
        """Lay out one LaneView per lane name (keys 1-9 toggle them)."""
        if names == self.names:
            return
        self.names = list(names)
        await self.remove_children()
        views = [LaneView(str(i + 1) if i < 9 else " ", name, id=f"lane-{i}") for i, name in enumerate(names)]
        await self.mount_all([*views, Label("", classes="verdict")])

    def show(self, state: RaceState | None, enabled: set[str]) -> None:
        lanes = {lane.name: lane for lane in state.lanes} if state else {}
        for i, name in enumerate(self.names):
            self.query_one(f"#lane-{i}", LaneView).show(lanes.get(name), name in enabled)
        lines = [state.verdict] if state and state.verdict else []
        lines += cluster_notes(state) if state else []  # a dask lane's dashboard, live and after
        set_text(self.query_one(".verdict", Label), "\n".join(lines))  # height may change
