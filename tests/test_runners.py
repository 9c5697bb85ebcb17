"""Every workload under every runner, through real arena processes, reaches the verified answer."""

import pytest

from tuiconc.engine.config import RaceConfig
from tuiconc.engine.race import Race
from tuiconc.engine.race import available_runners

SMALL = {"primes": 30_000, "sum-squares": 100_000, "countdown": 200_000, "sha256": 24, "zlib": 12, "sleep": 8,
         "http": 8, "fetch-and-crunch": 4}


@pytest.mark.parametrize("workload", list(SMALL))
def test_every_runner_gets_the_right_answer(workload):
    config = RaceConfig(workload=workload, size=SMALL[workload], workers=3, runners=tuple(available_runners()),
                        mode="together", latency_ms=20)
    state = Race(config).run()
    assert state.status == "finished", state.error
    for lane in state.lanes:
        assert lane.status == "finished", (lane.runner, lane.error)
        assert lane.correct and lane.answer == lane.expected, lane.runner
        assert lane.done == lane.total
        assert lane.wall_s > 0 and lane.startup_s > 0 and lane.cpu_s >= 0 and lane.peak_rss_mb > 1
        assert lane.place is not None


@pytest.mark.parametrize("start_method", ["fork", "spawn", "forkserver"])
def test_process_runners_use_the_start_method_asked_for(start_method):
    config = RaceConfig(workload="primes", size=5_000, workers=2, runners=("multiprocessing", "processpool"),
                        start_method=start_method)
    state = Race(config).run()
    for lane in state.lanes:
        assert lane.status == "finished" and lane.correct, lane.error
        assert lane.start_method == start_method


def test_thread_and_coroutine_lanes_report_their_workers():
    state = Race(RaceConfig(workload="sleep", size=6, workers=3, latency_ms=10,
                            runners=("sequential", "threading", "asyncio"))).run()
    workers = {lane.runner: lane.workers for lane in state.lanes}
    assert workers == {"sequential": 1, "threading": 3, "asyncio": 3}
    threading_lane = state.lane("threading")
    assert len(threading_lane.per_worker) == 3 and sum(threading_lane.per_worker) == 6


def test_workers_never_outnumber_tasks():
    state = Race(RaceConfig(workload="sleep", size=2, workers=50, latency_ms=1, runners=("threading",))).run()
    assert state.lane("threading").workers == 2
