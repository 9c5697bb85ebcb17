"""Event flood: a race of 1,000,000 tiny tasks per lane, seen by the app and counted on the wire.

    python benchmarks/event_flood.py [--window 50] [--full]

The race is the tiny-tasks pitfall lab at its largest size, `--lab tiny-tasks --size
100000000 --mode together`: the hidden tiny-tasks workload plans one task per 100 numbers
(workloads/pitfalls.py TinyTasks.plan), so each of its three lanes (sequential, a process pool
sending one task per message, a batched pool) has 1,000,000 tasks to run, all three at once.
The ordinary CPU workloads can't make a million tasks: plan_tasks gives them 8 chunks per
worker (32 for 4 workers) whatever the size. Together mode, because it floods the UI with
all three lanes' events at the same time.

The one-task-per-message lane needs minutes for a million round trips to its workers, so the
race is watched for --window seconds (the sequential and batched lanes finish their million
inside it) and then cancelled; --full waits for the end instead.

1. In the app (a pseudo-terminal): frame gaps idle, then during the race; the UI process's
   own CPU and its RSS, sampled 4× a second (peak; and its growth rate, since what the UI
   keeps grows with the race's length). Target: peak RSS ≤ 150 MB.
2. Headless, the same race through the API (tuiconc.engine.race.Race) for the same window: every
   protocol message from race.recording(), per lane per second of that lane's run
   (Started → Finished, or → cancel), by type, and the busiest one-second window. Batching
   bounds it (arena Reporter: PROGRESS_HZ = 30 ticks a second, whatever the task count).
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time

import psutil

from common import print_machine
from ptyapp import PtyApp, frame_gaps_ms, load_line, percentile

from tuiconc import tunables
from tuiconc.engine.config import lab_config
from tuiconc.engine.race import Race
from tuiconc.workloads.pitfalls import TINY_TASK

SIZE = 100_000_000  # the workload's cap: 1,000,000 tasks of 100 numbers
RSS_TARGET_MB = 150.0
MESSAGES_TARGET = tunables.PROGRESS_HZ
MB = 1024 * 1024
ARGS = ["--lab", "tiny-tasks", "--size", str(SIZE), "--mode", "together"]


def own_cpu_s(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (t, y)."""
    n = len(points)
    if n < 2:
        return 0.0
    mt = sum(t for t, _ in points) / n
    my = sum(y for _, y in points) / n
    den = sum((t - mt) ** 2 for t, _ in points)
    return sum((t - mt) * (y - my) for t, y in points) / den if den else 0.0


def in_the_app(window_s: float, full: bool, idle_s: float = 10.0) -> dict:
    with PtyApp(ARGS) as app:
        app.wait_frames()
        app.ensure_settings(SIZE, "together")  # see PtyApp.ensure_settings: the app may drop them
        ui = psutil.Process(app.pid)
        idle_start = time.monotonic()
        time.sleep(idle_s)
        idle_gaps = frame_gaps_ms(app.frames_between(idle_start, time.monotonic()))
        rss_before = ui.memory_info().rss / MB
        app.press(b"r")
        started = time.monotonic()
        cpu_before = own_cpu_s(ui)
        rss: list[tuple[float, float]] = []
        seen_lanes = False
        while True:
            now = time.monotonic()
            rss.append((now - started, ui.memory_info().rss / MB))
            lanes = [p for p in app.track_children() if p.ppid() == app.pid]
            seen_lanes = seen_lanes or bool(lanes)
            if seen_lanes and not lanes:
                break  # the race is over
            if not full and now - started >= window_s:
                break
            time.sleep(0.25)
        ended = time.monotonic()
        cpu = own_cpu_s(ui) - cpu_before
        race_pane = [line for line in app.screen().lines() if "%" in line and ("sequential" in line or "task" in line
                                                                              or "batched" in line)][:3]
        race_gaps = frame_gaps_ms(app.frames_between(started + 2, ended))  # after the lanes' start-up
        finished = not lanes
        if not finished:
            app.press(b"c")  # cancel: the app ends every lane's process group
            time.sleep(1.5)
        rss_after = ui.memory_info().rss / MB
    return {"idle_gaps": idle_gaps, "race_gaps": race_gaps, "rss_before": rss_before,
            "rss_peak": max(r for _, r in rss), "rss_after": rss_after, "rss_slope": slope(rss[8:]),
            "cpu_percent": cpu / (ended - started) * 100, "seconds": ended - started, "finished": finished,
            "race_pane": race_pane}


