"""The workload registry. Standard library only: any interpreter, any worker can import it."""

from __future__ import annotations

from tuiconc.workloads.base import KINDS, Options, Task, Workload, plan_tasks
from tuiconc.workloads.cpu import Countdown, Primes, SumSquares
from tuiconc.workloads.io import Http, Sleep
from tuiconc.workloads.mixed import FetchAndCrunch
from tuiconc.workloads.native import Sha256, Zlib
from tuiconc.workloads.pitfalls import Counter, TinyTasks

WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in (Primes(), SumSquares(), Countdown(), Sha256(), Zlib(), Sleep(), Http(), FetchAndCrunch(), Counter(),
              TinyTasks())
}


def get_workload(name: str) -> Workload:
    return WORKLOADS[name]


__all__ = ["KINDS", "WORKLOADS", "Options", "Task", "Workload", "get_workload", "plan_tasks"]
