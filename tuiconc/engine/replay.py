"""Replaying a recording through the same state, timeline and sampler interfaces as a live race.

A front end cannot tell a ReplayRace from a Race: it starts it, takes snapshots, reads its
timeline and its sampler, and may cancel it. Events are applied at their recorded times
divided by the speed, to the same LaneTracker a live lane uses.
"""

from __future__ import annotations

import collections
import copy
import threading
import time

from tuiconc import tunables

from tuiconc.arena import protocol
from tuiconc.engine.config import RaceConfig
from tuiconc.engine.lane import LaneState, LaneTracker
from tuiconc.engine.race import RaceHandle, RaceState, close_round, fill_live_figures, next_round, summarise, waits
from tuiconc.engine.recording import Recording, RecordingError, load
from tuiconc.engine.recording_check import recording_problem
from tuiconc.engine.sampler import Sample
from tuiconc.engine.timeline import Timeline
from tuiconc.engine.trace import write_trace
from tuiconc.workloads import WORKLOADS, get_workload, looks_like_spec

MIN_SPEED, MAX_SPEED = 0.25, 4.0


def check_speed(speed: float) -> str | None:
    if not MIN_SPEED <= speed <= MAX_SPEED:
        return f"replay speed must be from {MIN_SPEED}× to {MAX_SPEED:g}× (got {speed:g})"
    return None


def load_replay(path: str) -> Recording:
    """A recording read and checked from end to end, or RecordingError saying what is wrong with it."""
    recording = load(path)
    problem = recording_problem(recording)
    if problem:
        raise RecordingError(f"{path!r} is a damaged tuiconc recording: {problem}")
    return recording


def config_from_recording(recording: Recording) -> RaceConfig:
    fields = dict(recording.config)
    fields["runners"] = tuple(fields.get("runners", ()))
    fields["pythons"] = tuple(tuple(pair) for pair in fields.get("pythons", ()))
    try:
        config = RaceConfig(**fields)
    except TypeError as error:
        raise RecordingError(f"the recording's settings are not ones this tuiconc knows ({error})") from None
    if config.workload not in WORKLOADS and not looks_like_spec(config.workload):
        raise RecordingError(f"the recording's workload {config.workload!r} is not one this tuiconc knows")
    return config


class ReplaySampler:
    """The sampler interface, fed from the recording's core readings."""

    def __init__(self, cpu_ids: list[int]):
        self.cpu_ids = list(cpu_ids)
        self._cores = [0.0] * len(cpu_ids)
        self._history = [collections.deque([0.0] * tunables.CORE_HISTORY, maxlen=tunables.CORE_HISTORY)
                         for _ in cpu_ids]
        self._lock = threading.Lock()

    def start(self) -> "ReplaySampler":
        return self

    def stop(self) -> None:
        pass

    def feed(self, cores: list[float]) -> None:
        with self._lock:
            self._cores = list(cores)
            for history, value in zip(self._history, cores):
                history.append(value)

    def snapshot(self) -> Sample:
        with self._lock:
            return Sample(cpu_ids=list(self.cpu_ids), cores=list(self._cores),
                          history=[list(h) for h in self._history])


class ReplayRace(RaceHandle):
    def __init__(self, recording: Recording, speed: float = 1.0):
        problem = check_speed(speed)
        if problem:
            raise ValueError(problem)
        self.recording_data = recording
        self.speed = speed
        self.config = config_from_recording(recording)
        self.workload = get_workload(self.config.workload)  # a user's function is never run, nor read, here
        self.sampler = ReplaySampler(recording.cpu_ids)
        self.timeline = Timeline(recording.origin, tunables.TIMELINE_BUCKET_S)
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._state = RaceState(
            config=self.config, machine=recording.machine,
            lanes=[LaneState(runner=lane["runner"], label=lane["label"], total=lane["total"])
                   for lane in recording.lanes],
        )
        self._trackers = self._track(self._state.lanes)
        self._live: dict[str, tuple[float, float]] = {}
        self._started_at = 0.0
        self._ended_at = 0.0
        self._thread: threading.Thread | None = None

    def _track(self, lanes: list[LaneState]) -> dict[str, LaneTracker]:
        return {lane.name: LaneTracker(lane, self._lock, self.timeline, clock=self._clock,
                                       origin=self.recording_data.origin) for lane in lanes}

    def _clock(self) -> float:
        """Where the replay is on the recorded race's own clock."""
        if not self._started_at:
            return self.recording_data.origin
        return self.recording_data.origin + (time.monotonic() - self._started_at) * self.speed

    def start(self) -> "ReplayRace":
        self._started_at = time.monotonic()
        self._thread = threading.Thread(target=self._play, name="tuiconc-replay", daemon=True)
        self._thread.start()
        return self

    def cancel(self, wait: bool = True) -> None:
        self._cancel.set()
        if wait and self._thread is not None:
            self._thread.join()

    def recording(self) -> Recording:
        return self.recording_data

    def write_trace(self, path: str) -> None:
        write_trace(self.timeline, path)

    def snapshot(self) -> RaceState:
        now = self._clock()
        with self._lock:
            state = copy.deepcopy(self._state)
            live = dict(self._live)
        race_now = self._ended_at or time.monotonic()
        elapsed = (race_now - self._started_at) * self.speed if self._started_at else 0.0
        return fill_live_figures(state, self._trackers, now, elapsed, live, waits(self.workload, state.lanes))

    def _play(self) -> None:
        try:
            for number, (at, kind, payload) in enumerate(self.recording_data.events, 1):
                if self._cancel.wait(max(0.0, self._started_at + at / self.speed - time.monotonic())):
                    break
                try:
                    self._apply(kind, payload)
                except Exception as error:  # unchecked recordings (made in code): fail the replay, not the thread
                    self._fail(f"the recording is damaged at event {number:,} ({type(error).__name__}: {error})")
                    return
            if self._cancel.is_set():
                with self._lock:
                    self._state.status = "cancelled"
                    for lane in self._state.lanes:
                        if not lane.ended:
                            lane.status = "cancelled"
        finally:
            self._ended_at = time.monotonic()
            self._done.set()

    def _fail(self, message: str) -> None:
        with self._lock:
            self._state.status, self._state.error = "failed", message
            for lane in self._state.lanes:
                if not lane.ended:
                    lane.status = "failed"

    def _apply(self, kind: str, payload: dict) -> None:
        if kind == "status":
            with self._lock:
                if payload["status"] == "finished" and not self._state.summarised:
                    close_round(self._state, waits(self.workload, self._state.lanes))
                    summarise(self._state)
                self._state.status, self._state.error = payload["status"], payload.get("error")
                for lane in self._state.lanes:
                    lane.expected = payload.get("expected")
        elif kind == "round":
            with self._lock:
                close_round(self._state, waits(self.workload, self._state.lanes))
                self._trackers = self._track(next_round(self._state))
        elif kind == "cores":
            self.sampler.feed(payload["cores"])
            with self._lock:
                self._live = {name: tuple(value) for name, value in payload.get("lanes", {}).items()}
        elif kind == "samples":
            self.timeline.add_samples(payload["lane"], payload["slots"],
                                      [self.recording_data.origin + at for at in payload["times"]], payload["codes"])
        elif payload.get("lane") in self._trackers:
            tracker = self._trackers[payload["lane"]]
            if kind == "spawn":
                tracker.mark_spawned(payload["pid"], at=payload["at"])
            elif kind == "message":
                tracker.receive(protocol.from_dict(payload["message"]))
            elif kind == "settle":
                tracker.settle(**payload["fields"])
