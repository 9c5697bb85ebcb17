"""Lanes' temporary folders (multiprocessing's sockets and semaphores go there).

Each name carries the PID of the front end that made it, so a folder whose owner was killed
(SIGKILL leaves no chance to tidy up) is recognised and removed the next time tuiconc starts a lane.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading

PREFIX = "tuiconc-lane-"
_OWNED = re.compile(rf"^{re.escape(PREFIX)}(\d+)-")
_swept = threading.Event()


def make_lane_folder() -> str:
    """A new, empty folder for one lane; the first call in a process also removes stale ones."""
    if not _swept.is_set():
        _swept.set()
        remove_stale_lane_folders()
    return tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-")


def remove_stale_lane_folders(root: str | None = None) -> list[str]:
    """Remove the lane folders whose front end no longer runs; return their paths."""
    root = root or tempfile.gettempdir()
    try:
        names = os.listdir(root)
    except OSError:
        return []
    removed = []
    for name in names:
        owner = _OWNED.match(name)
        if owner and not _alive(int(owner.group(1))):
            path = os.path.join(root, name)
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process, or a number we cannot judge: leave its folder
    return True
