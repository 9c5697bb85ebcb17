"""Whether a loaded recording is one a replay can play to its end: every field, type and range.

A recording is a file someone may have edited, truncated or made up; everything the replay
will touch is checked here first, so a damaged file is refused with one sentence instead of
failing halfway through a replay.
"""

from __future__ import annotations

import typing

from tuiconc import tunables
from tuiconc.arena import protocol
from tuiconc.engine.config import (check_lab, check_latency, check_mode, check_payload, check_repeat, check_size, check_workers, check_workload)
from tuiconc.engine.lane import LaneState, LaneStatus
from tuiconc.engine.race import RaceStatus
from tuiconc.engine.recording import Recording
from tuiconc.engine.thread_states import STATES
from tuiconc.engine.schema import fields_problem, is_number, matches
from tuiconc.machine import machine_facts
from tuiconc.runners import RUNNERS
from tuiconc.workloads import looks_like_spec
from tuiconc.workloads.user_spec import SpecError, parse_spec

CONFIG_TYPES = {"workload": "str", "size": "int | None", "workers": "int", "runners": "list[str]", "mode": "str",
                "start_method": "str", "latency_ms": "int", "payload_bytes": "int", "url": "str | None",
                "lab": "str | None", "pythons": "list[list[str]]", "repeat": "int", "dask_scheduler": "str | None",
                "items_per_task": "int | None", "switch_interval_ms": "float | None"}
PAYLOAD_TYPES = {
    "status": {"status": "str", "error": "str | None", "expected": "int | None"},
    "spawn": {"lane": "str", "pid": "int", "at": "float"},
    "message": {"lane": "str", "message": "dict"},
    "settle": {"lane": "str", "fields": "dict"},
    "cores": {"cores": "list[float]", "lanes": "dict[str, list[float]]"},
    "round": {"round": "int"},
    "samples": {"lane": "str", "slots": "list[int]", "times": "list[float]", "codes": "list[int]"},
}
STATUSES = {"LaneStatus": typing.get_args(LaneStatus)}
RACE_STATUSES = typing.get_args(RaceStatus)
MAX_LANES = 64
MAX_CPUS = 4096


def recording_problem(recording: Recording) -> str | None:
    """What makes this recording unplayable, in words, or None."""
    return (_config_problem(recording.config) or _machine_problem(recording.machine)
            or _header_problem(recording) or _events_problem(recording))


def _config_problem(config: dict) -> str | None:
    for name, value in config.items():
        if name not in CONFIG_TYPES:
            return f"its settings have an unknown field {name!r}"
        if not matches(value, CONFIG_TYPES[name]):
            return f"its setting {name} is {value!r:.40}, not {CONFIG_TYPES[name]}"
    if "workload" not in config:
        return "its settings name no workload"
    lab = config.get("lab")
    problem = ((check_lab(lab) if lab is not None else None) or _workload_problem(config["workload"], lab)
               or check_mode(config.get("mode", "isolated"))
               or check_latency(config.get("latency_ms", 0)) or check_payload(config.get("payload_bytes", 0))
               or check_repeat(config.get("repeat", 1)))
    if problem is None and config.get("size") is not None:
        problem = check_size(config["workload"], config["size"])
    if problem is None and "workers" in config:
        problem = check_workers(config["workers"], config.get("runners", ()))
    if problem is None and any(len(pair) != 2 for pair in config.get("pythons", ())):
        problem = "its --python settings are not LANE=PATH pairs"
    return f"its settings: {problem}" if problem else None


def _workload_problem(name: str, lab: str | None) -> str | None:
    """A user's function need not exist where its recording is replayed: its name is checked for form only."""
    if looks_like_spec(name):
        try:
            parse_spec(name)
        except SpecError as error:
            return str(error)
        return None
    return check_workload(name, lab)


def _machine_problem(machine: dict) -> str | None:
    here = machine_facts()
    if not isinstance(machine.get("usable_cpus"), int) or not 1 <= machine["usable_cpus"] <= MAX_CPUS:
        return "its machine has no usable CPU count"
    for name, value in machine.items():
        expected = here.get(name)
        if name in here and expected is not None and value is not None and \
                not (type(value) is type(expected) or (is_number(value) and is_number(expected))):
            return f"its machine's {name} is {value!r:.40}"
        if name not in here and isinstance(value, (list, dict)):
            return f"its machine's {name} is not a plain value"
    return None


def _header_problem(recording: Recording) -> str | None:
    if not is_number(recording.origin):
        return "its start time is not a number"
    if not matches(recording.cpu_ids, "list[int]") or not 1 <= len(recording.cpu_ids) <= MAX_CPUS:
        return "its CPU list is not a list of CPU numbers"
    if not 1 <= len(recording.lanes) <= MAX_LANES:
        return f"it has {len(recording.lanes)} lanes; a race has 1 to {MAX_LANES}"
    for lane in recording.lanes:
        if not (matches(lane.get("runner"), "str") and matches(lane.get("label"), "str")
                and matches(lane.get("total"), "int")):
            return "a lane lacks its runner, label or total"
        if lane["runner"] not in RUNNERS:
            return f"its lane {lane['label'] or lane['runner']!r} uses a runner this tuiconc does not have"
        if not 0 <= lane["total"] <= 10 ** 12:
            return f"its lane {lane['label'] or lane['runner']!r} has a total of {lane['total']:,}"
    return None


