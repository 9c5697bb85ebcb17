"""The sampler's lane-per-core reading, on real processes."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil

from tuiconc.engine.process_table import ProcessTable
from tuiconc.engine.sampler import CoreOwners, read_processes

BUSY = "while True: pass"
IDLE = "import time; time.sleep(60)"


def read_until(owners: CoreOwners, roots: list[int], predicate, timeout: float = 10.0) -> dict:
    """Read as the sampler does: each root's tree listed afresh, then who runs where."""
    deadline, table = time.monotonic() + timeout, ProcessTable()
    while True:
        table.refresh()
        found = owners.read({pid: read_processes([psutil.Process(p) for p in (pid, *table.descendants(pid))])
                             for pid in roots})
        if predicate(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.25)


def test_a_busy_lane_owns_the_core_it_runs_on_and_an_idle_one_owns_none():
    busy = subprocess.Popen([sys.executable, "-c", BUSY])
    idle = subprocess.Popen([sys.executable, "-c", IDLE])
    try:
        owners = CoreOwners()
        found = read_until(owners, [busy.pid, idle.pid], lambda found: busy.pid in found.values())
        assert busy.pid in found.values()
        assert idle.pid not in found.values()
        cpu = next(cpu for cpu, pid in found.items() if pid == busy.pid)
        assert cpu in range(psutil.cpu_count())
    finally:
        for child in (busy, idle):
            child.kill()
            child.wait()


def test_a_lane_counts_its_child_processes():
    # The lane's root waits; its child does the work, as a pool's workers do.
    root = subprocess.Popen([sys.executable, "-c",
                             f"import subprocess, sys; subprocess.run([sys.executable, '-c', {BUSY!r}])"])
    try:
        owners = CoreOwners()
        found = read_until(owners, [root.pid], lambda found: root.pid in found.values())
        assert root.pid in found.values()
        assert owners.read({}) == {}  # a lane that ended is forgotten
    finally:
        for child in psutil.Process(root.pid).children(recursive=True):
            child.kill()
        root.kill()
        root.wait()
