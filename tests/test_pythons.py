"""The Pythons found on this machine, and a versions race: one runner on several of them side by side."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tuiconc.engine.config import RaceConfig, problems
from tuiconc.engine.pythons import discover, resolve
from tuiconc.engine.race import Race


def test_this_python_is_found_first_and_named_by_its_version():
    first = discover()[0]
    assert first.is_this
    assert first.name == f"{sys.version_info[0]}.{sys.version_info[1]}" + ("" if first.gil_enabled else "t")
    assert len({python.path for python in discover()}) == len(discover())


def test_an_unknown_python_is_one_line_naming_those_found():
    with pytest.raises(KeyError) as refused:
        resolve("2.7")
    assert "no Python '2.7' found on this machine (found: " in refused.value.args[0]
    message = problems(RaceConfig(runners=("sequential", "threading@2.7")))["runners"]
    assert message.startswith("no Python '2.7' found") and "\n" not in message


OTHERS = [python for python in discover() if python.name != discover()[0].name]


@pytest.mark.skipif(not OTHERS, reason="only one Python version on this machine")
def test_a_versions_race_puts_each_lane_on_its_python_and_measures_it_against_its_own_sequential():
    other = OTHERS[-1]  # the last found: pyenv's newest, or a free-threaded build
    config = RaceConfig(workload="primes", size=40_000, workers=2, mode="isolated",
                        runners=("sequential", f"sequential@{other.name}", f"threading@{other.name}"))
    state = Race(config).run()
    lanes = {lane.name: lane for lane in state.lanes}
    assert all((lane.status, lane.correct) == ("finished", True) for lane in state.lanes), state.lanes
    assert lanes[f"threading@{other.name}"].python == other.version
    assert lanes["sequential"].python == sys.version.split()[0]
    own = lanes[f"sequential@{other.name}"]
    threads = lanes[f"threading@{other.name}"]
    assert threads.speedup == pytest.approx(own.wall_s / threads.wall_s)  # its own Python's plain loop
    if state.verdict and not state.disturbed and not state.verdict.startswith("Together"):
        assert "Each speedup is against sequential on the lane's own Python" in state.verdict


def test_tuiconc_list_names_the_pythons(tuiconc_cmd, cli_env):
    listed = subprocess.run([*tuiconc_cmd, "list", "--json"], capture_output=True, text=True, env=cli_env, timeout=120)
    pythons = json.loads(listed.stdout)["pythons"]
    assert pythons and {"name", "path", "version", "gil", "runs"} <= set(pythons[0])
    assert "sequential" in pythons[0]["runs"]


def test_the_app_refuses_a_versions_race_in_one_line(tuiconc_cmd, cli_env):
    app = subprocess.run([*tuiconc_cmd, "--runners", f"sequential,threading@{discover()[0].name}"],
                         capture_output=True, text=True, env=cli_env, timeout=60)
    assert app.returncode == 2
    assert app.stderr.strip().startswith("tuiconc: error: the app races each runner once")
