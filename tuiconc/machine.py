"""Facts about the interpreter and the CPUs this process may use. Standard library only."""

from __future__ import annotations

import math
import os
import platform
import sys


def gil_enabled() -> bool:
    """True unless this is a free-threaded build running with the GIL off."""
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    return True if is_enabled is None else bool(is_enabled())


def _cgroup_cpu_limit() -> float | None:
    """CPUs allowed by a cgroup v2 quota ("max" means none), if any."""
    try:
        with open("/sys/fs/cgroup/cpu.max") as f:
            quota, period = f.read().split()[:2]
    except (OSError, ValueError):
        return None
    if quota == "max":
        return None
    return int(quota) / int(period)


def usable_cpu_ids() -> list[int]:
    """The logical CPUs this process may run on (affinity), in order."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


def usable_cpus() -> int:
    """CPUs this process can really use: affinity, further capped by a cgroup quota."""
    count = len(usable_cpu_ids())
    limit = _cgroup_cpu_limit()
    if limit is not None:
        count = min(count, max(1, math.ceil(limit)))
    return count


def interpreter_facts() -> dict:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "gil_enabled": gil_enabled(),
    }


def peak_rss_bytes() -> int:
    """This process's largest resident set so far (getrusage counts kilobytes on Linux, bytes on macOS)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def machine_facts() -> dict:
    return {
        **interpreter_facts(),
        "logical_cpus": os.cpu_count() or 1,
        "usable_cpus": usable_cpus(),
        "platform": platform.platform(terse=True),
        "switch_interval_ms": sys.getswitchinterval() * 1000,
    }


def default_start_method() -> str:
    """fork is unsafe in a process with threads (the arena has some); spawn is the only choice off Linux."""
    return "forkserver" if sys.platform.startswith("linux") else "spawn"


def start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()
