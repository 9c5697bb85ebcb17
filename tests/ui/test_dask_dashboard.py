"""The app shows a dask lane's dashboard link while it races, and cancelling it leaves no process."""

from __future__ import annotations

import importlib.util

import pytest

from tuiconc.engine.config import RaceConfig
from tuiconc.ui.app import TuiconcApp
from tuiconc.ui.widgets.race_pane import RacePane

from conftest import descendants
from appkit import wait_for

pytestmark = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                reason="needs the dask extra: pip install -e '.[test,dask]'")


async def test_a_racing_dask_lane_shows_its_dashboard_and_cancels_cleanly():
    app = TuiconcApp(RaceConfig(workload="primes", size=10_000_000, workers=2, runners=("dask",)))
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.screen.query_one(RacePane)
        await pilot.press("r")
        await wait_for(pilot, lambda: "dask: Dask dashboard http://127.0.0.1:" in pane.notes, timeout=90)
        assert app.session.race is not None and not app.session.race.done, "shown while the lane races"
        await pilot.press("c")
        await wait_for(pilot, lambda: app.session.race is None, timeout=10)
    assert not descendants()
