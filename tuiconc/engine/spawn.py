"""Starting tuiconc's own child processes and ending them, group and all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil

# The folder that holds the tuiconc package: what `python -m tuiconc…` needs on its path.
PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent.parent)


def launch(module: str, *args: str, python: str | None = None, tmpdir: str | None = None,
           flags: tuple[str, ...] = ()) -> subprocess.Popen:
    """Run `python -m module args…` in a process group of its own, talking over pipes.

    Its stdin stays open for as long as we live: that is the child's lifeline. With `tmpdir`,
    its temporary files (multiprocessing's sockets and folders) go there, for us to remove
    even when the child is killed before it can.
    """
    env = child_env(python)
    if tmpdir:
        env["TMPDIR"] = tmpdir
    return subprocess.Popen(
        [python or sys.executable, *flags, "-m", module, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
        bufsize=1,
        **own_process_group(),
    )


def own_process_group() -> dict:
    """A process group of its own, to end it as a whole, but in our session, not a new one.

    Linux's autogroup scheduler shares the CPU between sessions first: a lane in a session of
    its own would get one session's share however many processes it runs, so four worker
    processes would get what one thread gets. In our session every process competes as an
    equal, as programs started from one shell do."""
    if sys.version_info >= (3, 11):
        return {"process_group": 0}
    return {"preexec_fn": os.setpgrp}  # 3.10 has no process_group


def is_this_interpreter(python: str | None) -> bool:
    """The front end's own interpreter, as named (a virtual environment's python is not the one it links to)."""
    return python is None or os.path.abspath(python) == os.path.abspath(sys.executable)


def child_env(python: str | None = None) -> dict[str, str]:
    """Our environment, with this tuiconc importable first, so `python -m tuiconc.…` finds this copy, not
    another: on this interpreter, the folder that holds it; on another (`--python`), which has nothing of
    tuiconc installed, a copy of the child side alone (engine.child_side)."""
    from tuiconc.engine.child_side import child_path

    env = dict(os.environ)
    first = PACKAGE_ROOT if is_this_interpreter(python) else child_path()
    env["PYTHONPATH"] = os.pathsep.join(p for p in (first, env.get("PYTHONPATH")) if p)
    return env



def end_group(process: subprocess.Popen, timeout: float = 1.0) -> None:
    """SIGKILL the child's whole process group, and any descendant that left it; then reap it."""
    try:
        stragglers = psutil.Process(process.pid).children(recursive=True)
    except psutil.Error:
        stragglers = []
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for child in stragglers:
        try:
            child.kill()
        except psutil.Error:
            pass
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        pass
    if process.stdin:
        try:
            process.stdin.close()
        except OSError:
            pass
