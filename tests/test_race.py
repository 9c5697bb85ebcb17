"""The race API: modes, derived figures, cancellation, failing lanes, the arena's message rate."""

import json
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from tuiconc import tunables

from tuiconc.arena import protocol
from tuiconc.engine.config import ConfigError, RaceConfig
from tuiconc.engine.race import Race, derive_figures, ideal_speedup
from tuiconc.engine.lane import LaneState

from conftest import living, wait_until

JSON_LANE_KEYS = {"runner", "status", "answer", "expected", "correct", "wall_s", "startup_s", "cpu_s", "cores",
                  "speedup", "efficiency", "peak_rss_mb", "workers", "error"}


def test_an_isolated_race_runs_one_lane_at_a_time():
    config = RaceConfig(workload="sleep", size=4, workers=4, latency_ms=150, mode="isolated",
                        runners=("sequential", "threading"))
    race = Race(config).start()
    seen_together = False
    while not race.wait(0.02):
        lanes = race.snapshot().lanes
        seen_together |= all(lane.active for lane in lanes)
    state = race.snapshot()
    assert not seen_together
    assert [lane.status for lane in state.lanes] == ["finished", "finished"]
    assert state.lane("threading").place == 1 and state.lane("sequential").place == 2


def test_a_race_reports_the_json_contract():
    state = Race(RaceConfig(workload="countdown", size=100_000, workers=2,
                            runners=("sequential", "threading"))).run()
    document = json.loads(json.dumps(state.to_json()))
    assert set(document) >= {"tuiconc", "machine", "config", "lanes"}
    assert set(document["machine"]) >= {"python", "implementation", "gil_enabled", "logical_cpus", "usable_cpus",
                                        "physical_cores", "usable_cores", "platform"}
    assert document["config"] == {"workload": "countdown", "size": 100_000, "workers": 2, "mode": "isolated",
                                  "start_method": config_start_method(), "repeat": 1}
    assert document["repeat"] == 1 and [[lane["label"] for lane in run] for run in document["rounds"]] == [
        ["sequential", "threading"]]
    assert all(lane["runs"] == 1 and lane["spread"] is None and lane["unstable"] is False
               for lane in document["lanes"])
    for lane in document["lanes"]:
        assert set(lane) >= JSON_LANE_KEYS
    sequential = document["lanes"][0]
    assert sequential["speedup"] == 1.0 and sequential["efficiency"] == 1.0


def config_start_method():
    return RaceConfig().start_method


def test_speedup_and_efficiency_come_from_the_sequential_lane():
    lanes = [LaneState("sequential", status="finished", wall_s=4.0, workers=1, finished_at=3.0),
             LaneState("multiprocessing", status="finished", wall_s=1.0, workers=8, finished_at=2.0),
             LaneState("threading", status="failed", workers=4)]
    derive_figures(lanes, usable_cpus=4, mode="together", io_bound=False)
    assert lanes[1].speedup == 4.0 and lanes[1].efficiency == 1.0
    assert lanes[1].place == 1 and lanes[0].place == 2 and lanes[2].place is None
    assert lanes[2].speedup is None


def test_ideal_speedup_is_bounded_by_cores_only_for_cpu_work():
    assert ideal_speedup(100, 2, io_bound=True) == 100
    assert ideal_speedup(100, 2, io_bound=False) == 2
    assert ideal_speedup(1, 8, io_bound=False) == 1


def test_past_the_physical_cores_the_ideal_counts_a_second_smt_thread_as_a_fraction_of_a_core():
    assert ideal_speedup(4, 8, io_bound=False, usable_cores=4) == 4
    assert ideal_speedup(8, 8, io_bound=False, usable_cores=4) == 4 + 4 * tunables.SMT_GAIN
    assert ideal_speedup(16, 8, io_bound=False, usable_cores=4) == 4 + 4 * tunables.SMT_GAIN
    assert ideal_speedup(16, 8, io_bound=True, usable_cores=4) == 16


def test_without_a_sequential_lane_there_is_no_speedup():
    state = Race(RaceConfig(workload="sleep", size=2, latency_ms=1, runners=("threading",))).run()
    assert state.lanes[0].speedup is None


def lane_tree_pids(race) -> set[int]:
    pids = set()
    for lane in race.snapshot().lanes:
        if lane.pid:
            try:
                root = psutil.Process(lane.pid)
                pids |= {root.pid, *(p.pid for p in root.children(recursive=True))}
            except psutil.NoSuchProcess:
                pass
    return pids


