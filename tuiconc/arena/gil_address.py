"""Where this process's GIL is: the futex words its threads wait on for it. Linux only; standard library only.

A thread waiting for the GIL sleeps in a futex wait on the GIL's condition variable or mutex, and
`/proc/PID/task/TID/syscall` shows that wait's address as its first argument. The front end samples
the lane's workers' files from outside; to tell a wait for the GIL from a wait for any other lock, it
needs the GIL's addresses. They are learned here, before the lane's clock starts, by causing a wait
for the GIL on purpose: two threads spin in pure Python with a short switch interval, and this thread
reads their syscall files (a process may always read its own threads'). Every futex they wait on then
is the GIL's: they take no other lock. A few milliseconds; the switch interval is restored after.

Beside busy programs that can fail (a woken spinner waits long for a CPU, and reads as runnable). But
the GIL lives in the interpreter's static data, at a fixed offset from where its file (the executable
or libpython) is loaded: so once learned, the offsets are kept in the cache folder, keyed by that
file, and every later lane on the same interpreter finds its GIL from /proc/self/maps at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
import threading
import time

from tuiconc.machine import gil_enabled
from tuiconc.user_folders import cache_folder

# The futex system call's number, per architecture (Linux's unistd tables).
FUTEX = {"x86_64": 202, "aarch64": 98, "arm64": 98}.get(platform.machine())
LEARN_FOR_S = 0.3  # at most: 2-5 ms on a quiet machine; beside busy programs a woken spinner can wait long for a CPU
SIGHTINGS = 4  # futex waits seen before the addresses are taken as known
GIL_SIZE = 512  # bytes: the GIL's mutex and condition variables lie together; a wait further off is something else
SPIN_SWITCH_S = 0.0002


def parse_syscall(text: bytes) -> tuple[int, int] | None:
    """A task's `syscall` file as (system call number, first argument); None while it runs on a CPU or is
    runnable ("running"), or is blocked outside a system call ("-1 …")."""
    fields = text.split(None, 2)
    if not fields or fields[0] in (b"running", b"-1"):
        return None
    try:
        return int(fields[0]), int(fields[1], 16) if len(fields) > 1 else 0
    except ValueError:
        return None


def gil_futexes() -> list[int]:
    """The futex addresses this process's threads wait on for its GIL, as kept for this interpreter or learned
    now (and kept); empty where they can't be had (not Linux, no GIL, an unknown architecture, no /proc)."""
    if FUTEX is None or not sys.platform.startswith("linux") or not gil_enabled():
        return []
    maps = _file_mappings()
    kept = _kept_path(maps)
    try:
        with open(kept) as file:
            found = [_address(maps, path, offset) for path, offset in json.load(file)]
        addresses = [address for address in found if address is not None]
        if addresses and len(addresses) == len(found):
            return sorted(addresses)
    except (OSError, ValueError, TypeError):
        pass
    learned = learn_gil_futexes()
    anchors = [_anchor(maps, address) for address in learned]
    if learned and None not in anchors:
        _keep(kept, anchors)
    return learned


def _file_mappings() -> list[tuple[int, int, str]]:
    """(start, end, file) of each file-backed mapping of this process."""
    mappings = []
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                fields = line.split(maxsplit=5)
                if len(fields) == 6 and fields[5].startswith("/"):
                    start, end = (int(value, 16) for value in fields[0].split("-"))
                    mappings.append((start, end, fields[5].strip()))
    except OSError:
        pass
    return mappings


def _base(maps: list[tuple[int, int, str]], path: str) -> int | None:
    return min((start for start, _, file in maps if file == path), default=None)


def _anchor(maps: list[tuple[int, int, str]], address: int) -> tuple[str, int] | None:
    """The address as (the file mapped there, its offset from where that file is loaded)."""
    for start, end, path in maps:
        base = _base(maps, path)
        if start <= address < end and base is not None:
            return path, address - base
    return None


def _address(maps: list[tuple[int, int, str]], path: str, offset: int) -> int | None:
    base = _base(maps, path)
    return None if base is None else base + offset


def _kept_path(maps: list[tuple[int, int, str]]) -> str:
    """Where this interpreter's GIL offsets are kept: named by its executable and libraries, as they are."""
    key = hashlib.blake2b(digest_size=10)
    for path in sorted({path for _, _, path in maps if "python" in os.path.basename(path)} | {sys.executable}):
        try:
            stat = os.stat(path)
        except OSError:
            continue
        key.update(f"{os.path.realpath(path)}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return os.path.join(cache_folder("gil-offsets"), f"{key.hexdigest()}.json")


def _keep(path: str, anchors: list) -> None:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        partial = f"{path}.{os.getpid()}.part"
        with open(partial, "w") as file:
            json.dump(anchors, file)
        os.replace(partial, path)
    except OSError:
        pass  # a read-only home: learned again next time


def learn_gil_futexes() -> list[int]:
    """The futex addresses this process's threads wait on for its GIL, learned by contention now."""
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            pass

    spinners = [threading.Thread(target=spin, name="tuiconc-gil-probe", daemon=True) for _ in range(2)]
    switch = sys.getswitchinterval()
    sys.setswitchinterval(SPIN_SWITCH_S)
    seen: dict[int, int] = {}
    try:
        for spinner in spinners:
            spinner.start()
        paths = [f"/proc/self/task/{spinner.native_id}/syscall" for spinner in spinners]
        deadline = time.monotonic() + LEARN_FOR_S
        while sum(seen.values()) < SIGHTINGS and time.monotonic() < deadline:
            for path in paths:
                with open(path, "rb") as file:
                    call = parse_syscall(file.read())
                if call is not None and call[0] == FUTEX:
                    seen[call[1]] = seen.get(call[1], 0) + 1
    except OSError:
        seen.clear()
    finally:
        stop.set()
        for spinner in spinners:
            spinner.join()
        sys.setswitchinterval(switch)
    if not seen:
        return []
    most = max(seen, key=seen.__getitem__)
    return sorted(address for address in seen if abs(address - most) < GIL_SIZE)
