"""Instrumentation overhead: a sequential lane vs the same work in a bare Python script.

    python benchmarks/overhead.py [--rounds 5]

Runs them alternately, `rounds` times each, and prints median wall times and ratios per CPU
workload, with
each round's own ratio as a median and its range (target: lane / bare loop ≤ 1.03). Two bare scripts: the plain loop as a person would
write it, and the workload's own function called once with a no-op progress callback (so the
second ratio is the cost of the arena, the task plan and the progress board alone). The lane's
wall time is the arena's own figure (first task to last result); the bare ones are timed
around the call.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from common import median, print_machine

from tuiconc.engine.config import RaceConfig
from tuiconc.engine.race import Race

# The plain loops, in a function as the workloads are (module-level code runs slower).
BARE = {
    "primes": """
    found = 0
    for n in range(N):
        if is_prime(n):
            found += 1
""",
    "sum-squares": """
    total = 0
    for i in range(N):
        total += i * i
""",
    "countdown": """
    n = N
    while n > 0:
        n -= 1
""",
}

TIMER = """
import json, sys, time
from tuiconc.workloads.cpu import is_prime
def work(N):
{body}
N = int(sys.argv[1])
started = time.perf_counter()
work(N)
print(json.dumps(time.perf_counter() - started))
"""


FUNCTION = """
    from tuiconc.workloads import WORKLOADS, Options
    WORKLOADS[{name!r}].run_task((0, N), lambda done: None, Options())
"""


SIZES = (("primes", 1_000_000), ("sum-squares", 30_000_000), ("countdown", 50_000_000))
TARGET = 1.03


def bare_wall_s(workload: str, size: int, plain_loop: bool) -> float:
    script = TIMER.format(body=BARE[workload] if plain_loop else FUNCTION.format(name=workload))
    out = subprocess.run([sys.executable, "-c", script, str(size)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def lane_wall_s(workload: str, size: int) -> float:
    state = Race(RaceConfig(workload=workload, size=size, runners=("sequential",), mode="isolated")).run()
    lane = state.lanes[0]
    assert lane.correct, lane.error
    return lane.wall_s


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workload", choices=[name for name, _ in SIZES], action="append",
                        help="only these (repeatable; default: all three)")
    args = parser.parse_args()
    print_machine()
    print(f"{args.rounds} alternated rounds; median wall times, and each round's own ratio: median (min–max); "
          f"target: lane / loop ≤ {TARGET}")
    print(f"{'workload':<12} {'size':>11} {'bare loop':>10} {'bare call':>10} {'lane':>8} "
          f"{'lane/loop':>21} {'lane/call':>21}")
    for workload, size in SIZES:
        if args.workload and workload not in args.workload:
            continue
        loop, call, lane = [], [], []
        for _ in range(args.rounds):
            loop.append(bare_wall_s(workload, size, plain_loop=True))
            call.append(bare_wall_s(workload, size, plain_loop=False))
            lane.append(lane_wall_s(workload, size))
        print(f"{workload:<12} {size:>11,} {median(loop):>9.3f}s {median(call):>9.3f}s {median(lane):>7.3f}s "
              f"{spread([a / b for a, b in zip(lane, loop)]):>21} {spread([a / b for a, b in zip(lane, call)]):>21}")


def spread(ratios: list[float]) -> str:
    return f"{median(ratios):.3f} ({min(ratios):.3f}–{max(ratios):.3f})"


if __name__ == "__main__":
    main()