@pytest.mark.parametrize("mode", ["together", "isolated"])
def test_cancel_ends_every_lane_process_within_a_second(mode):
    config = RaceConfig(workload="countdown", size=5_000_000_000, workers=2, mode=mode,
                        runners=("sequential", "threading", "multiprocessing", "processpool"))
    race = Race(config).start()
    wait_until(lambda: any(lane.done > 0 for lane in race.snapshot().lanes), timeout=30)
    pids = lane_tree_pids(race)
    assert pids
    started = time.monotonic()
    race.cancel()
    took = time.monotonic() - started
    assert not living(pids)
    assert took < tunables.CANCEL_DEADLINE_S + 1.0  # generous: the machine is shared; the benchmark has the figure
    state = race.snapshot()
    assert state.status == "cancelled"
    assert all(lane.status == "cancelled" for lane in state.lanes)


def test_a_killed_worker_fails_its_lane_readably_and_the_others_finish():
    config = RaceConfig(workload="countdown", size=30_000_000, workers=2, mode="together",
                        runners=("multiprocessing", "processpool", "threading"))
    race = Race(config).start()

    def computing_worker():
        """A pool worker with a task in flight: one its thread states saw computing (running, or runnable
        beside the other lanes) its last second through (a worker killed between tasks loses nothing, and
        the lane rightly finishes)."""
        lane = race.snapshot().lane("multiprocessing")
        busy = [worker for worker in lane.worker_states
                if worker["pid"] != lane.pid and worker["running"] + worker["waiting_cpu"] > 0.9]
        return psutil.Process(busy[0]["pid"]) if busy else None

    victim = wait_until(computing_worker, timeout=30)
    os.kill(victim.pid, signal.SIGKILL)
    assert race.wait(60), "the race hung after a worker was killed"
    state = race.snapshot()
    failed = state.lane("multiprocessing")
    assert failed.status == "failed"
    assert "killed by SIGKILL" in failed.error and str(victim.pid) in failed.error
    assert state.lane("threading").status == "finished" and state.lane("threading").correct
    assert state.lane("processpool").status == "finished"


def test_a_bad_config_never_starts_anything():
    with pytest.raises(ConfigError, match="workers must be at least 1"):
        Race(RaceConfig(workers=0))


def test_progress_is_batched_whatever_the_task_count():
    """A million tiny tasks still produce at most ~PROGRESS_HZ progress messages a second."""
    config = json.dumps({"workload": "sleep", "size": 200_000, "workers": 1000, "runner": "asyncio",
                         "options": {"latency_ms": 0}})
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "tuiconc.arena", config], capture_output=True, text=True,
                            timeout=120, stdin=subprocess.DEVNULL)
    took = time.monotonic() - started
    messages = [protocol.decode(line) for line in result.stdout.splitlines()]
    progress = [m for m in messages if isinstance(m, protocol.Progress)]
    assert isinstance(messages[-1], protocol.Finished) and messages[-1].answer == 200_000
    assert progress[-1].done == 200_000
    assert len(progress) <= tunables.PROGRESS_HZ * took + 2


def read_autogroup(pid: int | str = "self") -> str:
    """The task's autogroup, or "" where it has none: no autogroup support, or (as in many containers)
    the task sits in a cgroup of its own, and the kernel then prints nothing and schedules by cgroup."""
    try:
        with open(f"/proc/{pid}/autogroup") as autogroup:
            return autogroup.read().strip()
    except OSError:
        return ""


def test_a_lane_competes_in_the_callers_scheduling_group_and_leaves_it_as_it_was():
    """Autogroup shares the CPU between sessions first: a lane in a session of its own would get one
    share however many processes it runs. It joins ours, as a program started from this shell would,
    in a process group of its own (to end it as a whole), a little below the front end."""
    before = read_autogroup()
    race = Race(RaceConfig(workload="countdown", size=5_000_000_000, runners=("sequential",))).start()
    try:
        pid = wait_until(lambda: race.snapshot().lane("sequential").done and race.snapshot().lane("sequential").pid)
        assert psutil.Process(pid).nice() == tunables.ARENA_NICE
        assert os.getsid(pid) == os.getsid(0) and os.getpgid(pid) == pid
        assert read_autogroup(pid).partition(" ")[0] == before.partition(" ")[0]  # the same group, if any
    finally:
        race.cancel()
    config = json.dumps({"workload": "primes", "size": 1000, "workers": 1, "runner": "sequential"})
    subprocess.run([sys.executable, "-m", "tuiconc.arena", config], capture_output=True, timeout=60,
                   stdin=subprocess.DEVNULL)  # an arena in our own process group, as a test may run one
    assert read_autogroup() == before  # the session that ran the tests keeps its priority
