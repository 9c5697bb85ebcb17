"""The race's worker timeline: when each worker of each lane was executing, on one time axis.

Fed by the arenas' activity messages (1 ms buckets measured inside the workers) and by the
thread-state sampler (what each worker's thread waited for meanwhile, sampled from outside);
read by the app to draw it and by the trace export. Buckets are counted from the race's start.
"""

from __future__ import annotations

import threading
from array import array

from tuiconc.tunables import TIMELINE_MAX_WORKERS
from dataclasses import dataclass, field


NOT_SAMPLED = 0
HOLD_AT_MOST_S = 0.02  # a sample stands for the time since the previous one, up to this


@dataclass
class WorkerTrack:
    bucket_us: int = 1000
    units: array = field(default_factory=lambda: array("q"))  # units done per bucket
    busy: array = field(default_factory=lambda: array("q"))  # microseconds executed per bucket
    busy_before: array = field(default_factory=lambda: array("q", [0]))  # microseconds executed in [0, i)
    # What its thread was sampled doing in each bucket: NOT_SAMPLED, or 1 + engine.thread_states' RUNNABLE/GIL/OTHER.
    states: array = field(default_factory=lambda: array("b"))
    sampled_to: int = -1  # the last bucket a sample covered

    def add_state(self, first: int, stop: int, code: int) -> None:
        """Buckets [first, stop) were spent as `code` says (a sample holds until the next one)."""
        first = max(0, first)
        missing = stop - len(self.states)
        if missing > 0:
            self.states.extend(array("b", [NOT_SAMPLED]) * missing)
        if stop > first:
            self.states[first:stop] = array("b", [code + 1]) * (stop - first)
        self.sampled_to = max(self.sampled_to, stop - 1)

    def state_runs(self) -> list[tuple[int, int, int]]:
        """Runs of buckets sampled in one state while the worker did not execute, as (first, stop, code + 1)."""
        runs: list[tuple[int, int, int]] = []
        for bucket, value in enumerate(self.states):
            waiting = value if value != NOT_SAMPLED and (bucket >= len(self.busy) or not self.busy[bucket]) else 0
            if runs and runs[-1][1] == bucket and runs[-1][2] == waiting:
                runs[-1] = (runs[-1][0], bucket + 1, waiting)
            elif waiting:
                runs.append((bucket, bucket + 1, waiting))
        return [run for run in runs if run[2]]

    def dominant_state(self, first: int, stop: int) -> int:
        """The state most of the buckets in [first, stop) were sampled in while not executing (0: none)."""
        counts = [0, 0, 0, 0]
        for bucket in range(max(0, first), min(stop, len(self.states))):
            if self.states[bucket] and (bucket >= len(self.busy) or self.busy[bucket] < self.bucket_us):
                counts[self.states[bucket]] += 1
        best = max(range(1, 4), key=counts.__getitem__)
        return best if counts[best] else 0

    def add(self, bucket: int, units: int, busy_us: int | None = None) -> None:
        missing = bucket + 1 - len(self.units)
        if missing > 0:
            self.units.extend(array("q", [0]) * missing)
            self.busy.extend(array("q", [0]) * missing)
            self.busy_before.extend(array("q", [self.busy_before[-1]]) * missing)
        added = min(self.bucket_us - self.busy[bucket], self.bucket_us if busy_us is None else busy_us)
        if added > 0:
            self.busy[bucket] += added
            for after in range(bucket + 1, len(self.busy_before)):  # only the last one, unless out of order
                self.busy_before[after] += added
        self.units[bucket] += units

    @property
    def executed_us(self) -> int:
        return self.busy_before[-1]

    def active_fraction(self, first: int, stop: int) -> float:
        """Share of the time in buckets [first, stop) in which this worker executed."""
        if stop <= first:
            return 0.0
        last = len(self.units)
        a, b = min(max(first, 0), last), min(max(stop, 0), last)
        return (self.busy_before[b] - self.busy_before[a]) / ((stop - first) * self.bucket_us)

    def spans(self) -> list[tuple[int, int]]:
        """Runs of consecutive active buckets, as (first, stop)."""
        runs, start = [], None
        for bucket, executed in enumerate(self.busy):
            if executed and start is None:
                start = bucket
            elif not executed and start is not None:
                runs.append((start, bucket))
                start = None
        if start is not None:
            runs.append((start, len(self.units)))
        return runs


