"""A lane row redraws only when what it shows changed, and never asks for a new layout."""

from __future__ import annotations

from tuiconc.engine.config import RaceConfig
from tuiconc.engine.lane import LaneState
from tuiconc.ui.app import TuiconcApp
from tuiconc.ui.widgets.lane_row import LaneRow

from appkit import MACHINE, FixedSampler


async def test_a_row_refreshes_once_per_change_without_layout():
    app = TuiconcApp(RaceConfig(), sampler=FixedSampler(), machine=MACHINE)
    async with app.run_test(size=(120, 40)) as pilot:
        row = app.screen.query_one("#lane-0", LaneRow)
        calls = []
        row.refresh = lambda *regions, **kwargs: calls.append(kwargs) or row  # noqa: E731
        lane = LaneState("sequential", status="running", total=100, done=40, elapsed_s=1.0, cores_now=1.0)
        row.show(lane, True)
        row.show(lane, True)
        assert len(calls) == 1 and not calls[0].get("layout")
        row.show(LaneState("sequential", status="running", total=100, done=41, elapsed_s=1.0, cores_now=1.0), True)
        assert len(calls) == 2
        del row.refresh
        await pilot.pause()
        assert " 41%" in row.render_line(0).text and "1 sequential" in row.render_line(0).text
