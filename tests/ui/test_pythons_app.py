"""Picking a lane's interpreter by keyboard: `i`, the lane, a Python found on this machine; then the race runs
that lane there."""

from __future__ import annotations

import pytest

from tuiconc.engine.config import RaceConfig
from tuiconc.engine.pythons import discover
from tuiconc.ui.app import TuiconcApp
from tuiconc.ui.screens.pythons import PythonsScreen
from tuiconc.ui.widgets.settings import SettingsPanel

from appkit import wait_for

OTHERS = [python for python in discover() if not python.is_this and "threading" not in python.unavailable]


@pytest.mark.skipif(not OTHERS, reason="no other Python 3.10+ on this machine")
async def test_a_lane_is_put_on_another_python_by_keyboard_and_races_there():
    other = next((python for python in OTHERS if not python.gil_enabled), OTHERS[0])  # 3.13t where built
    config = RaceConfig(workload="primes", size=60_000, workers=2, runners=("sequential", "threading"))
    app = TuiconcApp(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, PythonsScreen) and app.screen.pythons)
        screen = app.screen
        await pilot.press("down", "down", "enter")  # every lane, sequential, threading: its Pythons
        assert screen.lane == "threading"
        await pilot.press(*["down"] * [p.path for p in screen.pythons].index(other.path), "enter")
        assert screen.lane is None and screen.chosen == {"threading": other.path}  # back at the lanes
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, PythonsScreen))
        assert app.session.config.pythons == (("threading", other.path),)
        assert f"threading {other.name}" in str(app.screen.query_one("#choice-pythons").content)
        assert app.screen.query_one(SettingsPanel)
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session.history, timeout=120)
        state = app.session.history[-1]
        assert state.lane("threading").python == other.version
        assert state.lane("threading").gil_enabled is other.gil_enabled
        assert state.lane("sequential").python == state.machine["python"]  # the other lane stays on this one
        await pilot.press("q")
