"""The scaling sweep: Amdahl's arithmetic, real sweeps on this machine, faults, the command and the screen."""

import json
import os
import signal
import socket
import time

import psutil
import pytest
from textual.app import App
from textual.widgets import DataTable, Label

from tuiconc.cli.common import OneLineParser
from tuiconc.cli.sweep import add_arguments, run as cmd_sweep
from tuiconc.engine.sweep import default_worker_counts
from tuiconc.render.sweep_view import speedup_plot
from tuiconc.engine.config import ConfigError, RaceConfig
from tuiconc.machine import machine_facts
from tuiconc.engine.sweep import (AmdahlFit, Sweep, SweepPoint, SweepState, amdahl_sentence, amdahl_speedup,
                           fit_serial_fraction, karp_flatt)
from tuiconc.ui.screens.sweep import SweepScreen

from conftest import descendants, wait_until

USABLE_CPUS = machine_facts()["usable_cpus"]
PRIMES = RaceConfig(workload="primes", size=200_000)


# -- the arithmetic, exact ------------------------------------------------------------------
@pytest.mark.parametrize("serial_fraction", [0.0, 0.03, 0.25, 0.5, 1.0])
def test_the_fit_recovers_the_serial_fraction_of_amdahl_points(serial_fraction):
    points = [(p, amdahl_speedup(serial_fraction, p)) for p in (1, 2, 3, 4, 8, 16, 64)]
    assert fit_serial_fraction(points) == pytest.approx(serial_fraction, abs=1e-12)
    for p, speedup in points[1:]:
        assert karp_flatt(speedup, p) == pytest.approx(serial_fraction, abs=1e-12)


def test_the_fit_stays_in_zero_to_one_and_needs_more_than_one_processor():
    assert fit_serial_fraction([(2, 2.5), (4, 6.0)]) == 0.0  # superlinear: nothing serial
    assert fit_serial_fraction([(2, 0.5), (4, 0.4)]) == 1.0  # slower than sequential: all serial
    assert fit_serial_fraction([(1, 0.9), (1, 1.1)]) is None
    assert fit_serial_fraction([]) is None
    assert karp_flatt(1.5, 1) is None


def test_the_amdahl_sentence_names_the_ceiling():
    assert amdahl_sentence(AmdahlFit(0.03, 3), 2) == "serial fraction f = 0.03 → at most 33× on any number of cores"
    assert "no limit measured" in amdahl_sentence(AmdahlFit(0.0, 3), 2)
    assert "no serial fraction" in amdahl_sentence(None, 1)


def test_default_worker_counts_go_past_the_cores():
    assert default_worker_counts(2) == [1, 2, 4]
    assert default_worker_counts(8) == [1, 2, 4, 8, 16]


def synthetic_state(speedups: dict[int, float | None]) -> SweepState:
    machine = {**machine_facts(), "usable_cpus": 4}
    points = [SweepPoint(workers=w, processors=min(w, 4), runner="multiprocessing",
                         status="finished" if s else "failed", wall_s=1 / s if s else None, speedup=s,
                         efficiency=s / w if s else None, karp_flatt=karp_flatt(s, min(w, 4)) if s else None,
                         correct=bool(s), error=None if s else "the lane's process was killed by SIGKILL")
              for w, s in speedups.items()]
    return SweepState(config=PRIMES, runner="multiprocessing", machine=machine, io_bound=False,
                      baseline=SweepPoint(1, 1, "sequential", "finished", 1.0, correct=True), points=points,
                      status="finished", fit=AmdahlFit(0.2, 2))


def test_the_plot_fits_its_box_and_marks_failures():
    plot = speedup_plot(synthetic_state({1: 0.9, 2: 1.7, 4: None, 8: 2.4}), width=60, height=10)
    lines = plot.plain.rstrip("\n").split("\n")
    assert len(lines) == 10 + 3  # the plot area, the x axis, its labels, the legend
    assert all(len(line) <= 60 for line in lines)
    assert plot.plain.count("●") == 3 + 1  # three measured points and the legend's
    assert "✗" in plot.plain and "4 usable CPUs" in plot.plain


