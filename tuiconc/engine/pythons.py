"""The Pythons on this machine a lane can run on, found rather than typed.

Looked for on PATH (`python3.X`, `python3.Xt`), among pyenv's and uv's installed versions, and in
the cache the free-threaded build script fills; each is asked what it is (`engine.interpreter_probe`)
and named by its version as people say it: `3.13`, or `3.13t` for a free-threaded build. A lane names
one as `RUNNER@3.13t` (or `RUNNER@/path/to/python`).
"""

from __future__ import annotations

import concurrent.futures
import functools
import glob
import os
import sys
from dataclasses import dataclass

from tuiconc.engine.interpreter_probe import MIN_VERSION, InterpreterError, probe
from tuiconc.user_folders import cache_folder

PROBES_AT_ONCE = 4


@dataclass(frozen=True)
class Python:
    name: str  # "3.13", "3.13t"
    path: str
    version: str  # "3.13.0"
    implementation: str
    gil_enabled: bool
    unavailable: dict  # runner → why it can't run there

    @property
    def is_this(self) -> bool:
        return os.path.realpath(self.path) == os.path.realpath(sys.executable)


def free_threaded_build() -> str:
    """Where scripts/build_free_threaded_python.sh puts the 3.13t it builds ($TUICONC_PYTHON_CACHE, as there)."""
    cache = os.environ.get("TUICONC_PYTHON_CACHE") or cache_folder("python-3.13t")
    return os.path.join(cache, "install", "bin", "python3.13t")


def candidates() -> list[str]:
    """Interpreter paths worth asking, this one first, each real file once."""
    found = [sys.executable]
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        found += sorted(glob.glob(os.path.join(folder, "python3.[0-9]*")))
    pyenv = os.environ.get("PYENV_ROOT") or os.path.join(os.path.expanduser("~"), ".pyenv")
    found += sorted(glob.glob(os.path.join(pyenv, "versions", "3.*", "bin", "python3*")))
    uv = os.environ.get("UV_PYTHON_INSTALL_DIR") or os.path.join(os.path.expanduser("~"), ".local", "share", "uv",
                                                                   "python")
    found += sorted(glob.glob(os.path.join(uv, "cpython-3.*", "bin", "python3*")))
    found.append(free_threaded_build())
    seen, unique = set(), []
    for path in found:
        name = os.path.basename(path)
        if name.endswith("-config") or "shims" in path.split(os.sep) or not os.path.isfile(path) \
                or not os.access(path, os.X_OK):
            continue  # pyenv's shims stand for one of the versions found anyway
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            unique.append(path)
    return unique


def _describe(path: str) -> Python | None:
    try:
        facts = probe(path)
    except InterpreterError:
        return None
    version = tuple(facts["version_info"])
    if version < MIN_VERSION:
        return None
    gil = facts.get("gil_enabled") is not False
    name = f"{version[0]}.{version[1]}" + ("" if gil else "t")
    return Python(name, path, facts.get("python", ".".join(map(str, version))), facts.get("implementation", ""),
                  gil, dict(facts.get("unavailable", {})))


_NAMES: dict[str, str] = {}  # path → name, of the Pythons discovered so far


@functools.lru_cache(maxsize=1)
def discover() -> tuple[Python, ...]:
    """Every usable Python found, this one first; the first of each name keeps the name."""
    paths = candidates()
    with concurrent.futures.ThreadPoolExecutor(PROBES_AT_ONCE) as pool:
        described = [python for python in pool.map(_describe, paths) if python is not None]
    for python in described:
        _NAMES.setdefault(python.path, python.name)
    return tuple(described)


def chosen_text(pythons: tuple[tuple[str, str], ...]) -> str:
    """The lanes' interpreters in a few words, without asking any ("" : every lane on this one)."""
    def name(path: str) -> str:
        return _NAMES.get(path) or os.path.basename(path)

    every = [name(path) for lane, path in pythons if lane == "*"]
    lanes = [name(path) for lane, path in pythons if lane != "*"]
    mine = f"{len(lanes)} lane{'s' if len(lanes) > 1 else ''} on {', '.join(dict.fromkeys(lanes))}" if lanes else ""
    return ", ".join(filter(None, (f"all on {every[0]}" if every else "", mine)))


def resolve(name: str) -> str:
    """The path of the Python a lane names: a path as given, else the first found of that name.
    KeyError: the sentence saying what was found instead."""
    if os.sep in name:
        return name
    for python in discover():
        if python.name == name:
            return python.path
    found = ", ".join(dict.fromkeys(python.name for python in discover())) or "none"
    raise KeyError(f"no Python {name!r} found on this machine (found: {found}); give a path instead, "
                   f"e.g. threading@/usr/bin/python3.13")
