"""The runner registry: one module per execution model, one interface."""

from __future__ import annotations

from tuiconc.runners.base import Job, LaneError, Runner
from tuiconc.runners.coroutines import Asyncio
from tuiconc.runners.dask_cluster import Dask
from tuiconc.runners.interpreters import Interpreters
from tuiconc.runners.processes import Hybrid, Multiprocessing, ProcessPool, WorkerDied
from tuiconc.runners.sequential import Sequential
from tuiconc.runners.threads import FreeThreaded, ThreadPool, Threading, ToThread

RUNNERS: dict[str, Runner] = {
    r.name: r
    for r in (Sequential(), Threading(), ThreadPool(), Asyncio(), ToThread(), Multiprocessing(), ProcessPool(),
              Hybrid(), Interpreters(), FreeThreaded(), Dask())
}


def get_runner(name: str) -> Runner:
    return RUNNERS[name]


__all__ = ["RUNNERS", "Job", "LaneError", "Runner", "WorkerDied", "get_runner"]
