"""The worker timeline as a Chrome trace (Trace Event Format), for Perfetto and chrome://tracing.

One process per lane, one thread per worker, one complete ("X") event per run of
consecutive milliseconds in which the worker executed, and one per run in which its thread
was sampled waiting (for the GIL, on I/O or a lock, for a CPU) instead.
"""

from __future__ import annotations

import json

from tuiconc.engine.outputs import write_atomically
from tuiconc.engine.timeline import Timeline

WAITS = {1: "waiting for a CPU", 2: "waiting for the GIL", 3: "waiting on I/O or a lock"}  # WorkerTrack.states


def trace_events(timeline: Timeline, worker_noun: dict[str, str] | None = None) -> dict:
    micros = timeline.bucket_s * 1_000_000
    events: list[dict] = []
    for pid, lane in enumerate(timeline.lanes(), start=1):
        noun = (worker_noun or {}).get(lane.runner, "worker")
        events.append({"ph": "M", "name": "process_name", "pid": pid, "tid": 0, "args": {"name": lane.runner}})
        events.append({"ph": "M", "name": "process_sort_index", "pid": pid, "tid": 0, "args": {"sort_index": pid}})
        for slot, track in sorted(lane.workers.items()):
            events.append({"ph": "M", "name": "thread_name", "pid": pid, "tid": slot,
                           "args": {"name": f"{noun} {slot}"}})
            for first, stop in track.spans():
                events.append({
                    "ph": "X", "name": "executing", "cat": lane.runner, "pid": pid, "tid": slot,
                    "ts": round(first * micros), "dur": round((stop - first) * micros),
                    "args": {"units": sum(track.units[first:stop])},
                })
            for first, stop, state in track.state_runs():
                events.append({"ph": "X", "name": WAITS[state], "cat": "state", "pid": pid, "tid": slot,
                               "ts": round(first * micros), "dur": round((stop - first) * micros)})
    return {"traceEvents": events, "displayTimeUnit": "ms"}


def write_trace(timeline: Timeline, path: str, worker_noun: dict[str, str] | None = None) -> None:
    write_atomically(path, json.dumps(trace_events(timeline, worker_noun), separators=(",", ":")))
