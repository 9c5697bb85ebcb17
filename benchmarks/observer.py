"""The observer effect: the same isolated race headless and in the real app, alternated.

    python benchmarks/observer.py [--rounds 3] [--workloads primes:1000000,sha256:1000]

For each workload, each round runs `tuiconc race … --mode isolated --json` (headless) and then
the app in a 120×40 pseudo-terminal (ptyapp.py), which is started, raced with `r` as a person
would, and asked to save its results with `x` (the JSON the app exports). Per lane it prints
the median speedup of each and their ratio, in-app / headless: 1.00 means the app costs the
lanes nothing. Target ≥ 0.95 for every lane. Beside it, each round's own ratio (its app run over
its headless run): their median and range, which show whether the machine's drift between runs
is larger than the effect.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from common import median, print_machine
from ptyapp import TUICONC, PtyApp, load_line

RUNNERS = "sequential,threading,multiprocessing"
WORKERS = 4
TARGET = 0.95
RACE_TIMEOUT_S = 300


def race_args(workload: str, size: int) -> list[str]:
    return ["--workload", workload, "--size", str(size), "--workers", str(WORKERS), "--runners", RUNNERS,
            "--mode", "isolated"]


def speedups(lanes: list[dict]) -> dict[str, float]:
    return {lane["label"] or lane["runner"]: lane["speedup"] for lane in lanes if lane["status"] == "finished"}


def headless(workload: str, size: int) -> dict[str, float]:
    done = subprocess.run([*TUICONC, "race", *race_args(workload, size), "--json"], capture_output=True, text=True,
                          check=True, timeout=RACE_TIMEOUT_S)
    return speedups(json.loads(done.stdout)["lanes"])


def in_app(workload: str, size: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="tuiconc-observer-") as folder, PtyApp(race_args(workload, size)) as app:
        app.wait_frames()
        app.ensure_settings(size, "isolated")
        app.press(b"r")
        app.wait_screen(lambda text: "last race finished" in text or "last race failed" in text, RACE_TIMEOUT_S)
        app.press(b"x")
        app.wait_screen(lambda text: "results in this folder" in text, 20)
        time.sleep(0.5)
        app.press(b"\x15")  # ctrl+u: clear the folder box
        time.sleep(0.3)
        app.press(folder.encode())
        app.wait_screen(lambda text: os.path.basename(folder) in text, 20)
        app.press(b"\r")
        saved = os.path.join(folder, "tuiconc-results.json")
        deadline = time.monotonic() + 20
        while not os.path.exists(saved):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the app saved no results in {folder}:\n{app.screen().text()}")
            time.sleep(0.1)
        time.sleep(0.5)  # the file is written whole
        with open(saved) as f:
            return speedups(json.load(f)["races"][-1]["lanes"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workloads", default="primes:1000000,sha256:1000", help="workload:size,…")
    args = parser.parse_args()
    print_machine()
    print(load_line())
    worst = float("inf")
    for item in args.workloads.split(","):
        workload, size = item.split(":")
        runs: dict[str, dict[str, list[float]]] = {"app": {}, "headless": {}}
        for round_ in range(args.rounds):
            for where, run in (("headless", headless), ("app", in_app)) if round_ % 2 == 0 else \
                    (("app", in_app), ("headless", headless)):
                for lane, speedup in run(workload, int(size)).items():
                    runs[where].setdefault(lane, []).append(speedup)
                print(f"  {workload} round {round_ + 1} {where:<8} " + "  ".join(
                    f"{lane} {values[-1]:.2f}×" for lane, values in runs[where].items()), flush=True)
        print(f"{workload} {int(size):,}, isolated, {WORKERS} workers, {args.rounds} alternated rounds (medians):")
        print(f"  {'lane':<16} {'headless':>9} {'in app':>9} {'app / headless':>15} {'paired rounds':>22}")
        for lane, values in runs["headless"].items():
            app_values = runs["app"].get(lane, [])
            ratio = median(app_values) / median(values) if app_values and median(values) else float("nan")
            # Each round's app run over its own headless run, minutes apart: the machine's drift cancels.
            paired = [a / h for a, h in zip(app_values, values) if h]
            pairs = f"{median(paired):.3f} ({min(paired):.3f}–{max(paired):.3f})" if paired else "—"
            worst = min(worst, ratio)
            print(f"  {lane:<16} {median(values):8.2f}× {median(app_values) if app_values else float('nan'):8.2f}× "
                  f"{ratio:15.3f} {pairs:>22}   (app runs {', '.join(f'{v:.2f}' for v in app_values)}; "
                  f"headless {', '.join(f'{v:.2f}' for v in values)})")
    print(f"worst lane, in app / headless: {worst:.3f} (target ≥ {TARGET}): {'met' if worst >= TARGET else 'MISSED'}")
    print(load_line())


if __name__ == "__main__":
    sys.exit(main())
