"""The lane's import path without the working folder that `python -m` puts first.

A queue.py or json.py in the folder tuiconc was started from would stand in for Python's own in the
arena and its pool workers. The front end passes -P (3.11+), which leaves it out; on 3.10 the arena
drops it itself. With -P the first entry is PYTHONPATH's, which may name that same folder (a checkout
that holds tuiconc): that one stays.
"""

from __future__ import annotations


def without_working_folder(path: list[str], cwd: str, safe_path: bool) -> list[str]:
    if safe_path or not path or path[0] not in ("", cwd):
        return list(path)
    return path[1:]
