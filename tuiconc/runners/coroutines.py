"""asyncio: one thread, one event loop; tasks switch only where they await."""

from __future__ import annotations

import asyncio
import collections

from tuiconc.runners.base import Job, Runner


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
        async with job.workload.async_resource(job.options, job.workers) as resource:

            async def work(slot: int) -> None:
                bump = job.board.bumper(slot)
                while pending:
                    task = pending.popleft()
                    job.board.mark_task_start()
                    results.append(await job.workload.arun_task(task, bump, job.options, resource))

            await asyncio.gather(*(work(slot) for slot in range(job.workers)))
        return results
