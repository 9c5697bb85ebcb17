"""Subinterpreters: one GIL per interpreter, so parallel pure-Python work inside one process.

concurrent.futures.InterpreterPoolExecutor arrived in Python 3.14. Each interpreter has its
own module state, so workers cannot share the progress board: progress and the timeline
are recorded as each task's result comes back.
"""

from __future__ import annotations

import concurrent.futures
import platform
import sys

from tuiconc.runners.base import Job, Runner


def run_task_in_interpreter(workload_name: str, options, task) -> int:
    from tuiconc.workloads import get_workload

    return get_workload(workload_name).run_task(task, lambda done: None, options)


class Interpreters(Runner):
    name = "interpreters"
    description = "concurrent.futures.InterpreterPoolExecutor: K subinterpreters, each with its own GIL."
    worker_noun = "interpreter"

    def unavailable_reason(self) -> str | None:
        if not hasattr(concurrent.futures, "InterpreterPoolExecutor"):
            return (f"needs Python 3.14 or newer (concurrent.futures.InterpreterPoolExecutor); "
                    f"this is {platform.python_version()}")
        if sys.implementation.name != "cpython":
            return "needs CPython"
        return None

    def timeline_rows(self, workers: int) -> int:
        return 1  # results are all seen by the main interpreter

    def make_board(self, workers: int, start_method: str):
        from tuiconc.runners.board import Board

        return Board.local(1)

    def run(self, job: Job) -> list[int]:
        bump = job.board.bumper(0)
        results = []
        with concurrent.futures.InterpreterPoolExecutor(job.workers) as pool:
            job.board.mark_task_start()
            futures = {pool.submit(run_task_in_interpreter, job.workload.name, job.options, task): task
                       for task in job.tasks}
            for future in concurrent.futures.as_completed(futures):
                results.append(future.result())
                first, stop = futures[future]
                bump(stop - first)
        return results
