"""The one psutil sampler: per-core utilisation and each lane's process-tree CPU and memory.

One thread, a few samples a second. psutil keeps cpu_percent baselines per caller, so
everything that wants these figures reads them from here instead of asking psutil itself.
"""

from __future__ import annotations

import collections
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

import psutil

from tuiconc import tunables
from tuiconc.engine.process_table import ProcessTable
from tuiconc.machine import usable_cpu_ids


@dataclass
class TreeSample:
    """A process and all its descendants, and what the rest of the machine did while it was watched."""

    cores_now: float = 0.0  # CPU seconds per second over the last interval
    rss_bytes: int = 0
    peak_rss_bytes: int = 0
    cpu_s: float = 0.0
    watched_s: float = 0.0  # sampled time while it was watched
    others_cpu_s: float = 0.0  # CPU used meanwhile by programs that are neither a lane nor tuiconc's front end
    front_end_cpu_s: float = 0.0  # CPU used meanwhile by tuiconc's front end (UI or CLI, sampler, local server)
    runqueue_wait_s: float | None = None  # time its threads spent runnable, waiting for a CPU (None: unknown)

    def cores(self, cpu_s: float) -> float | None:
        return cpu_s / self.watched_s if self.watched_s > 0 else None

    @property
    def others_cores(self) -> float | None:
        return self.cores(self.others_cpu_s)

    @property
    def front_end_cores(self) -> float | None:
        return self.cores(self.front_end_cpu_s)


@dataclass
class Sample:
    cpu_ids: list[int] = field(default_factory=list)
    cores: list[float] = field(default_factory=list)  # percent per usable CPU
    history: list[list[float]] = field(default_factory=list)
    trees: dict[int, TreeSample] = field(default_factory=dict)
    others_cores: float = 0.0  # other programs' CPU, in cores, over the last few seconds (RECENT_S)
    core_lanes: dict[int, int] = field(default_factory=dict)  # CPU id → root PID of the lane running on it

    @property
    def total_percent(self) -> float:
        return sum(self.cores) / len(self.cores) if self.cores else 0.0


@dataclass
class ProcessReading:
    """One process, read once a tick: what the lane's figures and the cores' owners both need."""

    pid: int
    cpu_s: float  # its own user + system time
    reaped_cpu_s: float  # its children's that it has reaped
    rss_bytes: int
    cpu_num: int  # the CPU it last ran on
    at: float  # time.monotonic() when read


def read_processes(processes: list[psutil.Process]) -> list[ProcessReading]:
    """Each process that still exists, in one pass over its /proc files."""
    readings = []
    for process in processes:
        try:
            with process.oneshot():
                times = process.cpu_times()
                readings.append(ProcessReading(process.pid, times.user + times.system,
                                               times.children_user + times.children_system,
                                               process.memory_info().rss, process.cpu_num(), time.monotonic()))
        except psutil.Error:
            continue
    return readings


SCHEDSTAT = "/proc/self/schedstat"
SCHEDSTAT_MISSING = "this system does not report run-queue waits (Linux /proc/PID/schedstat)"


def runqueue_waits(pids: list[int]) -> dict[tuple[int, int], float]:
    """Seconds each thread of these processes has spent runnable but waiting for a CPU (Linux schedstat)."""
    waits = {}
    for pid in pids:
        folder = f"/proc/{pid}/task"
        try:
            tids = os.listdir(folder)
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"{folder}/{tid}/schedstat", "rb") as stat:
                    waits[(pid, int(tid))] = int(stat.read().split()[1]) / 1e9
            except (OSError, IndexError, ValueError):
                continue
    return waits


def _process(pid: int) -> psutil.Process | None:
    try:
        return psutil.Process(pid)
    except psutil.Error:
        return None  # it has ended


def busy_cpu_seconds(times) -> float:
    """A CPU's time spent running anything: all of it but idle and waiting for I/O."""
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


class CoreOwners:
    """Which lane runs on which core: each busy process of a lane's tree, placed by psutil's cpu_num().

    cpu_num() is the CPU a process last ran on, so only processes busy since the last reading count;
    a core two lanes shared goes to the busier. A lane's threads are one process: four GIL-bound threads
    show as one core's worth, which is the point.
    """

    BUSY_CORES = 0.2  # a process using less than this since the last reading is waiting, not running

    def __init__(self):
        self._last: dict[int, ProcessReading] = {}

    def read(self, trees: dict[int, list[ProcessReading]]) -> dict[int, int]:
        """CPU id → root PID, from each lane's processes as just read (root PID → its tree's readings)."""
        owners: dict[int, tuple[float, int]] = {}  # cpu → (cores, root pid)
        last, self._last = self._last, {}  # forgets the processes that ended
        for pid, readings in trees.items():
            for reading in readings:
                self._last[reading.pid] = reading
                before = last.get(reading.pid)
                if before is None or reading.at <= before.at:
                    continue
                cores = (reading.cpu_s - before.cpu_s) / (reading.at - before.at)
                if cores >= self.BUSY_CORES and cores > owners.get(reading.cpu_num, (0.0, 0))[0]:
                    owners[reading.cpu_num] = (cores, pid)
        return {cpu: pid for cpu, (_, pid) in owners.items()}


