"""The progress board: one counter per worker, written only by its own worker, so no locks.

Threads share plain lists; processes share the same layout in shared memory.
"""

from __future__ import annotations

import time
from typing import Callable, MutableSequence


class Board:
    def __init__(self, counts: MutableSequence[int], first_task: MutableSequence[float]):
        self.counts = counts
        # first_task[0]: time.monotonic() when any worker began its first task (0.0 = not yet).
        self.first_task = first_task

    @classmethod
    def local(cls, workers: int) -> "Board":
        return cls([0] * workers, [0.0])

    @classmethod
    def shared(cls, workers: int, context) -> "Board":
        return cls(context.RawArray("q", workers), context.RawArray("d", 1))

    def bumper(self, slot: int) -> Callable[[int], None]:
        counts = self.counts

        def bump(n: int) -> None:
            counts[slot] += n

        return bump

    def mark_task_start(self) -> None:
        if not self.first_task[0]:
            self.first_task[0] = time.monotonic()

    def read(self) -> list[int]:
        return list(self.counts)
