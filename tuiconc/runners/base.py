"""The one runner interface: run a lane's tasks with K workers, feeding the progress board."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from tuiconc.runners.board import Board
from tuiconc.workloads import Options, Task, Workload


def chunksize(asked: int, tasks: int, workers: int) -> int:
    """0 means "batch": about four chunks per worker, as multiprocessing.Pool.map chooses."""
    return max(1, -(-tasks // (workers * 4))) if asked == 0 else asked


@dataclass
class Job:
    workload: Workload
    options: Options
    tasks: list[Task]
    workers: int
    start_method: str
    board: Board | None = None
    # Tasks sent to a worker process per message (process pools); 1 means one at a time.
    chunksize: int = 1
    # A named variation of the runner, for the pitfall labs (e.g. "lambda": an unpicklable function).
    variant: str | None = None
    # Figures only some runners measure (event-loop lag), reported with the result.
    extra: dict = field(default_factory=dict)
    # A cluster runner's scheduler address; None: the runner starts a local cluster of its own.
    cluster: str | None = None
    # What the runner's session() opened for run() to use (a Dask client).
    connection: Any = None


class LaneError(RuntimeError):
    """A failure whose message is already written for a person: the lane reports it as it is."""


class Runner:
    name = ""
    description = ""
    uses_processes = False
    asynchronous = False
    worker_noun = "thread"  # what one of its workers is, for the timeline

    def unavailable_reason(self) -> str | None:
        """None when this interpreter can run it, else why not."""
        return None

    def worker_count(self, job_workers: int, task_count: int) -> int:
        """Workers actually started: never more than there are tasks."""
        return max(1, min(job_workers, task_count))

    def make_board(self, workers: int, start_method: str) -> Board:
        return Board.local(workers)

    def timeline_rows(self, workers: int) -> int:
        """How many progress slots (timeline rows) a lane of `workers` workers has."""
        return workers

    def session(self, job: Job) -> contextlib.AbstractContextManager:
        """Open what must exist before the lane reports it has started and last until it ends.

        Most runners start their workers inside run(); one that races on a cluster starts or
        reaches it here, and sets job.workers and job.board to the workers it found."""
        return contextlib.nullcontext()

    def run(self, job: Job) -> list[int]:
        raise NotImplementedError

    def describe(self) -> dict:
        reason = self.unavailable_reason()
        return {"name": self.name, "description": self.description, "available": reason is None, "reason": reason}
