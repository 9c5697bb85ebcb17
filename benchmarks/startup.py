"""Start-up: `tuiconc --help`, the app's first frame, and each lane's start-up per start method.

    python benchmarks/startup.py [--rounds 5]

Targets here: --help ≤ 0.3 s, first frame ≤ 0.8 s. Lane start-up is spawn-to-first-task,
as the results table reports it (interpreter start, imports, creating workers).
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import subprocess
import sys
import time

from common import median, print_machine

from tuiconc.config import RaceConfig
from tuiconc.machine import start_methods
from tuiconc.race import Race

TUICONC = [sys.executable, "-m", "tuiconc"]


def help_s() -> float:
    started = time.perf_counter()
    subprocess.run([*TUICONC, "--help"], capture_output=True, check=True)
    return time.perf_counter() - started


def first_frame_s(marker: bytes = b"Race") -> float:
    """From launching `tuiconc` in a pseudo-terminal to the first screen that shows `marker`."""
    controller, terminal = pty.openpty()
    os.set_blocking(controller, False)
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    started = time.perf_counter()
    app = subprocess.Popen(TUICONC, stdin=terminal, stdout=terminal, stderr=terminal, env=env, close_fds=True)
    seen = b""
    try:
        while time.perf_counter() - started < 20:
            ready, _, _ = select.select([controller], [], [], 0.01)
            if ready:
                try:
                    seen += os.read(controller, 65536)
                except OSError:
                    break
                if marker in seen:
                    return time.perf_counter() - started
        raise RuntimeError("the app showed no first frame within 20 s")
    finally:
        app.terminate()
        app.wait(10)
        os.close(controller)
        os.close(terminal)


def lane_startups(method: str, rounds: int) -> dict[str, float]:
    runs: dict[str, list[float]] = {}
    for _ in range(rounds):
        config = RaceConfig(workload="primes", size=20_000, workers=2, mode="isolated", start_method=method,
                            runners=("sequential", "threading", "asyncio", "multiprocessing", "processpool"))
        for lane in Race(config).run().lanes:
            runs.setdefault(lane.runner, []).append(lane.startup_s)
    return {runner: median(values) for runner, values in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print_machine()
    helps = [help_s() for _ in range(args.rounds)]
    print(f"tuiconc --help:         median {median(helps) * 1000:5.0f} ms, max {max(helps) * 1000:5.0f} ms "
          f"(target ≤ 300 ms)")
    try:
        frames = [first_frame_s() for _ in range(args.rounds)]
        print(f"app to first frame:     median {median(frames) * 1000:5.0f} ms, max {max(frames) * 1000:5.0f} ms "
              f"(target ≤ 800 ms)")
    except (RuntimeError, OSError) as error:
        print(f"app to first frame:     not measured ({error})")
    print("lane start-up (spawn to first task), two workers, median of", args.rounds)
    for method in start_methods():
        figures = lane_startups(method, args.rounds)
        print(f"  {method:<11} " + "  ".join(f"{runner} {seconds * 1000:4.0f} ms" for runner, seconds in figures.items()))


if __name__ == "__main__":
    main()
