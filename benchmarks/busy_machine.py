"""A busy machine: do lanes compete like the user's own programs, and is together mode fair per process?

    python benchmarks/busy_machine.py [--rounds 3] [--size 300000] [--nice 0,5,15]

1. Slowdown beside two busy programs. The seed's bare loop (a script as a person would write it)
   and the sequential lane (an arena at each nice value) run alone, then beside two CPU hogs,
   alternately, `rounds` times. The hogs run first in sessions of their own (a browser, a compile
   started elsewhere), then in ours (programs started from the same shell). A lane's slowdown over
   the bare loop's slowdown is ~1 when the lane competes as the user's own code would (target).
2. Together mode, fair per process: sequential, threading (4) and multiprocessing (4) race at once
   on primes; multiprocessing's cores against its fair share, its busy processes over all busy
   processes (threads under the GIL count as one) times the usable cores (target: within 20 %).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from common import median, print_machine
from overhead import BARE, TIMER

from tuiconc.arena import protocol
from tuiconc.engine.config import RaceConfig
from tuiconc.engine.race import Race
from tuiconc.engine.spawn import PACKAGE_ROOT, own_process_group
from tuiconc.machine import usable_cpus

HOG = "while True: pass"


def bare_loop(size: int) -> float:
    script = TIMER.format(body=BARE["primes"])
    out = subprocess.run([sys.executable, "-c", script, str(size)], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": PACKAGE_ROOT})
    return json.loads(out.stdout)


def lane(size: int, nice: int) -> float:
    """The sequential lane's own wall time (first task to last result), its arena at this nice value."""
    config = json.dumps({"workload": "primes", "size": size, "workers": 1, "runner": "sequential", "nice": nice})
    # Its stdin stays open until it is done: the arena's lifeline, as when the race starts it.
    arena = subprocess.Popen([sys.executable, "-m", "tuiconc.arena", config], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": PACKAGE_ROOT},
                             **own_process_group())
    lines = arena.stdout.read().splitlines()
    arena.wait()
    arena.stdin.close()
    finished = next(m for m in map(protocol.decode, lines) if isinstance(m, protocol.Finished))
    return finished.wall_s


class Hogs:
    def __init__(self, count: int, own_session: bool):
        self.count, self.own_session = count, own_session

    def __enter__(self):
        self.processes = [subprocess.Popen([sys.executable, "-c", HOG], start_new_session=self.own_session)
                          for _ in range(self.count)]
        time.sleep(0.5)
        return self

    def __exit__(self, *exc):
        for process in self.processes:
            process.kill()
            process.wait()


def slowdowns(size: int, rounds: int, nices: list[int], own_session: bool) -> None:
    runs = {name: {"alone": [], "beside": []} for name in ["bare", *[f"nice {n}" for n in nices]]}

    def measure(where: str) -> None:
        runs["bare"][where].append(bare_loop(size))
        for n in nices:
            runs[f"nice {n}"][where].append(lane(size, n))

    for _ in range(rounds):
        measure("alone")
        with Hogs(2, own_session):
            measure("beside")
    bare = median(runs["bare"]["beside"]) / median(runs["bare"]["alone"])
    where = "in sessions of their own (other programs)" if own_session else "in our session (the same shell)"
    print(f"\n## Beside two hogs {where}: primes {size:,}, median of {rounds}\n")
    print("| run | alone | beside the hogs | slowdown | slowdown / bare's |")
    print("|---|--:|--:|--:|--:|")
    for name, times in runs.items():
        alone, beside = median(times["alone"]), median(times["beside"])
        slow = beside / alone
        label = "bare loop" if name == "bare" else f"sequential lane, {name}"
        print(f"| {label} | {alone:.3f} s | {beside:.3f} s | {slow:.2f}× | {slow / bare:.2f} |")


def together_fairness(size: int, rounds: int) -> None:
    cpus = usable_cpus()
    print(f"\n## Together, fair per process: primes {size:,}, 4 workers, {cpus} usable CPUs, median of {rounds}\n")
    print("Fair share: multiprocessing's busy processes over all busy processes, times the usable cores, and "
          "times the cores the race got (the same, on a quiet machine).\n")
    of_usable, of_race = [], []
    for _ in range(rounds):
        state = Race(RaceConfig(workload="primes", size=size, workers=4, mode="together",
                                runners=("sequential", "threading", "multiprocessing"))).run()
        cores = {lane.name: lane.cores for lane in state.lanes}
        busy = {"sequential": 1, "threading": 1, "multiprocessing": min(4, state.lane("multiprocessing").workers)}
        share = busy["multiprocessing"] / sum(busy.values())
        of_usable.append(cores["multiprocessing"] / (share * cpus))
        of_race.append(cores["multiprocessing"] / (share * sum(cores.values())))
        print("- cores: " + ", ".join(f"{name} {value:.2f}" for name, value in cores.items())
              + f"; multiprocessing {of_usable[-1]:.2f} of its fair share of the CPUs, {of_race[-1]:.2f} of the race's")
    print(f"\nmultiprocessing / fair share, median: {median(of_usable):.2f} of the CPUs, {median(of_race):.2f} of "
          f"the race's (target 0.8–1.2)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size", type=int, default=300_000)
    parser.add_argument("--nice", default="0,5,15")
    args = parser.parse_args()
    print_machine()
    nices = [int(n) for n in args.nice.split(",")]
    slowdowns(args.size, args.rounds, nices, own_session=True)
    slowdowns(args.size, args.rounds, nices, own_session=False)
    together_fairness(args.size * 4, args.rounds)


if __name__ == "__main__":
    main()
