"""Picking a lane's interpreter by keyboard: `i`, the lane, a Python found on this machine; then the race runs
that lane there."""

from __future__ import annotations

import pytest

from tuiconc.engine.config import RaceConfig
from tuiconc.engine.pythons import discover
from tuiconc.engine.race import elsewhere_runners
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
        assert f"1 lane on {other.name}" in str(app.screen.query_one("#choice-pythons").content)
        assert app.screen.query_one(SettingsPanel)
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session.history, timeout=120)
        state = app.session.history[-1]
        assert state.lane("threading").python == other.version
        assert state.lane("threading").gil_enabled is other.gil_enabled
        assert state.lane("sequential").python == state.machine["python"]  # the other lane stays on this one
        await pilot.press("q")


FREE_THREADED = next((python for python in OTHERS if not python.gil_enabled), None)


@pytest.mark.skipif(FREE_THREADED is None or "free-threaded" not in elsewhere_runners(),
                    reason="needs a free-threaded build beside a Python with the GIL")
async def test_a_runner_this_python_cant_run_races_once_another_python_can():
    """The free-threaded lane, unavailable on this Python, offered by `i`; on a 3.13t it joins the race."""
    app = TuiconcApp(RaceConfig(workload="primes", size=60_000, workers=2, runners=("sequential",)))
    async with app.run_test(size=(120, 40)) as pilot:
        assert "free-threaded" not in app.session.lane_names()
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, PythonsScreen) and app.screen.pythons)
        screen = app.screen
        lanes = [screen.query_one("OptionList").get_option_at_index(i).id
                 for i in range(screen.query_one("OptionList").option_count)]
        await pilot.press(*["down"] * lanes.index("free-threaded"), "enter")
        ids = [screen.query_one("OptionList").get_option_at_index(i).id
               for i in range(screen.query_one("OptionList").option_count)]
        assert ids[0] == "off"  # it can be taken off again
        choices = screen.query_one("OptionList")
        assert all(choices.get_option_at_index(ids.index(str(i))).disabled == python.gil_enabled
                   for i, python in enumerate(screen.pythons))  # only a Python without the GIL can run it
        choices.highlighted = ids.index(str([p.path for p in screen.pythons].index(FREE_THREADED.path)))
        await pilot.press("enter", "escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, PythonsScreen))
        assert app.session.lane_names()[-1] == "free-threaded" and "free-threaded" in app.session.enabled
        assert not app.session.problems()
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session.history, timeout=120)
        lane = app.session.history[-1].lane("free-threaded")
        assert lane.status == "finished" and lane.gil_enabled is False
        await pilot.press("q")
