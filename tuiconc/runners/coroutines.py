"""asyncio: one thread, one event loop; tasks switch only where they await."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
import time

from tuiconc.runners.base import Job, Runner

LAG_PROBE_S = 0.01


@contextlib.asynccontextmanager
async def measure_loop_lag(job: Job):
    """How late the loop wakes a 10 ms sleeper: near zero while tasks await, the length of any
    blocking call otherwise. Reported as the lane's event-loop lag."""
    loop = asyncio.get_running_loop()
    lags: list[float] = []
    asleep_since = [loop.time()]

    async def probe() -> None:
        while True:
            asleep_since[0] = loop.time()
            await asyncio.sleep(LAG_PROBE_S)
            lags.append(max(0.0, loop.time() - asleep_since[0] - LAG_PROBE_S))

    prober = asyncio.create_task(probe())
    try:
        yield
    finally:
        prober.cancel()
        # A loop blocked until the very end never woke the probe: count that last, longest wait too.
        lags.append(max(0.0, loop.time() - asleep_since[0] - LAG_PROBE_S))
        if lags:
            job.extra["loop_lag_max_ms"] = round(max(lags) * 1000, 1)
            job.extra["loop_lag_mean_ms"] = round(sum(lags) / len(lags) * 1000, 2)


@contextlib.contextmanager
def measure_gc(job: Job):
    """CPU time spent in the cyclic garbage collector, reported as gc_ms (gc_full_ms: its full passes).

    Thousands of tasks alive at once are millions of objects for its full passes to walk, which
    can cost more than the requests themselves; this makes that visible instead of guessed. The
    collecting thread's CPU clock, not the wall clock, so a busy machine's preemption is not counted."""
    started = [0.0]
    spent = [0.0, 0.0]  # all passes, full passes

    def on_collect(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.thread_time()
            return
        took = time.thread_time() - started[0]
        spent[0] += took
        if info.get("generation") == 2:
            spent[1] += took

    gc.callbacks.append(on_collect)
    try:
        yield
    finally:
        gc.callbacks.remove(on_collect)
        job.extra["gc_ms"] = round(spent[0] * 1000, 1)
        job.extra["gc_full_ms"] = round(spent[1] * 1000, 1)


class Asyncio(Runner):
    name = "asyncio"
    description = "One event loop with up to K tasks in flight (CPU tasks never yield)."
    worker_noun = "task"
    asynchronous = True

    def run(self, job: Job) -> list[int]:
        with measure_gc(job):
            return asyncio.run(self._run(job))

    async def _run(self, job: Job) -> list[int]:
        pending = collections.deque(job.tasks)
        results: list[int] = []
        async with job.workload.async_resource(job.options, job.workers) as resource, measure_loop_lag(job):

            async def work(slot: int) -> None:
                bump = job.board.bumper(slot)
                while pending:
                    task = pending.popleft()
                    job.board.mark_task_start()
                    results.append(await job.workload.arun_task(task, bump, job.options, resource))

            await asyncio.gather(*(work(slot) for slot in range(job.workers)))
        return results