def _events_problem(recording: Recording) -> str | None:
    if not recording.events:
        return "it has no events"
    last = recording.events[-1][0]
    if not is_number(last) or not 0 <= last <= tunables.MAX_REPLAY_S:
        when = f"{last:g}" if is_number(last) else f"{last!r:.40}"
        return f"its last event is at {when} s; a recording lasts 0 to {tunables.MAX_REPLAY_S:,} s"
    limits = _Limits(recording)
    for number, (at, kind, payload) in enumerate(recording.events, 1):
        problem = _event_problem(at, kind, payload, limits)
        if problem:
            return f"event {number:,}: {problem}"
    return None


class _Limits:
    """The ranges this recording's own events must keep to."""

    def __init__(self, recording: Recording):
        self.origin = recording.origin
        self.duration = recording.events[-1][0]
        self.max_bucket = int((self.duration + 1) / tunables.TIMELINE_BUCKET_S)

    def near(self, moment: float) -> bool:
        """A monotonic-clock reading from within the recorded race (give or take a minute)."""
        return self.origin - 60 <= moment <= self.origin + self.duration + 60


def _event_problem(at, kind, payload, limits: _Limits) -> str | None:
    if not is_number(at) or not 0 <= at <= limits.duration:
        return f"its time {at!r:.40} is outside the recording (0 to {limits.duration:g} s)"
    if not isinstance(kind, str) or kind not in PAYLOAD_TYPES:
        return f"unknown kind {kind!r:.40}"
    if not isinstance(payload, dict):
        return f"its {kind} payload is not an object"
    for name, annotation in PAYLOAD_TYPES[kind].items():
        if not matches(payload.get(name), annotation):
            return f"its {kind} field {name} is {payload.get(name)!r:.40}, not {annotation}"
    if kind == "status" and payload["status"] not in RACE_STATUSES:
        return f"unknown race status {payload['status']!r:.40}"
    if kind == "spawn" and not limits.near(payload["at"]):
        return "its spawn time is outside the race"
    if kind == "settle":
        problem = fields_problem(payload["fields"], LaneState, STATUSES) or _states_problem(payload["fields"])
        return f"its settle {problem}" if problem else None
    if kind == "cores" and (any(not 0 <= value <= 100 for value in payload["cores"])
                            or any(len(pair) != 2 for pair in payload["lanes"].values())):
        return "its core readings are out of range"
    if kind == "samples" and (len(payload["times"]) != len(payload["codes"])
                              or any(code not in (0, 1, 2) for code in payload["codes"])
                              or any(not 0 <= at <= limits.duration for at in payload["times"])):
        return "its thread samples are out of range"
    if kind == "message":
        problem = _message_problem(payload["message"], limits)
        return f"its message {problem}" if problem else None
    return None


def _states_problem(fields: dict) -> str | None:
    """Thread states are shares from 0 to 1 of each state, for the lane and for each of its threads."""
    rows = ([fields["states"]] if fields.get("states") is not None else []) + list(fields.get("worker_states", []))
    for row in rows:
        if any(not is_number(row.get(state)) or not 0 <= row[state] <= 1 for state in STATES):
            return f"thread states {row!r:.60} are not shares of {', '.join(STATES)}"
    return None


def _message_problem(body: dict, limits: _Limits) -> str | None:
    body = dict(body)
    if body.pop("v", None) != protocol.VERSION or not isinstance(body.get("type"), str) \
            or body["type"] not in protocol.MESSAGES:
        return "is not an arena message of this version"
    cls = protocol.MESSAGES[body.pop("type")]
    problem = fields_problem(body, cls)
    if problem:
        return problem
    try:
        message = cls(**body)
    except TypeError:
        return f"{cls.__name__.lower()} lacks a field"
    if isinstance(message, protocol.Started) and not limits.near(message.origin):
        return "starts its timeline outside the race"
    if isinstance(message, protocol.Progress) and (message.done < 0 or min(message.per_worker, default=0) < 0):
        return "counts less than nothing done"
    if isinstance(message, protocol.Finished) and any(
            value < 0 for value in (message.wall_s, message.cpu_s, message.peak_rss_bytes)):
        return "has a negative time or memory figure"
    if isinstance(message, protocol.Activity):
        for slot, marks in message.workers.items():
            if not slot.isdigit() or int(slot) > tunables.MAX_WORKERS:
                return f"names a worker {slot!r:.40}"
            if any(len(mark) not in (2, 3) or not 0 <= mark[0] <= limits.max_bucket or min(mark) < 0
                   for mark in marks):
                return "has a timeline mark outside the race"
    return None
