"""Replay pacing: a recorded race replayed at 0.25×, 1× and 4× takes 4, 1 and 1/4 of its time.

    python benchmarks/replay.py
"""

from __future__ import annotations

import time

from common import print_machine

from tuiconc.engine.config import RaceConfig
from tuiconc.engine.race import Race
from tuiconc.engine.replay import ReplayRace


def main() -> None:
    print_machine()
    race = Race(RaceConfig(workload="primes", size=400_000, runners=("sequential", "threading", "multiprocessing")))
    live = race.run()
    recording = race.recording()
    print(f"recorded race: {recording.duration_s:.2f} s, {len(recording.events)} events")
    for speed in (0.25, 1.0, 4.0):
        started = time.monotonic()
        replayed = ReplayRace(recording, speed).run()
        took = time.monotonic() - started
        same = replayed.to_json()["lanes"] == live.to_json()["lanes"]
        print(f"  {speed:>4}×: {took:6.2f} s = {took / recording.duration_s:5.3f} of the race "
              f"(ideal {1 / speed:.3f}); final results identical: {same}")


if __name__ == "__main__":
    main()
