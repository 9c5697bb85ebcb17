"""Processes: real parallelism, paid for with start-up, memory and pickling."""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import multiprocessing
import signal
import sys
import time

from tuiconc.runners.base import Job, LaneError, Runner
from tuiconc.machine import peak_rss_bytes, usable_cpus
from tuiconc.runners.board import Board
from tuiconc.runners.coroutines import measure_loop_lag
from tuiconc.workloads import Options, get_workload

RSS_READ_INTERVAL_S = 0.05  # peak RSS only grows; reading it after every tiny task would cost more than the task


class _WorkerState:
    """Everything one pool process needs, set once by _init_worker."""

    def __init__(self, workload, options: Options, board: Board, slot: int):
        self.workload, self.options, self.board, self.slot = workload, options, board, slot
        self.bump = board.bumper(slot)
        self.cpu_at_start = time.process_time()
        self.rss_read_at = 0.0

    def account(self) -> None:
        """Publish this process's CPU since set-up and its peak RSS on the board: cheap memory writes."""
        self.board.worker_cpu_s[self.slot] = time.process_time() - self.cpu_at_start
        now = time.monotonic()
        if now - self.rss_read_at > RSS_READ_INTERVAL_S:
            self.board.worker_peak_rss[self.slot] = peak_rss_bytes()
            self.rss_read_at = now


_worker: _WorkerState | None = None


def _init_worker(workload_name: str, options: Options, board_parts: tuple, next_slot,
                 switch_interval_s: float) -> None:
    global _worker
    sys.setswitchinterval(switch_interval_s)  # the lane's GIL switch interval, in every process of it
    with next_slot.get_lock():
        slot = next_slot.value
        next_slot.value += 1
    workload = get_workload(workload_name)
    workload.prepare(asynchronous=False)  # a user's module is imported before the clock starts
    _worker = _WorkerState(workload, options, Board(*board_parts), slot)
    _worker.account()



def _run_one(task) -> int:
    worker = _worker
    worker.board.mark_task_start()
    partial = worker.workload.run_task(task, worker.bump, worker.options)
    worker.account()
    return partial


def _ready() -> None:
    """A no-op: returning it proves a pool process is up."""


def _call(method: str, args: tuple) -> int:
    """Run one of the workload's CPU methods in this worker (the hybrid runner's offload)."""
    worker = _worker
    partial = getattr(worker.workload, method)(*args, worker.bump, worker.options)
    worker.account()
    return partial


class WorkerDied(LaneError):
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
        return Board.shared(self.timeline_rows(workers), multiprocessing.get_context(start_method))

    def _init_args(self, job: Job, context, first_slot: int = 0) -> tuple:
        return (job.workload.name, job.options, job.board.parts(), context.Value("i", first_slot),
                sys.getswitchinterval())


class Multiprocessing(_ProcessRunner):
    name = "multiprocessing"
    description = "multiprocessing.Pool of K processes, tasks handed out one at a time."

    def run(self, job: Job) -> list[int]:
        context = multiprocessing.get_context(job.start_method)
        results: list[int] = []
        with context.Pool(job.workers, initializer=_init_worker, initargs=self._init_args(job, context)) as pool:
            # Pool silently replaces a worker that dies and waits forever for its task: watch for that.
            workers = list(pool._pool)
            replies = pool.imap_unordered(_run_one, job.tasks, chunksize=job.chunksize)
            while len(results) < len(job.tasks):
                try:
                    results.append(replies.next(timeout=0.2))
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
            # The "lambda" variant is the pitfall: a pool must pickle the function to send it.
            function = (lambda task: _run_one(task)) if job.variant == "lambda" else _run_one
            try:
                return list(pool.map(function, job.tasks, chunksize=job.chunksize))
            except concurrent.futures.process.BrokenProcessPool as error:
                raise WorkerDied(f"a worker process died abruptly ({error})") from None


class IoSlots:
    """At most K awaits in flight; each holder gets its own progress slot (a timeline row)."""

    def __init__(self, board: Board, count: int):
        self.free: asyncio.Queue[int] = asyncio.Queue()
        self.bumps = [board.bumper(slot) for slot in range(count)]
        for slot in range(count):
            self.free.put_nowait(slot)

    @contextlib.asynccontextmanager
    async def __call__(self):
        slot = await self.free.get()
        try:
            yield self.bumps[slot]
        finally:
            self.free.put_nowait(slot)


class Hybrid(_ProcessRunner):
    name = "hybrid"
    description = ("asyncio for the waiting (K at once), a process pool (one per core) for the computing, "
                   "joined with run_in_executor.")
    asynchronous = True
    worker_noun = "task / process"

    @staticmethod
    def pool_size(workers: int) -> int:
        return max(1, min(workers, usable_cpus()))

    def timeline_rows(self, workers: int) -> int:
        return workers + self.pool_size(workers)  # K coroutines, then the pool's processes

    def run(self, job: Job) -> list[int]:
        return asyncio.run(self._run(job))

    async def _run(self, job: Job) -> list[int]:
        context = multiprocessing.get_context(job.start_method)
        loop = asyncio.get_running_loop()
        pending = collections.deque(job.tasks)
        results: list[int] = []
        with concurrent.futures.ProcessPoolExecutor(
            self.pool_size(job.workers), mp_context=context, initializer=_init_worker,
            initargs=self._init_args(job, context, first_slot=job.workers),
        ) as pool:

            # Start the pool's processes before the clock does, as the other process runners do.
            await asyncio.gather(*(loop.run_in_executor(pool, _ready) for _ in range(self.pool_size(job.workers))))

            async def offload(method: str, *args) -> int:
                return await loop.run_in_executor(pool, _call, method, args)

            io_slots = IoSlots(job.board, job.workers)
            async with job.workload.async_resource(job.options, job.workers) as resource, measure_loop_lag(job):

                async def work() -> None:
                    while pending:
                        task = pending.popleft()
                        job.board.mark_task_start()
                        results.append(await job.workload.arun_hybrid(task, job.options, resource, offload, io_slots))

                # More pipelines than I/O slots: while some wait for the pool to compute, others fetch.
                pipelines = job.workers + 2 * self.pool_size(job.workers)
                try:
                    await asyncio.gather(*(work() for _ in range(pipelines)))
                except concurrent.futures.process.BrokenProcessPool as error:
                    raise WorkerDied(f"a worker process died abruptly ({error})") from None
        return results
