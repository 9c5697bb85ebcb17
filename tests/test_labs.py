"""Each pitfall lab's broken lane shows the failure and its fixed lane does not."""

import pytest

from tuiconc.engine.config import ConfigError, RaceConfig, lab_config, problems, unavailable_lanes
from tuiconc.engine.labs import LABS, lab_lanes
from tuiconc.machine import usable_cpus
from tuiconc.engine.race import Race

from conftest import NEEDS_FREE_CORES


def run_lab(name: str, **changes):
    return Race(lab_config(name).with_changes(**changes)).run()


def test_every_lab_is_valid_as_shipped():
    for name, lab in LABS.items():
        if unavailable_lanes(lab_config(name)):  # tiny-tasks-dask, without the dask extra
            assert "pip install 'tuiconc[dask]'" in problems(lab_config(name))["runners"]
            continue
        assert problems(lab_config(name)) == {}, name
        assert lab.broken and lab.fix and len(lab_lanes(lab)) >= 2


def test_race_condition_loses_updates_only_without_the_lock():
    state = run_lab("race-condition", size=5_000)
    broken, fixed = state.lane("threads, no lock"), state.lane("threads + lock")
    assert broken.status == fixed.status == "finished"
    assert broken.answer < 5_000 and broken.correct is False
    assert "increments lost" in broken.error
    assert fixed.answer == 5_000 and fixed.correct and fixed.error is None
    assert broken.place is None and fixed.place == 1  # a wrong answer is disqualified


@NEEDS_FREE_CORES
def test_a_blocking_call_serialises_the_event_loop():
    latency_s, size = 0.1, 8
    state = run_lab("blocking-call", size=size, workers=size, latency_ms=int(latency_s * 1000))
    blocking, awaiting = state.lane("asyncio + time.sleep"), state.lane("asyncio + await asyncio.sleep")
    to_thread = state.lane("asyncio + to_thread(time.sleep)")
    assert all(lane.correct for lane in state.lanes)
    # Blocked, the loop can only run the sleeps one after another: a lower bound, not a timing guess.
    assert blocking.wall_s >= size * latency_s
    assert blocking.extra["loop_lag_max_ms"] >= latency_s * 1000
    # Awaiting, all eight overlap: nowhere near eight sleeps end to end.
    assert awaiting.wall_s < size * latency_s / 2 and to_thread.wall_s < size * latency_s / 2
    assert awaiting.extra["loop_lag_max_ms"] < latency_s * 1000


def test_a_lambda_fails_its_lane_with_an_explanation_and_the_race_goes_on():
    state = run_lab("unpicklable", size=20_000)
    broken, fixed = state.lane("pool.map(lambda …)"), state.lane("pool.map(module function)")
    assert broken.status == "failed"
    assert "pickle" in broken.error and "module level" in broken.error
    assert fixed.status == "finished" and fixed.correct
    assert state.status == "finished"


@NEEDS_FREE_CORES
def test_tiny_tasks_sink_an_unbatched_pool_and_batching_rescues_it():
    state = run_lab("tiny-tasks", size=2_000_000)
    sequential, one_by_one = state.lane("sequential"), state.lane("one task per message")
    batched = state.lane("batched (chunksize)")
    assert all(lane.correct for lane in state.lanes)
    # 20,000 round trips to a worker process versus 20,000 additions of 100 squares: not close.
    assert one_by_one.wall_s > 2 * sequential.wall_s
    assert batched.wall_s < one_by_one.wall_s / 2  # typically 5-10x apart; wide margins for a busy machine


@pytest.mark.skipif(usable_cpus() > 4, reason="the lab's process counts are built from this machine's cores")
def test_oversubscription_lanes_count_from_the_usable_cores():
    lanes = lab_lanes(LABS["oversubscription"])
    cores = usable_cpus()
    assert [lane.workers for lane in lanes[1:]] == sorted({cores, 4 * cores, 16 * cores})


@NEEDS_FREE_CORES
def test_oversubscription_brings_no_further_speedup():
    state = run_lab("oversubscription", size=300_000)
    assert all(lane.correct for lane in state.lanes)
    processes = [lane for lane in state.lanes if lane.runner == "multiprocessing"]
    most = processes[-1]
    assert most.workers >= 4 * usable_cpus()
    assert most.speedup < usable_cpus() * 1.25  # never more than the cores allow, however many processes


def test_lab_workloads_are_not_raced_on_their_own():
    with pytest.raises(ConfigError, match="unknown workload 'counter'"):
        Race(RaceConfig(workload="counter"))


def test_an_unknown_lab_is_a_clear_error():
    assert problems(RaceConfig(lab="nope")) == {"lab": "unknown lab 'nope'; choose one of: race-condition, "
                                                       "blocking-call, unpicklable, tiny-tasks, tiny-tasks-dask, oversubscription"}
