"""The process table the sampler lists lane trees from, on real processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil

from tuiconc.engine.process_table import ProcessTable

# A root that starts a child, which starts a grandchild; each waits until killed.
TREE = ("import subprocess, sys, time; "
        "subprocess.Popen([sys.executable, '-c', "
        "'import subprocess, sys, time; subprocess.Popen([sys.executable, \"-c\", \"import time; time.sleep(60)\"]); "
        "time.sleep(60)']); time.sleep(60)")


def refreshed_until(table: ProcessTable, pid: int, count: int, timeout: float = 10.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while True:
        table.refresh()
        found = table.descendants(pid)
        if len(found) >= count or time.monotonic() > deadline:
            return found


def test_descendants_are_the_whole_tree_and_new_processes_join_it_at_the_next_refresh():
    table = ProcessTable()
    table.refresh()
    root = subprocess.Popen([sys.executable, "-c", TREE])
    try:
        found = refreshed_until(table, root.pid, 2)
        expected = {child.pid for child in psutil.Process(root.pid).children(recursive=True)}
        assert set(found) == expected and len(expected) == 2
        assert root.pid in table.descendants(os.getpid())
    finally:
        for child in psutil.Process(root.pid).children(recursive=True):
            child.kill()
        root.kill()
        root.wait()
    for _ in range(ProcessTable.FULL_EVERY):
        table.refresh()
    assert table.descendants(root.pid) == [] and root.pid not in table.descendants(os.getpid())


def test_a_process_that_ended_leaves_the_table_at_the_next_refresh():
    table = ProcessTable()
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    table.refresh()
    assert child.pid in table.descendants(os.getpid())
    child.kill()
    child.wait()
    table.refresh()  # an incremental one: the listing has lost the PID
    assert child.pid not in table.descendants(os.getpid())
