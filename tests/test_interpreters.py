"""Runners that need another interpreter: detected at run time, explained when unavailable, and
--python to run a lane on another Python."""

import concurrent.futures
import glob
import json
import os
import subprocess
import sys

import pytest

from tuiconc.engine.config import RaceConfig, problems
from tuiconc.engine.interpreter_probe import probe
from tuiconc.machine import gil_enabled
from tuiconc.engine.race import Race
from tuiconc.runners import RUNNERS

HAS_INTERPRETER_POOL = hasattr(concurrent.futures, "InterpreterPoolExecutor")


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="this interpreter has per-interpreter GILs")
def test_interpreters_explain_why_they_are_unavailable():
    reason = RUNNERS["interpreters"].unavailable_reason()
    assert "3.12" in reason and sys.version.split()[0] in reason
    assert "not available here" in problems(RaceConfig(runners=("interpreters",)))["runners"]


@pytest.mark.skipif(not HAS_INTERPRETER_POOL, reason="needs Python 3.14+ (InterpreterPoolExecutor)")
def test_interpreters_race_correctly_where_available():
    state = Race(RaceConfig(workload="primes", size=20_000, runners=("sequential", "interpreters"))).run()
    assert all(lane.correct for lane in state.lanes)


@pytest.mark.skipif(not gil_enabled(), reason="this interpreter runs without the GIL")
def test_free_threaded_explains_why_it_is_unavailable():
    reason = RUNNERS["free-threaded"].unavailable_reason()
    assert "GIL on" in reason and "free-threaded" in reason


@pytest.mark.skipif(gil_enabled(), reason="needs a free-threaded build with the GIL off")
def test_free_threaded_threads_use_more_than_one_core():
    state = Race(RaceConfig(workload="countdown", size=20_000_000, workers=2, mode="isolated",
                            runners=("sequential", "free-threaded"))).run()
    assert all(lane.correct for lane in state.lanes)
    assert state.lane("free-threaded").gil_enabled is False


def other_pythons() -> list[str]:
    """Other CPython 3.10+ interpreters on this machine (pyenv's), if any."""
    found = []
    for path in sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[0-9]*/bin/python3"))):
        if os.path.realpath(path) != os.path.realpath(sys.executable) and os.access(path, os.X_OK):
            found.append(path)
    return found


@pytest.mark.skipif(not other_pythons(), reason="no other Python 3.10+ interpreter on this machine")
def test_a_lane_can_run_on_another_interpreter():
    python = other_pythons()[0]
    version = probe(python)["python"]
    config = RaceConfig(workload="primes", size=20_000, runners=("sequential", "threading"),
                        pythons=(("threading", python),))
    state = Race(config).run()
    assert all(lane.correct for lane in state.lanes)
    assert state.lane("threading").python == version
    assert state.lane("sequential").python == sys.version.split()[0]


@pytest.mark.parametrize("path,message", [
    ("/no/such/python", "does not exist"),
    ("/tmp", "is not an executable file"),
    ("/bin/true", "is not a Python interpreter tuiconc can use"),
])
def test_a_bad_interpreter_is_refused_before_the_race(path, message):
    assert message in problems(RaceConfig(pythons=(("*", path),)))["python"]


def test_python_for_a_lane_that_does_not_exist_is_refused():
    assert "no lane is called 'nope'" in problems(RaceConfig(pythons=(("nope", sys.executable),)))["python"]


