"""The orchestrator: start lanes, merge their events into one race state, sample, cancel.

No UI here. The CLI and the app both drive this API:

    race = Race(config).start()
    while not race.wait(0.1):
        show(race.snapshot())
"""

from __future__ import annotations

import copy
import shutil
import threading
import time
from dataclasses import dataclass, field
from typing import Literal

from tuiconc import __version__, tunables
from tuiconc.engine.config import RaceConfig, validate
from tuiconc.engine.lane import MB, LaneProcess, LaneState, LaneTracker
from tuiconc.engine.localserver import LocalServer, LocalServerError
from tuiconc.machine import machine_facts
from tuiconc.runners import RUNNERS
from tuiconc.engine.recording import Recorder, Recording
from tuiconc.engine.repeats import summarise_rounds
from tuiconc.engine.sampler import Sampler, SamplerLike, TreeSample
from tuiconc.engine.thread_states import ThreadStates
from tuiconc.engine.timeline import Timeline
from tuiconc.engine.trace import write_trace
from tuiconc.engine.disturbance import disturbance
from tuiconc.engine.recommend import Recommendation, recommend
from tuiconc.engine.verdict import classify, measured_winner, spread_verdict, verdict
from tuiconc.engine import same_results
from tuiconc.engine.lanefolders import make_lane_folder
from tuiconc.workloads import UserWorkload, get_workload

RaceStatus = Literal["ready", "preparing", "running", "finished", "cancelled", "failed"]


@dataclass
class RaceState:
    config: RaceConfig
    machine: dict
    lanes: list[LaneState]
    status: RaceStatus = "ready"
    error: str | None = None
    elapsed_s: float = 0.0
    # Repeated races: `lanes` are the current round's while it runs, each lane's summary once all have.
    round: int = 1
    rounds: list[list[LaneState]] = field(default_factory=list)  # every finished round's lanes, with their figures
    summarised: bool = False

    @property
    def running(self) -> bool:
        return self.status in ("preparing", "running")

    @property
    def repeat(self) -> int:
        return self.config.repeat

    @property
    def runs_label(self) -> str:
        """"1 run", "5 runs", or where a repeated race is: "run 2 of 5"."""
        if self.running and self.repeat > 1:
            return f"run {self.round} of {self.repeat}"
        return "1 run" if self.repeat == 1 else f"{self.repeat} runs"

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
            "repeat": self.repeat,
            "lanes": [lane.to_json() for lane in self.lanes],
            "rounds": [[lane.to_json() for lane in lanes] for lanes in self.rounds],
            "verdict": self.verdict,
            "winner": winner.name if (winner := self.winner) else None,
            "disturbed": self.disturbed is not None,
            "disturbed_reason": self.disturbed,
            "recommendation": recommendation.to_dict() if (recommendation := self.recommendation) else None,
        }

    @property
    def disturbed(self) -> str | None:
        """Why the figures are not the workload's own (a busy machine), or None."""
        if self.status != "finished":
            return None
        return disturbance(self.lanes, self.machine["usable_cpus"], self.config.mode, classify(self.lanes))

    @property
    def verdict(self) -> str | None:
        if self.status != "finished":
            return None
        disturbed = self.disturbed
        if disturbed:
            return f"Figures disturbed: {disturbed}. Re-run on a quieter machine before reading a winner into them."
        if self.config.mode == "together" and len(self.lanes) > 1:
            return (f"Together, the lanes shared {self.machine['usable_cpus']} CPUs, so each lane's figures include "
                    f"the others' load: race isolated (mode) for a verdict.")
        return spread_verdict(self.lanes) or verdict(self.lanes, self.machine.get("usable_cpus"))

    @property
    def winner(self) -> LaneState | None:
        """The lane that won beyond the noise, in figures to trust: none while running, disturbed or together."""
        if self.status != "finished" or self.disturbed or (self.config.mode == "together" and len(self.lanes) > 1):
            return None
        return measured_winner(self.lanes)

    @property
    def recommendation(self) -> Recommendation | None:
        """What to use for this work, and with which settings, from the measurements (engine.recommend)."""
        return recommend(self)


def ideal_speedup(workers: int, usable_cpus: int, io_bound: bool, usable_cores: int | None = None) -> float:
    """The best a lane could do: K overlapping waits for I/O; for CPU, one per physical core, and past
    the physical cores (simultaneous multithreading) only a fraction for each second thread on a core."""
    if io_bound:
        return max(1, workers)
    processors = max(1, min(workers, usable_cpus))
    cores = min(usable_cores or usable_cpus, usable_cpus)
    return processors if processors <= cores else cores + tunables.SMT_GAIN * (processors - cores)