# -- real sweeps on this machine ------------------------------------------------------------
@pytest.fixture(scope="module")
def primes_sweep():
    return Sweep(PRIMES, "multiprocessing", [4, 1, 2, 2]).run()


def test_a_real_sweep_measures_every_point_and_fits_a_serial_fraction(primes_sweep):
    state = primes_sweep
    assert state.status == "finished", state.error
    assert state.baseline.ok and state.baseline.runner == "sequential"
    assert [p.workers for p in state.points] == [1, 2, 4]  # sorted, the duplicate dropped
    assert all(p.ok and p.correct for p in state.points), [p.error for p in state.points]
    assert 0.0 <= state.fit.serial_fraction <= 1.0
    assert state.notes[0].startswith("serial fraction f = ")


def test_karp_flatt_and_efficiency_are_computed_per_point(primes_sweep):
    for point in primes_sweep.points:
        assert point.processors == min(point.workers, USABLE_CPUS)
        assert point.speedup == pytest.approx(primes_sweep.baseline.wall_s / point.wall_s)
        assert point.efficiency == pytest.approx(point.speedup / point.workers)
        if point.processors == 1:
            assert point.karp_flatt is None
        else:
            assert point.karp_flatt == pytest.approx(karp_flatt(point.speedup, point.processors))


def test_four_workers_are_no_faster_than_the_cores_allow(primes_sweep):
    four = next(p for p in primes_sweep.points if p.workers == 4)
    # Not a timing ratio: only the bound that CPU work cannot beat, with room for noise.
    assert four.speedup < USABLE_CPUS + 0.6
    assert four.cores < USABLE_CPUS + 0.3  # CPU time per wall second: no load swing lifts it past the cores


def test_a_killed_lane_fails_its_point_readably_and_the_sweep_goes_on():
    # Sleeping work: its points last as long on a busy machine as on an idle one, so the kill lands mid-point.
    sweep = Sweep(RaceConfig(workload="sleep", size=8, latency_ms=200), "multiprocessing", [2, 4]).start()

    def worker_of_the_first_point():
        state = sweep.snapshot()
        lane = state.race.lanes[0] if state.race and state.current is state.points[0] else None
        if lane is None or not lane.pid or lane.done == 0:
            return None
        workers = [c for p in psutil.Process(lane.pid).children() for c in p.children()]
        return workers or None

    os.kill(wait_until(worker_of_the_first_point, timeout=30)[0].pid, signal.SIGKILL)
    assert sweep.wait(60), "the sweep hung after a worker was killed"
    state = sweep.snapshot()
    failed, four = state.points
    assert state.status == "finished"
    assert failed.status == "failed" and "killed by SIGKILL" in failed.error and failed.speedup is None
    assert four.ok and state.fit is not None and state.fit.points_used == 1
    assert any("1 of 2 points failed" in note for note in state.notes)


def test_a_failed_baseline_ends_the_sweep_with_the_reason():
    with socket.socket() as probe:  # a port nobody listens on: every request is refused at once
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    state = Sweep(RaceConfig(workload="http", url=url, size=4), "threading", [1, 2]).run()
    assert state.status == "failed" and state.fit is None
    assert state.error == "the sequential baseline failed: 4 of 4 requests failed"
    assert [p.status for p in state.points] == ["cancelled", "cancelled"]
    assert state.error_lines() == ["sequential baseline: 4 of 4 requests failed"]


