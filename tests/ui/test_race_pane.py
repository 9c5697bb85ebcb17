"""The race pane redraws only the lines that changed, and never asks for a new layout while lanes run."""

from __future__ import annotations

from tuiconc.engine.config import RaceConfig
from tuiconc.engine.lane import LaneState
from tuiconc.engine.race import RaceState
from tuiconc.ui.app import TuiconcApp
from tuiconc.ui.widgets.race_pane import RacePane

from appkit import MACHINE, FixedSampler


def racing(done: int) -> RaceState:
    lane = LaneState("sequential", status="running", total=100, done=done, elapsed_s=1.0, cores_now=1.0)
    return RaceState(config=RaceConfig(), machine=MACHINE, lanes=[lane])


async def test_only_changed_lines_are_refreshed_and_without_layout():
    app = TuiconcApp(RaceConfig(), sampler=FixedSampler(), machine=MACHINE)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.screen.query_one(RacePane)
        refreshed, layouts = [], []
        pane.refresh_lines = lambda y, count=1: refreshed.append(y)
        original_refresh = pane.refresh
        pane.refresh = lambda *regions, **kwargs: layouts.append(kwargs) or original_refresh(*regions, **kwargs)
        pane.show(racing(40), {"sequential"})
        assert 0 in refreshed
        first = list(refreshed)
        pane.show(racing(40), {"sequential"})
        assert refreshed == first  # nothing changed, nothing drawn
        pane.show(racing(41), {"sequential"})
        assert refreshed[len(first):] == [0]  # the one lane that moved
        assert not any(kwargs.get("layout") for kwargs in layouts)
        del pane.refresh_lines, pane.refresh
        pane.refresh()
        await pilot.pause()
        line = pane.render_line(0).text
        assert "1 sequential" in line and " 41%" in line
