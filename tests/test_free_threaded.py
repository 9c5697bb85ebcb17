"""Free-threaded CPython raced for real: threads on a 3.13t build keep several cores busy on pure Python.

The build comes from scripts/build_free_threaded_python.sh (which .ci/run runs): a cache folder outside
the checkout, or $TUICONC_FREE_THREADED_PYTHON. Without one these tests skip, saying how to get it.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from tuiconc.engine.config import RaceConfig
from tuiconc.engine.interpreter_probe import InterpreterError, probe
from tuiconc.engine.pythons import free_threaded_build
from tuiconc.engine.race import Race

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts",
                      "build_free_threaded_python.sh")


def free_threaded_python() -> str | None:
    """A free-threaded interpreter already on this machine: named, or built by the script before."""
    named = os.environ.get("TUICONC_FREE_THREADED_PYTHON")
    for path in (named, free_threaded_build()):
        if path and os.access(path, os.X_OK):
            try:
                if probe(path).get("gil_enabled") is False:
                    return path
            except InterpreterError:
                pass
    return None


FREE_THREADED = free_threaded_python()
pytestmark = pytest.mark.skipif(FREE_THREADED is None, reason=f"no free-threaded Python here: {SCRIPT} builds one")


def test_the_build_script_reuses_the_build_it_made():
    reused = subprocess.run(["bash", SCRIPT], capture_output=True, text=True, timeout=60)
    assert reused.returncode == 0, reused.stderr
    assert reused.stdout.strip().splitlines()[-1] == FREE_THREADED or FREE_THREADED == os.environ.get(
        "TUICONC_FREE_THREADED_PYTHON")


def test_threads_without_the_gil_compute_at_once():
    """The same two threads on primes: about one core with the GIL, about two on the free-threaded build."""
    config = RaceConfig(workload="primes", size=400_000, workers=2, mode="isolated",
                        runners=("sequential", "threading"), pythons=(("*", FREE_THREADED),))
    state = Race(config).run()
    threads = state.lane("threading")
    assert all((lane.status, lane.correct) == ("finished", True) for lane in state.lanes), state.lanes
    assert threads.gil_enabled is False
    if os.cpu_count() >= 2 and not state.disturbed:
        assert threads.cores > 1.3, threads  # the GIL would hold it near one core


def test_the_free_threaded_lane_runs_where_the_gil_is_off():
    config = RaceConfig(workload="countdown", size=2_000_000, workers=2, mode="isolated",
                        runners=("sequential", "free-threaded"), pythons=(("free-threaded", FREE_THREADED),))
    state = Race(config).run()
    lane = state.lane("free-threaded")
    assert (lane.status, lane.correct, lane.gil_enabled) == ("finished", True, False), lane


def test_without_a_gil_the_unlocked_counter_still_loses_updates_and_the_lock_still_saves_them():
    """The race-condition lab's claim holds on both builds (measured here: 14,997 of 20,000 lost with the GIL,
    14,479 without)."""
    from tuiconc.engine.config import lab_config

    state = Race(lab_config("race-condition").with_changes(pythons=(("*", FREE_THREADED),))).run()
    unlocked, locked = state.lanes
    assert unlocked.gil_enabled is False and unlocked.correct is False
    assert locked.correct is True
