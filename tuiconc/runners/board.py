"""The progress board: per-worker counters and activity rings, each written only by its own
worker, so no locks.

Threads share plain lists; processes share the same layout in shared memory. Every bump
adds to the worker's counter and marks the current 1 ms bucket of its activity ring, so the
timeline shows when each worker really executed (measured inside the worker, not guessed).
"""

from __future__ import annotations

import time
from typing import Callable, MutableSequence

from tuiconc.tunables import TIMELINE_BUCKET_S, TIMELINE_MAX_WORKERS, TIMELINE_RING


class Board:
    def __init__(self, counts: MutableSequence[int], first_task: MutableSequence[float],
                 bucket_ids: MutableSequence[int], bucket_counts: MutableSequence[int], origin: float,
                 worker_cpu_s: MutableSequence[float], worker_peak_rss: MutableSequence[int]):
        self.counts = counts
        # Worker processes write their own CPU seconds and peak RSS here (threads leave them 0).
        self.worker_cpu_s = worker_cpu_s
        self.worker_peak_rss = worker_peak_rss
        # first_task[0]: time.monotonic() when any worker began its first task (0.0 = not yet).
        self.first_task = first_task
        # Ring slot r of worker w is at w * TIMELINE_RING + r; it holds bucket id and units done.
        self.bucket_ids = bucket_ids
        self.bucket_counts = bucket_counts
        # Bucket 0 starts here; time.monotonic() is system-wide, so every process agrees on it.
        self.origin = origin

    @staticmethod
    def traced_workers(workers: int) -> int:
        return min(workers, TIMELINE_MAX_WORKERS)

    @classmethod
    def local(cls, workers: int) -> "Board":
        ring = cls.traced_workers(workers) * TIMELINE_RING
        return cls([0] * workers, [0.0], [-1] * ring, [0] * ring, time.monotonic(), [0.0] * workers, [0] * workers)

    @classmethod
    def shared(cls, workers: int, context) -> "Board":
        ring = cls.traced_workers(workers) * TIMELINE_RING
        ids = context.RawArray("q", ring)
        ids[:] = [-1] * ring
        return cls(context.RawArray("q", workers), context.RawArray("d", 1), ids, context.RawArray("q", ring),
                   time.monotonic(), context.RawArray("d", workers), context.RawArray("q", workers))

    def parts(self) -> tuple:
        """What a worker process needs to rebuild this board (shared arrays pass at process start)."""
        return (self.counts, self.first_task, self.bucket_ids, self.bucket_counts, self.origin, self.worker_cpu_s,
                self.worker_peak_rss)

    def bumper(self, slot: int) -> Callable[[int], None]:
        counts = self.counts
        if slot >= len(self.bucket_ids) // TIMELINE_RING:

            def bump_untraced(n: int) -> None:
                counts[slot] += n

            return bump_untraced
        ids, units, origin, base = self.bucket_ids, self.bucket_counts, self.origin, slot * TIMELINE_RING
        clock, per_second = time.monotonic, 1 / TIMELINE_BUCKET_S

        def bump(n: int) -> None:
            counts[slot] += n
            bucket = int((clock() - origin) * per_second)
            index = base + bucket % TIMELINE_RING
            if ids[index] == bucket:
                units[index] += n
            else:
                units[index] = n
                ids[index] = bucket

        return bump

    def mark_task_start(self) -> None:
        if not self.first_task[0]:
            self.first_task[0] = time.monotonic()

    def read(self) -> list[int]:
        return list(self.counts)

    def current_bucket(self) -> int:
        return int((time.monotonic() - self.origin) / TIMELINE_BUCKET_S)

    def drain_activity(self, first: int, stop: int) -> dict[int, list[list[int]]]:
        """Active buckets in [first, stop) per traced worker, as [bucket, units] pairs.

        Call only for buckets no worker writes any more (older than the current one), and
        often enough that the ring has not wrapped (TIMELINE_RING ms).
        """
        first = max(first, stop - TIMELINE_RING)
        activity: dict[int, list[list[int]]] = {}
        if stop <= first:
            return activity
        for slot in range(len(self.bucket_ids) // TIMELINE_RING):
            base = slot * TIMELINE_RING
            active = [
                [bucket, self.bucket_counts[base + bucket % TIMELINE_RING]]
                for bucket in range(first, stop)
                if self.bucket_ids[base + bucket % TIMELINE_RING] == bucket
            ]
            if active:
                activity[slot] = active
        return activity
