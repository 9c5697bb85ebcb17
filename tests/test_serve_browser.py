"""`tuiconc serve` end to end, in headless Chromium: a key press starts a race in the page's app,
closing the page ends that app and its lanes, and stopping the server ends everything it started.

Needs Debian's chromium (`.ci/run` installs it) and Playwright for Python (the test extras); skips
without them. Playwright drives the system browser: it never downloads one.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

import psutil
import pytest

from conftest import wait_until

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts"))
from browserkit import CHROMIUM, CHROMIUM_ARGS, Screen  # noqa: E402

SIZE = 1_000_000  # primes: a race of several seconds, so pages close and the server stops mid-race
DEADLINE_S = 60.0  # for anything to happen; generous, for a busy machine
ENDED_S = 30.0  # for processes to end; the server SIGTERMs an app 10 s after its page closed

pytestmark = pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK),
                                reason=f"no {CHROMIUM} (Debian's chromium package; .ci/run installs it)")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')")

WATCHED = ("Workloads", "idle", "racing primes")


class Served:
    """`tuiconc serve` in its own session, and every process it has been seen to start."""

    def __init__(self, tuiconc_cmd, cli_env, log) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log
        self.process = subprocess.Popen([*tuiconc_cmd, "serve", "--port", str(self.port), "--size", str(SIZE)],
                                        env=cli_env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self.handle = psutil.Process(self.process.pid)
        self.seen: dict[int, psutil.Process] = {}

    def answers(self) -> bool:
        assert self.process.poll() is None, f"the server ended: {self.output()}"
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        except OSError:
            return False
        return True

    def look(self) -> list[psutil.Process]:
        """The server's app processes now (`python -m tuiconc …`); remember all its descendants."""
        try:
            found = self.handle.children(recursive=True)
        except psutil.Error:
            return []
        apps = []
        for process in found:
            process = self.seen.setdefault(process.pid, process)
            try:
                if process.cmdline()[1:3] == ["-m", "tuiconc"] and process.status() != psutil.STATUS_ZOMBIE:
                    apps.append(process)
            except psutil.Error:  # it ended while looked at
                pass
        return apps

    def all_end(self, what: str, processes=None) -> None:
        """Wait until processes (default: the server and all it started) have ended, looking out
        for new ones meanwhile."""
        deadline = time.monotonic() + ENDED_S
        while alive := [describe(p) for p in (processes or [self.handle, *self.seen.values()]) if running(p)]:
            assert time.monotonic() < deadline, f"{what}, still running after {ENDED_S:g} s: {alive}"
            self.look()
            time.sleep(0.1)

    def output(self) -> str:
        self.log.flush()
        with open(self.log.name, encoding="utf-8", errors="replace") as log:
            return log.read()[-3000:]

    def end(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        for process in self.seen.values():
            try:
                process.kill()  # only ever one of ours: psutil checks the PID still names it
            except psutil.NoSuchProcess:
                pass


def running(process: psutil.Process) -> bool:
    try:  # is_running() also checks that the PID was not reused
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def describe(process: psutil.Process) -> str:
    try:
        return f"{process.pid} {' '.join(process.cmdline())[:100]}"
    except psutil.Error:
        return str(process.pid)


@pytest.fixture
def served(tuiconc_cmd, cli_env, tmp_path):
    with open(tmp_path / "serve.log", "w+", encoding="utf-8") as log:
        server = Served(tuiconc_cmd, cli_env, log)
        try:
            wait_until(server.answers, timeout=DEADLINE_S, interval=0.1)
            yield server
        finally:
            server.end()


@pytest.fixture
def browser():
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile, sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 800})
        context.set_default_timeout(DEADLINE_S * 1000)
        # Only this machine: the page also links a web font, which would only time out.
        context.route(re.compile(r"^(?!http://127\.0\.0\.1[:/])"), lambda route: route.abort())
        try:
            yield context
        finally:
            context.close()


def poll(page, served, predicate, what: str):
    """Wait for predicate(), letting Playwright deliver the page's events meanwhile."""
    deadline = time.monotonic() + DEADLINE_S
    while not (value := predicate()):
        assert time.monotonic() < deadline, f"no {what} within {DEADLINE_S:g} s; server said: {served.output()}"
        served.look()
        page.wait_for_timeout(100)
    return value


def lane_of(app):
    try:
        return next((p for p in app.children() if "tuiconc.arena" in " ".join(p.cmdline())), None)
    except psutil.Error:
        return None


def open_and_race(browser, served):
    """Open a page, wait for its app, press r, and wait for the race to show."""
    before = {p.pid for p in served.look()}
    page = browser.new_page()
    screen = Screen(page, WATCHED)
    page.goto(served.url)
    app = poll(page, served, lambda: next((p for p in served.look() if p.pid not in before), None), "app process")
    poll(page, served, lambda: {"Workloads", "idle"} <= screen.shown, "app on the page")
    page.focus(".xterm-helper-textarea")  # xterm.js's keyboard input; a click could land on a widget
    page.keyboard.press("r")
    poll(page, served, lambda: "racing primes" in screen.shown, "race on the page")
    lane = poll(page, served, lambda: lane_of(app), "lane process")
    assert f'"size": {SIZE}' in " ".join(lane.cmdline()), "the serve command's race options did not reach the app"
    return page


def test_a_race_in_the_browser_leaves_no_process_behind(served, browser, tmp_path):
    page = open_and_race(browser, served)
    shot = page.screenshot(path=str(tmp_path / "page.png"))
    assert shot.startswith(b"\x89PNG") and len(shot) > 10_000
    served.look()
    first_page = list(served.seen.values())  # its app and lanes (and its shell, if the app runs under one)

    page.close()  # ends the page's app and lanes; the server goes on
    served.all_end("closing the page did not end its app", first_page)
    assert served.process.poll() is None, served.output()

    page = open_and_race(browser, served)  # a page left open, mid-race, when the server stops
    served.process.send_signal(signal.SIGTERM)
    page.wait_for_timeout(500)
    served.process.send_signal(signal.SIGTERM)  # impatient: this one must not abandon the apps being ended
    served.all_end("stopping the server left")
    served.process.wait(10)
