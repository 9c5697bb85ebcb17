"""Recordings: everything a race showed, with timestamps, so it can be replayed exactly.

A recording is one JSON document:

    {"format": "tuiconc-recording", "version": 1, "tuiconc": "0.1.0",
     "config": {...RaceConfig fields...}, "machine": {...}, "origin": <monotonic of t=0>,
     "cpu_ids": [0, 1], "lanes": [{"runner", "label", "total"}, ...],
     "events": [[t, kind, payload], ...]}

`t` is seconds since the race started. Kinds:
- "status":  {"status", "error", "expected"}       the race's status changed
- "spawn":   {"lane", "pid", "at"}                  a lane's process started (at: monotonic)
- "message": {"lane", "message"}                    an arena protocol message, as sent
- "settle":  {"lane", "fields"}                     a lane's last word once its process ended
- "cores":   {"cores": [...], "lanes": {name: [cores_now, rss_mb]}}   one sampler reading
- "round":   {"round"}                             a repeated race's next round begins: fresh lanes (v2)

Version 2 added "round"; version 1 recordings (one run of each lane) replay unchanged.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Callable

from tuiconc import __version__
from tuiconc.engine.jsonfile import read_json
from tuiconc.engine.outputs import write_atomically

FORMAT = "tuiconc-recording"
VERSION = 2
READABLE_VERSIONS = (1, 2)


class RecordingError(ValueError):
    """A file that is not a recording this version can replay; the message says which and why."""


class Recorder:
    def __init__(self, clock: Callable[[], float], origin: float):
        self.clock, self.origin = clock, origin
        self.events: list[list] = []
        self._lock = threading.Lock()

    def record(self, kind: str, payload: dict) -> None:
        with self._lock:
            self.events.append([round(self.clock() - self.origin, 6), kind, payload])

    def copy(self) -> list[list]:
        with self._lock:
            return list(self.events)


@dataclass
class Recording:
    config: dict
    machine: dict
    origin: float
    cpu_ids: list[int]
    lanes: list[dict] = field(default_factory=list)  # {"runner", "label", "total"} in lane order
    events: list[list] = field(default_factory=list)

    @property
    def duration_s(self) -> float:
        return self.events[-1][0] if self.events else 0.0

    def to_json(self) -> dict:
        return {"format": FORMAT, "version": VERSION, "tuiconc": __version__, "config": self.config,
                "machine": self.machine, "origin": self.origin, "cpu_ids": self.cpu_ids, "lanes": self.lanes,
                "events": self.events}

    def save(self, path: str) -> None:
        write_atomically(path, json.dumps(self.to_json(), separators=(",", ":")))


def load(path: str) -> Recording:
    document = read_json(path, RecordingError, "a tuiconc recording")
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise RecordingError(f"{path!r} is not a tuiconc recording (no \"format\": \"{FORMAT}\")")
    if document.get("version") not in READABLE_VERSIONS:
        raise RecordingError(f"{path!r} is a version {document.get('version')} recording; "
                             f"this tuiconc replays versions {' and '.join(map(str, READABLE_VERSIONS))}")
    try:
        recording = Recording(config=dict(document["config"]), machine=dict(document["machine"]),
                              origin=float(document["origin"]), cpu_ids=list(document["cpu_ids"]),
                              lanes=[dict(lane) for lane in document["lanes"]], events=list(document["events"]))
        if any(not isinstance(e, list) or len(e) != 3 for e in recording.events):
            raise ValueError("malformed event")
    except (KeyError, TypeError, ValueError) as error:
        raise RecordingError(f"{path!r} is a damaged tuiconc recording ({error})") from None
    return recording
