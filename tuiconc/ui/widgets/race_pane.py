"""One lane per runner, one line each: live while a race runs, the last result after it."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Label

from tuiconc.engine.lane import LaneState
from tuiconc.engine.race import RaceState
from tuiconc.render.cores_grid import LaneMark
from tuiconc.render.lane_colours import lane_colour
from tuiconc.ui.widgets.lane_row import LaneRow
from tuiconc.ui.widgets.text import set_text


class RacePane(VerticalScroll):
    DEFAULT_CSS = """
    RacePane { height: auto; max-height: 14; }
    RacePane .verdict { height: auto; width: 100%; text-style: bold; color: $accent; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.names: list[str] = []
        self.rows: list[LaneRow] = []

    async def set_lanes(self, names: list[str]) -> None:
        """Lay out one LaneRow per lane name (keys 1-9 toggle them)."""
        if names == self.names:
            return
        self.names = list(names)
        await self.remove_children()
        rows = [LaneRow(str(i + 1) if i < 9 else " ", name, lane_colour(i), id=f"lane-{i}")
                for i, name in enumerate(names)]
        for row in rows:
            row.name_width = max(map(len, names))
        self.rows = rows
        await self.mount_all([*rows, Label("", classes="verdict")])

    def show(self, state: RaceState | None, enabled: set[str]) -> None:
        lanes = {lane.name: lane for lane in state.lanes} if state else {}
        for name, row in zip(self.names, self.rows):
            row.show(lanes.get(name), name in enabled)
        set_text(self.query_one(".verdict", Label), (state.verdict if state else None) or "")  # height may change

    def marks(self, lanes: list[LaneState]) -> dict[int, LaneMark]:
        """Each running lane's root PID → how it shows on the cores: in its row's colour."""
        colours = {name: lane_colour(i) for i, name in enumerate(self.names)}
        return {lane.pid: LaneMark(lane.name, colours.get(lane.name, lane_colour(len(colours))), lane.cores_now)
                for lane in lanes if lane.pid is not None and lane.active}
