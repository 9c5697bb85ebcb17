"""UI responsiveness: the real app in a pseudo-terminal, idle and while a race saturates every core.

    python benchmarks/ui_responsiveness.py [--size 4000000] [--presses 30] [--window 10]

Frames are timed where a terminal sees them: Textual wraps each frame in synchronized-output
sequences (ESC[?2026h … ESC[?2026l, textual/app.py App._display → _begin_update/_end_update),
and each frame's end is its timestamp. The app redraws from one 8 Hz tick (cores at each 4 Hz sample),
so the frame gaps follow those timers; a starved UI shows as longer gaps.

Key to screen: `m` toggles the mode, which the settings panel shows ("mode  together (m)"):
from writing the key to the end of the first frame that shows the new mode, ~30 presses with
random gaps (at most 30 s of them). "UI CPU" is the UI process's own CPU over the frame-gap window, in % of a core; "machine" is
the whole machine's busy share over the scene. Three scenes, each in a fresh app:

- idle:        no race (only the 4 Hz cores timer redraws);
- quiet race:  the same lanes racing the `sleep` workload (one worker each, ~60 s): the same
               redraw timers, no CPU load;
- CPU race:    primes, together, every CPU lane (sequential, threading, asyncio,
               multiprocessing, processpool; 4 workers): every core busy for the whole scene.

Targets: p95 key-to-screen ≤ 30 ms; p95 frame gap under load ≤ 1.2 × idle. The gap ratio is
also given against the quiet race, which redraws on the same timers as the CPU race.
"""

from __future__ import annotations

import argparse
import random
import time

import psutil

from common import print_machine
from ptyapp import PtyApp, frame_gaps_ms, load_line, percentile

LANES = "sequential,threading,asyncio,multiprocessing,processpool"
SETTLE_S = 2.0  # after the first frame, before measuring
RAMP_S = 3.0  # after pressing r, before measuring: every lane started and busy
PRESSES_MAX_S = 30.0  # stop pressing after this long, however few presses it allowed
KEY_TARGET_MS = 30.0
KEY_TIMEOUT_S = 10.0
GAP_RATIO_TARGET = 1.2


QUIET_SIZE = 40  # one worker a lane, 40 waits of 1.5 s: every lane runs ~60 s, none uses CPU


def scene_args(scene: str, size: int) -> list[str]:
    if scene == "quiet race":
        return ["--workload", "sleep", "--size", str(QUIET_SIZE), "--latency-ms", "1500", "--workers", "1",
                "--mode", "together", "--runners", LANES]
    return ["--workload", "primes", "--size", str(size), "--mode", "together", "--runners", LANES]


def own_cpu_s(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def mode_label(mode: str) -> bytes:
    """The new mode as drawn: the settings' value and the status line change with the key (the
    settings' column widths vary with the screen's width, so the word alone)."""
    return mode.encode()


def measure_scene(scene: str, size: int, window_s: float, presses: int, seed: int) -> dict:
    rng = random.Random(seed)
    with PtyApp(scene_args(scene, size)) as app:
        app.wait_frames()
        app.ensure_settings(QUIET_SIZE if scene == "quiet race" else size, "together")
        time.sleep(SETTLE_S)
        racing = scene != "idle"
        if racing:
            app.press(b"r")
            time.sleep(RAMP_S)
            lanes_at_start = len([p for p in app.track_children() if p.ppid() == app.pid])
        ui = psutil.Process(app.pid)
        psutil.cpu_percent()  # baseline for the machine's busy share over the scene
        ui_cpu, started = own_cpu_s(ui), time.monotonic()
        time.sleep(window_s)
        window_end = time.monotonic()
        ui_percent = (own_cpu_s(ui) - ui_cpu) / (window_end - started) * 100
        gaps = frame_gaps_ms(app.frames_between(started, window_end))

        latencies, mode = [], "together"
        presses_start = time.monotonic()
        while len(latencies) < presses and time.monotonic() - presses_start < PRESSES_MAX_S:
            mode = "isolated" if mode == "together" else "together"
            pressed = app.press(b"m")
            try:
                frame = app.first_frame_with(mode_label(mode), after=pressed, timeout=KEY_TIMEOUT_S)
            except RuntimeError:  # not shown at all: counted as infinitely late, and the scene goes on
                latencies.append(float("inf"))
                mode = "isolated" if mode_label("isolated").decode() in app.screen().text() else "together"
                continue
            latencies.append((frame.end - pressed) * 1000)
            time.sleep(rng.uniform(0.15, 0.5))
        busy = psutil.cpu_percent()
        note = ""
        if racing:
            lanes = [p for p in app.track_children() if p.ppid() == app.pid]
            if len(lanes) < lanes_at_start:
                note = (f"{scene}: {lanes_at_start - len(lanes)} of its {lanes_at_start} lanes ended before the scene "
                        f"did{': make --size larger' if scene == 'CPU race' else ''}")
    return {"scene": scene, "frames": len(gaps) + 1, "gaps": gaps, "keys": latencies, "busy": busy,
            "ui_percent": ui_percent,
            "note": note, "scene_s": time.monotonic() - started}


def row(result: dict) -> str:
    gaps, keys = result["gaps"], result["keys"]
    return (f"{result['scene']:<11} {result['frames']:>6} {percentile(gaps, 50):7.0f} {percentile(gaps, 95):7.0f} "
            f"{max(gaps):7.0f}   {percentile(keys, 50):6.1f} {percentile(keys, 95):6.1f} {max(keys):6.1f}   "
            f"{result['ui_percent']:4.0f}%  {result['busy']:5.0f}%  {len(keys):3d}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=5_000_000, help="primes size of the CPU race (default 5,000,000)")
    parser.add_argument("--window", type=float, default=10.0, help="seconds of frame gaps per scene (default 10)")
    parser.add_argument("--presses", type=int, default=30, help="key presses per scene (default 30)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print_machine()
    print(load_line())
    print(f"app in a 120×40 pty; CPU race: primes {args.size:,}, together, {LANES}, 4 workers; "
          f"frame gaps over {args.window:.0f} s, then {args.presses} presses of `m`")
    print(f"{'scene':<11} {'frames':>6} {'gap p50':>7} {'gap p95':>7} {'gap max':>7}   "
          f"{'key p50':>6} {'key p95':>6} {'key max':>6}   UI CPU  machine  presses")
    results = {}
    for scene in ("idle", "quiet race", "CPU race"):
        results[scene] = measure_scene(scene, args.size, args.window, args.presses, args.seed)
        print(row(results[scene]), flush=True)
    for result in results.values():
        if result["note"]:
            print("note:", result["note"])
    idle95 = percentile(results["idle"]["gaps"], 95)
    quiet95 = percentile(results["quiet race"]["gaps"], 95)
    load95 = percentile(results["CPU race"]["gaps"], 95)
    ratio = load95 / idle95
    print(f"frame gap p95, CPU race / idle:       {ratio:.2f} (target ≤ {GAP_RATIO_TARGET}) "
          f"{'met' if ratio <= GAP_RATIO_TARGET else 'MISSED'}")
    print(f"frame gap p95, CPU race / quiet race: {load95 / quiet95:.2f} (same redraw timers)")
    for scene, result in results.items():
        p95 = percentile(result["keys"], 95)
        print(f"key-to-screen p95, {scene + ':':<12} {p95:5.1f} ms (target ≤ {KEY_TARGET_MS:.0f} ms) "
              f"{'met' if p95 <= KEY_TARGET_MS else 'MISSED'}")

    print(load_line())


if __name__ == "__main__":
    main()
