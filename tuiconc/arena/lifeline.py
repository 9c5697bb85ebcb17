"""Child processes die with their front end: when stdin (a pipe from it) closes, end our group."""

from __future__ import annotations

import os
import signal
import sys
import threading


def _watch_stdin() -> None:
    try:
        while os.read(sys.stdin.fileno(), 4096):
            pass
    except OSError:
        pass
    if os.getpgrp() == os.getpid():  # only when we lead our own group, never a user's shell job
        os.killpg(os.getpgrp(), signal.SIGKILL)


def hold_lifeline() -> None:
    threading.Thread(target=_watch_stdin, name="tuiconc-lifeline", daemon=True).start()
