"""Threads: concurrency always, parallelism only while the work releases the GIL."""

from __future__ import annotations

import collections
import concurrent.futures
import itertools
import threading

from tuiconc.runners.base import Job, Runner


class Threading(Runner):
    name = "threading"
    description = "K threading.Thread workers pulling tasks from a shared queue."

    def run(self, job: Job) -> list[int]:
        pending = collections.deque(job.tasks)
        results: list[int] = []

        def work(slot: int) -> None:
            bump = job.board.bumper(slot)
            while True:
                try:
                    task = pending.popleft()  # deque.popleft is atomic: no lock needed
                except IndexError:
                    return
                job.board.mark_task_start()
                results.append(job.workload.run_task(task, bump, job.options))

        threads = [threading.Thread(target=work, args=(slot,), daemon=True) for slot in range(job.workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results


class ThreadPool(Runner):
    name = "threadpool"
    description = "concurrent.futures.ThreadPoolExecutor with K threads."

    def run(self, job: Job) -> list[int]:
        slots = itertools.count()
        local = threading.local()

        def claim_slot() -> None:
            local.bump = job.board.bumper(next(slots))

        def run_one(task):
            job.board.mark_task_start()
            return job.workload.run_task(task, local.bump, job.options)

        with concurrent.futures.ThreadPoolExecutor(job.workers, initializer=claim_slot) as pool:
            return list(pool.map(run_one, job.tasks))
