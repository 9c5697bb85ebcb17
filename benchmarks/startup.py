"""Start-up: `tuiconc --help`, the app's first frame, and each lane's start-up per start method.

    python benchmarks/startup.py [--rounds 5]

Targets here: --help ≤ 0.3 s, first frame ≤ 0.8 s. Lane start-up is spawn-to-first-task,
as the results table reports it (interpreter start, imports, creating workers).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from common import median, print_machine
from ptyapp import PtyApp, Screen

from tuiconc.engine.config import RaceConfig
from tuiconc.machine import start_methods
from tuiconc.engine.race import Race

TUICONC = [sys.executable, "-m", "tuiconc"]


def help_s() -> float:
    started = time.perf_counter()
    subprocess.run([*TUICONC, "--help"], capture_output=True, check=True)
    return time.perf_counter() - started


def first_frame_s(marker: str = "palette") -> float:
    """From launching `tuiconc` in a 120×40 pseudo-terminal to its first whole screen on it.

    Frames are synchronized (ESC[?2026h … ESC[?2026l: the pty answers Textual's query, see
    ptyapp.py), so a terminal shows a frame at its end. The first whole screen is the first
    frame after which the bottom row shows Textual's "^p palette" hint, the footer's last
    text: frames replayed on ptyapp's minimal terminal, since Textual splits a row's text with
    cursor moves and no byte string is a reliable marker.
    """
    with PtyApp(columns=120, rows=40) as app:
        screen = Screen(app.columns, app.rows)
        deadline, seen = time.monotonic() + 20, 0
        while time.monotonic() < deadline:
            frames = app.frames()
            for frame in frames[seen:]:
                screen.feed(frame.data)
                if marker in screen.lines()[-1]:
                    return frame.end - app.started_at
            seen = len(frames)
            time.sleep(0.005)
        raise RuntimeError(f"no frame showed the footer within 20 s: {screen.lines()[-1]!r}")


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
    except (RuntimeError, OSError, AssertionError) as error:
        print(f"app to first frame:     not measured ({error})")
    print("lane start-up (spawn to first task), two workers, median of", args.rounds)
    for method in start_methods():
        figures = lane_startups(method, args.rounds)
        print(f"  {method:<11} " + "  ".join(f"{runner} {seconds * 1000:4.0f} ms" for runner, seconds in figures.items()))


if __name__ == "__main__":
    main()
