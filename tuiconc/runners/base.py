"""The one runner interface: run a lane's tasks with K workers, feeding the progress board."""

from __future__ import annotations

from dataclasses import dataclass, field

from tuiconc.runners.board import Board
from tuiconc.workloads import Options, Task, Workload


@dataclass
class Job:
    workload: Workload
    options: Options
    tasks: list[Task]
    workers: int
    start_method: str
    board: Board | None = None
    # Filled in by process runners: CPU seconds and peak RSS bytes of each worker process.
    worker_cpu_s: dict[int, float] = field(default_factory=dict)
    worker_peak_rss: dict[int, int] = field(default_factory=dict)


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

    def run(self, job: Job) -> list[int]:
        raise NotImplementedError

    def describe(self) -> dict:
        reason = self.unavailable_reason()
        return {"name": self.name, "description": self.description, "available": reason is None, "reason": reason}
