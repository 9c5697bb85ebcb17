"""Every process's parent, kept up to date at a small cost: which processes belong to a lane.

The sampler needs each lane's whole tree several times a second. Listing the tree through psutil
reads every process on the machine each time (7 ms a pass for 67 processes here, ~0.1 ms a
process): on a laptop with 500 processes, that alone would cost the UI a fifth of a core. On
Linux this table lists /proc each refresh and reads the parent of *new* PIDs only. A process's
parent never changes into one of ours (an orphan goes to init or a subreaper, never into a lane),
so what was read stays true; every `FULL_EVERY` refreshes, or after a pause of `STALE_S`, it reads
them all again, in case a PID was reused. Elsewhere it asks psutil for every parent each refresh.
"""

from __future__ import annotations

import collections
import math
import os
import time

import psutil

PROC = "/proc"


def _parent_from_stat(pid: str) -> int | None:
    """The parent PID from /proc/PID/stat: the fourth field, after the name in parentheses."""
    try:
        with open(f"{PROC}/{pid}/stat", "rb") as stat:
            data = stat.read()
        return int(data[data.rindex(b")") + 2:].split(None, 2)[1])
    except (OSError, ValueError, IndexError):
        return None  # it ended between the listing and the read


class ProcessTable:
    FULL_EVERY = 8
    STALE_S = 2.0

    def __init__(self):
        self._parents: dict[int, int] = {}
        self._children: dict[int, list[int]] = {}
        self._refreshes = 0
        self._refreshed_at = -math.inf
        self._procfs = os.path.exists(f"{PROC}/self/stat")

    def refresh(self) -> None:
        now = time.monotonic()
        full = self._refreshes % self.FULL_EVERY == 0 or now - self._refreshed_at > self.STALE_S
        self._refreshes, self._refreshed_at = self._refreshes + 1, now
        if not self._procfs:
            self._parents = {p.pid: p.info["ppid"] for p in psutil.process_iter(["ppid"])}
        else:
            known = {} if full else self._parents
            parents = {}
            for name in os.listdir(PROC):
                if name.isdigit():
                    pid = int(name)
                    parent = known.get(pid)
                    if parent is None:
                        parent = _parent_from_stat(name)
                    if parent is not None:
                        parents[pid] = parent
            self._parents = parents
        children = collections.defaultdict(list)
        for pid, parent in self._parents.items():
            children[parent].append(pid)
        self._children = children

    def descendants(self, pid: int) -> list[int]:
        """Children, grandchildren and so on, as of the last refresh."""
        found, stack = [], list(self._children.get(pid, ()))
        while stack:
            found.append(stack.pop())
            stack.extend(self._children.get(found[-1], ()))
        return found
