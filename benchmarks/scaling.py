"""Parallel efficiency on primes: process lanes with workers = usable CPUs, and why the plan matters.

    python benchmarks/scaling.py [--size 1000000] [--rounds 3]

Prints, medians of `rounds` runs in one go:
- the multiprocessing and processpool lanes' speedup over the sequential lane (isolated mode;
  target ≥ 0.9 × usable CPUs);
- a bare multiprocessing.Pool doing the same work with tuiconc's plan (many small chunks on
  demand) and with the naive plan (one equal contiguous range per worker), each against the
  multiprocessing lane, so the cost of the lane machinery and the gain of the plan are visible.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time

from common import median, print_machine

from tuiconc.engine.config import RaceConfig
from tuiconc.machine import default_start_method
from tuiconc.engine.race import Race
from tuiconc.workloads import Options, get_workload

PRIMES = get_workload("primes")


def count_range(task) -> int:
    return PRIMES.run_task(task, lambda done: None, Options())


def naive_plan(size: int, workers: int):
    step = -(-size // workers)
    return [(start, min(size, start + step)) for start in range(0, size, step)]


def bare_pool_s(tasks, workers: int) -> float:
    """Pool start-up excluded, as in the lane's wall time."""
    with multiprocessing.get_context(default_start_method()).Pool(workers) as pool:
        pool.map(abs, range(workers))  # every worker up and running
        started = time.perf_counter()
        assert sum(pool.imap_unordered(count_range, tasks)) == PRIMES.expected(tasks[-1][1], Options())
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    facts = print_machine()
    cores = facts["usable_cpus"]
    walls: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        config = RaceConfig(workload="primes", size=args.size, workers=cores, mode="isolated",
                            runners=("sequential", "multiprocessing", "processpool"))
        for lane in Race(config).run().lanes:
            assert lane.correct, lane.error
            walls.setdefault(lane.runner, []).append(lane.wall_s)
        walls.setdefault("bare pool, tuiconc plan", []).append(bare_pool_s(PRIMES.plan(args.size, cores), cores))
        walls.setdefault("bare pool, naive plan", []).append(bare_pool_s(naive_plan(args.size, cores), cores))
    sequential = median(walls["sequential"])
    target = 0.9 * cores
    print(f"primes size {args.size:,}, {cores} workers = usable CPUs, median of {args.rounds}; "
          f"target speedup ≥ {target:.2f}")
    print(f"{'lane':<26} {'wall':>8} {'speedup':>8} {'speedup/cores':>14}")
    for name, values in walls.items():
        wall = median(values)
        print(f"{name:<26} {wall:>7.3f}s {sequential / wall:>7.2f}× {sequential / wall / cores:>13.0%}")
    lane, bare = median(walls["multiprocessing"]), median(walls["bare pool, tuiconc plan"])
    naive = median(walls["bare pool, naive plan"])
    print(f"multiprocessing lane / bare pool (same plan): {lane / bare:.3f}  (target ≤ 1.05)")
    print(f"naive plan / tuiconc plan (bare pools):       {naive / bare:.3f}  (> 1: the naive split idles a core)")


if __name__ == "__main__":
    main()
