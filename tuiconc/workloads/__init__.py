"""The workload registry. Standard library only: any interpreter, any worker can import it."""

from __future__ import annotations

from tuiconc.workloads.base import KINDS, Options, Task, Workload, plan_tasks
from tuiconc.workloads.cpu import Countdown, Primes, SumSquares
from tuiconc.workloads.io import Http, Sleep
from tuiconc.workloads.mixed import FetchAndCrunch
from tuiconc.workloads.native import Sha256, Zlib
from tuiconc.workloads.pitfalls import Counter, TinyTasks
from tuiconc.workloads.user import UserWorkload
from tuiconc.workloads.user_spec import looks_like_spec

WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in (Primes(), SumSquares(), Countdown(), Sha256(), Zlib(), Sleep(), Http(), FetchAndCrunch(), Counter(),
              TinyTasks())
}


_user_workloads: dict[str, UserWorkload] = {}


def get_workload(name: str) -> Workload:
    """A built-in workload by name, or a user's function by its `FILE.py:FUNC` (KeyError: neither).

    A user's workload is made once per process and only parsed here; its lanes import it."""
    if name in WORKLOADS:
        return WORKLOADS[name]
    if not looks_like_spec(name):
        raise KeyError(name)
    if name not in _user_workloads:
        workload = UserWorkload.from_text(name)
        _user_workloads[name] = _user_workloads.setdefault(workload.name, workload)
    return _user_workloads[name]


__all__ = ["KINDS", "WORKLOADS", "Options", "Task", "Workload", "UserWorkload", "get_workload", "looks_like_spec", "plan_tasks"]
