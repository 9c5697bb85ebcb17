"""The runner registry: one module per execution model, one interface."""

from __future__ import annotations

from tuiconc.runners.base import Job, Runner
from tuiconc.runners.coroutines import Asyncio
from tuiconc.runners.processes import Multiprocessing, ProcessPool, WorkerDied
from tuiconc.runners.sequential import Sequential
from tuiconc.runners.threads import ThreadPool, Threading

RUNNERS: dict[str, Runner] = {
    r.name: r for r in (Sequential(), Threading(), ThreadPool(), Asyncio(), Multiprocessing(), ProcessPool())
}


def get_runner(name: str) -> Runner:
    return RUNNERS[name]


__all__ = ["RUNNERS", "Job", "Runner", "WorkerDied", "get_runner"]
