"""Repeated races and sweeps: round-robin order, medians and ranges from the runs, spread judged."""

import json
import statistics
import subprocess
import sys

import psutil
import pytest

from tuiconc import tunables
from tuiconc.engine.config import RaceConfig
from tuiconc.engine.lane import LaneState
from tuiconc.engine.race import Race
from tuiconc.engine.recording import load
from tuiconc.engine.replay import ReplayRace
from tuiconc.engine.repeats import summarise_lane, summarise_rounds
from tuiconc.engine.sweep import Sweep
from tuiconc.engine.verdict import spread_verdict
from tuiconc.machine import usable_cpus
from tuiconc.render.race_table import results_table

from conftest import wait_until

LANES = ["sequential", "threading", "asyncio"]
# A hog spins at the lanes' own priority, in a session of its own as each lane has: a fair
# competitor for the cores, so the lane beside it slows by a large, bounded factor.
HOG = ("from tuiconc import tunables; from tuiconc.arena.__main__ import lower_priority; "
       "lower_priority(tunables.ARENA_NICE)\nwhile True: pass")


def start_hogs(count: int, env: dict) -> list[subprocess.Popen]:
    hogs = [subprocess.Popen([sys.executable, "-c", HOG], start_new_session=True, env=env) for _ in range(count)]
    wait_until(lambda: all(sum(psutil.Process(h.pid).cpu_times()[:2]) > 0.05 for h in hogs), timeout=30)
    return hogs


