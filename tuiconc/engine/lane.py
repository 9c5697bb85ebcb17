"""One lane as the race sees it: its arena process, its events, its measurements (plain data)."""

from __future__ import annotations

import collections
import os
import json
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Literal

from tuiconc import tunables
from tuiconc.arena import protocol
from tuiconc.engine.interpreter_probe import safe_path_flag
from tuiconc.engine.lanefolders import make_lane_folder
from tuiconc.engine.spawn import end_group, launch
from tuiconc.engine.thread_states import ThreadStates
from tuiconc.engine.timeline import Timeline

# How a lane stands; the type checker holds every status string in the engine and front ends to these.
LaneStatus = Literal["waiting", "starting", "running", "finished", "failed", "cancelled"]
MB = 1024 * 1024
READERS_GRACE_S = 2.0  # after the arena exits, for its pipes to drain


@dataclass
class LaneState:
    runner: str
    label: str = ""  # how the lane is called; the runner's name unless a lab names it
    status: LaneStatus = "waiting"
    total: int = 0
    done: int = 0
    per_worker: list[int] = field(default_factory=list)
    answer: int | None = None
    expected: int | None = None
    correct: bool | None = None
    wall_s: float | None = None
    startup_s: float | None = None
    cpu_s: float | None = None
    cores: float | None = None
    speedup: float | None = None
    efficiency: float | None = None
    peak_rss_mb: float | None = None
    workers: int | None = None
    start_method: str | None = None
    error: str | None = None
    place: int | None = None
    pid: int | None = None
    python: str | None = None
    gil_enabled: bool | None = None
    # Live figures, filled in by the race's snapshot.
    elapsed_s: float = 0.0
    cores_now: float = 0.0
    rss_mb_now: float = 0.0
    finished_at: float = 0.0  # time.monotonic() when its result arrived
    extra: dict = field(default_factory=dict)  # runner-specific figures, e.g. loop_lag_max_ms
    started_s: float | None = None  # when its process was spawned, in seconds since the race started
    # Over repeated runs: how many runs the figures above summarise (medians), and their ranges.
    runs: int = 1
    wall_min_s: float | None = None
    wall_max_s: float | None = None
    speedup_min: float | None = None
    speedup_max: float | None = None
    # What else ran while the lane worked, from the sampler, over the sampled_s seconds it watched
    # the lane from its arena's start of work: other programs' and tuiconc's own CPU, in cores, and
    # the time the lane's threads waited runnable for a CPU (None: not measured here).
    sampled_s: float | None = None
    others_cores: float | None = None
    front_end_cores: float | None = None
    runqueue_wait_s: float | None = None
    # What its worker threads did, sampled from outside (engine/thread_states.py): shares of their time
    # running, waiting for the GIL, on I/O or a lock, for a CPU; per thread (live: over its last second);
    # the named waits; and why there are none, or what they can't show.
    states: dict[str, float] | None = None
    worker_states: list[dict] = field(default_factory=list)
    waiting_on: dict[str, float] = field(default_factory=dict)
    states_note: str | None = None

    @property
    def name(self) -> str:
        return self.label or self.runner

    @property
    def gil_wait(self) -> float | None:
        """The share of its workers' time spent waiting for the GIL, where it was measured."""
        return self.states["waiting_gil"] if self.states else None

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total else 0.0

    @property
    def active(self) -> bool:
        return self.status in ("starting", "running")

    @property
    def ended(self) -> bool:
        return self.status in ("finished", "failed", "cancelled")

    @property
    def spread(self) -> float | None:
        """Slowest run / fastest run − 1, once there are two runs to compare."""
        if self.runs < 2 or not self.wall_min_s or self.wall_max_s is None:
            return None
        return self.wall_max_s / self.wall_min_s - 1

    @property
    def unstable(self) -> bool:
        return self.spread is not None and self.spread > tunables.UNSTABLE_SPREAD

    def to_json(self) -> dict:
        keys = ("runner", "label", "python", "gil_enabled", "status", "answer", "expected", "correct", "wall_s",
                "startup_s", "cpu_s", "cores", "speedup", "efficiency", "peak_rss_mb", "workers", "start_method",
                "error", "extra", "sampled_s", "others_cores", "front_end_cores", "runqueue_wait_s", "started_s",
                "runs", "wall_min_s", "wall_max_s", "spread", "speedup_min", "speedup_max", "unstable", "states",
                "worker_states", "waiting_on", "states_note")
        return {key: getattr(self, key) for key in keys}


