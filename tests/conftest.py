"""Shared fixtures: real processes, and a check that every test leaves none of them behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil
import pytest
from hypothesis import settings

from tuiconc.engine import spawn
from tuiconc.machine import usable_cpus

# For the few tests whose outcome needs the cores free (processes beating sequential, threads
# visibly overlapping): on a shared machine another job can take them for a while, so such a
# test gets two more tries. It still fails if the behaviour is wrong every time.
NEEDS_FREE_CORES = pytest.mark.flaky(reruns=2, reruns_delay=1)


def expect_winner(state, expected, context=None) -> None:
    """The lesson's winner won, or tuiconc itself measured that the machine disturbed the race
    (a busy CI machine): either way the figures shown are true; no third outcome is allowed."""
    winner = next(lane for lane in state.lanes if lane.place == 1)
    assert winner.name in expected or state.disturbed, (
        context, [(lane.name, lane.wall_s, lane.others_cores, lane.runqueue_wait_s) for lane in state.lanes])

# Every child a test starts must be gone this long after the test ends.
CLEANUP_DEADLINE_S = 5.0


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.02):
    """Poll until predicate() is truthy; return its value, or fail after the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s: {predicate}")
        time.sleep(interval)


def living(pids) -> list[int]:
    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.NoSuchProcess:
            pass
    return alive


def descendants() -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True) if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


@pytest.fixture(autouse=True)
def no_processes_left_behind():
    before = {p.pid for p in descendants()}
    yield
    deadline = time.monotonic() + CLEANUP_DEADLINE_S
    while True:
        left = [p for p in descendants() if p.pid not in before]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert not left, f"processes left behind: {[(p.pid, ' '.join(p.cmdline())[:120]) for p in left]}"


@pytest.fixture
def cli_env():
    """Environment for running `python -m tuiconc` from the source tree."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (spawn.PACKAGE_ROOT, env.get("PYTHONPATH")) if p)
    env["COLUMNS"] = "120"
    return env


@pytest.fixture
def tuiconc_cmd():
    return [sys.executable, "-m", "tuiconc"]


@pytest.fixture
def hogs():
    """Busy loops in sessions of their own, like a browser or a compile: every core and then some."""
    started = [subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True)
               for _ in range(2 * usable_cpus())]
    yield started
    for hog in started:
        hog.kill()
        hog.wait()


# Hypothesis's per-example deadline is a timing claim, and this shared machine's timings swing 2-3×.
settings.register_profile("tuiconc", deadline=None)
settings.load_profile("tuiconc")