def kill_by_pid(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.kill()
        process.wait()


def arena_children(cli: psutil.Process) -> list[psutil.Process]:
    try:
        return [p for p in cli.children() if "tuiconc.arena" in " ".join(p.cmdline())]
    except psutil.Error:
        return []


@pytest.fixture(scope="module")
def slowed_race(tmp_path_factory):
    """`tuiconc race --repeat 3 --json`, with CPU hogs running beside the first round's first lane only."""
    import os

    from tuiconc.engine import spawn

    env = {**os.environ, "PYTHONPATH": spawn.PACKAGE_ROOT}
    hogs = start_hogs(2 * usable_cpus(), env)
    cli = subprocess.Popen([sys.executable, "-m", "tuiconc", "race", "-w", "countdown", "-n", "6000000", "-k", "2",
                            "-r", ",".join(LANES), "--repeat", "3", "--json"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        try:  # generous deadlines: other jobs on a shared machine slow the command itself too
            parent = psutil.Process(cli.pid)
            first = wait_until(lambda: arena_children(parent), timeout=180)[0]
            wait_until(lambda: not first.is_running() or first.status() == psutil.STATUS_ZOMBIE, timeout=300)
        finally:
            kill_by_pid(hogs)
        out, err = cli.communicate(timeout=600)
    except BaseException:
        cli.terminate()  # SIGTERM: the command ends every lane process before it exits
        cli.communicate(timeout=60)
        raise
    assert cli.returncode == 0, err
    return json.loads(out)


def test_rounds_run_round_robin(slowed_race):
    rounds = slowed_race["rounds"]
    assert slowed_race["repeat"] == 3 and len(rounds) == 3
    assert all([lane["label"] for lane in lanes] == LANES for lanes in rounds)
    starts = [lane["started_s"] for lanes in rounds for lane in lanes]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)  # A B C, A B C, A B C


def test_medians_and_ranges_come_from_the_runs(slowed_race):
    rounds = slowed_race["rounds"]
    for index, summary in enumerate(slowed_race["lanes"]):
        runs = [lanes[index] for lanes in rounds]
        walls = [run["wall_s"] for run in runs]
        assert summary["runs"] == 3 and summary["correct"] is True
        assert summary["wall_s"] == statistics.median(walls)
        assert (summary["wall_min_s"], summary["wall_max_s"]) == (min(walls), max(walls))
        assert summary["spread"] == pytest.approx(max(walls) / min(walls) - 1)
        # Speedup: the median of each round's ratio against that round's sequential run.
        ratios = [lanes[0]["wall_s"] / lanes[index]["wall_s"] for lanes in rounds]
        assert [run["speedup"] for run in runs] == pytest.approx(ratios)
        assert summary["speedup"] == pytest.approx(statistics.median(ratios))
        assert (summary["speedup_min"], summary["speedup_max"]) == pytest.approx((min(ratios), max(ratios)))


def test_the_lane_slowed_by_hogs_is_marked_unstable(slowed_race):
    sequential = slowed_race["lanes"][0]
    walls = [lanes[0]["wall_s"] for lanes in slowed_race["rounds"]]
    assert walls.index(max(walls)) == 0, walls  # the hogs ran beside round 1's sequential lane
    assert sequential["unstable"] is True and sequential["spread"] > tunables.UNSTABLE_SPREAD


# -- the summary and the verdict, exact ----------------------------------------------------
def run(runner, wall_s, speedup=None, status="finished", correct=True, error=None):
    return LaneState(runner, status=status, correct=correct, wall_s=wall_s, speedup=speedup, cores=1.0, workers=4,
                     error=error)


def test_the_speedup_is_the_median_of_ratios_not_the_ratio_of_medians():
    summary = summarise_lane([run("multiprocessing", 1.0, 2.0), run("multiprocessing", 3.0, 1.2),
                              run("multiprocessing", 2.0, 1.5)])
    assert summary.runs == 3 and summary.wall_s == 2.0 and summary.speedup == 1.5
    assert (summary.wall_min_s, summary.wall_max_s, summary.speedup_min, summary.speedup_max) == (1.0, 3.0, 1.2, 2.0)
    assert summary.spread == 2.0 and summary.unstable


def test_a_failed_run_fails_the_summary_and_says_which_run():
    summary = summarise_lane([run("threading", 1.0), run("threading", None, status="failed", error="killed"),
                              run("threading", 1.1)])
    assert summary.status == "failed" and summary.error == "run 2 of 3: killed"
    assert summary.wall_s == pytest.approx(1.05)  # the runs that finished still give their figures


def test_one_round_summarises_to_itself():
    lanes = [run("sequential", 2.0, 1.0), run("threading", 2.2, 0.9)]
    summary = summarise_rounds([lanes])
    assert [(lane.wall_s, lane.speedup, lane.runs, lane.spread) for lane in summary] == [(2.0, 1.0, 1, None),
                                                                                         (2.2, 0.9, 1, None)]


def summary_lane(runner, low, median, high, speedup, cores=1.0, workers=4):
    return LaneState(runner, status="finished", correct=True, wall_s=median, wall_min_s=low, wall_max_s=high,
                     runs=3, speedup=speedup, cores=cores, workers=workers)


def test_overlapping_ranges_are_within_the_noise():
    lanes = [summary_lane("sequential", 2.0, 2.1, 2.4, 1.0, workers=1), summary_lane("threading", 1.9, 2.0, 2.2, 1.05)]
    line = spread_verdict(lanes)
    assert "threading (1.90–2.20 s) and sequential (2.00–2.40 s) are within the noise" in line
    assert "won" not in line.replace("neither won", "")


def test_separate_ranges_leave_the_verdict_to_name_the_winner():
    lanes = [summary_lane("sequential", 2.0, 2.1, 2.2, 1.0, workers=1),
             summary_lane("multiprocessing", 1.0, 1.1, 1.2, 1.9, cores=1.9)]
    assert spread_verdict(lanes) is None


# -- recordings, the table, the sweep --------------------------------------------------------
def test_a_repeated_race_replays_its_rounds_and_summary(tmp_path):
    race = Race(RaceConfig(workload="countdown", size=200_000, workers=2, runners=("sequential", "threading"),
                           repeat=2))
    state = race.run()
    race.recording().save(str(tmp_path / "race.json"))
    replayed = ReplayRace(load(str(tmp_path / "race.json")), speed=4).run()
    figures = lambda s: [(lane.name, lane.wall_s, lane.wall_min_s, lane.wall_max_s, lane.speedup, lane.runs)
                         for lane in s.lanes]
    assert replayed.status == "finished" and figures(replayed) == figures(state)
    assert len(replayed.rounds) == 2 and replayed.verdict == state.verdict


def test_the_table_says_how_many_runs_and_shows_ranges_for_several():
    from rich.console import Console

    lanes = [summary_lane("sequential", 2.0, 2.1, 2.6, 1.0, workers=1), summary_lane("threading", 2.0, 2.05, 2.1, 1.0)]
    state = Race(RaceConfig(workload="countdown", runners=("sequential", "threading"), repeat=3))._state
    state.lanes, state.status, state.summarised = lanes, "finished", True
    console = Console(width=120, record=True)
    console.print(results_table(state, 120))
    text = console.export_text()
    assert "Results (isolated mode, 3 runs: medians)" in text
    assert "2.00–2.60 s" in text and "30%!" in text and "2.00–2.10 s" in text and "5% " in text
    state.config = state.config.with_changes(repeat=1)
    console = Console(width=120, record=True)
    console.print(results_table(state, 120))
    text = console.export_text()
    assert "Results (isolated mode, 1 run)" in text and "range" not in text and "spread" not in text


def test_a_repeated_sweep_takes_each_points_speedup_against_its_own_rounds_baseline():
    state = Sweep(RaceConfig(workload="sleep", size=4, latency_ms=30, repeat=2), "threading", [1, 2]).run()
    assert state.status == "finished", state.error
    assert state.baseline.runs == 2 and all(point.runs == 2 for point in state.points)
    for point in state.points:
        ratios = [base / wall for base, wall in zip(state.baseline.walls, point.walls)]
        assert point.speedups == pytest.approx(ratios)
        assert point.speedup == pytest.approx(statistics.median(ratios))
        assert point.wall_s == pytest.approx(statistics.median(point.walls))
    document = json.loads(json.dumps(state.to_json()))
    assert document["repeat"] == 2 and document["config"]["repeat"] == 2
    assert all(len(point["walls"]) == 2 and "unstable" in point for point in document["points"])
