"""The progress board: per-worker counters and activity rings, each written only by its own
worker, so no locks.

Threads share plain lists; processes share the same layout in shared memory. Every bump
adds to the worker's counter and marks, in its activity ring, the 1 ms buckets in which the
worker executed since its last bump: as many as its thread's CPU clock advanced, ending now.
A worker that ran throughout fills every bucket; one that waited for the GIL, a core or I/O
fills only its CPU time. So the timeline shows when each worker really executed (measured
inside the worker, not guessed), and adds up to the CPU the lane used.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Callable, MutableSequence

from tuiconc.tunables import TIMELINE_BUCKET_S, TIMELINE_MAX_WORKERS, TIMELINE_RING


class Board:
    def __init__(self, counts: MutableSequence[int], first_task: MutableSequence[float],
                 bucket_ids: MutableSequence[int], bucket_counts: MutableSequence[int],
                 bucket_busy: MutableSequence[int], origin: float,
                 worker_cpu_s: MutableSequence[float], worker_peak_rss: MutableSequence[int],
                 worker_threads: MutableSequence[int], registrations: MutableSequence[int]):
        self.counts = counts
        # Worker w's process and native thread ids at 2w, 2w + 1 (0: not started), for the front end to watch
        # its thread's state from outside (engine/thread_states.py). asyncio's workers share one thread.
        self.worker_threads = worker_threads
        # registrations[0]: how many times a worker registered its thread, so the reporter rebuilds the
        # thread list (a pass over every worker: 2.7 ms for 10,000 of them) only after one did.
        self.registrations = registrations
        self.new_thread = threading.Event()  # set when a worker registers its thread here: report it at once
        # Worker processes write their own CPU seconds and peak RSS here (threads leave them 0).
        self.worker_cpu_s = worker_cpu_s
        self.worker_peak_rss = worker_peak_rss
        # first_task[0]: time.monotonic() when any worker began its first task (0.0 = not yet).
        self.first_task = first_task
        # Ring slot r of worker w is at w * TIMELINE_RING + r; it holds the bucket's id, the units
        # done in it and the microseconds the worker executed in it.
        self.bucket_ids = bucket_ids
        self.bucket_counts = bucket_counts
        self.bucket_busy = bucket_busy
        # Bucket 0 starts here; time.monotonic() is system-wide, so every process agrees on it.
        self.origin = origin
        # Per thread: (wall clock, thread CPU clock) at its last bump or task start. Per thread, not
        # per worker: asyncio's workers share one thread, and its CPU between two bumps is the
        # bumping task's (a task runs from one await to the next).
        self._since = threading.local()

    @staticmethod
    def traced_workers(workers: int) -> int:
        return min(workers, TIMELINE_MAX_WORKERS)

    @classmethod
    def local(cls, workers: int) -> "Board":
        ring = cls.traced_workers(workers) * TIMELINE_RING
        return cls([0] * workers, [0.0], [-1] * ring, [0] * ring, [0] * ring, time.monotonic(), [0.0] * workers,
                   [0] * workers, [0] * (2 * workers), [0])

    @classmethod
    def shared(cls, workers: int, context) -> "Board":
        ring = cls.traced_workers(workers) * TIMELINE_RING
        ids = context.RawArray("q", ring)
        ids[:] = [-1] * ring
        return cls(context.RawArray("q", workers), context.RawArray("d", 1), ids, context.RawArray("q", ring),
                   context.RawArray("q", ring), time.monotonic(), context.RawArray("d", workers),
                   context.RawArray("q", workers), context.RawArray("q", 2 * workers), context.RawArray("q", 1))

    def parts(self) -> tuple:
        """What a worker process needs to rebuild this board (shared arrays pass at process start)."""
        return (self.counts, self.first_task, self.bucket_ids, self.bucket_counts, self.bucket_busy, self.origin,
                self.worker_cpu_s, self.worker_peak_rss, self.worker_threads, self.registrations)

    def bumper(self, slot: int) -> Callable[[int], None]:
        """The bump for worker `slot`, asked for on the thread that will do its work."""
        thread = [os.getpid(), threading.get_native_id()]
        if slot == 0 or list(self.worker_threads[2 * slot - 2:2 * slot]) != thread:
            self.new_thread.set()  # a short-lived thread must be watched before it ends (asyncio's tasks share one)
        self.worker_threads[2 * slot:2 * slot + 2] = thread
        self.registrations[0] += 1  # unlocked: two at once may count one, but the count still changes
        counts = self.counts
        if slot >= len(self.bucket_ids) // TIMELINE_RING:

            def bump_untraced(n: int) -> None:
                counts[slot] += n

            return bump_untraced
        ids, units, busy, origin, base = (self.bucket_ids, self.bucket_counts, self.bucket_busy, self.origin,
                                          slot * TIMELINE_RING)
        clock, cpu_clock, since = time.monotonic, time.thread_time, self._since
        per_second, bucket_us = 1 / TIMELINE_BUCKET_S, TIMELINE_BUCKET_S * 1_000_000

        def bump(n: int) -> None:
            counts[slot] += n
            now, cpu = clock(), cpu_clock()
            last = getattr(since, "mark", None)
            since.mark = (now, cpu)
            end = (now - origin) * per_second  # in buckets
            bucket = int(end)
            ran = 0.0 if last is None else min(cpu - last[1], now - last[0]) * per_second
            start = max(end - ran, bucket - TIMELINE_RING + 1.0)
            earlier = int(start)
            while earlier <= bucket:  # the CPU time since the last mark, in the buckets just before now
                index = base + earlier % TIMELINE_RING
                if ids[index] != earlier:
                    units[index] = busy[index] = 0
                    ids[index] = earlier
                busy[index] += int((min(earlier + 1, end) - max(earlier, start)) * bucket_us)
                earlier += 1
            units[base + bucket % TIMELINE_RING] += n

        return bump

    def mark_task_start(self) -> None:
        """A task begins on this thread. From its first task on, every CPU second of the thread shows on
        the timeline: between tasks too (fetching the next one, sending a result is work the worker does)."""
        now = time.monotonic()
        if getattr(self._since, "mark", None) is None:
            self._since.mark = (now, time.thread_time())
        if not self.first_task[0]:
            self.first_task[0] = now

    def read(self) -> list[int]:
        return list(self.counts)

    def threads(self) -> list[list[int]]:
        """[process id, native thread id, first worker, workers] for each run of workers on one thread so far."""
        ids = list(self.worker_threads)
        runs: list[list[int]] = []
        for slot in range(len(ids) // 2):
            pid, tid = ids[2 * slot], ids[2 * slot + 1]
            if not pid:
                continue
            if runs and runs[-1][:2] == [pid, tid] and runs[-1][2] + runs[-1][3] == slot:
                runs[-1][3] += 1
            else:
                runs.append([pid, tid, slot, 1])
        return runs

    def current_bucket(self) -> int:
        return int((time.monotonic() - self.origin) / TIMELINE_BUCKET_S)

    def drain_activity(self, first: int, stop: int) -> dict[int, list[list[int]]]:
        """Buckets in [first, stop) each traced worker executed in, as [bucket, units done, µs executed].

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
                [bucket, self.bucket_counts[base + bucket % TIMELINE_RING], self.bucket_busy[base + bucket % TIMELINE_RING]]
                for bucket in range(first, stop)
                if self.bucket_ids[base + bucket % TIMELINE_RING] == bucket
            ]
            if active:
                activity[slot] = active
        return activity
