"""Repeated races: how far identical runs spread on this machine, and a sweep with and without repeats.

    python benchmarks/repeat_spread.py [--size 1000000] [--repeat 5] [--sweep-repeat 3]

Prints Markdown tables: each lane's median, min–max and spread over N round-robin runs; then
the same sweep once with one run a point (one baseline for every point) and once with a
baseline per round (medians of per-round speedups).
"""

from __future__ import annotations

import argparse

from common import print_machine

from tuiconc import units
from tuiconc.engine.config import RaceConfig
from tuiconc.engine.race import Race
from tuiconc.engine.sweep import Sweep


def spread_table(size: int, repeat: int) -> None:
    config = RaceConfig(workload="primes", size=size, workers=2, repeat=repeat,
                        runners=("sequential", "threading", "asyncio", "multiprocessing"))
    state = Race(config).run()
    print(f"\n`Race(primes {size:,}, 2 workers, isolated, repeat={repeat})`: {state.status}\n")
    print("| lane | median | min–max | spread | unstable | speedup (median of rounds) | speedup range |")
    print("|---|--:|--:|--:|---|--:|--:|")
    for lane in state.lanes:
        print(f"| {lane.name} | {units.seconds(lane.wall_s)} | {units.seconds_range(lane.wall_min_s, lane.wall_max_s)} "
              f"| {units.percent(lane.spread)} | {'yes' if lane.unstable else 'no'} | {units.ratio(lane.speedup)} "
              f"| {units.ratio(lane.speedup_min)}–{units.ratio(lane.speedup_max)} |")
    print(f"\nverdict: {state.verdict}")


def sweep_tables(size: int, repeat: int) -> None:
    config = RaceConfig(workload="primes", size=size)
    once = Sweep(config.with_changes(repeat=1), "multiprocessing", [1, 2, 4]).run()
    repeated = Sweep(config.with_changes(repeat=repeat), "multiprocessing", [1, 2, 4]).run()
    print(f"\n`Sweep(primes {size:,}, multiprocessing, workers 1,2,4)`: repeat=1 then repeat={repeat}\n")
    print(f"| workers | speedup, 1 run | speedup, {repeat} runs (median) | range over rounds | spread of walls |")
    print("|--:|--:|--:|--:|--:|")
    print(f"| baseline | {units.seconds(once.baseline.wall_s)} | {units.seconds(repeated.baseline.wall_s)} | "
          f"{units.seconds_range(*repeated.baseline.wall_range)} | {units.percent(repeated.baseline.spread)} |")
    for a, b in zip(once.points, repeated.points):
        low, high = b.speedup_range or (None, None)
        print(f"| {a.workers} | {units.ratio(a.speedup)} | {units.ratio(b.speedup)} | "
              f"{units.ratio(low)}–{units.ratio(high)} | {units.percent(b.spread)} |")
    for label, state in (("1 run", once), (f"{repeat} runs", repeated)):
        print(f"\n{label}: " + " · ".join(state.notes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sweep-repeat", type=int, default=3)
    args = parser.parse_args()
    print_machine()
    spread_table(args.size, args.repeat)
    sweep_tables(args.size, args.sweep_repeat)


if __name__ == "__main__":
    main()