def place_lanes(lanes: list[LaneState], mode: str) -> None:
    """Together, lanes place in the order they finished; isolated (and summed-up runs), by wall time.
    A wrong answer is disqualified: it gets no place, however fast it was."""
    finished = [lane for lane in lanes if lane.status == "finished" and lane.correct is not False]
    order = (lambda lane: lane.finished_at) if mode == "together" else (lambda lane: lane.wall_s)
    for place, lane in enumerate(sorted(finished, key=order), 1):
        lane.place = place


def derive_figures(lanes: list[LaneState], usable_cpus: int, mode: str, io_bound: bool,
                   usable_cores: int | None = None) -> None:
    """Places; speedup against the sequential lane on the lane's own Python where the race has one (a versions
    race), else the race's sequential lane; efficiency = speedup / ideal speedup."""
    place_lanes(lanes, mode)
    for lane in lanes:
        baseline = baseline_for(lane, lanes)
        if baseline is None or lane.status != "finished" or not lane.wall_s or not baseline.wall_s:
            continue
        lane.speedup = baseline.wall_s / lane.wall_s
        lane.efficiency = lane.speedup / ideal_speedup(lane.workers or 1, usable_cpus, io_bound, usable_cores)


def baseline_for(lane: LaneState, lanes: list[LaneState]) -> LaneState | None:
    """The sequential lane a lane's speedup is measured against: one on the same Python (a free-threaded build
    runs one thread slower than a default one), else the race's first."""
    sequentials = [other for other in lanes if other.runner == "sequential" and other.status == "finished"]
    return next((other for other in sequentials if (other.python, other.gil_enabled) == (lane.python, lane.gil_enabled)),
                sequentials[0] if sequentials else None)


def derive_state_figures(state: RaceState, io_bound: bool) -> None:
    if state.summarised:  # a summary's speedups are medians of per-round ratios: keep them
        place_lanes(state.lanes, "isolated")
        return
    derive_figures(state.lanes, state.machine["usable_cpus"], state.config.mode, io_bound,
                   state.machine.get("usable_cores"))


def close_round(state: RaceState, io_bound: bool) -> None:
    """File the round that just ended, with its figures against its own sequential lane."""
    derive_state_figures(state, io_bound)
    state.rounds.append(copy.deepcopy(state.lanes))


def next_round(state: RaceState) -> list[LaneState]:
    """Fresh lanes for the next round, like the last round's before they ran."""
    state.round += 1
    state.lanes = [LaneState(runner=lane.runner, label=lane.label, total=lane.total, expected=lane.expected)
                   for lane in state.lanes]
    return state.lanes