def test_cancelling_a_sweep_ends_every_process_and_every_point():
    sweep = Sweep(RaceConfig(workload="countdown", size=5_000_000_000), "multiprocessing", [1, 2]).start()
    wait_until(lambda: (s := sweep.snapshot()).race is not None and s.race.lanes[0].done > 0, timeout=30)
    started = time.monotonic()
    sweep.cancel()
    assert time.monotonic() - started < 5
    state = sweep.snapshot()
    assert state.status == "cancelled" and state.fit is None
    assert all(step.status == "cancelled" for step in state.steps)
    wait_until(lambda: not descendants(), timeout=5)


def test_a_sweep_it_cannot_run_starts_nothing():
    with pytest.raises(ConfigError, match="too many for multiprocessing"):
        Sweep(PRIMES, "multiprocessing", [1, 1000])


# -- the command ----------------------------------------------------------------------------
def run_command(argv: list[str]) -> int:
    parser = OneLineParser(prog="tuiconc sweep")
    add_arguments(parser)
    try:
        return cmd_sweep(parser.parse_args(argv))
    except SystemExit as leaving:
        return leaving.code


BAD_ARGUMENTS = [
    (["--runner", "bogus"], "unknown runner 'bogus'"),
    (["--workers", "0,2"], "workers must be at least 1"),
    (["--workers", "1,two"], "expected a whole number, got 'two'"),
    (["--workers", ","], "give worker counts like 1,2,4"),
    (["--workers", ""], "give worker counts like 1,2,4"),
    (["--workers", "1,1000"], "too many for multiprocessing; the cap is 256"),
    (["--workers", "20000", "--runner", "threading"], "the cap is 10,000"),
    (["--workload", "nope"], "unknown workload 'nope'"),
    (["--size", "0"], "size must be at least 1"),
    (["--start-method", "teleport"], "unknown start method 'teleport'"),
    (["--no-such-flag"], "unrecognized arguments"),
]


@pytest.mark.parametrize("argv,message", BAD_ARGUMENTS, ids=[" ".join(a) for a, _ in BAD_ARGUMENTS])
def test_bad_input_is_one_line_and_exit_code_2(capsys, argv, message):
    assert run_command(argv) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert out == "" and len(lines) == 1 and message in lines[0], err
    assert lines[0].startswith("tuiconc sweep: error: ") and "Traceback" not in err


def test_json_is_one_document_with_the_fit(capsys):
    assert run_command(["--workload", "sleep", "--size", "4", "--runner", "threading", "--workers", "2,1", "--json"]) == 0
    out, _ = capsys.readouterr()
    document = json.loads(out)
    assert document["status"] == "finished" and document["runner"] == "threading"
    assert [p["workers"] for p in document["points"]] == [1, 2]
    assert document["config"]["workers"] == [1, 2]
    assert 0.0 <= document["amdahl"]["serial_fraction"] <= 1.0


# -- the screen -----------------------------------------------------------------------------
class SweepHost(App):
    def compose(self):
        yield Label("the app")

    def on_mount(self) -> None:
        config = RaceConfig(workload="sleep", size=8, latency_ms=50)  # quick on a busy machine too
        self.push_screen(SweepScreen(config, "multiprocessing", [1, 2]))


async def until(pilot, predicate, timeout: float):
    """wait_until for inside the app: pause the pilot, never block its event loop."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"condition not met within {timeout} s"
        await pilot.pause(0.1)


async def test_the_screen_fills_its_table_and_escape_ends_every_process():
    app = SweepHost()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, SweepScreen)
        await pilot.press("r")
        await until(pilot, lambda: screen.sweep.done, timeout=60)
        await pilot.pause(0.3)  # one more refresh of the timer
        table = screen.query_one(DataTable)
        assert table.row_count == 3
        assert all(str(table.get_row_at(row)[1]).endswith("s") for row in range(3)), "every wall time is shown"
        assert str(screen.query_one("#sweep-amdahl", Label).render()).startswith("serial fraction f = ")

        await pilot.press("r")  # again, and leave it mid-race
        await until(pilot, lambda: descendants(), timeout=30)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, SweepScreen), timeout=5)
        await until(pilot, lambda: not descendants(), timeout=5)