def _exit_reason(returncode: int, stderr_tail: list[str]) -> str:
    if returncode < 0:
        name = signal.Signals(-returncode).name
        return f"the lane's process was killed by {name}"
    last = next((line for line in reversed(stderr_tail) if line.strip()), "")
    return f"the lane's process exited with code {returncode}" + (f": {last.strip()}" if last else "")


def _no_record(kind: str, payload: dict) -> None:
    pass


class LaneTracker:
    """Folds one lane's events into its LaneState. The lock is the race's; `clock` is the race's
    clock (the real one live, a paced one in a replay); `record` sees every event for recordings."""

    def __init__(self, state: LaneState, lock: threading.Lock, timeline: Timeline,
                 clock: Callable[[], float] = time.monotonic, record: Callable[[str, dict], None] = _no_record,
                 origin: float | None = None, on_running: Callable[[int], None] | None = None,
                 thread_states: ThreadStates | None = None):
        self.state = state
        self.thread_states = thread_states  # watches its workers' threads, live races only
        self.origin = origin  # the race's t = 0 on `clock`, for the lane's start time
        self.on_running = on_running  # told the lane's pid when its arena starts working
        self.lock = lock
        self.timeline = timeline
        self.clock = clock
        self.record = record
        self.spawned_at = 0.0
        self.running_since = 0.0
        self.ended_at = 0.0
        self.probe_s = 0.0  # the arena's time learning its GIL's address: tuiconc's start-up, not the lane's

    def mark_spawned(self, pid: int, at: float | None = None) -> None:
        self.spawned_at = self.clock() if at is None else at
        with self.lock:
            self.state.status = "starting"
            self.state.pid = pid
            if self.origin is not None:
                self.state.started_s = self.spawned_at - self.origin
        self.record("spawn", {"lane": self.state.name, "pid": pid, "at": self.spawned_at})

    def receive(self, message: protocol.Message) -> None:
        self.record("message", {"lane": self.state.name, "message": protocol.to_dict(message)})
        if isinstance(message, protocol.Activity):
            self.timeline.add(self.state.name, message.workers)
            return
        if isinstance(message, protocol.Threads):
            if self.thread_states is not None:
                self.thread_states.watch(self.state.name, message.threads)
            return
        with self.lock:
            self._apply(message)

    def _apply(self, message: protocol.Message) -> None:
        state = self.state
        if isinstance(message, protocol.Started):
            self.running_since = self.clock()
            state.status = "running"
            state.workers = message.workers
            state.start_method = message.start_method
            state.python = message.python
            state.gil_enabled = message.gil_enabled
            state.extra = dict(message.extra)
            state.total = message.total or state.total  # a user's tuiconc_items() decides how many items there are
            self.timeline.begin_lane(state.name, message.origin, message.switch_interval_s)
            self.probe_s = message.gil_probe_s
            if self.thread_states is not None:
                self.thread_states.begin(state.name, message.pid, message.gil_enabled, message.gil_futexes)
            if self.on_running is not None:
                self.on_running(message.pid)
        elif isinstance(message, protocol.Progress):
            state.done, state.per_worker = message.done, message.per_worker
        elif isinstance(message, protocol.Finished):
            self.ended_at = state.finished_at = self.clock()
            state.status = "finished"
            state.answer = message.answer
            state.wall_s = message.wall_s
            state.startup_s = max(0.0, message.first_task_at - self.spawned_at - self.probe_s)
            state.cpu_s = message.cpu_s
            state.cores = message.cpu_s / message.wall_s if message.wall_s > 0 else None
            state.peak_rss_mb = max(state.peak_rss_mb or 0.0, message.peak_rss_bytes / MB)
            state.correct = state.expected is None or message.answer == state.expected
            state.extra = {**state.extra, **message.extra}
        elif isinstance(message, protocol.Error):
            self.ended_at = self.clock()
            state.status = "failed"
            state.error = message.message

    def settle(self, **fields) -> None:
        """The lane's last word once its process is gone: status, error, peak memory."""
        with self.lock:
            for name, value in fields.items():
                setattr(self.state, name, value)
            if not self.ended_at:
                self.ended_at = self.clock()
        self.record("settle", {"lane": self.state.name, "fields": fields})

    def elapsed(self, now: float) -> float:
        if not self.running_since:
            return 0.0
        return (self.ended_at or now) - self.running_since


