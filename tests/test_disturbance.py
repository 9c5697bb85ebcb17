"""A busy machine is measured and named: other programs' CPU, waits for a CPU, impossible speedups."""

from __future__ import annotations

import time


from tuiconc.engine.config import RaceConfig
from tuiconc.engine.disturbance import disturbance
from tuiconc.engine.lane import LaneState
from tuiconc.engine.race import Race, derive_figures
from tuiconc.engine.sampler import Sampler
from tuiconc.machine import usable_cpus

from conftest import descendants


def lane(runner, wall_s, cores, workers=1, others=0.0, wait_s=0.0, sampled_s=None):
    """A finished lane; the sampler watched it for its wall time unless told otherwise."""
    return LaneState(runner, status="finished", correct=True, wall_s=wall_s, cores=cores, cpu_s=cores * wall_s,
                     workers=workers, finished_at=wall_s, others_cores=others, runqueue_wait_s=wait_s,
                     sampled_s=wall_s if sampled_s is None else sampled_s)


def judged(lanes, cpus=2, mode="isolated", kind="cpu"):
    derive_figures(lanes, usable_cpus=cpus, mode=mode, io_bound=kind == "io")
    return disturbance(lanes, cpus, mode, kind)


def test_clean_figures_are_not_flagged():
    assert judged([lane("sequential", 2.0, 1.0), lane("multiprocessing", 1.0, 2.0, workers=2)]) is None


def test_other_programs_competing_with_a_lane_are_named():
    reason = judged([lane("sequential", 2.0, 1.0), lane("multiprocessing", 1.5, 1.4, workers=2, others=1.2)])
    assert reason.startswith("other programs used 1.2 of 2 cores while multiprocessing ran")


def test_other_programs_on_a_core_the_lane_did_not_want_are_not_a_disturbance():
    assert judged([lane("sequential", 2.0, 1.0, others=0.9)]) is None


def test_waiting_for_a_cpu_the_lane_did_not_cause_is_named():
    reason = judged([lane("sequential", 4.0, 0.6, others=0.4, wait_s=1.6)])
    assert reason.startswith("sequential waited for a CPU 40% of its time")


def test_waits_are_judged_per_thread_on_many_cores():
    # Seen on 16 CPUs: 16 workers, 14.6 cores, 0.25 thread-seconds of waits a second, others 0.38 cores.
    lanes = [lane("sequential", 23.4, 1.0), lane("multiprocessing", 1.6, 14.6, workers=16, others=0.38, wait_s=0.4)]
    assert judged(lanes, cpus=16) is None
    # Two workers each kept from a core 40 % of their time while other programs ran: that is a disturbance.
    starved = [lane("sequential", 2.0, 1.0), lane("multiprocessing", 2.0, 1.2, workers=2, others=0.3, wait_s=1.6)]
    assert judged(starved).startswith("multiprocessing waited for a CPU 40% of its time")


def test_more_processes_than_cores_wait_by_themselves_and_that_is_not_a_disturbance():
    # 4 processes on 2 cores: each waits half the time, 2 cores' worth of waiting.
    lanes = [lane("sequential", 2.0, 1.0), lane("multiprocessing", 1.0, 2.0, workers=4, wait_s=2.0)]
    assert judged(lanes) is None


def test_a_lane_too_short_for_the_sampler_is_not_judged():
    assert judged([lane("sequential", 0.5, 0.6, others=1.5, wait_s=0.3)]) is None


def test_threads_handing_the_gil_around_wait_by_themselves_on_a_quiet_machine():
    lanes = [lane("sequential", 2.0, 1.0), lane("threading", 2.2, 1.0, workers=4, others=0.02, wait_s=0.5)]
    assert judged(lanes) is None


def test_more_workers_than_cores_wait_in_bursts_of_their_own():
    lanes = [lane("sequential", 4.0, 0.02), lane("multiprocessing", 1.0, 0.3, workers=100, others=0.2, wait_s=1.65)]
    assert judged(lanes, kind="io") is None


def test_together_lanes_wait_for_each_other_by_design():
    assert judged([lane("sequential", 4.0, 0.6, wait_s=1.6)], mode="together") is None


def test_a_cpu_speedup_beyond_the_cores_is_a_baseline_problem():
    reason = judged([lane("sequential", 3.0, 1.0), lane("multiprocessing", 1.0, 2.0, workers=2)])
    assert "3.00× is more than 2 cores can give" in reason and "baseline" in reason


def test_together_the_baseline_shares_the_cores_by_design_and_is_not_called_slow():
    # Seen on a quiet machine: "the sequential baseline ran slow" for a together race.
    lanes = [lane("sequential", 3.0, 0.7, others=0.05), lane("multiprocessing", 1.0, 1.9, workers=2, others=0.05)]
    assert judged(lanes, mode="together") is None
    assert "baseline" in judged(lanes, mode="isolated")


def test_an_io_speedup_beyond_the_cores_is_what_io_does():
    assert judged([lane("sequential", 3.0, 0.01), lane("asyncio", 0.1, 0.02, workers=100)], kind="io") is None


def test_the_sampler_sees_other_programs_take_the_cpu(hogs):
    sampler = Sampler().start()
    try:
        deadline = time.monotonic() + 10
        while sampler.snapshot().others_cores < 0.5 * usable_cpus():
            assert time.monotonic() < deadline, sampler.snapshot().others_cores
            time.sleep(0.1)
    finally:
        sampler.stop()


def test_a_race_beside_busy_programs_says_its_figures_are_disturbed(hogs):
    time.sleep(0.5)  # the hogs are running
    state = Race(RaceConfig(workload="primes", size=300_000, workers=2,
                            runners=("sequential", "multiprocessing"))).run()
    assert all(lane.correct for lane in state.lanes)
    sequential = state.lane("sequential")
    assert sequential.others_cores > 0.5
    if Sampler().schedstat:  # Linux with schedstat: the lane waited for the cores the hogs held
        assert sequential.runqueue_wait_s > 0
    assert state.disturbed and state.verdict.startswith("Figures disturbed:")
    document = state.to_json()
    assert document["disturbed"] is True and document["disturbed_reason"] == state.disturbed
    assert {"others_cores", "front_end_cores", "runqueue_wait_s", "sampled_s"} <= set(document["lanes"][0])
    assert len(descendants()) == len(hogs)  # the race left nothing behind
