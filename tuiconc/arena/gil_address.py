"""Where this process's GIL is: the futex words its threads wait on for it. Linux only; standard library only.

A thread waiting for the GIL sleeps in a futex wait on the GIL's condition variable or mutex, and
`/proc/PID/task/TID/syscall` shows that wait's address as its first argument. The front end samples
the lane's workers' files from outside; to tell a wait for the GIL from a wait for any other lock, it
needs the GIL's addresses. They are learned here, before the lane's clock starts, by causing a wait
for the GIL on purpose: two threads spin in pure Python with a short switch interval, and this thread
reads their syscall files (a process may always read its own threads'). Every futex they wait on then
is the GIL's: they take no other lock. A few milliseconds; the switch interval is restored after.
"""

from __future__ import annotations

import platform
import sys
import threading
import time

from tuiconc.machine import gil_enabled

# The futex system call's number, per architecture (Linux's unistd tables).
FUTEX = {"x86_64": 202, "aarch64": 98, "arm64": 98}.get(platform.machine())
LEARN_FOR_S = 0.05  # at most; usually done in 2-5 ms
SIGHTINGS = 8  # futex waits seen before the addresses are taken as known
SPIN_SWITCH_S = 0.0002


def parse_syscall(text: bytes) -> tuple[int, int] | None:
    """A task's `syscall` file as (system call number, first argument); None while it runs on a CPU or is
    runnable ("running"), or is blocked outside a system call ("-1 …")."""
    fields = text.split()
    if not fields or fields[0] in (b"running", b"-1"):
        return None
    try:
        return int(fields[0]), int(fields[1], 16) if len(fields) > 1 else 0
    except ValueError:
        return None


def learn_gil_futexes() -> list[int]:
    """The futex addresses this process's threads wait on for its GIL; empty where that can't be learned
    here (not Linux, no GIL, an unknown architecture, /proc unreadable)."""
    if FUTEX is None or not sys.platform.startswith("linux") or not gil_enabled():
        return []
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
    return sorted(seen)
