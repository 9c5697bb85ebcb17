"""The real app under Textual's Pilot; for snapshots, fixed machine facts and core readings."""

from __future__ import annotations

import os
import time

from tuiconc.engine.recording import load
from tuiconc.engine.replay import ReplayRace
from tuiconc.engine.sampler import Sample


DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
MACHINE = {"python": "3.11.7", "implementation": "CPython", "gil_enabled": True, "usable_cpus": 2,
           "logical_cpus": 2, "platform": "Linux"}


class FixedSampler:
    """The sampler's interface with set readings, so a snapshot doesn't depend on this machine's load."""

    def __init__(self, cores=(23.0, 61.0), core_lanes: dict[int, int] | None = None):
        self.cores = list(cores)
        self.core_lanes = dict(core_lanes or {})

    def start(self):
        return self

    def stop(self):
        pass

    def snapshot(self) -> Sample:
        history = [[(value * (i % 7)) / 6 for i in range(30)] for value in self.cores]
        return Sample(cpu_ids=list(range(len(self.cores))), cores=list(self.cores), history=history,
                      core_lanes=dict(self.core_lanes))


def many_cores(count: int) -> list[float]:
    """Fixed, varied readings for `count` cores: idle, light, busy and full ones."""
    return [float((i * 37) % 101) for i in range(count)]


def recording(name: str):
    return load(os.path.join(DATA, name))


async def wait_for(pilot, predicate, timeout: float = 60.0):
    """Let the app run until predicate() holds (its timers draw meanwhile), or fail at the deadline."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await pilot.pause(0.05)


class FrozenReplay(ReplayRace):
    """A replay held `at` seconds into the recorded race: a race mid-way, drawn the same on every run."""

    def __init__(self, recording, speed: float = 1.0, at: float = 7.0):
        super().__init__(recording, speed)
        self.at = at

    def start(self) -> "FrozenReplay":
        self._started_at = 1.0  # any fixed origin: elapsed times are read from it
        self._ended_at = self._started_at + self.at  # the lanes' elapsed times stop here; the race is not done
        for at, kind, payload in self.recording_data.events:
            if at > self.at:
                break
            self._apply(kind, payload)
        return self

    def _clock(self) -> float:
        return self.recording_data.origin + self.at
