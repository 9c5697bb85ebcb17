"""The cores pane keeps its height while a race runs: lanes starting and ending don't re-lay out the screen."""

from __future__ import annotations

from tuiconc.engine.config import RaceConfig
from tuiconc.render.cores_grid import LaneMark
from tuiconc.ui.app import TuiconcApp
from tuiconc.ui.widgets.cores import CoresView

from appkit import MACHINE, FixedSampler

ONE_LANE = {4242: LaneMark("sequential", "red", 1.0)}


async def test_the_legend_may_go_while_racing_but_the_pane_shrinks_only_after_the_race():
    app = TuiconcApp(RaceConfig(), sampler=FixedSampler(), machine=MACHINE)
    async with app.run_test(size=(120, 40)) as pilot:
        cores = app.screen.query_one(CoresView)
        sample, width = FixedSampler().snapshot(), cores.size.width
        layouts = []
        original_refresh = cores.refresh
        cores.refresh = lambda *regions, **kwargs: layouts.append(kwargs.get("layout")) or original_refresh(
            *regions, **kwargs)
        cores.show(sample, {})
        bare = cores.lines(width)
        cores.show(sample, ONE_LANE, hold_height=True)  # a lane starts: its legend line appears
        assert cores.lines(width) > bare and layouts[-1] is True
        cores.show(sample, {}, hold_height=True)  # it ends, the next has not started: the line stays
        assert cores.lines(width) > bare and layouts[-1] is False
        cores.show(sample, ONE_LANE, hold_height=True)
        assert layouts[-1] is False
        cores.show(sample, {})  # the race is over
        assert cores.lines(width) == bare and layouts[-1] is True
        await pilot.pause()