class SamplerLike(Protocol):
    """What the front ends read cores from: this machine's sampler, a replay's, or a test's fixed one."""

    def start(self) -> "SamplerLike": ...

    def stop(self) -> None: ...

    def snapshot(self) -> Sample: ...


class Sampler:
    """Per-core CPU, each watched lane's process tree, and everything else the machine ran meanwhile.

    Each tick splits the machine's busy time into the lanes', tuiconc's front end's and other
    programs', and adds the last two to every lane being watched: what disturbed its figures."""

    def __init__(self, hz: float = tunables.SAMPLE_HZ, history: int = tunables.CORE_HISTORY):
        self.interval = 1 / hz
        self.cpu_ids = usable_cpu_ids()
        self._history = [collections.deque([0.0] * history, maxlen=history) for _ in self.cpu_ids]
        self._cores = [0.0] * len(self.cpu_ids)
        self._trees: dict[int, TreeSample] = {}
        self._owners, self._core_lanes = CoreOwners(), {}
        self._table = ProcessTable()
        self._processes: dict[int, psutil.Process] = {}  # the lanes' processes, kept: making one reads /proc
        self._roots: dict[int, psutil.Process] = {}
        self._last: dict[int, tuple[float, float]] = {}
        self._waits: dict[int, dict[tuple[int, int], float]] = {}  # per root: last wait seen per thread
        self._wait_base: dict[int, float] = {}  # per root: its waits before its window began
        self._me = psutil.Process()
        self._front_end = [self._me]  # this process, and helpers like the local HTTP server
        self._unwatched_cpu = 0.0  # lanes let go since the last tick: the CPU already counted for them
        self._recent: collections.deque[tuple[float, float]] = collections.deque()  # (seconds, others' CPU s)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.schedstat = os.path.exists(SCHEDSTAT)

    def start(self) -> "Sampler":
        if self._thread is None:
            self._tick_at = time.monotonic()
            self._busy_at = self._busy_per_cpu()
            self._front_at, self._reaped_at = self._front_end_cpu()
            self._thread = threading.Thread(target=self._loop, name="tuiconc-sampler", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def watch(self, pid: int) -> None:
        process = _process(pid)
        if process is None:
            return
        with self._lock:
            self._roots[pid] = process
            self._trees[pid] = TreeSample(runqueue_wait_s=0.0 if self.schedstat else None)
            self._waits[pid] = {}
        self._sample_tree(pid, read_processes([process]))  # its first reading: it has no children yet

    def begin_window(self, pid: int) -> None:
        """From now on, what the machine does counts against this tree: its work begins (its
        interpreter's start and imports, slow on a busy machine, are start-up, not work)."""
        with self._lock:
            tree = self._trees.get(pid)
            if tree is None:
                return
            tree.watched_s = tree.others_cpu_s = tree.front_end_cpu_s = 0.0
            self._wait_base[pid] = sum(self._waits.get(pid, {}).values())
            if self.schedstat:
                tree.runqueue_wait_s = 0.0

    def unwatch(self, pid: int) -> TreeSample:
        with self._lock:
            self._roots.pop(pid, None)
            self._last.pop(pid, None)
            self._waits.pop(pid, None)
            self._wait_base.pop(pid, None)
            tree = self._trees.pop(pid, TreeSample())
            self._unwatched_cpu += tree.cpu_s
            return tree

    def count_as_front_end(self, pid: int) -> None:
        """A helper process of tuiconc's (the local HTTP server): its CPU is not another program's."""
        process = _process(pid)
        if process is None:
            return
        with self._lock:
            self._front_end.append(process)

    def tree(self, pid: int) -> TreeSample:
        with self._lock:
            sample = self._trees.get(pid)
            return TreeSample(**vars(sample)) if sample else TreeSample()

    def snapshot(self) -> Sample:
        with self._lock:
            recent_s = sum(seconds for seconds, _ in self._recent)
            return Sample(
                cpu_ids=list(self.cpu_ids),
                cores=list(self._cores),
                history=[list(h) for h in self._history],
                trees={pid: TreeSample(**vars(t)) for pid, t in self._trees.items()},
                others_cores=sum(cpu for _, cpu in self._recent) / recent_s if recent_s else 0.0,
                core_lanes=dict(self._core_lanes),
            )

    # -- the sampling thread -------------------------------------------------------------------
    def _busy_per_cpu(self) -> list[tuple[float, float]]:
        """(busy, total) CPU seconds so far for each usable CPU."""
        times = psutil.cpu_times(percpu=True)
        return [(busy_cpu_seconds(times[i]), sum(times[i])) if i < len(times) else (0.0, 0.0) for i in self.cpu_ids]

    def _front_end_cpu(self) -> tuple[float, float]:
        """The front end's CPU seconds so far, and those of its children it has reaped.

        A lane's arena, once reaped, adds its whole CPU (its workers' included) to our children's
        times: the part of its CPU that no tick of its own saw, if it ended between ticks."""
        total, reaped = 0.0, 0.0
        for process in list(self._front_end):
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            total += times.user + times.system
            if process is self._me:
                reaped = times.children_user + times.children_system
        return total, reaped

    def _list_trees(self, roots: list[tuple[int, psutil.Process]]) -> dict[int, list[psutil.Process]]:
        """Each lane's processes, its root first, from a fresh look at the process table."""
        if not roots:
            return {}
        self._table.refresh()
        known, self._processes = self._processes, {}
        trees = {}
        for pid, root in roots:
            trees[pid] = [root]
            for child in self._table.descendants(pid):
                process = known.get(child) or _process(child)
                if process is not None:
                    self._processes[child] = process
                    trees[pid].append(process)
        return trees

    def _sample_tree(self, pid: int, readings: list[ProcessReading]) -> float:
        """One lane's tree, as just read; returns the CPU seconds it used since the last reading.
        Children already reaped count through their parent's reaped time, so the sum only grows."""
        cpu = sum(reading.cpu_s + reading.reaped_cpu_s for reading in readings)
        rss = sum(reading.rss_bytes for reading in readings)
        waits = runqueue_waits([reading.pid for reading in readings]) if self.schedstat else {}
        now = time.monotonic()
        with self._lock:
            tree = self._trees.get(pid)
            if tree is None:
                return 0.0
            last = self._last.get(pid)
            used = max(0.0, cpu - last[0]) if last is not None else 0.0
            if last is not None and now > last[1]:
                tree.cores_now = used / (now - last[1])
            self._last[pid] = (cpu, now)
            tree.cpu_s = max(tree.cpu_s, cpu)
            tree.rss_bytes = rss
            tree.peak_rss_bytes = max(tree.peak_rss_bytes, rss)
            if self.schedstat:  # threads that ended keep the wait they had when last seen
                seen = self._waits.setdefault(pid, {})
                seen.update(waits)
                tree.runqueue_wait_s = max(0.0, sum(seen.values()) - self._wait_base.get(pid, 0.0))
        return used

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            now, busy, (front, reaped) = time.monotonic(), self._busy_per_cpu(), self._front_end_cpu()
            elapsed = max(1e-9, now - self._tick_at)
            cores = [100.0 * max(0.0, min(1.0, (b - b0) / (t - t0))) if t > t0 else 0.0
                     for (b, t), (b0, t0) in zip(busy, self._busy_at)]
            machine_used = sum(b - b0 for (b, _), (b0, _) in zip(busy, self._busy_at))
            front_used = max(0.0, front - self._front_at)
            with self._lock:
                reaped_unseen = max(0.0, reaped - self._reaped_at - self._unwatched_cpu)
                self._unwatched_cpu = 0.0
            self._tick_at, self._busy_at, self._front_at, self._reaped_at = now, busy, front, reaped
            with self._lock:
                self._cores = cores
                for history, value in zip(self._history, cores):
                    history.append(value)
                roots = list(self._roots.items())
            trees = {pid: read_processes(processes) for pid, processes in self._list_trees(roots).items()}
            lanes_used = reaped_unseen + sum(self._sample_tree(pid, readings) for pid, readings in trees.items())
            others_used = max(0.0, machine_used - lanes_used - front_used)
            with self._lock:
                for pid, _ in roots:
                    tree = self._trees.get(pid)
                    if tree is not None:
                        tree.watched_s += elapsed
                        tree.others_cpu_s += others_used
                        tree.front_end_cpu_s += front_used
                self._recent.append((elapsed, others_used))
                while sum(seconds for seconds, _ in self._recent) - self._recent[0][0] >= tunables.RECENT_S:
                    self._recent.popleft()
            core_lanes = self._owners.read(trees)
            with self._lock:
                self._core_lanes = core_lanes
