"""The child side of tuiconc, copied once for lanes on another interpreter (`--python`).

A lane runs `python -m tuiconc.arena`. On this interpreter tuiconc is importable as installed; on
another, nothing of tuiconc is installed, and putting the folder that holds this copy on its path
would hand it the front end's whole site-packages (built for this interpreter, not that one). So a
lane on another interpreter gets a copy of only the packages a lane imports (standard library only,
an import-linter contract holds that), made once per content and reused: its folder is named by a
digest of the files, so an edited checkout gets a fresh copy and an unchanged one costs a stat.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from hashlib import blake2b
from pathlib import Path

import tuiconc
from tuiconc.user_folders import cache_folder

PACKAGE = Path(tuiconc.__file__).resolve().parent
# What a lane imports: its entry point, the execution models, the work, and the facts and numbers
# they read. engine/, ui/, cli/, render/ and teach/ stay behind: they need Rich, Textual and psutil.
CHILD_PACKAGES = ("arena", "runners", "workloads")
CHILD_MODULES = ("__init__.py", "machine.py", "tunables.py", "units.py", "user_folders.py")


def child_files() -> list[Path]:
    """The child side's source files, relative to the package, in a fixed order."""
    files = [Path(name) for name in CHILD_MODULES]
    for package in CHILD_PACKAGES:
        files += sorted(path.relative_to(PACKAGE) for path in (PACKAGE / package).rglob("*.py"))
    return files


@functools.lru_cache(maxsize=1)
def child_path() -> str:
    """A folder holding a `tuiconc` package of the child side alone, for another interpreter's PYTHONPATH."""
    files = child_files()
    digest = blake2b(digest_size=8)
    for file in files:
        digest.update(str(file).encode() + b"\0" + (PACKAGE / file).read_bytes() + b"\0")
    folder = Path(cache_folder("child-side", f"{tuiconc.__version__}-{digest.hexdigest()}"))
    if folder.is_dir():
        return str(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=folder.parent))
    try:
        for file in files:
            (building / "tuiconc" / file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(PACKAGE / file, building / "tuiconc" / file)
        try:
            building.rename(folder)  # whole or absent: another front end may be making the same copy
        except OSError:
            if not folder.is_dir():
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return str(folder)
