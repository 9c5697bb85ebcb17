"""asyncio: one thread, one event loop; tasks switch only where they await."""

from __future__ import annotations

import asyncio
import collections
import contextlib

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


class Asyncio(Runner):
    name = "asyncio"
    description = "One event loop with up to K tasks in flight (CPU tasks never yield)."
    worker_noun = "task"
    asynchronous = True

    def run(self, job: Job) -> list[int]:
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
