"""Workloads that exist to show a mistake next to its fix (the pitfall labs)."""

from __future__ import annotations

import threading
import time

from tuiconc.tunables import SUM_SQUARES_BLOCK
from tuiconc.workloads.base import plan_tasks, Bump, Options, Task, Workload
from tuiconc.workloads.cpu import SumSquares


class _SharedCounter:
    """One counter for every thread of a lane: the shared state a race condition corrupts."""

    def __init__(self) -> None:
        self.value = 0
        self.lock = threading.Lock()


_counter = _SharedCounter()


class Counter(Workload):
    name = "counter"
    kind = "pitfall"
    default_size = 20_000
    max_size = 10_000_000
    unit = "increments"
    description = "Threads add 1 to a shared counter N times in all: read, yield, write back."
    hidden = True

    def prepare(self, asynchronous: bool) -> None:
        _counter.value = 0

    def run_task(self, task: Task, bump: Bump, options: Options, resource=None) -> int:
        counter, locked = _counter, options.variant == "locked"
        for _ in range(*task):
            if locked:
                with counter.lock:
                    value = counter.value
                    time.sleep(0)  # a thread switch mid-update, harmless under the lock
                    counter.value = value + 1
            else:
                value = counter.value
                time.sleep(0)  # a thread switch mid-update: another thread's increment is overwritten
                counter.value = value + 1
            bump(1)
        return task[1] - task[0]

    def combine(self, partials) -> int:
        return _counter.value  # what the shared counter ended at, not what the threads think they did

    def expected(self, size: int, options: Options) -> int:
        return size

    def shortfall(self, answer: int, expected: int) -> str:
        return f"{expected - answer:,} of {expected:,} increments lost: threads overwrote each other's updates"


TINY_TASK = 100  # numbers per task: far less work than it costs to send a task to another process


class TinyTasks(Workload):
    name = "tiny-tasks"
    kind = "pitfall"
    default_size = 4_000_000
    max_size = 100_000_000
    unit = "numbers"
    description = "Sum of squares below N in tasks of 100 numbers: each task is cheaper than its trip to a process."
    hidden = True

    def plan(self, size: int, workers: int, items_per_task: int | None = None) -> list[Task]:
        return plan_tasks(size, workers, items_per_task=items_per_task or TINY_TASK)

    def run_task(self, task: Task, bump: Bump, options: Options, resource=None) -> int:
        start, stop = task
        total = 0
        for i in range(start, stop):
            total += i * i
        bump(stop - start)
        return total

    def expected(self, size: int, options: Options) -> int:
        return SumSquares().expected(size, options)


assert TINY_TASK < SUM_SQUARES_BLOCK  # tiny means tiny: less than one progress block of the real workload
