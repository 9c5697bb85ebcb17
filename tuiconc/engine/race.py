"""The orchestrator: start lanes, merge their events into one race state, sample, cancel.

No UI here. The CLI and the app both drive this API:

    race = Race(config).start()
    while not race.wait(0.1):
        show(race.snapshot())
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass

from tuiconc import __version__, tunables
from tuiconc.engine.config import RaceConfig, validate
from tuiconc.engine.lane import MB, LaneProcess, LaneState, LaneTracker
from tuiconc.engine.localserver import LocalServer, LocalServerError
from tuiconc.machine import machine_facts
from tuiconc.runners import RUNNERS
from tuiconc.engine.recording import Recorder, Recording
from tuiconc.engine.sampler import Sampler, SamplerLike
from tuiconc.engine.timeline import Timeline
from tuiconc.engine.trace import write_trace
from tuiconc.engine.verdict import verdict
from tuiconc.workloads import WORKLOADS

RACE_STATUSES = ("ready", "preparing", "running", "finished", "cancelled", "failed")


@dataclass
class RaceState:
    config: RaceConfig
    machine: dict
    lanes: list[LaneState]
    status: str = "ready"
    error: str | None = None
    elapsed_s: float = 0.0

    @property
    def running(self) -> bool:
        return self.status in ("preparing", "running")

    def lane(self, name: str) -> LaneState | None:
        """The lane with this label, else the first with this runner."""
        return next((lane for lane in self.lanes if lane.name == name),
                    next((lane for lane in self.lanes if lane.runner == name), None))

    def to_json(self) -> dict:
        return {
            "tuiconc": __version__,
            "machine": self.machine,
            "config": self.config.summary(),
            "status": self.status,
            "error": self.error,
            "lanes": [lane.to_json() for lane in self.lanes],
            "verdict": self.verdict,
        }

    @property
    def verdict(self) -> str | None:
        if self.status != "finished":
            return None
        if self.config.mode == "together" and len(self.lanes) > 1:
            return (f"Together, the lanes shared {self.machine['usable_cpus']} CPUs, so each lane's figures include "
                    f"the others' load: race isolated (mode) for a verdict.")
        return verdict(self.lanes)


def ideal_speedup(workers: int, usable_cpus: int, io_bound: bool) -> int:
    """The best a lane could do: K overlapping waits for I/O, but no more cores than there are for CPU."""
    return max(1, workers if io_bound else min(workers, usable_cpus))


def derive_figures(lanes: list[LaneState], usable_cpus: int, mode: str, io_bound: bool) -> None:
    """Places; speedup against the race's sequential lane; efficiency = speedup / ideal speedup.

    Together, lanes place in the order they finished; isolated, by their wall time. A wrong
    answer is disqualified: it gets no place, however fast it was.
    """
    finished = [lane for lane in lanes if lane.status == "finished"]
    order = (lambda lane: lane.finished_at) if mode == "together" else (lambda lane: lane.wall_s)
    for place, lane in enumerate(sorted((lane for lane in finished if lane.correct is not False), key=order), 1):
        lane.place = place
    baseline = next((lane for lane in lanes if lane.runner == "sequential" and lane.status == "finished"), None)
    for lane in lanes:
        if baseline is None or lane.status != "finished" or not lane.wall_s or not baseline.wall_s:
            continue
        lane.speedup = baseline.wall_s / lane.wall_s
        lane.efficiency = lane.speedup / ideal_speedup(lane.workers or 1, usable_cpus, io_bound)


def fill_live_figures(state: RaceState, trackers: dict[str, LaneTracker], now: float, elapsed_s: float,
                      live: dict[str, tuple[float, float]], waits: bool) -> RaceState:
    """Complete a copied state for display: elapsed times, cores and memory now, places, speedups."""
    state.elapsed_s = elapsed_s
    for lane in state.lanes:
        tracker = trackers.get(lane.name)
        if tracker is not None:
            lane.elapsed_s = lane.wall_s if lane.status == "finished" else tracker.elapsed(now)
        if lane.active and lane.name in live:
            lane.cores_now, lane.rss_mb_now = live[lane.name]
    derive_figures(state.lanes, state.machine["usable_cpus"], state.config.mode, waits)
    return state


class RaceHandle:
    """What front ends drive, live or replayed: start, snapshot, wait, cancel; its config, sampler and timeline."""

    config: RaceConfig
    sampler: SamplerLike  # the readings that belong with this race: live, or a replay's own
    timeline: Timeline
    _done: threading.Event

    def start(self) -> "RaceHandle":
        raise NotImplementedError

    def snapshot(self) -> RaceState:
        raise NotImplementedError

    def cancel(self, wait: bool = True) -> None:
        raise NotImplementedError

    def recording(self) -> Recording:
        raise NotImplementedError

    def write_trace(self, path: str) -> None:
        raise NotImplementedError

    def run(self) -> RaceState:
        """Start, wait for the end, and return the final state."""
        self.start()
        self.wait()
        return self.snapshot()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    @property
    def done(self) -> bool:
        return self._done.is_set()


class Race(RaceHandle):
    def __init__(self, config: RaceConfig, sampler: Sampler | None = None, python: str | None = None):
        self.config = validate(config)
        self.workload = WORKLOADS[config.workload]
        self.python = python
        self._own_sampler = sampler is None
        self.sampler = sampler or Sampler()
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._state = RaceState(
            config=self.config,
            machine=machine_facts(),
            lanes=[LaneState(runner=spec.runner, label=spec.name, total=self.workload.total_units(self.config.effective_size))
                   for spec in self.config.lane_specs()],
        )
        self._specs = {spec.name: spec for spec in self.config.lane_specs()}
        self._lanes: list[LaneProcess] = []
        self.timeline = Timeline(time.monotonic(), tunables.TIMELINE_BUCKET_S)
        self.recorder = Recorder(time.monotonic, time.monotonic())
        self._thread: threading.Thread | None = None
        self._started_at = 0.0
        self._ended_at = 0.0

    # -- the public API -------------------------------------------------------------------
    def start(self) -> "Race":
        self._started_at = time.monotonic()
        self.timeline = Timeline(self._started_at, tunables.TIMELINE_BUCKET_S)
        self.recorder = Recorder(time.monotonic, self._started_at)
        self.sampler.start()
        self._thread = threading.Thread(target=self._orchestrate, name="tuiconc-race", daemon=True)
        self._thread.start()
        threading.Thread(target=self._record_samples, name="tuiconc-race-samples", daemon=True).start()
        return self

    def cancel(self, wait: bool = True) -> None:
        """End every process of every lane; with wait, return once they are all gone."""
        self._cancel.set()
        with self._lock:
            lanes = list(self._lanes)
        for lane in lanes:
            lane.kill()
        if wait and self._thread is not None:
            self._thread.join()

    def snapshot(self) -> RaceState:
        now = time.monotonic()
        with self._lock:
            state = copy.deepcopy(self._state)
            trackers = {lane.state.name: lane for lane in self._lanes}
        live = {}
        for lane in state.lanes:
            if lane.active and lane.pid:
                tree = self.sampler.tree(lane.pid)
                live[lane.name] = (tree.cores_now, tree.rss_bytes / MB)
        elapsed = (self._ended_at or now) - self._started_at if self._started_at else 0.0
        return fill_live_figures(state, trackers, now, elapsed, live, self.workload.waits)

    def recording(self) -> Recording:
        """Everything this race showed so far, replayable with `tuiconc replay`."""
        with self._lock:
            lanes = [{"runner": lane.runner, "label": lane.name, "total": lane.total} for lane in self._state.lanes]
        return Recording(config=self.config.to_dict(), machine=self._state.machine, origin=self._started_at,
                         cpu_ids=list(self.sampler.cpu_ids), lanes=lanes, events=self.recorder.copy())

    def write_trace(self, path: str) -> None:
        """The worker timeline as a Chrome trace file (opens in Perfetto)."""
        write_trace(self.timeline, path, {spec.name: RUNNERS[spec.runner].worker_noun for spec in self._specs.values()})

    # -- the orchestrator thread ---------------------------------------------------------
    def _orchestrate(self) -> None:
        server = None
        try:
            self._set_status("preparing")
            expected = self.workload.expected(self.config.effective_size, self.config.options())
            with self._lock:
                for lane in self._state.lanes:
                    lane.expected = expected
            self._set_status("preparing")
            if self.config.needs_local_server and not self._cancel.is_set():
                server = LocalServer()
            self._set_status("running")
            url = server.url if server else None
            lanes = [self._make_lane(state, url) for state in self._state.lanes]
            if self.config.mode == "together":
                self._run_lanes(lanes)
            else:
                for lane in lanes:
                    self._run_lanes([lane])
            self._set_status("cancelled" if self._cancel.is_set() else "finished")
        except LocalServerError as error:
            self._fail(str(error))
        except Exception as error:  # the race must end cleanly whatever happened
            self._fail(f"{type(error).__name__}: {error}")
        finally:
            with self._lock:
                lanes = list(self._lanes)
            for lane in lanes:
                if lane.process is not None and lane.process.poll() is None:
                    lane.kill()
                    lane.wait()
            if server is not None:
                server.stop()
            if self._own_sampler:
                self.sampler.stop()
            self._ended_at = time.monotonic()
            self._done.set()

    def _make_lane(self, state: LaneState, url: str | None) -> LaneProcess:
        spec = self._specs[state.name]
        config = {
            "workload": self.config.workload,
            "size": self.config.effective_size,
            "workers": spec.workers or self.config.workers,
            "runner": spec.runner,
            "start_method": self.config.start_method,
            "chunksize": spec.chunksize,
            "variant": spec.variant,
            "options": vars(self.config.options(url, spec.variant)),
        }
        if spec.runner == "dask" and self.config.dask_scheduler:
            config["dask_scheduler"] = self.config.dask_scheduler
        return LaneProcess(state, config, self._lock, self.timeline,
                           python=self.config.python_for(spec) or self.python, record=self.recorder.record)

    def _run_lanes(self, lanes: list[LaneProcess]) -> None:
        for lane in lanes:
            if self._cancel.is_set():
                break
            with self._lock:
                self._lanes.append(lane)
            lane.start()
            self.sampler.watch(lane.process.pid)
            if self._cancel.is_set():  # cancelled while it was starting
                lane.kill()
        for lane in lanes:
            if lane.process is None:
                lane.settle(status="cancelled")
                continue
            lane.wait()
            tree = self.sampler.unwatch(lane.process.pid)
            self._settle(lane, tree.peak_rss_bytes)

    def _settle(self, lane: LaneProcess, sampled_peak_rss: int) -> None:
        with self._lock:
            state = lane.state
            if state.status != "finished":
                return
            fields = {"peak_rss_mb": max(state.peak_rss_mb or 0.0, sampled_peak_rss / MB)}
            if state.correct is False:
                fields["error"] = self.workload.shortfall(state.answer, state.expected)
        lane.settle(**fields)

    def _record_samples(self) -> None:
        """Core and lane-tree readings for the recording, at the sampler's pace."""
        while not self._done.wait(1 / tunables.SAMPLE_HZ):
            sample = self.sampler.snapshot()
            with self._lock:
                pids = {lane.state.name: lane.state.pid for lane in self._lanes if lane.state.active}
            trees = {name: sample.trees[pid] for name, pid in pids.items() if pid in sample.trees}
            self.recorder.record("cores", {
                "cores": sample.cores,
                "lanes": {name: [round(t.cores_now, 3), round(t.rss_bytes / MB, 1)] for name, t in trees.items()},
            })

    def _set_status(self, status: str, error: str | None = None) -> None:
        with self._lock:
            self._state.status = status
            self._state.error = error
            expected = self._state.lanes[0].expected if self._state.lanes else None
        self.recorder.record("status", {"status": status, "error": error, "expected": expected})

    def _fail(self, message: str) -> None:
        with self._lock:
            for lane in self._state.lanes:
                if not lane.ended:
                    lane.status = "cancelled"
        self._set_status("failed", message)


def available_runners() -> list[str]:
    return [name for name, runner in RUNNERS.items() if runner.unavailable_reason() is None]