def summarise(state: RaceState) -> None:
    """Every round has run: each lane's figures become its medians over the rounds, with their ranges."""
    state.lanes = summarise_rounds(state.rounds)
    state.summarised = True
    place_lanes(state.lanes, "isolated")


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
    derive_state_figures(state, waits)
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
    def __init__(self, config: RaceConfig, sampler: Sampler | None = None, python: str | None = None,
                 watch_threads: bool = True):
        self.config = validate(config)
        self.workload = get_workload(config.workload)
        self.python = python
        self._own_sampler = sampler is None
        self.sampler = sampler or Sampler()
        # Off only to measure what it costs. Its samples colour the timeline, and are recorded for replays.
        self.thread_states = ThreadStates(on_samples=self._thread_samples) if watch_threads else None
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
        self._samples: threading.Thread | None = None
        self._started_at = 0.0
        self._ended_at = 0.0
        # A user's function: each lane's per-item digests go here, to be compared with the sequential lane's.
        self._digests = ""
        self._items_from_function = isinstance(self.workload, UserWorkload) and self.workload.code.has_items

    # -- the public API -------------------------------------------------------------------
    def start(self) -> "Race":
        if isinstance(self.workload, UserWorkload):
            self._digests = make_lane_folder()
        self._started_at = time.monotonic()
        self.timeline = Timeline(self._started_at, tunables.TIMELINE_BUCKET_S)
        self.recorder = Recorder(time.monotonic, self._started_at)
        self.sampler.start()
        if self.thread_states is not None:
            self.thread_states.start()
        self._thread = threading.Thread(target=self._orchestrate, name="tuiconc-race", daemon=True)
        self._samples = threading.Thread(target=self._record_samples, name="tuiconc-race-samples", daemon=True)
        self._thread.start()
        self._samples.start()
        return self

    def run(self) -> RaceState:
        """As RaceHandle.run, and the race's own threads have ended too: a script racing in a loop keeps none."""
        state = super().run()
        for thread in (self._thread, self._samples):
            if thread is not None:
                thread.join()
        return state

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
                if self.thread_states is not None:  # each worker's last second
                    vars(lane).update(self.thread_states.read(lane.name, recent=True).fields())
        elapsed = (self._ended_at or now) - self._started_at if self._started_at else 0.0
        return fill_live_figures(state, trackers, now, elapsed, live, waits(self.workload, state.lanes))

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
                self.sampler.count_as_front_end(server.process.pid)
            self._set_status("running")
            url = server.url if server else None
            for number in range(1, self.config.repeat + 1):
                if self._cancel.is_set():
                    break
                self._run_round(number, url)
            if not self._cancel.is_set():
                with self._lock:
                    summarise(self._state)
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
            if self._digests:
                shutil.rmtree(self._digests, ignore_errors=True)
            if self._own_sampler:
                self.sampler.stop()
            if self.thread_states is not None:
                self.thread_states.stop()
            self._ended_at = time.monotonic()
            self._done.set()

    def _run_round(self, number: int, url: str | None) -> None:
        """Every lane once: one after another (isolated), or all at once (together)."""
        if number > 1:
            with self._lock:
                next_round(self._state)
            self.recorder.record("round", {"round": number})
        lanes = [self._make_lane(state, url) for state in self._state.lanes]
        if self.config.mode == "together":
            self._run_lanes(lanes)
        else:
            for lane in lanes:
                self._run_lanes([lane])
        if not self._cancel.is_set():
            with self._lock:
                close_round(self._state, waits(self.workload, self._state.lanes))

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
            # The plain loop is the baseline: splitting its work finer would slow what the others are measured against.
            "items_per_task": None if spec.runner == "sequential" else self.config.items_per_task,
            "switch_interval_ms": self.config.switch_interval_ms,
        }
        if self._digests:
            config["digests"] = same_results.digests_path(self._digests, state.name)
        if spec.runner == "dask" and self.config.dask_scheduler:
            config["dask_scheduler"] = self.config.dask_scheduler
        return LaneProcess(state, config, self._lock, self.timeline,
                           python=self.config.python_for(spec) or self.python, record=self.recorder.record,
                           origin=self._started_at, on_running=self.sampler.begin_window,
                           thread_states=self.thread_states)

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
            self._settle(lane, tree)

    def _settle(self, lane: LaneProcess, tree: TreeSample) -> None:
        # Over its whole run; its threads are watched no more.
        states = self.thread_states.end(lane.state.name).fields() if self.thread_states is not None else {}
        with self._lock:
            state = lane.state
            if state.status != "finished":
                return
            fields = {**states, "peak_rss_mb": max(state.peak_rss_mb or 0.0, tree.peak_rss_bytes / MB),
                      "sampled_s": _rounded(tree.watched_s), "others_cores": _rounded(tree.others_cores), "front_end_cores": _rounded(tree.front_end_cores),
                      "runqueue_wait_s": _rounded(tree.runqueue_wait_s)}
            if state.correct is False:
                fields["error"] = self.workload.shortfall(state.answer, state.expected)
                if not self.workload.answered(state.answer, state.expected):
                    fields["status"] = "failed"  # no answer at all: no place, no speedup, not in the verdict
        lane.settle(**fields)
        if self._digests:
            with self._lock:
                same_results.check_lanes(self._state.lanes, self._digests, self._items_from_function)

    def _thread_samples(self, lane: str, slots: list[int], times, codes) -> None:
        """What a worker thread was sampled doing: onto the timeline, and into the recording."""
        self.timeline.add_samples(lane, slots, times, codes)
        self.recorder.record("samples", {"lane": lane, "slots": slots, "codes": list(codes),
                                         "times": [round(at - self._started_at, 4) for at in times]})

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

    def _set_status(self, status: RaceStatus, error: str | None = None) -> None:
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


def waits(workload, lanes: list[LaneState]) -> bool:
    """Whether the work mostly waits (its ideal speedup is K overlapping waits): as the workload declares, or
    for a user's function as its sequential lane measured."""
    if isinstance(workload, UserWorkload):
        return classify(lanes) in ("io", "mixed")
    return workload.waits


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def available_runners() -> list[str]:
    return [name for name, runner in RUNNERS.items() if runner.unavailable_reason() is None]


def elsewhere_runners() -> list[str]:
    """The runners this Python can't run, which another may (subinterpreters on 3.12+, a free-threaded build)."""
    return [name for name, runner in RUNNERS.items() if runner.unavailable_reason() is not None]
