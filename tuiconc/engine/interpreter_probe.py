"""Other Python interpreters for lanes (--python): checked before any race starts."""

from __future__ import annotations

import functools
import json
import os
import subprocess

PROBE_TIMEOUT_S = 20.0
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
    from tuiconc.engine.spawn import child_env

    try:
        result = subprocess.run([path, "-m", "tuiconc.arena.probe"], capture_output=True, text=True, env=child_env(),
                                timeout=PROBE_TIMEOUT_S, stdin=subprocess.DEVNULL)
        facts = json.loads(result.stdout)
        version = tuple(facts["version_info"])
        if version >= MIN_VERSION:
            facts["unavailable"]  # a full answer, not just the version
    except (OSError, subprocess.SubprocessError, ValueError, KeyError, TypeError):
        raise InterpreterError(f"{path!r} is not a Python interpreter tuiconc can use "
                               f"(it must run `python -m tuiconc.arena.probe`)") from None
    if version < MIN_VERSION:
        raise InterpreterError(f"{path!r} is Python {'.'.join(map(str, version))}; lanes need Python 3.10 or newer")
    return facts