class LaneProcess(LaneTracker):
    """Runs one arena and feeds its messages to the tracker."""

    def __init__(self, state: LaneState, config: dict, lock: threading.Lock, timeline: Timeline,
                 python: str | None = None, record: Callable[[str, dict], None] = _no_record,
                 origin: float | None = None, on_running: Callable[[int], None] | None = None,
                 thread_states: ThreadStates | None = None):
        super().__init__(state, lock, timeline, record=record, origin=origin, on_running=on_running,
                         thread_states=thread_states)
        self.config = config
        self.python = python
        self.process = None
        self.cancelled = False
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=40)
        self._readers: list[threading.Thread] = []
        self.tmpdir = ""

    def start(self) -> None:
        with self.lock:
            self.state.status = "starting"
        spawned_at = self.clock()
        self.tmpdir = make_lane_folder()
        self.process = launch("tuiconc.arena", json.dumps(self.config), python=self.python, tmpdir=self.tmpdir,
                              flags=safe_path_flag(self.python))
        self.mark_spawned(self.process.pid, at=spawned_at)
        self._readers = [
            threading.Thread(target=self._read_messages, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read_stderr(self) -> None:
        for line in self.process.stderr:
            self._stderr_tail.append(line)

    def _read_messages(self) -> None:
        for line in self.process.stdout:
            try:
                message = protocol.decode(line)
            except protocol.ProtocolError:
                self._stderr_tail.append(line)
                continue
            self.receive(message)

    def wait(self, timeout: float | None = None) -> bool:
        """True once the process has exited, its group with it, and every message has been read."""
        if not self._exited(timeout):
            return False
        self._end_group_left_behind()
        returncode = self.process.wait()
        self._join_readers()
        with self.lock:
            ended = self.state.ended
        if self.cancelled and not ended:
            self.settle(status="cancelled")
        elif not ended:
            self.settle(status="failed", error=_exit_reason(returncode, list(self._stderr_tail)))
        readers = dict(zip((self.process.stdout, self.process.stderr), self._readers))
        for stream in (self.process.stdout, self.process.stderr, self.process.stdin):
            reader = readers.get(stream)
            if reader is None or not reader.is_alive():  # closing a pipe a thread still reads would block
                stream.close()
        shutil.rmtree(self.tmpdir, ignore_errors=True)
        return True

    def _exited(self, timeout: float | None) -> bool:
        """Whether the arena has exited, leaving it unreaped: while it is a zombie, its process group's id
        can't be given to another process, so the group can still be ended safely."""
        if not hasattr(os, "waitid"):
            try:
                self.process.wait(timeout)
                return True
            except subprocess.TimeoutExpired:
                return False
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            flags = os.WEXITED | os.WNOWAIT | (0 if deadline is None else os.WNOHANG)
            try:
                if os.waitid(os.P_PID, self.process.pid, flags) is not None:
                    return True
            except ChildProcessError:  # reaped already (cancelled meanwhile)
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    def _end_group_left_behind(self) -> None:
        """A lane's processes never outlive its arena: pool workers, a forkserver or a resource tracker
        left by an arena that died (killed from outside, say) would otherwise idle on until the race ends."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def _join_readers(self) -> None:
        """Read to the end of the arena's pipes. If the arena died (killed from outside, say), its
        workers may live on holding those pipes open: end its whole group rather than wait for them.
        A process that left the group (a user's function started one in a session of its own) may
        hold them still: the lane ends anyway, and the reader ends with that process."""
        for reader in self._readers:
            reader.join(READERS_GRACE_S)
        if any(reader.is_alive() for reader in self._readers):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            for reader in self._readers:
                reader.join(READERS_GRACE_S)

    def kill(self) -> None:
        self.cancelled = True
        if self.process is not None:
            end_group(self.process)
