"""What watching the workers' thread states costs: the sampler's CPU, and the lanes it watches.

    python benchmarks/thread_states_cost.py [--seconds 6] [--rounds 5]

1. Eight worker threads (threading, primes, 8 workers) race while the thread-state sampler reads
   them 200 times a second; its thread's own CPU time (schedstat) over the window, in % of one
   core. Target: ≤ 2 %.
2. The same lane with the sampler on and off, alternated (A B B A …, so neither always runs first),
   wall time from its first task: the median of on ÷ off. Target: ≤ 1.02.
"""

from __future__ import annotations

import argparse
import time

from common import median, print_machine

from tuiconc.engine.config import RaceConfig
from tuiconc.engine.race import Race
from tuiconc.engine.thread_states import HZ


def thread_cpu_s(tid: int) -> float:
    with open(f"/proc/self/task/{tid}/schedstat") as schedstat:
        return int(schedstat.read().split()[0]) / 1e9


def sampler_cost(seconds: float) -> None:
    race = Race(RaceConfig(workload="primes", size=50_000_000, workers=8, runners=("threading",)))
    try:
        race.start()
        time.sleep(1.5)  # the lane's start-up: its threads are watched by now
        watched = len(race.snapshot().lane("threading").worker_states)
        tid = race.thread_states._thread.native_id
        cpu_before, started = thread_cpu_s(tid), time.monotonic()
        time.sleep(seconds)
        cpu, elapsed = thread_cpu_s(tid) - cpu_before, time.monotonic() - started
        print(f"sampler thread: {100 * cpu / elapsed:.2f} % of one core watching {watched} threads at {HZ} Hz "
              f"({1e6 * cpu / (elapsed * HZ * max(1, watched)):.1f} µs a thread a sample, {elapsed:.1f} s)")
    finally:
        race.cancel()


def lane_ratio(rounds: int) -> None:
    config = RaceConfig(workload="primes", size=1_500_000, workers=4, runners=("threading",))
    on, off = [], []
    for round_ in range(rounds):
        order = ((True, on), (False, off)) if round_ % 2 == 0 else ((False, off), (True, on))
        for watch, walls in order:
            walls.append(Race(config, watch_threads=watch).run().lane("threading").wall_s)
    ratios = [a / b for a, b in zip(on, off)]
    print(f"lane wall, states on ÷ off: {median(on) / median(off):.3f} (medians {median(on):.3f} s ÷ "
          f"{median(off):.3f} s; rounds {min(ratios):.3f}–{max(ratios):.3f}, {rounds} alternated)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print_machine()
    sampler_cost(args.seconds)
    lane_ratio(args.rounds)


if __name__ == "__main__":
    main()
