"""Make screenshots/browser.png: the app served by `tuiconc serve`, in headless Chromium, after a race.

    .venv/bin/python scripts/browser_screenshot.py [--out screenshots/browser.png] [--size 300000]

Starts `tuiconc serve` on a free port of 127.0.0.1, opens the page at 1280×800 in Debian's chromium
(/usr/bin/chromium, driven by Playwright, which downloads nothing), presses r, waits until the race
has finished, saves the PNG, then closes the page and stops the server.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from browserkit import CHROMIUM, CHROMIUM_ARGS, Screen

ROOT = Path(__file__).resolve().parent.parent
DEADLINE_S = 120.0
WATCHED = ("Workloads", "idle", "racing", "last race finished", "Figures disturbed")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(page, predicate, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"browser_screenshot: no {what} within {DEADLINE_S:g} s")
        page.wait_for_timeout(100)


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def shoot(url: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="chromium-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 800})
        try:
            context.set_default_timeout(DEADLINE_S * 1000)
            # Only this machine: the page also links a web font, which would only time out.
            context.route(re.compile(r"^(?!http://127\.0\.0\.1[:/])"), lambda route: route.abort())
            page = context.new_page()
            screen = Screen(page, WATCHED)
            page.goto(url)
            wait_for(page, lambda: {"Workloads", "idle"} <= screen.shown, "app on the page")
            page.focus(".xterm-helper-textarea")  # xterm.js's keyboard input
            page.keyboard.press("r")
            wait_for(page, lambda: "racing" in screen.shown, "race")
            wait_for(page, lambda: "last race finished" in screen.shown, "finished race")
            page.wait_for_timeout(1500)  # the results and bars settle, xterm.js draws them
            if "Figures disturbed" in screen.shown:  # a busy machine's figures are not ones to show people
                raise SystemExit("browser_screenshot: not saved, other programs disturbed the race: "
                                 "re-run on a quieter machine")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
            page.close()
        finally:
            context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description="Screenshot the app served in a browser.")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots" / "browser.png")
    parser.add_argument("--size", type=int, default=300_000, help="primes up to this (default: 300000)")
    args = parser.parse_args()
    if not os.access(CHROMIUM, os.X_OK):
        raise SystemExit(f"browser_screenshot: no {CHROMIUM} (apt-get install chromium)")
    port = free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
    server = subprocess.Popen([sys.executable, "-m", "tuiconc", "serve", "--port", str(port), "--size", str(args.size)],
                              cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + DEADLINE_S
        while not answers(port):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("browser_screenshot: the server did not start")
            time.sleep(0.1)
        shoot(f"http://127.0.0.1:{port}/", args.out)
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)  # it ends the apps of pages still open
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
