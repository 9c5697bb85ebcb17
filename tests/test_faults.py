"""Faults a live demo meets: cancelling over and over, a dead server, hundreds of races in a row."""

import os
import signal
import tempfile
import threading

import psutil
import pytest

from tuiconc.engine.config import RaceConfig
from tuiconc.engine.race import Race

from conftest import descendants, wait_until


def open_fds() -> int:
    return psutil.Process().num_fds()


def temporary_files() -> set[str]:
    folder = tempfile.gettempdir()
    return {name for name in os.listdir(folder) if name.startswith(("pymp-", "tuiconc-lane-"))}


def test_cancelling_fifty_races_in_a_row_leaves_nothing_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # this test's own, whatever else runs here
    files_before = temporary_files()
    config = RaceConfig(workload="countdown", size=5_000_000_000, workers=2, mode="together",
                        runners=("threading", "multiprocessing"))
    fds, threads = None, None
    for attempt in range(50):
        race = Race(config).start()
        wait_until(lambda: race.snapshot().lane("threading").done > 0, timeout=30)
        race.cancel()
        assert race.snapshot().status == "cancelled"
        wait_until(lambda: not descendants(), timeout=5)
        if attempt == 4:  # after warm-up: lazily created objects exist by now
            fds, threads = open_fds(), threading.active_count()
    assert open_fds() <= fds + 2
    assert threading.active_count() <= threads
    assert temporary_files() <= files_before, "killed lanes' temporary files were left behind"


def test_two_hundred_short_races_grow_no_threads_fds_or_children():
    config = RaceConfig(workload="sleep", size=1, workers=1, latency_ms=0, runners=("sequential",))
    baseline = None
    for attempt in range(200):
        state = Race(config).run()
        assert state.lanes[0].correct
        if attempt == 9:
            baseline = (open_fds(), threading.active_count())
    wait_until(lambda: not descendants(), timeout=5)
    assert open_fds() <= baseline[0] + 2
    assert threading.active_count() <= baseline[1]


def test_the_local_server_dying_mid_race_fails_requests_not_the_race():
    config = RaceConfig(workload="http", size=60, workers=4, latency_ms=200, mode="together",
                        runners=("threading", "asyncio"))
    race = Race(config).start()

    def server_once_lanes_progress():
        if not any(lane.done for lane in race.snapshot().lanes):
            return None
        return next((p for p in descendants() if "tuiconc.arena.httpserver" in " ".join(p.cmdline())), None)

    server = wait_until(server_once_lanes_progress, timeout=30)
    os.kill(server.pid, signal.SIGKILL)
    assert race.wait(60), "the race hung after its server died"
    state = race.snapshot()
    assert state.status == "finished"
    for lane in state.lanes:
        # Some requests answered: a wrong answer. None answered: the lane measured nothing, it failed.
        assert (lane.status, lane.correct) == (("finished", False) if lane.answer else ("failed", False)), lane
        assert lane.done == 60, "every request is accounted for, failed or not"
        assert lane.error.endswith("of 60 requests failed"), lane.error


def in_group(pgid: int) -> list:
    found = []
    for process in descendants():
        try:
            if os.getpgid(process.pid) == pgid:
                found.append(process)
        except ProcessLookupError:
            continue
    return found


@pytest.mark.parametrize("runner", ["multiprocessing", "processpool", "hybrid"])
def test_an_arena_killed_from_outside_fails_its_lane_and_its_processes_go_with_it(runner):
    """Its pool workers (and forkserver, resource tracker) outlive it: the lane must not wait for
    them, and they must not idle on until the race ends."""
    config = RaceConfig(workload="countdown", size=5_000_000_000, workers=2, mode="together",
                        runners=(runner, "threading"))
    race = Race(config).start()
    try:
        wait_until(lambda: race.snapshot().lane(runner).done > 0, timeout=30)
        pid = race.snapshot().lane(runner).pid
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: race.snapshot().lane(runner).ended, timeout=15)
        lane = race.snapshot().lane(runner)
        assert lane.status == "failed" and "SIGKILL" in lane.error
        assert not in_group(pid)  # gone with it, not left idling until the race ends
        assert race.snapshot().lane("threading").active  # the race goes on without them
    finally:
        race.cancel()
    wait_until(lambda: not descendants(), timeout=5)
