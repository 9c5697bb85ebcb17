"""The asyncio-based runners beyond plain asyncio: to-thread and hybrid, and the loop-lag meter."""

from tuiconc.engine.config import RaceConfig
from tuiconc.engine.race import Race


def test_hybrid_computes_in_a_process_pool_and_waits_on_the_loop():
    race = Race(RaceConfig(workload="fetch-and-crunch", size=6, workers=3, latency_ms=30,
                           runners=("sequential", "hybrid")))
    state = race.run()
    hybrid = state.lane("hybrid")
    assert all(lane.correct for lane in state.lanes)
    assert hybrid.extra["loop_lag_max_ms"] >= 0
    rows = next(lane for lane in race.timeline.lanes() if lane.runner == "hybrid").workers
    # The crunching shows up in the pool's rows (after the K I/O slots), not on the loop.
    assert any(slot >= 3 and track.spans() for slot, track in rows.items())


def test_hybrid_runs_cpu_work_entirely_in_its_pool():
    race = Race(RaceConfig(workload="countdown", size=2_000_000, workers=2, runners=("hybrid",)))
    state = race.run()
    assert state.lanes[0].correct
    rows = race.timeline.lanes()[0].workers
    assert rows and all(slot >= 2 for slot, track in rows.items() if track.spans())


def test_to_thread_keeps_the_loop_free_while_threads_block():
    state = Race(RaceConfig(workload="sleep", size=6, workers=6, latency_ms=200, runners=("to-thread",))).run()
    lane = state.lanes[0]
    assert lane.correct and lane.workers == 6
    assert lane.extra["loop_lag_max_ms"] < 200
