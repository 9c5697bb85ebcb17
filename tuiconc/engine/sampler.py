"""The one psutil sampler: per-core utilisation and each lane's process-tree CPU and memory.

One thread, a few samples a second. psutil keeps cpu_percent baselines per caller, so
everything that wants these figures reads them from here instead of asking psutil itself.
"""

from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

import psutil

from tuiconc import tunables
from tuiconc.machine import usable_cpu_ids


@dataclass
class TreeSample:
    """A process and all its descendants."""

    cores_now: float = 0.0  # CPU seconds per second over the last interval
    rss_bytes: int = 0
    peak_rss_bytes: int = 0
    cpu_s: float = 0.0


@dataclass
class Sample:
    cpu_ids: list[int] = field(default_factory=list)
    cores: list[float] = field(default_factory=list)  # percent per usable CPU
    history: list[list[float]] = field(default_factory=list)
    trees: dict[int, TreeSample] = field(default_factory=dict)
    core_lanes: dict[int, int] = field(default_factory=dict)  # CPU id → root PID of the lane running on it

    @property
    def total_percent(self) -> float:
        return sum(self.cores) / len(self.cores) if self.cores else 0.0


def children_map() -> dict[int, list[int]]:
    """Every process's children, from one pass over the process table (not one per lane)."""
    children: dict[int, list[int]] = collections.defaultdict(list)
    for process in psutil.process_iter(["ppid"]):
        children[process.info["ppid"]].append(process.pid)
    return children


def _descendants(pid: int, children: dict[int, list[int]]) -> list[psutil.Process]:
    found, stack = [], list(children.get(pid, ()))
    while stack:
        child = stack.pop()
        try:
            found.append(psutil.Process(child))
        except psutil.Error:
            continue
        stack.extend(children.get(child, ()))
    return found


def _tree_cpu_and_rss(root: psutil.Process, children: dict[int, list[int]] | None = None) -> tuple[float, int]:
    """Children already reaped count through their parent's children_* times, so the sum only grows."""
    cpu, rss = 0.0, 0
    try:
        processes = [root, *(root.children(recursive=True) if children is None else _descendants(root.pid, children))]
    except psutil.Error:
        return cpu, rss
    for process in processes:
        try:
            with process.oneshot():
                times = process.cpu_times()
                cpu += times.user + times.system + times.children_user + times.children_system
                rss += process.memory_info().rss
        except psutil.Error:
            continue
    return cpu, rss


def _descendant_pids(pid: int, children: dict[int, list[int]]) -> list[int]:
    found, stack = [], list(children.get(pid, ()))
    while stack:
        found.append(stack.pop())
        stack.extend(children.get(found[-1], ()))
    return found


def _process(pid: int) -> psutil.Process | None:
    try:
        return psutil.Process(pid)
    except psutil.Error:
        return None


class CoreOwners:
    """Which lane runs on which core: each busy process of a lane's tree, placed by psutil's cpu_num().

    cpu_num() is the CPU a process last ran on, so only processes busy since the last reading count;
    a core two lanes shared goes to the busier. A lane's threads are one process: four GIL-bound threads
    show as one core's worth, which is the point. The trees are re-listed once a second, not every sample.
    """

    BUSY_CORES = 0.2  # a process using less than this since the last reading is waiting, not running
    RELIST_EVERY = 4

    def __init__(self):
        self._trees: dict[int, list[psutil.Process]] = {}
        self._last: dict[int, tuple[float, float]] = {}  # pid → (CPU seconds, when)
        self._readings = 0

    def read(self, roots: dict[int, psutil.Process], children: dict[int, list[int]] | None = None) -> dict[int, int]:
        """CPU id → root PID; `children` (every process's children, if the caller listed them) saves a listing."""
        self._readings += 1
        relist = self._readings % self.RELIST_EVERY == 1
        owners: dict[int, tuple[float, int]] = {}  # cpu → (cores, root pid)
        for pid, root in roots.items():
            if children is not None:
                known = {process.pid: process for process in self._trees.get(pid, ())}
                self._trees[pid] = [root, *(known.get(p) or _process(p) for p in _descendant_pids(pid, children))]
            elif relist or pid not in self._trees:
                try:
                    self._trees[pid] = [root, *root.children(recursive=True)]
                except psutil.Error:
                    self._trees[pid] = [root]
            for process in self._trees[pid]:
                busy = self._busy_cpu(process) if process is not None else None
                if busy is not None and busy[0] > owners.get(busy[1], (0.0, 0))[0]:
                    owners[busy[1]] = (busy[0], pid)
        for gone in set(self._trees) - set(roots):
            del self._trees[gone]
        if relist:  # forget processes that ended
            alive = {process.pid for tree in self._trees.values() for process in tree if process is not None}
            self._last = {pid: last for pid, last in self._last.items() if pid in alive}
        return {cpu: pid for cpu, (_, pid) in owners.items()}

    def _busy_cpu(self, process: psutil.Process) -> tuple[float, int] | None:
        """(cores used since the last reading, the CPU it is on) for a busy process; None otherwise."""
        try:
            with process.oneshot():
                times, cpu = process.cpu_times(), process.cpu_num()
        except psutil.Error:
            return None
        now, used = time.monotonic(), times.user + times.system
        last = self._last.get(process.pid)
        self._last[process.pid] = (used, now)
        if last is None or now <= last[1]:
            return None
        cores = (used - last[0]) / (now - last[1])
        return (cores, cpu) if cores >= self.BUSY_CORES else None


