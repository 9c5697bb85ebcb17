"""The verdict line classifies from the measurements and names the winner."""

import pytest

from tuiconc.engine.config import RaceConfig
from tuiconc.engine.lane import LaneState
from tuiconc.engine.race import Race, derive_figures
from tuiconc.engine.verdict import classify, verdict


def lane(runner, wall_s, cores, workers=4):
    return LaneState(runner, status="finished", correct=True, wall_s=wall_s, cores=cores, workers=workers,
                     finished_at=wall_s)


@pytest.mark.parametrize("lanes,kind", [
    ([lane("sequential", 2.0, 1.0, 1), lane("threading", 2.0, 1.0), lane("multiprocessing", 1.0, 2.0)], "cpu"),
    ([lane("sequential", 2.0, 1.0, 1), lane("threading", 1.0, 1.9)], "cpu-nogil"),
    ([lane("sequential", 2.0, 0.01, 1), lane("asyncio", 0.1, 0.05)], "io"),
    ([lane("sequential", 4.0, 0.25, 1), lane("hybrid", 1.0, 1.1)], "mixed"),
    ([lane("threading", 1.0, 1.0)], None),
])
def test_classification_reads_the_cores(lanes, kind):
    assert classify(lanes) == kind


def test_the_verdict_names_the_winner_and_why():
    lanes = [lane("sequential", 2.0, 1.0, 1), lane("threading", 2.1, 1.0), lane("multiprocessing", 1.05, 1.9)]
    derive_figures(lanes, usable_cpus=2, mode="isolated", io_bound=False)
    line = verdict(lanes)
    assert line.startswith("CPU-bound under the GIL")
    assert "multiprocessing won at 1.90×" in line and "own GIL" in line


def test_a_real_io_race_gets_an_io_verdict():
    state = Race(RaceConfig(workload="sleep", size=6, workers=6, latency_ms=50,
                            runners=("sequential", "asyncio"))).run()
    assert classify(state.lanes) == "io"  # what the lanes measured, busy machine or not
    if not state.disturbed:  # the lanes are too short for the sampler to judge: the winner is named
        assert state.verdict.startswith("I/O-bound") and "asyncio won" in state.verdict
    assert state.to_json()["verdict"] == state.verdict


def test_the_verdict_names_the_distribution_overhead_when_dask_loses():
    dask = lane("dask", 1.5, 1.6)
    dask.startup_s, dask.extra = 2.4, {"task_overhead_ms": 12.5}
    lanes = [lane("sequential", 2.0, 1.0, 1), lane("processpool", 1.0, 1.9), dask]
    derive_figures(lanes, usable_cpus=2, mode="isolated", io_bound=False)
    line = verdict(lanes)
    assert "processpool won" in line
    assert "dask took 1.50× processpool's time: the distribution overhead" in line
    assert "2.4 s of start-up including its cluster and 12.5 ms of scheduling and messages per task" in line


def test_a_winning_dask_lane_is_explained_without_an_overhead_clause():
    lanes = [lane("sequential", 2.0, 1.0, 1), lane("processpool", 1.2, 1.9), lane("dask", 1.0, 1.9)]
    derive_figures(lanes, usable_cpus=2, mode="isolated", io_bound=False)
    line = verdict(lanes)
    assert "dask won at 2.00×" in line and "own GIL" in line and "distribution overhead" not in line


def test_a_lead_inside_one_runs_noise_names_no_winner():
    from tuiconc.engine.verdict import measured_winner, verdict

    lanes = [LaneState("sequential", status="finished", correct=True, wall_s=1.03, cores=1.0, cpu_s=1.03, workers=1,
                       finished_at=1.03),
             LaneState("asyncio", status="finished", correct=True, wall_s=1.0, cores=1.0, cpu_s=1.0, workers=4,
                       finished_at=1.0)]
    derive_figures(lanes, usable_cpus=2, mode="isolated", io_bound=False)
    assert measured_winner(lanes) is None
    said = verdict(lanes)
    assert "no lane was measurably faster than sequential — asyncio led by 3%, inside the 5% one run varies by" in said
    assert "won" not in said and "one thread of Python at a time" in said


def test_pure_python_is_under_the_gil_only_where_every_lane_had_one():
    from tuiconc.engine.verdict import _label
    with_gil = LaneState("sequential", gil_enabled=True)
    without = LaneState("threading", gil_enabled=False)
    assert _label("cpu", [with_gil]) == "CPU-bound under the GIL"
    assert _label("cpu", [with_gil, without]) == "CPU-bound pure Python"
    assert _label("io", [without]) == "I/O-bound"


def test_on_one_usable_cpu_the_verdict_names_the_cpu_not_the_gil():
    """Under `taskset -c 0` a sha256 race (C code that releases the GIL) read "CPU-bound under the GIL"."""
    lanes = [lane("sequential", 2.0, 0.97, 1), lane("threading", 2.1, 0.97), lane("multiprocessing", 3.0, 0.96)]
    derive_figures(lanes, usable_cpus=1, mode="isolated", io_bound=False)
    line = verdict(lanes, usable_cpus=1)
    assert line.startswith("CPU-bound on 1 usable CPU") and "under the GIL" not in line
    assert "sequential won, with 1 usable CPU nothing computes at once" in line
    assert verdict(lanes, usable_cpus=2).startswith("CPU-bound under the GIL")
