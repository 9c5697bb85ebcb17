"""Facts about the interpreter and the CPUs this process may use. Standard library only."""

from __future__ import annotations

import glob
import math
import os
import platform
import subprocess
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


def _core_key(cpu: int) -> str | None:
    """The logical CPUs that share `cpu`'s physical core (Linux sysfs), as a key: SMT siblings share it."""
    for name in ("core_cpus_list", "thread_siblings_list"):
        try:
            with open(f"/sys/devices/system/cpu/cpu{cpu}/topology/{name}") as f:
                return f.read().strip()
        except OSError:
            continue
    return None


def _online_cpu_ids() -> list[int]:
    found = glob.glob("/sys/devices/system/cpu/cpu[0-9]*/topology")
    return sorted(int(path.split("/")[-2][3:]) for path in found)


def _cores_of(cpu_ids: list[int]) -> int | None:
    keys = [_core_key(cpu) for cpu in cpu_ids]
    return None if not keys or None in keys else len(set(keys))


def _sysctl_physical_cpus() -> int | None:
    """macOS and the BSDs say how many physical cores they have through sysctl."""
    try:
        return int(subprocess.run(["sysctl", "-n", "hw.physicalcpu"], capture_output=True, text=True,
                                  timeout=2).stdout)
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def physical_cores() -> int:
    """Physical cores on this machine (what psutil.cpu_count(logical=False) says), else the logical count."""
    return _cores_of(_online_cpu_ids()) or _sysctl_physical_cpus() or os.cpu_count() or 1


def usable_cores() -> int:
    """Physical cores under the usable CPUs: a second SMT thread on a core is not a second core."""
    cores = _cores_of(usable_cpu_ids())
    if cores is None:  # no topology to read: assume the usable CPUs spread like the machine's
        cores = math.ceil(usable_cpus() * physical_cores() / (os.cpu_count() or 1))
    return max(1, min(cores, usable_cpus()))


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
        "physical_cores": physical_cores(),
        "usable_cores": usable_cores(),
        "platform": platform.platform(terse=True),
        "switch_interval_ms": sys.getswitchinterval() * 1000,
    }


def default_start_method() -> str:
    """fork is unsafe in a process with threads (the arena has some); spawn is the only choice off Linux."""
    return "forkserver" if sys.platform.startswith("linux") else "spawn"


def start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()