def headless(window_s: float, full: bool) -> dict:
    race = Race(lab_config("tiny-tasks").with_changes(size=SIZE, mode="together")).start()
    finished = race.wait(None if full else window_s)
    if not finished:
        race.cancel(wait=True)
    state = race.snapshot()
    recording = race.recording()
    lanes = {}
    for lane in state.lanes:
        events = [(t, payload["message"]) for t, kind, payload in recording.events
                  if kind == "message" and payload["lane"] == lane.name]
        begin = next((t for t, m in events if m["type"] == "started"), None)
        end = next((t for t, m in events if m["type"] == "finished"), None)
        if end is None:  # cancelled: until its last message
            end = events[-1][0] if events else begin
        by_type = collections.Counter(m["type"] for _, m in events)
        times = sorted(t for t, _ in events)
        busiest, first = 0, 0
        for last, t in enumerate(times):
            while t - times[first] >= 1.0:
                first += 1
            busiest = max(busiest, last - first + 1)
        span = (end - begin) if begin is not None and end and end > begin else float("nan")
        lanes[lane.name] = {
            "status": lane.status, "tasks": lane.done // TINY_TASK, "span": span,
            "progress": by_type["progress"] / span, "activity": by_type["activity"] / span,
            "total": len(events) / span, "busiest": busiest, "messages": len(events),
        }
    recorded_bytes = len(json.dumps(recording.events, separators=(",", ":")))
    return {"lanes": lanes, "events": len(recording.events), "recorded_mb": recorded_bytes / MB,
            "seconds": recording.duration_s, "finished": finished}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--window", type=float, default=50.0, help="seconds to watch the race (default 50)")
    parser.add_argument("--full", action="store_true", help="wait for the race's end instead (minutes)")
    args = parser.parse_args()
    print_machine()
    print(load_line())
    print(f"race: tuiconc {' '.join(ARGS)} — 3 lanes × {SIZE // TINY_TASK:,} tasks of {TINY_TASK} numbers; "
          + ("to the end" if args.full else f"watched for {args.window:.0f} s, then cancelled"))
    app = in_the_app(args.window, args.full)
    print(f"in the app ({app['seconds']:.0f} s of race, {'finished' if app['finished'] else 'then cancelled'}):")
    for line in app["race_pane"]:
        print("  |" + line.split("││")[-1].rstrip(" │"))
    for name in ("idle", "race"):
        gaps = app[f"{name}_gaps"]
        print(f"  frame gaps {name:<5} p50 {percentile(gaps, 50):4.0f} ms  p95 {percentile(gaps, 95):4.0f} ms  "
              f"max {max(gaps):5.0f} ms  ({len(gaps)} gaps)")
    ratio = percentile(app["race_gaps"], 95) / percentile(app["idle_gaps"], 95)
    print(f"  frame gap p95 race / idle: {ratio:.2f} (target ≤ 1.2) {'met' if ratio <= 1.2 else 'MISSED'}")
    print(f"  UI process CPU during the race: {app['cpu_percent']:.1f} % of a core")
    verdict = "met" if app["rss_peak"] <= RSS_TARGET_MB else "MISSED"
    print(f"  UI RSS: {app['rss_before']:.1f} MB before, peak {app['rss_peak']:.1f} MB (target ≤ {RSS_TARGET_MB:.0f} MB) "
          f"{verdict}, {app['rss_after']:.1f} MB after; growing {app['rss_slope']:.2f} MB/s while racing")
    flood = headless(args.window, args.full)
    print(f"headless, the same race through the API ({flood['seconds']:.0f} s, "
          f"{'finished' if flood['finished'] else 'then cancelled'}): {flood['events']:,} recorded events, "
          f"{flood['recorded_mb']:.1f} MB as JSON")
    print(f"  {'lane':<22} {'status':<9} {'tasks done':>10} {'run s':>6} {'progress/s':>10} {'activity/s':>10} "
          f"{'all/s':>6} {'busiest 1 s':>11}")
    worst = 0.0
    for name, lane in flood["lanes"].items():
        print(f"  {name:<22} {lane['status']:<9} {lane['tasks']:>10,} {lane['span']:6.1f} {lane['progress']:10.1f} "
              f"{lane['activity']:10.1f} {lane['total']:6.1f} {lane['busiest']:11d}")
        worst = max(worst, lane["progress"])
    busiest = max(lane["busiest"] for lane in flood["lanes"].values())
    print(f"  progress messages per lane per second: at most {worst:.1f} (target ≤ {MESSAGES_TARGET}) "
          f"{'met' if worst <= MESSAGES_TARGET else 'MISSED'}; all messages, busiest second of any lane: {busiest} "
          f"(one progress + one activity per reporter tick: ≤ {2 * MESSAGES_TARGET})")

    print(load_line())


if __name__ == "__main__":
    sys.exit(main())
