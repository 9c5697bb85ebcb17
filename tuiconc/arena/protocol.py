"""The arena's line protocol: one JSON object per line, versioned, encoded and decoded only here."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

VERSION = 1


@dataclass
class Started:
    """The lane's process is up and about to run its runner."""

    pid: int
    python: str
    implementation: str
    gil_enabled: bool
    runner: str
    workers: int
    start_method: str | None
    total: int
    origin: float  # time.monotonic() of timeline bucket 0; the clock is system-wide
    bucket_s: float
    switch_interval_s: float  # sys.getswitchinterval(): how often the GIL changes hands at most
    extra: dict = field(default_factory=dict)  # what the runner knows from the start: a cluster's dashboard
    # The futex addresses its threads wait on for the GIL (arena/gil_address.py), and the seconds learning
    # them took: start-up that is tuiconc's, not the lane's.
    gil_futexes: list[int] = field(default_factory=list)
    gil_probe_s: float = 0.0


@dataclass
class Progress:
    """Units done so far, in all and per worker; batched to at most PROGRESS_HZ a second."""

    done: int
    per_worker: list[int] = field(default_factory=list)


@dataclass
class Activity:
    """Timeline: per traced worker, [bucket, units done, microseconds executed] for each bucket it executed in
    (recordings from before the microseconds have [bucket, units]: the whole bucket)."""

    workers: dict[str, list[list[int]]] = field(default_factory=dict)


@dataclass
class Threads:
    """The threads the workers run on so far: [process id, native thread id, first worker, workers] for each
    run of consecutive workers on one thread (asyncio's tasks share one; a thread or process has one each)."""

    threads: list[list[int]] = field(default_factory=list)


@dataclass
class Finished:
    answer: int
    wall_s: float  # from the first task's start to the last result
    first_task_at: float  # time.monotonic() in the arena; the clock is system-wide
    cpu_s: float
    peak_rss_bytes: int
    extra: dict = field(default_factory=dict)  # runner-specific figures, e.g. event-loop lag


@dataclass
class Error:
    message: str


MESSAGES = {cls.__name__.lower(): cls for cls in (Started, Progress, Activity, Threads, Finished, Error)}
Message = Started | Progress | Activity | Threads | Finished | Error


class ProtocolError(ValueError):
    pass


def to_dict(message: Message) -> dict:
    # Shallow on purpose: asdict deep-copies, and a progress message of 10,000 workers' counts
    # would be copied 30 times a second while holding the GIL the workers need.
    fields = {field.name: getattr(message, field.name) for field in dataclasses.fields(message)}
    return {"v": VERSION, "type": type(message).__name__.lower(), **fields}


def from_dict(body: dict) -> Message:
    try:
        body = dict(body)
        if body.pop("v") != VERSION:
            raise ProtocolError(f"unsupported protocol version in {body!r}")
        return MESSAGES[body.pop("type")](**body)
    except (KeyError, TypeError, AttributeError) as error:
        raise ProtocolError(f"not a tuiconc arena message: {str(body)[:200]!r}") from error


def encode(message: Message) -> str:
    return json.dumps(to_dict(message), separators=(",", ":")) + "\n"


def decode(line: str) -> Message:
    try:
        body = json.loads(line)
    except json.JSONDecodeError as error:
        raise ProtocolError(f"not a tuiconc arena message: {line.strip()[:200]!r}") from error
    if not isinstance(body, dict):
        raise ProtocolError(f"not a tuiconc arena message: {line.strip()[:200]!r}")
    return from_dict(body)
