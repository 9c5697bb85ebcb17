"""What each worker thread is doing: running, waiting for the GIL, waiting on I/O or a lock, waiting for a CPU.

Sampled from outside the lane, on a thread of its own (not the lane's process, not the UI's event
loop), from Linux's /proc:

- `/proc/PID/task/TID/schedstat`: the thread's time on a CPU and its time runnable but waiting
  for one, exactly (the scheduler counts them). The rest of its time it was blocked;
- `/proc/PID/task/TID/syscall`, read 200 times a second: the system call it is blocked in. A futex
  wait on one of its process's GIL addresses (learned by the arena, `arena/gil_address.py`) is a
  wait for the GIL; anything else is a wait on I/O or a lock, named (sleep, selector, read, lock…).

So running and waiting for a CPU are measured, and the blocked time is split between the GIL and
everything else in the proportion the samples saw. Files stay open and are re-read with `pread`:
a sample of one thread costs a few microseconds. Reading `syscall` needs the right to trace the
lane (the front end is its parent: allowed under Linux's default ptrace policy).
"""

from __future__ import annotations

import collections
import os
import platform
import sys
import threading
import time
from array import array
from dataclasses import dataclass, field
from typing import Callable, NamedTuple

from tuiconc.arena.gil_address import FUTEX, parse_syscall

STATES = ("running", "waiting_gil", "waiting_io", "waiting_cpu")
HZ = 200
# Each sample, for the timeline: on a CPU or runnable, waiting for the GIL, waiting on anything else.
RUNNABLE, GIL, OTHER = 0, 1, 2
FLUSH_EVERY = 20  # ticks between handing the samples to the timeline: 10 times a second
KINDS_KEPT = 64  # texts a thread's syscall file read as before, remembered: most samples repeat one
PER_TICK = 16  # threads sampled per tick at most: the sampler's cost stays bounded however many there are
SCHEDSTAT_EVERY_S = 0.009  # every other sample, at HZ
MARK_EVERY_S = 0.05  # a thread's recent readings, kept for its last second, this far apart
RECENT_S = 1.0  # what a worker is doing "now": its last second
GIL_SPAN = 128  # bytes either side of the learned addresses: the GIL's mutex and condition variables lie together

# What a blocked thread waits on, by system call (Linux's unistd tables); any other is named by number.
_CALLS = {
    "x86_64": {0: "read", 7: "poll", 17: "read", 23: "select", 35: "sleep", 43: "accept", 45: "recv",
               47: "recv", 61: "child process", 230: "sleep", 232: "selector", 270: "select", 271: "poll",
               281: "selector", 288: "accept", 441: "selector", 202: "lock", 449: "lock", 1: "write", 44: "send",
               42: "connect", 2: "open", 257: "open"},
    "aarch64": {63: "read", 67: "read", 73: "poll", 72: "select", 101: "sleep", 115: "sleep", 202: "accept",
                207: "recv", 212: "recv", 260: "child process", 22: "selector", 441: "selector", 242: "accept",
                98: "lock", 449: "lock", 64: "write", 206: "send", 203: "connect", 56: "open"},
}
ARCHITECTURE = "aarch64" if platform.machine() == "arm64" else platform.machine()
CALL_NAMES = _CALLS.get(ARCHITECTURE, {})
SELECTS = {"x86_64": (23, 270), "aarch64": (72,)}.get(ARCHITECTURE, ())


def unavailable_reason() -> str | None:
    """Why thread states can't be read on this system at all, or None."""
    if not sys.platform.startswith("linux"):
        return "thread states are read from Linux's /proc; this system has none"
    if FUTEX is None:
        return f"thread states know Linux's system calls on x86_64 and aarch64, not on {platform.machine()}"
    if not os.path.exists("/proc/self/task"):
        return "/proc is not mounted here"
    return None


def wait_kind(text: bytes, gil: tuple[int, ...]) -> str | None:
    """What a `syscall` file says the thread waits for: "gil", a named wait, or None (on or waiting for a CPU)."""
    call = parse_syscall(text)
    if call is None:
        return None if text.startswith(b"running") else "not in a system call"
    number, address = call
    if number in SELECTS and address == 0:
        return "sleep"  # select() on no file descriptors: how Python 3.10 sleeps
    if number == FUTEX and gil and gil[0] - GIL_SPAN <= address <= gil[-1] + GIL_SPAN:
        return "gil"
    return CALL_NAMES.get(number, f"system call {number}")


class Mark(NamedTuple):
    """A thread's counters at one moment: CPU and run-queue nanoseconds, and the blocked samples so far.
    A tuple: one is made 200 times a second a thread."""

    at: float
    run_ns: int
    queue_ns: int
    gil: int
    other: int


