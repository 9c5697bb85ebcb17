"""What every subcommand shares: exit codes, one-line errors, argument types, and running to the end."""

from __future__ import annotations

import argparse
import os
import signal
import sys

from tuiconc import units

EXIT_OK, EXIT_LANE_FAILED, EXIT_USAGE, EXIT_NOT_SAVED = 0, 1, 2, 3
EXIT_CODES_HELP = ("exit codes: 0 every lane finished with the right answer; 1 a lane failed or got a wrong answer; "
                   "2 bad input, nothing started; 3 the race ran and its results were shown, but a file (or standard "
                   "output) could not be written; 130, 143, 129 interrupted by SIGINT, SIGTERM, SIGHUP")


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


def positive_ms(text: str) -> float:
    """Milliseconds, fractions allowed: 0.5, 5, 100."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected milliseconds, e.g. 0.5 or 5, got {text!r}") from None
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of milliseconds, got {text!r}")
    return value


def results_file(text: str) -> str:
    if not text.lower().endswith((".json", ".csv", ".md")):
        raise argparse.ArgumentTypeError(f"save as .json, .csv or .md, not {text!r}")
    return writable_file(text)


def writable_file(text: str) -> str:
    from tuiconc.engine.outputs import check_output

    problem = check_output(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


_stopping: list[int] = []  # the signal that is ending tuiconc, once one is


def _raise_once(signum, frame):
    """The first SIGINT, SIGTERM or SIGHUP raises; later ones are ignored, so a second Ctrl-C cannot
    cut short the clean-up the first one started (ending lanes, removing their folders)."""
    if _stopping:
        return
    _stopping.append(signum)
    raise KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum)


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def catch_stop_signals() -> None:
    for signum in STOP_SIGNALS:
        signal.signal(signum, _raise_once)


def ignore_stop_signals() -> None:
    """On the way out after a stop signal: Python resets its own handlers to the default while it
    shuts down, so one more Ctrl-C then would kill it by signal instead of letting it exit 130."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


_stdout_failure: list[str] = []  # why standard output failed, once it has


def print_out(write) -> None:
    """Run `write()` (which prints to stdout) and flush. If stdout fails (a full disk, a closed pipe),
    remember why for `stdout_failure` and silence stdout, so later prints and the interpreter's own
    last flush cannot fail again."""
    try:
        write()
        sys.stdout.flush()
    except OSError as error:
        if not _stdout_failure:
            _stdout_failure.append(f"cannot write to standard output: {error.strerror or error}")
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def stdout_failure() -> str | None:
    return _stdout_failure[0] if _stdout_failure else None


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
            print_out(lambda: show_live(handle))
            while not handle.wait(0.1):  # stdout failed mid-race: the race still runs to its end
                pass
    except KeyboardInterrupt as interrupt:
        handle.cancel()
        ignore_stop_signals()
        print(f"tuiconc: {noun} cancelled; every lane process has ended", file=sys.stderr)
        return exit_code_for(interrupt)
    return None
