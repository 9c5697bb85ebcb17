"""What the app itself costs: CPU of the UI process alone (not its lanes) and its memory.

    python benchmarks/app_cost.py [--window 15] [--size 4000000] [--profile DIR]

The real app runs in a pseudo-terminal (a thread here reads all it draws). CPU is the UI
process's own user + system time from psutil (cpu_times of its PID; its lane processes and
their pools are not in it) over a measured window, in % of one core: idle (~15 s), then
during a race (primes, together, every CPU lane, 4 workers: every core busy). RSS is the UI
process's resident memory, sampled through each window (peak and at the end).

With --profile DIR, py-spy records the UI process through each window (DIR/app-idle.txt,
DIR/app-race.txt, collapsed stacks) and the heaviest functions are printed.

Targets: ≤ 3 % of a core idle, ≤ 5 % during a race, with ≥ 8 frames a second; and the frame
cost, the UI's CPU during the race divided by the frames it drew then (sampler included, as it
runs in the UI process): ≤ 3 ms here, so a change can't quietly make frames dearer.
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import time

import psutil

from common import print_machine
from ptyapp import PtyApp, load_line

LANES = "sequential,threading,asyncio,multiprocessing,processpool"
IDLE_TARGET, RACE_TARGET, FRAME_TARGET_MS, FRAMES_TARGET = 3.0, 5.0, 3.0, 8.0
MB = 1024 * 1024
PY_SPY_RATE = 100
PY_SPY = os.path.join(os.path.dirname(sys.executable), "py-spy")


def own_cpu_s(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system  # not children_*: the lanes are not the UI


def measure(app: PtyApp, window_s: float, profile_to: str | None) -> dict:
    process = psutil.Process(app.pid)
    spy = None
    if profile_to:
        spy = subprocess.Popen([PY_SPY, "record", "-p", str(app.pid), "-d", str(int(window_s)), "-r", str(PY_SPY_RATE),
                                "--gil", "--nolineno", "-f", "raw", "-o", profile_to, "--nonblocking"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    frames_before = len(app.frames())
    rss = []
    cpu_before, started = own_cpu_s(process), time.monotonic()
    while time.monotonic() - started < window_s:
        rss.append(process.memory_info().rss)
        time.sleep(0.25)
    cpu_after, ended = own_cpu_s(process), time.monotonic()
    rss.append(process.memory_info().rss)
    frames = len(app.frames()) - frames_before
    if spy is not None:
        try:
            spy.wait(window_s + 30)
        except subprocess.TimeoutExpired:
            spy.kill()
            spy.wait()
    seconds = ended - started
    return {"cpu_percent": (cpu_after - cpu_before) / seconds * 100, "rss_peak_mb": max(rss) / MB,
            "rss_end_mb": rss[-1] / MB, "frames_per_s": frames / seconds, "threads": process.num_threads()}


def top_functions(path: str, seconds: float, count: int = 12) -> tuple[list, list]:
    """From py-spy's collapsed stacks (GIL holders only, 100 samples a second): (self %, total %,
    function) in % of the window's wall time, i.e. of one core; heaviest self time first, then
    tuiconc's own functions by total time."""
    own, total, samples = collections.Counter(), collections.Counter(), 0
    with open(path) as f:
        for line in f:
            stack, _, n = line.rstrip().rpartition(" ")
            if not stack:
                continue
            n = int(n)
            frames = stack.split(";")
            samples += n
            own[frames[-1]] += n
            for frame in set(frames[1:]):  # the first frame is the thread
                total[frame] += n
    scale = 100 / (PY_SPY_RATE * seconds)  # samples → % of one core
    heaviest = [(own[name] * scale, total[name] * scale, name) for name, _ in own.most_common(count)]
    ours = [(own[name] * scale, total[name] * scale, name) for name, _ in total.most_common()
            if "tuiconc/" in name or "(tuiconc" in name][:count]
    return heaviest, ours


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--window", type=float, default=15.0, help="seconds per measured window (default 15)")
    parser.add_argument("--size", type=int, default=4_000_000, help="primes size of the race (default 4,000,000)")
    parser.add_argument("--profile", metavar="DIR", help="record each window with py-spy into DIR")
    args = parser.parse_args()
    print_machine()
    print(load_line())
    if args.profile:
        os.makedirs(args.profile, exist_ok=True)
    profile = (lambda name: os.path.join(args.profile, f"app-{name}.txt")) if args.profile else (lambda name: None)
    with PtyApp(["--workload", "primes", "--size", str(args.size), "--mode", "together", "--runners", LANES]) as app:
        app.wait_frames()
        time.sleep(3)
        idle = measure(app, args.window, profile("idle"))
        app.press(b"r")
        time.sleep(3)  # every lane started
        lanes = len(app.track_children())
        race = measure(app, args.window, profile("race"))
        lanes_left = [p for p in app.track_children() if p.ppid() == app.pid]
    print(f"UI process (PID's own user+sys, lanes excluded), {args.window:.0f} s windows; race: primes {args.size:,}, "
          f"together, {LANES}, 4 workers ({lanes} lane processes)")
    for name, figures, target in (("idle", idle, IDLE_TARGET), ("race", race, RACE_TARGET)):
        verdict = "met" if figures["cpu_percent"] <= target else "MISSED"
        print(f"  {name:<5} CPU {figures['cpu_percent']:5.1f} % of a core (target ≤ {target:.0f} %) {verdict:<6}  "
              f"RSS peak {figures['rss_peak_mb']:5.1f} MB, end {figures['rss_end_mb']:5.1f} MB  "
              f"{figures['frames_per_s']:4.1f} frames/s  {figures['threads']} threads")
    print(f"  race / idle CPU: {race['cpu_percent'] / max(idle['cpu_percent'], 0.01):.1f}×")
    frame_ms = race["cpu_percent"] * 10 / max(race["frames_per_s"], 0.01)  # % of a core per frame/s → ms
    print(f"  frame cost while racing: {frame_ms:.1f} ms of UI CPU per frame (target ≤ {FRAME_TARGET_MS:.0f} ms) "
          f"{'met' if frame_ms <= FRAME_TARGET_MS else 'MISSED'}; {race['frames_per_s']:.1f} frames/s "
          f"(target ≥ {FRAMES_TARGET:.0f}) {'met' if race['frames_per_s'] >= FRAMES_TARGET else 'MISSED'}")
    if not lanes_left:
        print("  warning: the race ended inside the window: make --size larger")
    if args.profile:
        for name in ("idle", "race"):
            path = profile(name)
            if not os.path.exists(path):
                print(f"py-spy wrote no profile for {name} (is ptrace allowed?)")
                continue
            heaviest, ours = top_functions(path, int(args.window))
            print(f"py-spy --gil, {name} window ({path}), in % of one core: self, total, function")
            for own, total, function in heaviest:
                print(f"  {own:5.1f} {total:5.1f}  {function}")
            print("  … tuiconc's own functions by total:")
            for own, total, function in ours:
                print(f"  {own:5.1f} {total:5.1f}  {function}")

    print(load_line())


if __name__ == "__main__":
    main()
