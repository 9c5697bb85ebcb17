"""Processes: real parallelism, paid for with start-up, memory and pickling."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import resource
import signal
import time

from tuiconc.runners.base import Job, Runner
from tuiconc.runners.board import Board
from tuiconc.workloads import Options, get_workload

# Set once in each worker process by _init_worker.
_worker: tuple | None = None


def _init_worker(workload_name: str, options: Options, board_parts: tuple, next_slot) -> None:
    global _worker
    with next_slot.get_lock():
        slot = next_slot.value
        next_slot.value += 1
    board = Board(*board_parts)
    _worker = (get_workload(workload_name), options, board, board.bumper(slot), time.process_time())


def _peak_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if os.uname().sysname == "Darwin" else peak * 1024


def _run_one(task) -> tuple[int, int, float, int]:
    """Run one task; report this worker's pid, CPU since it was set up, and peak RSS with the result."""
    workload, options, board, bump, cpu_at_start = _worker
    board.mark_task_start()
    partial = workload.run_task(task, bump, options)
    return partial, os.getpid(), time.process_time() - cpu_at_start, _peak_rss_bytes()


class WorkerDied(RuntimeError):
    pass


def _describe_exit(pid: int, exitcode: int) -> str:
    if exitcode < 0:
        name = signal.Signals(-exitcode).name
        return f"worker process {pid} was killed by {name} (signal {-exitcode}) mid-task"
    return f"worker process {pid} exited unexpectedly with code {exitcode}"


class _ProcessRunner(Runner):
    uses_processes = True
    worker_noun = "process"

    def make_board(self, workers: int, start_method: str) -> Board:
        return Board.shared(workers, multiprocessing.get_context(start_method))

    def _init_args(self, job: Job, context) -> tuple:
        return (job.workload.name, job.options, job.board.parts(), context.Value("i", 0))

    @staticmethod
    def _record(job: Job, reply) -> int:
        partial, pid, cpu_s, peak_rss = reply
        job.worker_cpu_s[pid] = max(cpu_s, job.worker_cpu_s.get(pid, 0.0))
        job.worker_peak_rss[pid] = max(peak_rss, job.worker_peak_rss.get(pid, 0))
        return partial


class Multiprocessing(_ProcessRunner):
    name = "multiprocessing"
    description = "multiprocessing.Pool of K processes, tasks handed out one at a time."

    def run(self, job: Job) -> list[int]:
        context = multiprocessing.get_context(job.start_method)
        results: list[int] = []
        with context.Pool(job.workers, initializer=_init_worker, initargs=self._init_args(job, context)) as pool:
            # Pool silently replaces a worker that dies and waits forever for its task: watch for that.
            workers = list(pool._pool)
            replies = pool.imap_unordered(_run_one, job.tasks, chunksize=1)
            while len(results) < len(job.tasks):
                try:
                    results.append(self._record(job, replies.next(timeout=0.2)))
                except multiprocessing.TimeoutError:
                    for process in workers:
                        if process.exitcode is not None:
                            raise WorkerDied(_describe_exit(process.pid, process.exitcode)) from None
            pool.close()
            pool.join()
        return results


class ProcessPool(_ProcessRunner):
    name = "processpool"
    description = "concurrent.futures.ProcessPoolExecutor with K processes."

    def run(self, job: Job) -> list[int]:
        context = multiprocessing.get_context(job.start_method)
        with concurrent.futures.ProcessPoolExecutor(
            job.workers, mp_context=context, initializer=_init_worker, initargs=self._init_args(job, context)
        ) as pool:
            futures = [pool.submit(_run_one, task) for task in job.tasks]
            try:
                return [self._record(job, f.result()) for f in concurrent.futures.as_completed(futures)]
            except concurrent.futures.process.BrokenProcessPool as error:
                raise WorkerDied(f"a worker process died abruptly ({error})") from None
