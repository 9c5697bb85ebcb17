"""The user's own functions a front end offers: named one by one, found in a folder, or in the default folder.

Found by parsing each file (`ast`), never by importing it: a front end reads what a function is
called and what its docstring says; only a lane's own processes import the module.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from tuiconc.engine.config import canonical_workload
from tuiconc.user_folders import config_folder
from tuiconc.workloads import UserWorkload, get_workload
from tuiconc.workloads.user_spec import (COMPUTE_SUFFIX, WAIT_SUFFIX, SpecError, UserCode, UserSpec, check_spec,
                                         module_file, read_functions)

MAX_FOLDER_FILES = 200  # a folder with more Python files than this is not a folder of workloads


def default_folder() -> str:
    """~/.config/tuiconc/workloads, or under $XDG_CONFIG_HOME (user_folders)."""
    return config_folder("workloads")


def raceable_functions(file: str) -> list[str]:
    """The functions of a file a person could race, in the file's order: plain functions of one argument,
    less the computing half of a hybrid pair (FUNC_compute beside FUNC and FUNC_wait), which is part of FUNC.
    SpecError: the file can't be read or parsed."""
    functions = read_functions(file)
    names = UserCode(UserSpec(func="", path=file), file, functions).raceable()

    def half_of_a_pair(name: str) -> bool:
        base = name.removesuffix(COMPUTE_SUFFIX)
        return name != base and base in functions and base + WAIT_SUFFIX in functions

    return [name for name in names if not half_of_a_pair(name)]


@dataclass
class FolderScan:
    """What a folder offers: each raceable function as an absolute FILE.py:FUNC, and the files left out, why."""

    specs: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def check_workload_folder(folder: str) -> str | None:
    if not os.path.isdir(folder):
        return f"no such folder: {folder}" if not os.path.exists(folder) else f"{folder} is not a folder"
    if not os.access(folder, os.R_OK | os.X_OK):
        return f"can't read the folder {folder}"
    return None


def scan_folder(folder: str) -> FolderScan:
    """Every raceable function of every *.py file directly in `folder` (not its subfolders), files in name
    order. A file that can't be parsed is left out and said in `skipped`; SpecError: not a readable folder."""
    problem = check_workload_folder(folder)
    if problem:
        raise SpecError(problem)
    folder = os.path.abspath(folder)
    scan = FolderScan()
    try:
        names = sorted(name for name in os.listdir(folder)
                       if name.endswith(".py") and not name.startswith((".", "__")))
    except OSError as error:
        raise SpecError(f"can't read the folder {folder}: {error.strerror or error}") from None
    if len(names) > MAX_FOLDER_FILES:
        scan.skipped.append(f"{folder} holds {len(names):,} Python files: only the first {MAX_FOLDER_FILES} are read")
        names = names[:MAX_FOLDER_FILES]
    for name in names:
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            continue
        try:
            scan.specs += [f"{path}:{func}" for func in raceable_functions(path)]
        except SpecError as error:
            scan.skipped.append(str(error))
    return scan


@dataclass
class OwnWorkloads:
    """The user's functions the app offers, in the order they were given, then found, then added."""

    specs: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files of a folder that could not be read, and why

    def add(self, spec: str) -> str:
        """Offer one more (a canonical spec); returns it. Offered already: nothing changes."""
        if spec not in self.specs:
            self.specs.append(spec)
        return spec


def check_own_spec(text: str, cwd: str | None = None) -> str:
    """A FILE.py:FUNC or package.module:FUNC checked against its file, as its canonical (absolute) spec.
    SpecError: what is wrong with it, in one line."""
    check_spec(text, cwd)
    return canonical_workload(text, cwd)


def gather(given: list[str], folders: list[str], default: bool = True, cwd: str | None = None) -> OwnWorkloads:
    """The functions named (each checked), then those of each folder, then of the default folder where it
    exists (`default`). SpecError: a named function or folder that can't be offered, in one line."""
    own = OwnWorkloads()
    for text in given:
        own.add(check_own_spec(text, cwd))
    wanted = [os.path.join(cwd or os.getcwd(), folder) for folder in folders]
    if default and os.path.isdir(default_folder()):
        wanted.append(default_folder())
    for folder in wanted:
        scan = scan_folder(folder)
        for spec in scan.specs:
            own.add(spec)
        own.skipped += scan.skipped
    return own


def read_as_now(name: str) -> object:
    """What a user's function's file says now (its parse, read again if the file changed since, or why it
    can't be read), for a front end to tell when to draw it anew; None for a built-in workload."""
    try:
        workload = get_workload(name)
        return workload.code if isinstance(workload, UserWorkload) else None
    except (KeyError, SpecError) as error:
        return str(error)


def functions_of(where: str, cwd: str | None = None) -> tuple[str, list[str]]:
    """The file that FILE.py (relative to `cwd`) or package.module names, and its raceable functions, for a
    person typing FILE.py:FUNC to choose from. SpecError: no such file or module, or it can't be parsed."""
    if where.endswith(".py"):
        file = os.path.join(cwd or os.getcwd(), where)
    elif where and all(part.isidentifier() for part in where.split(".")):
        found = module_file(where, [cwd or os.getcwd(), *sys.path])
        if found is None:
            raise SpecError(f"no module {where!r} on the path")
        file = found
    else:
        raise SpecError(f"{where!r} is neither a .py file nor a dotted module name")
    if not os.path.isfile(file):
        raise SpecError(f"no such file: {where}")
    return file, raceable_functions(file)
