"""Threads: concurrency always, parallelism only while the work releases the GIL."""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import itertools
import platform
import threading
from typing import Callable

from tuiconc.machine import gil_enabled
from tuiconc.runners.base import Job, Runner
from tuiconc.runners.coroutines import measure_loop_lag


class Threading(Runner):
    name = "threading"
    description = "K threading.Thread workers pulling tasks from a shared queue."

    def run(self, job: Job) -> list[int]:
        pending = collections.deque(job.tasks)
        results: list[int] = []
        failures: list[BaseException] = []

        def work(slot: int) -> None:
            bump = job.board.bumper(slot)
            while not failures:
                try:
                    task = pending.popleft()  # deque.popleft is atomic: no lock needed
                except IndexError:
                    return
                job.board.mark_task_start()
                try:
                    results.append(job.workload.run_task(task, bump, job.options))
                except BaseException as error:  # the lane fails with it, as a pool's map would raise it
                    failures.append(error)

        threads = [threading.Thread(target=work, args=(slot,), daemon=True) for slot in range(job.workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failures:
            raise failures[0]
        return results


def thread_pool(job: Job) -> tuple[concurrent.futures.ThreadPoolExecutor, Callable]:
    """A pool of K threads, each claiming its own progress slot as it starts, and the task function."""
    slots = itertools.count()
    local = threading.local()

    def claim_slot() -> None:
        local.bump = job.board.bumper(next(slots))

    def run_one(task):
        job.board.mark_task_start()
        return job.workload.run_task(task, local.bump, job.options)

    return concurrent.futures.ThreadPoolExecutor(job.workers, initializer=claim_slot), run_one


class ThreadPool(Runner):
    name = "threadpool"
    description = "concurrent.futures.ThreadPoolExecutor with K threads."

    def run(self, job: Job) -> list[int]:
        pool, run_one = thread_pool(job)
        with pool:
            return list(pool.map(run_one, job.tasks))


class ToThread(Runner):
    name = "to-thread"
    description = "One event loop handing each task to asyncio.to_thread, K threads at most."
    asynchronous = True

    def run(self, job: Job) -> list[int]:
        return asyncio.run(self._run(job))

    async def _run(self, job: Job) -> list[int]:
        pool, run_one = thread_pool(job)
        # to_thread uses the loop's default executor: give it exactly K threads.
        asyncio.get_running_loop().set_default_executor(pool)
        pending = collections.deque(job.tasks)
        results: list[int] = []

        async def work() -> None:
            while pending:
                results.append(await asyncio.to_thread(run_one, pending.popleft()))

        async with measure_loop_lag(job):
            await asyncio.gather(*(work() for _ in range(job.workers)))
        return results


class FreeThreaded(Threading):
    name = "free-threaded"
    description = "K threads on an interpreter whose GIL is disabled: pure-Python work in parallel."

    def unavailable_reason(self) -> str | None:
        if gil_enabled():
            return (f"needs a free-threaded Python (3.13t or newer) running with the GIL off; "
                    f"this is {platform.python_implementation()} {platform.python_version()} with the GIL on")
        return None