@dataclass
class LaneTrack:
    runner: str
    shift: int  # this lane's bucket 0, in race buckets
    switch_interval_s: float
    workers: dict[int, WorkerTrack] = field(default_factory=dict)


class Timeline:
    def __init__(self, origin: float, bucket_s: float):
        self.origin = origin  # time.monotonic() of the race's start
        self.bucket_s = bucket_s
        self._lanes: dict[str, LaneTrack] = {}
        self._lock = threading.Lock()

    def begin_lane(self, runner: str, lane_origin: float, switch_interval_s: float) -> None:
        shift = max(0, round((lane_origin - self.origin) / self.bucket_s))
        with self._lock:
            self._lanes[runner] = LaneTrack(runner, shift, switch_interval_s)

    def add(self, runner: str, workers: dict[str, list[list[int]]]) -> None:
        with self._lock:
            lane = self._lanes.get(runner)
            if lane is None:
                return
            for slot, marks in workers.items():
                track = lane.workers.setdefault(int(slot), WorkerTrack(round(self.bucket_s * 1_000_000)))
                for bucket, units, *busy_us in marks:
                    track.add(lane.shift + bucket, units, *busy_us)

    def add_samples(self, runner: str, slots: list[int], times, codes) -> None:
        """What one worker thread was sampled doing (engine.thread_states): at each time, its code, held back to
        the previous sample; drawn on the rows of the workers that run on that thread."""
        with self._lock:
            lane = self._lanes.get(runner)
            if lane is None:
                return
            per_second, hold = 1 / self.bucket_s, round(HOLD_AT_MOST_S / self.bucket_s)
            for slot in (slot for slot in slots if slot < TIMELINE_MAX_WORKERS):  # the rows the timeline has
                track = lane.workers.setdefault(slot, WorkerTrack(round(self.bucket_s * 1_000_000)))
                for at, code in zip(times, codes):
                    stop = int((at - self.origin) * per_second) + 1
                    track.add_state(max(track.sampled_to + 1, stop - hold), stop, code)

    def executed_s(self, runner: str) -> float:
        """Worker-seconds this lane's traced workers spent executing: its timeline's area."""
        with self._lock:
            lane = self._lanes.get(runner)
            return sum(t.executed_us for t in lane.workers.values()) / 1_000_000 if lane else 0.0

    def length_s(self) -> float:
        """Time from the race's start to the last bucket anyone executed in."""
        with self._lock:
            last = max((len(t.units) for lane in self._lanes.values() for t in lane.workers.values()), default=0)
        return last * self.bucket_s

    def window(self, runner: str, start_s: float, end_s: float, columns: int) -> list[list[float]]:
        """Per worker (in slot order), the share of each column's time it spent executing."""
        return [[executing for executing, _ in row] for row in self.window_states(runner, start_s, end_s, columns)]

    def window_states(self, runner: str, start_s: float, end_s: float, columns: int) -> list[list[tuple[float, int]]]:
        """Per worker (in slot order), for each column: the share of its time the worker spent executing, and
        what its thread mostly waited for in the rest (WorkerTrack.dominant_state's code, 0: none sampled)."""
        with self._lock:
            lane = self._lanes.get(runner)
            if lane is None or columns <= 0:
                return []
            first, stop = start_s / self.bucket_s, end_s / self.bucket_s
            width = (stop - first) / columns
            edges = [round(first + i * width) for i in range(columns + 1)]
            return [
                [(track.active_fraction(edges[i], max(edges[i + 1], edges[i] + 1)),
                  track.dominant_state(edges[i], max(edges[i + 1], edges[i] + 1))) for i in range(columns)]
                for _, track in sorted(lane.workers.items())
            ]

    def lanes(self) -> list[LaneTrack]:
        """A copy safe to read while the race goes on."""
        with self._lock:
            return [
                LaneTrack(lane.runner, lane.shift, lane.switch_interval_s,
                          {slot: WorkerTrack(t.bucket_us, array("q", t.units), array("q", t.busy), array("q", t.busy_before),
                                             array("b", t.states), t.sampled_to)
                           for slot, t in lane.workers.items()})
                for lane in self._lanes.values()
            ]
