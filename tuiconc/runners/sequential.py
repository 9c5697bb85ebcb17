from __future__ import annotations

from tuiconc.runners.base import Job, Runner


class Sequential(Runner):
    name = "sequential"
    description = "One task after another on one thread: the baseline for speedup."
    worker_noun = "main thread"

    def worker_count(self, job_workers: int, task_count: int) -> int:
        return 1

    def run(self, job: Job) -> list[int]:
        board, bump = job.board, job.board.bumper(0)
        results = []
        for task in job.tasks:
            board.mark_task_start()
            results.append(job.workload.run_task(task, bump, job.options))
        return results
