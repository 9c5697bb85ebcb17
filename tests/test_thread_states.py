"""Thread states sampled from outside the lane: running, waiting for the GIL, on I/O, for a CPU.

Real races on every Python found here (pyenv's 3.10-3.13, the free-threaded 3.13t where built):
lanes whose answer is known — four threads on pure Python wait for the GIL, processes never do,
sleeping threads wait on I/O."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tuiconc.arena.gil_address import FUTEX
from tuiconc.engine.config import RaceConfig
from tuiconc.engine.pythons import discover
from tuiconc.engine.race import Race
from tuiconc.engine.spawn import PACKAGE_ROOT
from tuiconc.engine.thread_states import STATES, Mark, split, unavailable_reason, wait_kind

pytestmark = pytest.mark.skipif(unavailable_reason() is not None, reason=str(unavailable_reason()))

PYTHONS = {python.name: python for python in discover()}  # the first of each name: this one first
GIL = [python for python in PYTHONS.values() if python.gil_enabled]
NO_GIL = [python for python in PYTHONS.values() if not python.gil_enabled]


def _ids(pythons) -> list[str]:
    return [python.name for python in pythons]


def test_a_wait_is_named_by_its_system_call_and_the_gil_by_its_address():
    gil = (0x7F00000006F0, 0x7F00000006F8)
    assert wait_kind(b"running\n", gil) is None
    assert wait_kind(f"{FUTEX} 0x7f00000006f4 0x189 0x0 0x0 0x0 0x0 0x7ffd 0x7f12\n".encode(), gil) == "gil"
    assert wait_kind(f"{FUTEX} 0x7f0000000748 0x189 0x0 0x0 0x0 0x0 0x7ffd 0x7f12\n".encode(), gil) == "gil"
    assert wait_kind(f"{FUTEX} 0x55aa00001000 0x189 0x0 0x0 0x0 0x0 0x7ffd 0x7f12\n".encode(), gil) == "lock"
    assert wait_kind(f"{FUTEX} 0x7f00000006f4 0x189 0x0 0x0 0x0 0x0 0x7ffd 0x7f12\n".encode(), ()) == "lock"
    assert wait_kind(b"-1 0x7ffd 0x7f12\n", gil) == "not in a system call"
    assert wait_kind(b"9999 0x0 0x0 0x0 0x0 0x0 0x0 0x7ffd 0x7f12\n", gil) == "system call 9999"


def test_the_scheduler_counts_running_and_the_samples_split_the_blocked_rest():
    first, last = Mark(10.0, 0, 0, 0, 0), Mark(12.0, int(0.5e9), int(0.3e9), 30, 10)
    seconds = split(first, last)
    assert seconds["running"] == pytest.approx(0.5) and seconds["waiting_cpu"] == pytest.approx(0.3)
    assert seconds["waiting_gil"] == pytest.approx(1.2 * 0.75) and seconds["waiting_io"] == pytest.approx(1.2 * 0.25)
    assert sum(seconds.values()) == pytest.approx(2.0)


@pytest.mark.parametrize("python", GIL, ids=_ids(GIL))
def test_the_arena_learns_its_gil_address(python):
    learned = subprocess.run([python.path, "-c", "from tuiconc.arena.gil_address import learn_gil_futexes as l; "
                              "print(l())"], capture_output=True, text=True, timeout=60,
                             env={"PYTHONPATH": PACKAGE_ROOT})
    assert learned.returncode == 0, learned.stderr
    addresses = eval(learned.stdout)
    assert addresses and max(addresses) - min(addresses) < 512, addresses  # one struct: the GIL's


def _summed(states: dict) -> float:
    return sum(states[state] for state in STATES)


@pytest.mark.parametrize("python", GIL, ids=_ids(GIL))
def test_threads_wait_for_the_gil_and_processes_never_do(python):
    config = RaceConfig(workload="primes", size=300_000, workers=4, mode="isolated",
                        runners=("threading", "multiprocessing"), pythons=(("*", python.path),))
    state = Race(config).run()
    threads, processes = state.lane("threading"), state.lane("multiprocessing")
    assert all(lane.status == "finished" and lane.correct for lane in state.lanes), state.lanes
    assert threads.states["waiting_gil"] >= 0.5, threads.states
    assert processes.states["waiting_gil"] <= 0.05, processes.states
    for lane in (threads, processes):
        assert _summed(lane.states) == pytest.approx(1.0, abs=0.01)
        assert len(lane.worker_states) == 4
        assert all(_summed(worker) == pytest.approx(1.0, abs=0.01) for worker in lane.worker_states)
    assert {worker["pid"] for worker in threads.worker_states} == {threads.pid}  # the arena's own threads only
    assert threads.pid not in {worker["pid"] for worker in processes.worker_states}


@pytest.mark.parametrize("python", GIL, ids=_ids(GIL))
def test_sleeping_threads_wait_on_io(python):
    config = RaceConfig(workload="sleep", size=20, latency_ms=50, workers=4, runners=("threading",),
                        pythons=(("*", python.path),))
    lane = Race(config).run().lane("threading")
    assert lane.status == "finished", lane
    assert lane.states["waiting_io"] >= 0.8, lane.states
    assert max(lane.waiting_on, key=lane.waiting_on.get) == "sleep", lane.waiting_on


@pytest.mark.parametrize("python", NO_GIL, ids=_ids(NO_GIL))
def test_without_the_gil_threads_never_wait_for_it(python):
    config = RaceConfig(workload="primes", size=150_000, workers=2, runners=("threading",),
                        pythons=(("*", python.path),))
    lane = Race(config).run().lane("threading")
    assert lane.status == "finished", lane
    assert lane.states["waiting_gil"] == 0.0 and "no GIL" in lane.states_note


def test_an_event_loop_waits_in_its_selector():
    lane = Race(RaceConfig(workload="sleep", size=20, latency_ms=50, runners=("asyncio",))).run().lane("asyncio")
    assert lane.states["waiting_io"] >= 0.5 and max(lane.waiting_on, key=lane.waiting_on.get) == "selector", \
        (lane.states, lane.waiting_on)
    assert len(lane.worker_states) == 1 and lane.worker_states[0]["workers"] == 4  # every task on one thread


def test_the_json_carries_the_states(tuiconc_cmd, cli_env, tmp_path):
    done = subprocess.run([*tuiconc_cmd, "race", "--workload", "primes", "--size", "200000", "--workers", "2",
                           "--runners", "threading", "--json"], capture_output=True, text=True, timeout=120,
                          env=cli_env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lane = json.loads(done.stdout)["lanes"][0]
    assert set(lane["states"]) == set(STATES) and len(lane["worker_states"]) == 2
    assert lane["states"]["waiting_gil"] > 0.2, lane["states"]  # two threads under one GIL: each waits about half


@pytest.mark.parametrize("python", GIL, ids=_ids(GIL))
def test_the_gils_offsets_are_kept_and_found_again_at_once(python, tmp_path):
    """Learned once by contention, kept in the cache folder; the next process finds the same GIL in its maps."""
    ask = ("import json, time; from tuiconc.arena.gil_address import gil_futexes, _anchor, _file_mappings; "
           "started = time.perf_counter(); found = gil_futexes(); took = time.perf_counter() - started; "
           "print(json.dumps([[_anchor(_file_mappings(), a) for a in found], took]))")
    env = {"PYTHONPATH": PACKAGE_ROOT, "XDG_CACHE_HOME": str(tmp_path)}
    first, second = (json.loads(subprocess.run([python.path, "-c", ask], capture_output=True, text=True,
                                               timeout=60, env=env, check=True).stdout) for _ in range(2))
    assert first[0] and first[0] == second[0]  # the same file and offsets, wherever ASLR loaded it
    assert list((tmp_path / "tuiconc" / "gil-offsets").glob("*.json"))


def test_the_timeline_is_coloured_by_what_each_thread_waited_for(tmp_path):
    config = RaceConfig(workload="primes", size=300_000, workers=4, runners=("threading",))
    race = Race(config)
    race.run()
    lane = race.timeline.lanes()[0]
    waited = {code: sum(stop - first for first, stop, state in track.state_runs() if state == code)
              for track in lane.workers.values() for code in (1, 2, 3)}
    assert waited[2] > waited[1] + waited[3], waited  # four threads under one GIL: mostly waiting for it
    trace = tmp_path / "trace.json"
    race.write_trace(str(trace))
    names = {event["name"] for event in json.loads(trace.read_text())["traceEvents"] if event["ph"] == "X"}
    assert {"executing", "waiting for the GIL"} <= names


def test_where_the_lanes_threads_cannot_be_read_the_lane_says_why_and_races_on(monkeypatch):
    """ptrace forbidden (Yama scope 3, a container): the syscall files can't be opened. One note, no states,
    and the race is the same race."""
    import tuiconc.engine.thread_states as thread_states

    real_open = os.open

    def forbidden(path, *args, **kwargs):
        if str(path).endswith("/syscall"):
            raise PermissionError(1, "Operation not permitted", path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(thread_states.os, "open", forbidden)
    state = Race(RaceConfig(workload="primes", size=100_000, workers=2, runners=("threading",))).run()
    lane = state.lane("threading")
    assert lane.status == "finished" and lane.correct
    assert lane.states is None and "ptrace" in lane.states_note