def test_the_cli_refuses_a_bad_interpreter_in_one_line(tuiconc_cmd, cli_env):
    result = subprocess.run([*tuiconc_cmd, "race", "--python", "/no/such/python"], capture_output=True,
                            text=True, env=cli_env, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["tuiconc race: error: interpreter '/no/such/python' does not exist"]


def bare_env(tmp_path) -> dict[str, str]:
    """A user's environment: nothing of the checkout on the path, and a cache of their own."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    return env


@pytest.mark.skipif(not other_pythons(), reason="no other Python 3.10+ interpreter on this machine")
def test_a_bare_interpreter_races_from_outside_the_checkout(tmp_path):
    """Nothing of tuiconc is installed in pyenv's Pythons: the lanes get a copy of the child side."""
    python = other_pythons()[0]
    race = subprocess.run([sys.executable, "-m", "tuiconc", "race", "-w", "primes", "-n", "20000", "-r",
                           "sequential,threading", "--python", python, "--json"], capture_output=True, text=True,
                          cwd=tmp_path, env=bare_env(tmp_path), timeout=120)
    assert race.returncode == 0, race.stderr
    lanes = json.loads(race.stdout)["lanes"]
    assert all(lane["correct"] for lane in lanes)
    assert {lane["python"] for lane in lanes} == {probe(python)["python"]}


def test_the_child_side_copy_holds_the_lanes_packages_alone(tmp_path, monkeypatch):
    from tuiconc.engine import child_side

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    child_side.child_path.cache_clear()
    try:
        folder = child_side.child_path()
        child_side.child_path.cache_clear()
        assert child_side.child_path() == folder  # the same content: the same copy, made once
    finally:
        child_side.child_path.cache_clear()
    package = os.path.join(folder, "tuiconc")
    assert os.path.isfile(os.path.join(package, "arena", "__main__.py"))
    assert sorted(os.listdir(package)) == sorted(["arena", "runners", "workloads", *child_side.CHILD_MODULES])
    assert folder.startswith(str(tmp_path))


@pytest.mark.skipif(not other_pythons(), reason="no other Python 3.10+ interpreter on this machine")
def test_work_that_needs_a_module_the_other_interpreter_lacks_is_refused_before_the_race():
    python = next((path for path in other_pythons() if not probe(path)["modules"]["aiohttp"]), None)
    if python is None:
        pytest.skip("every other interpreter here has aiohttp")
    found = problems(RaceConfig(workload="http", runners=("sequential", "asyncio"), pythons=(("asyncio", python),)))
    assert "http needs aiohttp, which is not installed there" in found["python"]


def pythons_with_own_gils() -> list[str]:
    return [path for path in other_pythons() if tuple(probe(path)["version_info"]) >= (3, 12)]


@pytest.mark.skipif(not pythons_with_own_gils(), reason="no Python 3.12+ on this machine (pyenv's)")
@pytest.mark.parametrize("python", pythons_with_own_gils() or [None])
def test_subinterpreters_compute_at_once_on_3_12_and_newer(python):
    """Each isolated interpreter has its own GIL: two of them keep about two cores busy on pure Python."""
    config = RaceConfig(workload="primes", size=300_000, workers=2, mode="isolated",
                        runners=("sequential", "interpreters"), pythons=(("*", python),))
    state = Race(config).run()
    lane = state.lane("interpreters")
    assert (lane.status, lane.correct, lane.error) == ("finished", True, None)
    assert lane.answer == state.lane("sequential").answer
    assert "private and experimental" in lane.extra["note"]
    if os.cpu_count() >= 2 and not state.disturbed:
        assert lane.cores > 1.3, lane  # a shared GIL keeps one core busy at most



def test_the_arena_drops_the_working_folder_but_not_pythonpaths_entry_for_it():
    """Seen on the lent machine: run from a checkout on PYTHONPATH (nothing installed), -P made PYTHONPATH's
    entry first, the arena took it for the working folder and dropped it, and every pool worker failed."""
    from tuiconc.arena.working_folder import without_working_folder

    assert without_working_folder(["/repo", "/lib"], "/repo", safe_path=True) == ["/repo", "/lib"]
    assert without_working_folder(["/repo", "/repo", "/lib"], "/repo", safe_path=False) == ["/repo", "/lib"]
    assert without_working_folder(["", "/lib"], "/repo", safe_path=False) == ["/lib"]
    assert without_working_folder(["/lib"], "/repo", safe_path=False) == ["/lib"]
