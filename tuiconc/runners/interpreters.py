"""Subinterpreters: one GIL per interpreter, so parallel pure-Python work inside one process.

Python 3.14 has concurrent.futures.InterpreterPoolExecutor. Per-interpreter GILs exist since 3.12
(PEP 684), behind private, experimental modules: `_interpreters` (3.13) and `_xxsubinterpreters`
(3.12). Below 3.14 the lane runs K threads, each with an isolated interpreter of its own that has
imported the workload as the lane starts (start-up, not work), taking tasks from a shared queue; a task's result
comes back pickled in a file (an interpreter shares no objects with ours). Each interpreter has its
own module state, so no worker can bump the progress board from inside: each thread bumps its slot
when a task ends, and its timeline row is its thread's CPU, which is the interpreter's work.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import os
import pickle
import platform
import queue
import shutil
import sys
import tempfile
import threading
from typing import Any, Callable

from tuiconc.runners.base import Job, LaneError, Runner

SETUP = """\
import pickle
from tuiconc.workloads import get_workload
from tuiconc.workloads.base import Options
_workload = get_workload({workload!r})
_options = Options(**{options!r})
_workload.prepare(False)
"""
TASK = """\
with open({path!r}, "wb") as _out:
    pickle.dump(_workload.run_task({task!r}, lambda done: None, _options), _out)
"""


def run_task_in_interpreter(workload_name: str, options, task) -> int:
    from tuiconc.workloads import get_workload

    return get_workload(workload_name).run_task(task, lambda done: None, options)


class _PrivateApi:
    """3.12 and 3.13: create an isolated interpreter, run source in it, destroy it."""

    def __init__(self):
        try:
            import _interpreters as module  # 3.13

            self.name = "_interpreters (Python 3.13, private and experimental)"
            self.create: Callable[[], Any] = lambda: module.create(module.new_config("isolated"))
            self._exec = module.exec  # returns None, or a snapshot of the exception it raised
        except ImportError:
            import _xxsubinterpreters as module  # 3.12

            self.name = "_xxsubinterpreters (Python 3.12, private and experimental)"
            self.create = lambda: module.create(isolated=True)
            self._exec = self._run_string
        self.module = module

    def _run_string(self, interpreter, source: str):
        try:
            self.module.run_string(interpreter, source, None)
        except Exception as error:  # RunFailedError: "<class 'ValueError'>: boom"
            return error
        return None

    def run(self, interpreter, source: str) -> None:
        failed = self._exec(interpreter, source)
        if failed is not None:
            raise LaneError(f"a task failed in a subinterpreter: {getattr(failed, 'formatted', None) or failed}")

    def destroy(self, interpreter) -> None:
        self.module.destroy(interpreter)


def private_api() -> _PrivateApi | None:
    """The private module where it gives each interpreter its own GIL: 3.11 has one too, sharing one GIL."""
    if sys.version_info < (3, 12):
        return None
    try:
        return _PrivateApi()
    except ImportError:
        return None


class Interpreters(Runner):
    name = "interpreters"
    description = ("K subinterpreters, each with its own GIL: concurrent.futures.InterpreterPoolExecutor "
                   "(3.14+), or an isolated interpreter per thread (3.12, 3.13)")
    worker_noun = "interpreter"

    @staticmethod
    def has_pool() -> bool:
        return hasattr(concurrent.futures, "InterpreterPoolExecutor")

    def unavailable_reason(self) -> str | None:
        if sys.implementation.name != "cpython":
            return "needs CPython"
        if not self.has_pool() and private_api() is None:
            return (f"needs Python 3.12 or newer (an interpreter with its own GIL, PEP 684); "
                    f"this is {platform.python_version()}")
        return None

    def timeline_rows(self, workers: int) -> int:
        return 1 if self.has_pool() else workers  # a pool's results are all seen by the main interpreter

    def make_board(self, workers: int, start_method: str):
        from tuiconc.runners.board import Board

        return Board.local(self.timeline_rows(workers))

    def __init__(self):
        self._workers: _Workers | None = None  # below 3.14: this lane's threads, each with its interpreter

    @contextlib.contextmanager
    def session(self, job: Job):
        """Below 3.14: K threads, each making an isolated interpreter and importing the workload in it
        before the lane reports it has started (start-up, not work)."""
        if self.has_pool():
            yield
            return
        api = private_api()
        assert api is not None  # unavailable_reason said so before the race
        job.extra["note"] = f"subinterpreters through {api.name}"
        workers = _Workers(job, api)
        try:
            workers.start()
            self._workers = workers
            yield
        finally:
            self._workers = None
            workers.stop()

    def run(self, job: Job) -> list[int]:
        if self.has_pool():
            return self._run_pool(job)
        assert self._workers is not None
        return self._workers.run()

    def _run_pool(self, job: Job) -> list[int]:
        bump = job.board.bumper(0)
        results = []
        with concurrent.futures.InterpreterPoolExecutor(job.workers) as pool:  # type: ignore[attr-defined]
            job.board.mark_task_start()
            futures = {pool.submit(run_task_in_interpreter, job.workload.name, job.options, task): task
                       for task in job.tasks}
            for future in concurrent.futures.as_completed(futures):
                results.append(future.result())
                first, stop = futures[future]
                bump(stop - first)
        return results



class _Workers:
    """K threads, each owning one isolated interpreter from its making to its end (an interpreter is
    made, used and destroyed by the same thread), taking tasks from a queue."""

    def __init__(self, job: Job, api: _PrivateApi):
        self.job, self.api = job, api
        self.tasks: queue.SimpleQueue = queue.SimpleQueue()
        self.results: list[Any] = []
        self.failures: list[BaseException] = []
        self.ready = threading.Barrier(job.workers + 1)
        self.folder = tempfile.mkdtemp(prefix="tuiconc-interpreters-")
        self.threads = [threading.Thread(target=self._work, args=(slot,), daemon=True)
                        for slot in range(job.workers)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()
        self.ready.wait()
        if self.failures:
            raise self.failures[0]

    def run(self) -> list[Any]:
        for task in self.job.tasks:
            self.tasks.put(task)
        self._end_queue()
        for thread in self.threads:
            thread.join()
        if self.failures:
            raise self.failures[0]
        return self.results

    def stop(self) -> None:
        self._end_queue()
        for thread in self.threads:
            if thread.is_alive():
                thread.join()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _end_queue(self) -> None:
        for _ in self.threads:
            self.tasks.put(None)  # one end mark a thread

    def _work(self, slot: int) -> None:
        job, api = self.job, self.api
        setup = SETUP.format(workload=job.workload.name, options=dataclasses.asdict(job.options))
        interpreter = None
        try:
            interpreter = api.create()
            api.run(interpreter, setup)
        except BaseException as error:
            self.failures.append(error if isinstance(error, LaneError) else LaneError(
                f"could not set up a subinterpreter: {type(error).__name__}: {error}"))
        self.ready.wait()
        bump, path = job.board.bumper(slot), os.path.join(self.folder, f"{slot}.pickle")
        while True:
            task = self.tasks.get()
            if task is None:
                break
            if self.failures or interpreter is None:
                continue  # drain: the lane fails with the first failure
            job.board.mark_task_start()
            try:
                api.run(interpreter, TASK.format(path=path, task=tuple(task)))
                with open(path, "rb") as result:
                    self.results.append(pickle.load(result))
            except BaseException as error:  # the lane fails with it, as a pool's map would raise it
                self.failures.append(error)
                continue
            bump(task[1] - task[0])
        if interpreter is not None:
            api.destroy(interpreter)
