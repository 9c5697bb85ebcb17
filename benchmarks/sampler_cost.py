"""What the sampler costs the front end: its thread's CPU per tick while lanes race.

    python benchmarks/sampler_cost.py [--seconds 8] [--extra 0]

Starts the five CPU lanes together (primes, 4 workers: ~17 processes) and reads the sampler
thread's own CPU time (/proc/self/task/TID/schedstat) over the window, in ms per
tick and % of one core. `--extra N` first starts N idle processes, as a laptop's browser
tabs and daemons would be, to show how the cost grows with the machine's process count, not
the race's. Target: well under 1 % of a core at 4 ticks a second on this machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

import psutil

from common import print_machine

from tuiconc import tunables
from tuiconc.engine.config import RaceConfig
from tuiconc.engine.race import Race

LANES = ("sequential", "threading", "asyncio", "multiprocessing", "processpool")


def thread_cpu_s(tid: int) -> float:
    """Time on a CPU, in ns in schedstat's first field: finer than stat's 10 ms clock ticks."""
    with open(f"/proc/self/task/{tid}/schedstat") as schedstat:
        return int(schedstat.read().split()[0]) / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--extra", type=int, default=0, help="idle processes to start first")
    args = parser.parse_args()
    print_machine()
    idle = [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"]) for _ in range(args.extra)]
    race = Race(RaceConfig(workload="primes", size=50_000_000, workers=4, runners=LANES, mode="together"))
    try:
        race.start()
        time.sleep(2.0)  # the lanes' start-up: their workers exist by now
        tid = race.sampler._thread.native_id
        cpu_before, started = thread_cpu_s(tid), time.monotonic()
        time.sleep(args.seconds)
        cpu, elapsed = thread_cpu_s(tid) - cpu_before, time.monotonic() - started
        ticks = elapsed * tunables.SAMPLE_HZ
        print(f"processes on the machine: {len(psutil.pids())}, in the race: "
              f"{sum(1 + len(psutil.Process(lane.pid).children(recursive=True)) for lane in race.snapshot().lanes)}")
        print(f"sampler thread: {cpu * 1000 / ticks:.2f} ms a tick, {100 * cpu / elapsed:.2f} % of one core "
              f"({tunables.SAMPLE_HZ} ticks a second, {elapsed:.1f} s)")
    finally:
        race.cancel()
        for process in idle:
            process.kill()
            process.wait()


if __name__ == "__main__":
    main()
