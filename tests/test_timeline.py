"""The worker timeline: measured inside the workers, drawn per worker, exported as a Chrome trace."""

import json

import pytest

from tuiconc.engine.config import RaceConfig
from tuiconc.machine import usable_cpus
from tuiconc.engine.race import Race
from tuiconc.engine.timeline import Timeline, WorkerTrack

from conftest import NEEDS_FREE_CORES


def test_a_track_counts_active_buckets_and_spans():
    track = WorkerTrack()
    for bucket in (2, 3, 4, 9):
        track.add(bucket, 10)
    track.add(3, 5)
    assert list(track.units) == [0, 0, 10, 15, 10, 0, 0, 0, 0, 10]
    assert track.spans() == [(2, 5), (9, 10)]
    assert track.active_fraction(0, 10) == 0.4
    assert track.active_fraction(2, 5) == 1.0
    assert track.active_fraction(20, 30) == 0.0


def test_out_of_order_buckets_keep_the_counts_right():
    track = WorkerTrack()
    track.add(5, 1)
    track.add(1, 1)
    assert track.active_fraction(0, 6) == pytest.approx(2 / 6)
    assert list(track.busy_before) == [0, 0, 1000, 1000, 1000, 1000, 2000]


def test_lanes_are_placed_on_the_race_time_axis():
    timeline = Timeline(origin=100.0, bucket_s=0.001)
    timeline.begin_lane("threading", lane_origin=100.25, switch_interval_s=0.005)
    timeline.add("threading", {"0": [[0, 3], [1, 3]], "1": [[2, 1]]})
    lane = timeline.lanes()[0]
    assert lane.shift == 250
    assert lane.workers[0].spans() == [(250, 252)] and lane.workers[1].spans() == [(252, 253)]
    assert timeline.length_s() == pytest.approx(0.253)
    assert timeline.window("threading", 0.250, 0.254, 4) == [[1, 1, 0, 0], [0, 0, 1, 0]]


def overlap(race: Race, runner: str) -> float:
    """Share of the lane's busy milliseconds in which two or more workers executed at once."""
    lane = next(lane for lane in race.timeline.lanes() if lane.runner == runner)
    tracks = list(lane.workers.values())
    length = max(len(t.busy) for t in tracks)
    busy = [sum(1 for t in tracks if b < len(t.busy) and t.busy[b]) for b in range(length)]
    active = [n for n in busy if n]
    return sum(1 for n in active if n >= 2) / len(active)


@pytest.mark.skipif(usable_cpus() < 2, reason="simultaneity needs two usable CPUs")
@NEEDS_FREE_CORES
def test_threads_take_turns_under_the_gil_while_processes_run_at_once():
    race = Race(RaceConfig(workload="countdown", size=40_000_000, workers=2, mode="isolated",
                           runners=("threading", "multiprocessing")))
    state = race.run()
    assert all(lane.correct for lane in state.lanes)
    assert {lane.runner: len(lane.workers) for lane in race.timeline.lanes()} == {"threading": 2,
                                                                                  "multiprocessing": 2}
    assert overlap(race, "threading") < 0.5
    assert overlap(race, "multiprocessing") > 0.6 or state.disturbed  # other programs held a core


@pytest.mark.parametrize("workload, size, runner", [("primes", 300_000, "threading"),
                                                    ("primes", 1_000_000, "multiprocessing"),
                                                    ("sha256", 200, "threading")])
def test_the_timeline_adds_up_to_the_cpu_the_lane_measured(workload, size, runner):
    """Both figures come from the same run, so a busy machine changes both alike. The process lane is larger:
    its pool's own costs (starting, feeding and ending its processes) are CPU no worker row shows."""
    race = Race(RaceConfig(workload=workload, size=size, workers=4, runners=(runner,)))
    lane = race.run().lanes[0]
    assert lane.correct
    executing = race.timeline.executed_s(runner) / lane.wall_s  # mean workers executing
    assert executing == pytest.approx(lane.cores, rel=0.05), (executing, lane.cores)


def test_an_asyncio_cpu_task_never_lets_another_run():
    race = Race(RaceConfig(workload="countdown", size=2_000_000, workers=4, runners=("asyncio",)))
    race.run()
    workers = race.timeline.lanes()[0].workers
    assert len([track for track in workers.values() if track.spans()]) == 1  # the first task never awaits


def test_the_trace_export_is_valid_trace_event_json(tmp_path):
    race = Race(RaceConfig(workload="primes", size=50_000, workers=2, runners=("sequential", "threading")))
    race.run()
    path = tmp_path / "race.json"
    race.write_trace(str(path))
    events = json.loads(path.read_text())["traceEvents"]
    spans = [e for e in events if e["ph"] == "X"]
    assert spans and all({"ph", "ts", "pid", "tid", "dur", "name"} <= set(e) for e in spans)
    assert all(isinstance(e["ts"], int) and e["dur"] > 0 for e in spans)
    names = {e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "process_name"}
    assert names == {"sequential", "threading"}
    threads = {e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    assert threads == {"main thread 0", "thread 0", "thread 1"}


def test_the_cli_writes_a_trace(tuiconc_cmd, cli_env, tmp_path):
    import subprocess

    path = tmp_path / "t.json"
    result = subprocess.run([*tuiconc_cmd, "race", "--workload", "countdown", "--size", "300000", "--runners",
                             "threading", "--trace", str(path), "--json"], capture_output=True, text=True,
                            env=cli_env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert any(e["ph"] == "X" for e in json.loads(path.read_text())["traceEvents"])
