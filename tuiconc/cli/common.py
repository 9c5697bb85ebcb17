"""What every subcommand shares: exit codes, one-line errors, argument types, and running to the end."""

from __future__ import annotations

import argparse
import os
import signal
import sys

from tuiconc import units

EXIT_OK, EXIT_LANE_FAILED, EXIT_USAGE = 0, 1, 2


class OneLineParser(argparse.ArgumentParser):
    """Bad input: one line on stderr, exit code 2, no usage dump."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: handled like Ctrl-C."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def exit_code_for(interrupt: KeyboardInterrupt) -> int:
    """The shell's convention, 128 + the signal: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP."""
    return 128 + (interrupt.signum if isinstance(interrupt, Terminated) else signal.SIGINT)


def whole_number(text: str) -> int:
    try:
        return units.whole_number(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def results_file(text: str) -> str:
    if not text.lower().endswith((".json", ".csv", ".md")):
        raise argparse.ArgumentTypeError(f"save as .json, .csv or .md, not {text!r}")
    return writable_file(text)


def writable_file(text: str) -> str:
    folder = os.path.dirname(os.path.abspath(text))
    if not os.path.isdir(folder):
        raise argparse.ArgumentTypeError(f"folder {folder!r} does not exist")
    if os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text!r} is a folder; give a file name")
    if not os.access(folder, os.W_OK):
        raise argparse.ArgumentTypeError(f"cannot write in {folder!r}")
    return text


def raise_terminated(signum, frame):
    raise Terminated(signum)


def run_to_end(handle, as_json: bool, show_live, noun: str) -> int | None:
    """Start a race or a sweep and wait for its end, drawing it live unless JSON is wanted.

    Ctrl-C, SIGTERM or SIGHUP end every lane process first; then the exit code is returned."""
    try:
        handle.start()
        if as_json:
            # Short waits: a signal may land on another thread, and only a waking main thread runs its handler.
            while not handle.wait(0.1):
                pass
        else:
            show_live(handle)
    except KeyboardInterrupt as interrupt:
        handle.cancel()
        print(f"tuiconc: {noun} cancelled; every lane process has ended", file=sys.stderr)
        return exit_code_for(interrupt)
    return None
