"""Other Python interpreters for lanes (--python): checked before any race starts."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys

from tuiconc import tunables

MIN_VERSION = (3, 10)


class InterpreterError(ValueError):
    pass


@functools.lru_cache(maxsize=32)
def probe(path: str) -> dict:
    """Facts about the interpreter at `path`, or InterpreterError saying why it can't run lanes."""
    if not os.path.exists(path):
        raise InterpreterError(f"interpreter {path!r} does not exist")
    if os.path.isdir(path) or not os.access(path, os.X_OK):
        raise InterpreterError(f"interpreter {path!r} is not an executable file")
    from tuiconc.engine.spawn import child_env, end_group

    try:
        # Its own process group, so a hung interpreter and anything it started can be ended together; run
        # from /, so no json.py in the working folder stands in for Python's before it can answer.
        process = subprocess.Popen([path, "-m", "tuiconc.arena.probe"], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env(path),
                                   cwd="/", start_new_session=True)
    except OSError as error:
        raise InterpreterError(f"cannot run {path!r}: {error.strerror or error}") from None
    try:
        stdout, _ = process.communicate(timeout=tunables.PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        end_group(process)
        process.stdout.close()
        process.stderr.close()
        raise InterpreterError(f"{path!r} did not answer within {tunables.PROBE_TIMEOUT_S:g} s, so it cannot "
                               f"run lanes (it must run `python -m tuiconc.arena.probe`)") from None
    except BaseException:  # Ctrl-C while waiting: leave nothing behind
        end_group(process)
        raise
    try:
        facts = json.loads(stdout)
        version = tuple(facts["version_info"])
        if version >= MIN_VERSION:
            facts["unavailable"]  # a full answer, not just the version
    except (OSError, subprocess.SubprocessError, ValueError, KeyError, TypeError):
        raise InterpreterError(f"{path!r} is not a Python interpreter tuiconc can use "
                               f"(it must run `python -m tuiconc.arena.probe`)") from None
    if version < MIN_VERSION:
        raise InterpreterError(f"{path!r} is Python {'.'.join(map(str, version))}; lanes need Python 3.10 or newer")
    return facts


def safe_path_flag(python: str | None) -> tuple[str, ...]:
    """-P: not the working folder first on the child's path, where a queue.py would stand in for Python's own
    (3.11+; the arena drops it itself on 3.10). A flag, not PYTHONSAFEPATH: the user's own subprocesses keep theirs."""
    from tuiconc.engine.spawn import is_this_interpreter

    version = tuple(sys.version_info[:2]) if is_this_interpreter(python) else tuple(probe(python)["version_info"][:2])
    return ("-P",) if version >= (3, 11) else ()
