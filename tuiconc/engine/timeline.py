"""The race's worker timeline: when each worker of each lane was executing, on one time axis.

Fed by the arenas' activity messages (1 ms buckets measured inside the workers); read by the
app to draw it and by the trace export. Buckets are counted from the race's start.
"""

from __future__ import annotations

import threading
from array import array
from dataclasses import dataclass, field


@dataclass
class WorkerTrack:
    units: array = field(default_factory=lambda: array("q"))  # units done per bucket
    active_before: array = field(default_factory=lambda: array("q", [0]))  # active buckets in [0, i)

    def add(self, bucket: int, units: int) -> None:
        missing = bucket + 1 - len(self.units)
        if missing > 0:
            self.units.extend(array("q", [0]) * missing)
            self.active_before.extend(array("q", [self.active_before[-1]]) * missing)
        if units and not self.units[bucket]:
            for after in range(bucket + 1, len(self.active_before)):  # only the last one, unless out of order
                self.active_before[after] += 1
        self.units[bucket] += units

    def active_fraction(self, first: int, stop: int) -> float:
        """Share of buckets in [first, stop) in which this worker executed."""
        if stop <= first:
            return 0.0
        last = len(self.units)
        a, b = min(max(first, 0), last), min(max(stop, 0), last)
        return (self.active_before[b] - self.active_before[a]) / (stop - first)

    def spans(self) -> list[tuple[int, int]]:
        """Runs of consecutive active buckets, as (first, stop)."""
        runs, start = [], None
        for bucket, units in enumerate(self.units):
            if units and start is None:
                start = bucket
            elif not units and start is not None:
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
            for slot, pairs in workers.items():
                track = lane.workers.setdefault(int(slot), WorkerTrack())
                for bucket, units in pairs:
                    track.add(lane.shift + bucket, units)

    def runners(self) -> list[str]:
        with self._lock:
            return list(self._lanes)

    def length_s(self) -> float:
        """Time from the race's start to the last bucket anyone executed in."""
        with self._lock:
            last = max((len(t.units) for lane in self._lanes.values() for t in lane.workers.values()), default=0)
        return last * self.bucket_s

    def window(self, runner: str, start_s: float, end_s: float, columns: int) -> list[list[float]]:
        """Per worker (in slot order), the share of each column's time it spent executing."""
        with self._lock:
            lane = self._lanes.get(runner)
            if lane is None or columns <= 0:
                return []
            first, stop = start_s / self.bucket_s, end_s / self.bucket_s
            width = (stop - first) / columns
            edges = [round(first + i * width) for i in range(columns + 1)]
            return [
                [track.active_fraction(edges[i], max(edges[i + 1], edges[i] + 1)) for i in range(columns)]
                for _, track in sorted(lane.workers.items())
            ]

    def lanes(self) -> list[LaneTrack]:
        """A copy safe to read while the race goes on."""
        with self._lock:
            return [
                LaneTrack(lane.runner, lane.shift, lane.switch_interval_s,
                          {slot: WorkerTrack(array("q", t.units), array("q", t.active_before))
                           for slot, t in lane.workers.items()})
                for lane in self._lanes.values()
            ]