def split(first: Mark, last: Mark) -> dict[str, float]:
    """Seconds in each state between two marks: running and waiting for a CPU as the scheduler counted them,
    the blocked rest split between the GIL and other waits as the samples saw it."""
    window = max(0.0, last.at - first.at)
    running = max(0, last.run_ns - first.run_ns) / 1e9
    waiting_cpu = max(0, last.queue_ns - first.queue_ns) / 1e9
    if running + waiting_cpu > window:  # the counters and our clock disagree by a tick: trust the counters
        window = running + waiting_cpu
    blocked = window - running - waiting_cpu
    gil, other = last.gil - first.gil, last.other - first.other
    waiting_gil = blocked * gil / (gil + other) if gil + other else 0.0
    return {"running": running, "waiting_gil": waiting_gil, "waiting_io": blocked - waiting_gil,
            "waiting_cpu": waiting_cpu}


def shares(seconds: dict[str, float]) -> dict[str, float]:
    total = sum(seconds[state] for state in STATES)
    return {state: round(max(0.0, seconds[state]) / total, 3) if total else 0.0 for state in STATES}


def add(into: dict[str, float], seconds: dict[str, float]) -> None:
    for state in STATES:
        into[state] = into.get(state, 0.0) + seconds[state]


class WatchedThread:
    def __init__(self, pid: int, tid: int, slots: list[int], gil: tuple[int, ...]):
        self.pid, self.tid, self.slots, self.gil = pid, tid, slots, gil
        folder = f"/proc/{pid}/task/{tid}"
        self.syscall = os.open(f"{folder}/syscall", os.O_RDONLY | os.O_CLOEXEC)
        try:
            self.schedstat = os.open(f"{folder}/schedstat", os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            os.close(self.syscall)
            raise
        self.gil_samples = self.other_samples = 0
        self.named: collections.Counter[str] = collections.Counter()
        self.times, self.codes = array("d"), array("b")  # samples not yet handed to the timeline
        self.kinds: dict[bytes, str | None] = {}  # syscall file text → wait_kind, as read before
        self.marks: collections.deque[Mark] = collections.deque()
        self.ended = False
        self.last = self.first = self.mark(time.monotonic())

    def sample(self, now: float) -> None:
        """Where the thread is now, and every other time its counters (they are exact): the last reading bounds
        its window, so a thread that ends loses at most 10 ms. The hot path: 200 times a second a thread."""
        text = os.pread(self.syscall, 256, 0)
        kind = self.kinds.get(text, "")  # a thread blocked where it was last time reads the same text
        if kind == "":
            kind = self.kinds[text] = wait_kind(text, self.gil)
            if len(self.kinds) > KINDS_KEPT:
                self.kinds.clear()
        if kind is None:
            code = RUNNABLE
        elif kind == "gil":
            code = GIL
            self.gil_samples += 1
        else:
            code = OTHER
            self.other_samples += 1
            self.named[kind] += 1
        if now - self.last.at >= SCHEDSTAT_EVERY_S:
            self.mark(now)
        self.times.append(now)
        self.codes.append(code)

    def mark(self, now: float) -> Mark:
        fields = os.pread(self.schedstat, 128, 0).split(None, 2)
        self.last = last = Mark(now, int(fields[0]), int(fields[1]), self.gil_samples, self.other_samples)
        marks = self.marks
        if not marks or now - marks[-1].at >= MARK_EVERY_S:
            marks.append(last)
            if len(marks) > 2 and now - marks[1].at >= RECENT_S:
                marks.popleft()
        return last

    def close(self) -> None:
        if not self.ended:
            self.ended = True
            os.close(self.syscall)
            os.close(self.schedstat)

    def whole(self) -> dict[str, float]:
        return split(self.first, self.last)

    def recent(self) -> dict[str, float]:
        return split(self.marks[0], self.last)


@dataclass
class LaneStates:
    """A lane's threads' states: shares of their sampled time, the lane's and each thread's."""

    states: dict[str, float] | None = None  # running, waiting_gil, waiting_io, waiting_cpu: shares summing to 1
    workers: list[dict] = field(default_factory=list)  # per thread: pid, tid, workers on it, and its shares
    waiting_on: dict[str, float] = field(default_factory=dict)  # the named waits, as shares of all sampled time
    note: str | None = None  # why there are none, or what they can't show

    def fields(self) -> dict:
        """As LaneState's fields."""
        return {"states": self.states, "worker_states": self.workers, "waiting_on": self.waiting_on,
                "states_note": self.note}


class ThreadStates:
    """Samples the watched lanes' worker threads, HZ times a second, on a thread of its own."""

    def __init__(self, hz: float = HZ, on_samples: Callable[[str, list[int], array, array], None] | None = None):
        self.interval = 1 / hz
        self.on_samples = on_samples  # (lane, its worker slots, sample times, RUNNABLE/GIL/OTHER): the timeline
        self._lanes: dict[str, dict[tuple[int, int], WatchedThread]] = {}
        self._gil: dict[str, tuple[int, tuple[int, ...]]] = {}  # lane → (its arena's pid, its GIL's futexes)
        self._notes: dict[str, str] = {}
        self._missed: dict[str, int] = {}  # threads that ended before they could be watched
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "ThreadStates":
        if self._thread is None and unavailable_reason() is None:
            self._thread = threading.Thread(target=self._loop, name="tuiconc-thread-states", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            for threads in self._lanes.values():
                for thread in threads.values():
                    thread.close()

    def begin(self, lane: str, pid: int, gil_enabled: bool, gil_futexes: list[int]) -> None:
        """A lane's arena started: its pid, and the GIL addresses it learned."""
        with self._lock:
            self._gil[lane] = (pid, tuple(sorted(gil_futexes)))
            self._lanes.setdefault(lane, {})
            if not gil_enabled:
                self._notes[lane] = "no GIL in this interpreter: its threads run or wait, never for a GIL"

    def watch(self, lane: str, threads: list[list[int]]) -> None:
        """The lane's workers run on these threads so far: [pid, native thread id, first worker, workers] each."""
        slots: dict[tuple[int, int], list[int]] = {}
        for pid, tid, first, count in threads:
            slots.setdefault((pid, tid), []).extend(range(first, first + count))
        with self._lock:
            arena, gil = self._gil.get(lane, (0, ()))
            watched = self._lanes.setdefault(lane, {})
            for (pid, tid), its_slots in slots.items():
                if (pid, tid) in watched:
                    watched[(pid, tid)].slots = its_slots
                    continue
                try:
                    watched[(pid, tid)] = WatchedThread(pid, tid, its_slots, gil if pid == arena else ())
                except PermissionError:
                    self._notes[lane] = ("not allowed to read the lane's threads' system calls (ptrace is "
                                         "restricted here: /proc/sys/kernel/yama/ptrace_scope)")
                except OSError:  # it has ended already
                    self._missed[lane] = self._missed.get(lane, 0) + 1

    def read(self, lane: str, recent: bool = False) -> LaneStates:
        """The lane's states so far (each worker's over its last second with `recent`)."""
        reason = unavailable_reason()
        if reason:
            return LaneStates(note=reason)
        with self._lock:
            threads = list(self._lanes.get(lane, {}).values())
            note, missed = self._notes.get(lane), self._missed.get(lane, 0)
            arena, gil = self._gil.get(lane, (0, ()))
            if note is None and not gil and any(thread.pid == arena for thread in threads):
                note = "the GIL's address could not be learned here: waits for it count as lock waits"
            if missed:
                note = "; ".join(filter(None, (note, f"{missed} worker thread{'s' if missed > 1 else ''} ended "
                                                      f"before {'they' if missed > 1 else 'it'} could be watched")))
            if not threads:
                return LaneStates(note=note or "no worker thread reported itself to be watched (a cluster runs its "
                                                "tasks in processes of its own)")
            total: dict[str, float] = {}
            named: dict[str, float] = {}
            workers = []
            for thread in threads:
                seconds = thread.whole()
                add(total, seconds)
                for name, count in thread.named.items():  # the other waits' time, shared as they were sampled
                    named[name] = named.get(name, 0.0) + seconds["waiting_io"] * count / thread.other_samples
                workers.append({"pid": thread.pid, "tid": thread.tid, "workers": len(thread.slots),
                                **shares(thread.recent() if recent and not thread.ended else seconds)})
        all_s = sum(total.values())
        waiting_on = {name: round(s / all_s, 3) for name, s in sorted(named.items(), key=lambda item: -item[1])
                      if all_s and s / all_s >= 0.001}
        return LaneStates(states=shares(total), workers=workers, waiting_on=waiting_on, note=note)

    def end(self, lane: str) -> LaneStates:
        """The lane has ended: its threads' states over the whole run; they are watched no more."""
        with self._lock:
            for thread in self._lanes.get(lane, {}).values():
                if not thread.ended:
                    self._final_mark(thread)
                    thread.close()
            self._flush(lane)
        states = self.read(lane)
        with self._lock:
            self._lanes.pop(lane, None)
            self._gil.pop(lane, None)
            self._notes.pop(lane, None)
            self._missed.pop(lane, None)
        return states

    # -- the sampling thread -------------------------------------------------------------------
    def _final_mark(self, thread: WatchedThread) -> None:
        try:
            thread.mark(time.monotonic())
        except OSError:
            pass

    def _flush(self, lane: str) -> None:
        """Hand the lane's samples so far to the timeline (under the lock)."""
        for thread in self._lanes.get(lane, {}).values():
            if thread.times and self.on_samples is not None:
                self.on_samples(lane, thread.slots, thread.times, thread.codes)
            thread.times, thread.codes = array("d"), array("b")

    def _loop(self) -> None:
        turn = tick = 0
        while not self._stop.is_set():
            time.sleep(self.interval)  # cheaper than Event.wait's timed lock, 200 times a second
            tick += 1
            with self._lock:
                if tick % FLUSH_EVERY == 0:
                    for lane in self._lanes:
                        self._flush(lane)
                threads = [thread for lane in self._lanes.values() for thread in lane.values() if not thread.ended]
                if len(threads) > PER_TICK:  # many threads: a fair share of them each tick, in turn
                    turn = (turn + PER_TICK) % len(threads)
                    threads = (threads[turn:] + threads[:turn])[:PER_TICK]
                now = time.monotonic()
                for thread in threads:
                    try:
                        thread.sample(now)
                    except (OSError, IndexError, ValueError):  # the thread has ended: its last mark stands
                        thread.close()
