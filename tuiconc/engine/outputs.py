"""Files tuiconc writes: checked before anything starts, then written whole or not at all.

The CLI (`--save`, `--record`, `--trace`) and the app (`x`, Ctrl+S) both ask `check_outputs`
first, so a race never runs only to lose its results to a path that could never be written;
every writer goes through `write_atomically`, so a failed write never leaves half a file.
"""

from __future__ import annotations

import os
import stat
import tempfile


class OutputError(Exception):
    """A file that cannot be written; the message names it and says why."""


def check_output(path: str) -> str | None:
    """Why `path` cannot be written as a new or replaced regular file, or None if it can."""
    if not path or not path.strip():
        return "give a file name, not an empty one"
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        return f"folder {folder!r} does not exist"
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        return f"cannot write {path!r}: {error.strerror or error}"
    if mode is not None and stat.S_ISDIR(mode):
        return f"{path!r} is a folder; give a file name"
    if mode is not None and not stat.S_ISREG(mode):
        return f"{path!r} is not a regular file (a device, pipe or socket); give a file name"
    if mode is not None and not os.access(path, os.W_OK):
        return f"{path!r} is read-only"
    # The one honest test (root passes os.access everywhere, /proc and read-only mounts refuse
    # new files): create the temporary file the real write will need, then remove it.
    try:
        descriptor, probe = tempfile.mkstemp(dir=folder, prefix=_temp_prefix(path), suffix=".part")
    except OSError as error:
        return f"cannot create a file in {folder!r} ({error.strerror or error})"
    os.close(descriptor)
    os.unlink(probe)
    return None


def check_outputs(paths: dict[str, str | None]) -> str | None:
    """Check every named output (e.g. {"--save": "r.json"}), and that no two are the same file."""
    seen: dict[str, str] = {}
    for name, path in paths.items():
        if path is None:
            continue
        problem = check_output(path)
        if problem:
            return f"{name}: {problem}"
        real = os.path.realpath(path)
        if real in seen:
            return f"{seen[real]} and {name} both name {path!r}; give each its own file"
        seen[real] = name
    return None


def write_atomically(path: str, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it into place.

    Readers see the old file or the new one, never a half-written one; on any failure the
    temporary file is removed and OutputError says which file and why."""
    folder = os.path.dirname(os.path.abspath(path))
    temporary = None
    try:
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=_temp_prefix(path), suffix=".part")
        with os.fdopen(descriptor, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, _new_file_mode(path))
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        raise OutputError(f"cannot write {path!r}: {error.strerror or error}") from None
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass


def _temp_prefix(path: str) -> str:
    return f".{os.path.basename(path) or 'tuiconc'}."


def _new_file_mode(path: str) -> int:
    """What `open(path, "w")` would have given: the old file's mode, else 0o666 less the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~_UMASK


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once, at import, before any thread could race the two calls