class SamplerLike(Protocol):
    """What the front ends read cores from: this machine's sampler, a replay's, or a test's fixed one."""

    def start(self) -> "SamplerLike": ...

    def stop(self) -> None: ...

    def snapshot(self) -> Sample: ...


class Sampler:
    def __init__(self, hz: float = tunables.SAMPLE_HZ, history: int = tunables.CORE_HISTORY):
        self.interval = 1 / hz
        self.cpu_ids = usable_cpu_ids()
        self._history = [collections.deque([0.0] * history, maxlen=history) for _ in self.cpu_ids]
        self._cores = [0.0] * len(self.cpu_ids)
        self._trees: dict[int, TreeSample] = {}
        self._owners, self._core_lanes = CoreOwners(), {}
        self._roots: dict[int, psutil.Process] = {}
        self._last: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "Sampler":
        if self._thread is None:
            psutil.cpu_percent(percpu=True)  # the first reading only sets the baseline
            self._thread = threading.Thread(target=self._loop, name="tuiconc-sampler", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def watch(self, pid: int) -> None:
        try:
            process = psutil.Process(pid)
        except psutil.Error:
            return
        with self._lock:
            self._roots[pid] = process
            self._trees[pid] = TreeSample()
        self._sample_tree(pid, process)

    def unwatch(self, pid: int) -> TreeSample:
        with self._lock:
            self._roots.pop(pid, None)
            self._last.pop(pid, None)
            return self._trees.pop(pid, TreeSample())

    def tree(self, pid: int) -> TreeSample:
        with self._lock:
            sample = self._trees.get(pid)
            return TreeSample(**vars(sample)) if sample else TreeSample()

    def snapshot(self) -> Sample:
        with self._lock:
            return Sample(
                cpu_ids=list(self.cpu_ids),
                cores=list(self._cores),
                history=[list(h) for h in self._history],
                trees={pid: TreeSample(**vars(t)) for pid, t in self._trees.items()},
                core_lanes=dict(self._core_lanes),
            )

    def _sample_tree(self, pid: int, root: psutil.Process, children: dict[int, list[int]] | None = None) -> None:
        cpu, rss = _tree_cpu_and_rss(root, children)
        now = time.monotonic()
        with self._lock:
            tree = self._trees.get(pid)
            if tree is None:
                return
            last = self._last.get(pid)
            if last is not None and now > last[1]:
                tree.cores_now = max(0.0, (cpu - last[0]) / (now - last[1]))
            self._last[pid] = (cpu, now)
            tree.cpu_s = max(tree.cpu_s, cpu)
            tree.rss_bytes = rss
            tree.peak_rss_bytes = max(tree.peak_rss_bytes, rss)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            per_cpu = psutil.cpu_percent(percpu=True)
            cores = [per_cpu[i] if i < len(per_cpu) else 0.0 for i in self.cpu_ids]
            with self._lock:
                self._cores = cores
                for history, value in zip(self._history, cores):
                    history.append(value)
                roots = list(self._roots.items())
            children = children_map() if len(roots) > 1 else None
            for pid, root in roots:
                self._sample_tree(pid, root, children)
            core_lanes = self._owners.read(dict(roots), children)
            with self._lock:
                self._core_lanes = core_lanes
