"""The workers' states in the app, live: a real race, each thread's stacked bar after its lane's bar while it
runs, the colours' legend on the race pane's border, and the GIL wait column once it has finished."""

from __future__ import annotations

import pytest

from tuiconc.engine.config import RaceConfig
from tuiconc.engine.thread_states import unavailable_reason
from tuiconc.render.lane_line import STATE_BLOCK
from tuiconc.ui.app import TuiconcApp
from tuiconc.ui.widgets.race_pane import RacePane
from tuiconc.ui.widgets.results import ResultsTable

from appkit import wait_for

pytestmark = pytest.mark.skipif(unavailable_reason() is not None, reason=str(unavailable_reason()))


async def test_threads_waiting_for_the_gil_show_live_and_in_the_table():
    config = RaceConfig(workload="primes", size=3_000_000, workers=4, runners=("threading",))
    app = TuiconcApp(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        pane = app.screen.query_one(RacePane)
        threading_line = lambda: pane.lines[pane.names.index("threading")]  # noqa: E731
        await wait_for(pilot, lambda: len(threading_line().states) == 4)  # one bar per worker thread
        await wait_for(pilot, lambda: any(shares[1] > 0.3 for shares in threading_line().states))  # GIL waits, live
        assert "GIL wait" in str(app.screen.query_one("#race").border_subtitle)
        drawn = pane.render_line(pane.shown().index(pane.names.index("threading"))).text
        assert drawn.count(STATE_BLOCK) == 8, drawn  # four bars of two cells
        await wait_for(pilot, lambda: app.session.history, timeout=120)
        lane = app.session.history[-1].lane("threading")
        assert lane.gil_wait >= 0.5, lane.states
        await pilot.pause(0.3)
        table = app.screen.query_one(ResultsTable)
        rows = [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]
        row = next(row for row in rows if "threading" in row)
        assert f"{lane.gil_wait:.0%}" in row, rows
        await pilot.press("q")
