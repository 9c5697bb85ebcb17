"""Drive the real `tuiconc` app in a pseudo-terminal, for the benchmarks that time what people see.

    with PtyApp(["--workload", "primes"], columns=120, rows=40) as app:
        app.wait_for(b"Quit")            # something on screen
        pressed = app.press(b"m")        # a key, timestamped just before the write
        frame = app.first_frame_with(b"isolated", after=pressed)
        ...
    # leaving the block ends the app by its PID and asserts none of its processes is left

A thread reads everything the app writes, timestamped (time.monotonic) the moment it arrives.
Textual brackets each frame in synchronized-output sequences (`ESC[?2026h` … `ESC[?2026l`,
textual/_ansi_sequences.py SYNC_START/SYNC_END, written by App._display) once the terminal says
it supports them: Textual asks with `ESC[?2026$p` (drivers/linux_driver.py
_request_terminal_sync_mode_support) and this terminal answers `ESC[?2026;2$y`, as modern
terminals do. Each frame's end is then a frame timestamp. `screen()` replays the output on a
minimal terminal (cursor moves and text) to read what is shown now.
"""

from __future__ import annotations

import bisect
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from dataclasses import dataclass

import psutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TUICONC = [sys.executable, "-m", "tuiconc"]

SYNC_START = b"\x1b[?2026h"
SYNC_END = b"\x1b[?2026l"
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"  # DECRPM: mode 2026 is supported and reset


_TOKEN = re.compile(rb"\x1b\[([0-9;?<=>$ ]*)([@-~])|\x1b[^\[]|\r|\n|[^\x1b\r\n]+")


class Screen:
    """Just enough of a terminal to read what Textual draws: absolute cursor moves (CSI row;col H),
    carriage returns, line feeds and text; colours and modes are ignored. Wide characters are
    taken as one cell, which only shifts text to their right on the same row."""

    def __init__(self, columns: int, rows: int):
        self.columns, self.rows = columns, rows
        self.cells = [[" "] * columns for _ in range(rows)]
        self.row = self.column = 0
        self._rest = b""

    def feed(self, data: bytes) -> None:
        data = self._rest + data
        cut = data.rfind(b"\x1b")
        if cut >= 0 and not _TOKEN.match(data, cut):
            data, self._rest = data[:cut], data[cut:]  # an escape sequence cut in two: keep its start
        else:
            self._rest = b""
        for match in _TOKEN.finditer(data):
            token = match.group(0)
            if match.group(2) is not None:
                if match.group(2) == b"H":
                    parts = (match.group(1) or b"").split(b";")
                    self.row = min(self.rows - 1, max(0, int(parts[0] or 1) - 1))
                    self.column = min(self.columns - 1, max(0, int(parts[1] or 1) - 1 if len(parts) > 1 else 0))
            elif token == b"\r":
                self.column = 0
            elif token == b"\n":
                self.row = min(self.rows - 1, self.row + 1)
            elif not token.startswith(b"\x1b"):
                for char in token.decode("utf-8", "replace"):
                    if self.column < self.columns:
                        self.cells[self.row][self.column] = char
                    self.column += 1

    def lines(self) -> list[str]:
        return ["".join(row) for row in self.cells]

    def text(self) -> str:
        return "\n".join(self.lines())


@dataclass
class Frame:
    index: int
    start: float  # when the chunk holding its SYNC_START arrived
    end: float  # when the chunk holding its SYNC_END arrived: the frame is on screen
    data: bytes  # what is between the two sequences


class PtyApp:
    def __init__(self, args: list[str] = (), columns: int = 120, rows: int = 40, answer_sync: bool = True,
                 env: dict | None = None):
        self.args = list(args)
        self.columns, self.rows = columns, rows
        self.answer_sync = answer_sync
        self.env = env
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self.descendants: dict[int, psutil.Process] = {}
        self._controller = self._terminal = -1
        self._buffer = bytearray()
        self._chunk_ends: list[int] = []  # byte offset after each chunk
        self._chunk_times: list[float] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._reader: threading.Thread | None = None
        self._sync_answered = 0
        self._frames: list[Frame] = []
        self._parsed_to = 0
        self._screen = Screen(columns, rows)
        self._screen_to = 0

    # -- starting and ending -------------------------------------------------------------
    def start(self) -> "PtyApp":
        self._controller, self._terminal = os.openpty()
        fcntl.ioctl(self._terminal, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.columns, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor",
               "COLUMNS": str(self.columns), "LINES": str(self.rows), **(self.env or {})}
        env.pop("TEXTUAL", None)  # no devtools
        self.started_at = time.monotonic()
        self.process = subprocess.Popen([*TUICONC, *self.args], stdin=self._terminal, stdout=self._terminal,
                                        stderr=self._terminal, env=env, cwd=ROOT, close_fds=True,
                                        start_new_session=True)
        self._reader = threading.Thread(target=self._read, name="ptyapp-reader", daemon=True)
        self._reader.start()
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def __enter__(self) -> "PtyApp":
        return self.start() if self.process is None else self

    def __exit__(self, *exc) -> None:
        self.end()

    def track_children(self) -> list[psutil.Process]:
        """Remember every process under the app now (lanes, their pools): end() checks they are gone."""
        try:
            found = psutil.Process(self.pid).children(recursive=True)
        except psutil.Error:
            return []
        for child in found:
            self.descendants.setdefault(child.pid, child)
        return found

    def end(self, timeout: float = 15.0) -> None:
        """SIGTERM the app by its PID (it ends its lanes, then itself); assert none of its processes is left."""
        if self.process is None:
            return
        self.track_children()
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.process.wait(5)
        self._stop.set()
        if self._reader is not None:
            self._reader.join(2)
        for fd in (self._controller, self._terminal):
            try:
                os.close(fd)
            except OSError:
                pass
        deadline = time.monotonic() + 5
        left = [p for p in self.descendants.values() if _alive(p)]
        while left and time.monotonic() < deadline:
            time.sleep(0.05)
            left = [p for p in left if _alive(p)]
        for process in left:  # the app failed to end them: end them by PID, then say so
            try:
                process.kill()
            except psutil.Error:
                pass
        self.process = None
        assert not left, f"the app left {len(left)} of its processes running: {[p.pid for p in left]}"

    # -- the terminal --------------------------------------------------------------------
    def _read(self) -> None:
        query_seen_to = 0
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self._controller], [], [], 0.05)
            except (OSError, ValueError):
                return
            if not ready:
                continue
            try:
                data = os.read(self._controller, 1 << 16)
            except OSError:
                return
            now = time.monotonic()
            if not data:
                return
            with self._lock:
                self._buffer += data
                self._chunk_ends.append(len(self._buffer))
                self._chunk_times.append(now)
                size = len(self._buffer)
            if self.answer_sync:
                where = self._buffer.find(SYNC_QUERY, max(0, query_seen_to - len(SYNC_QUERY)), size)
                query_seen_to = size
                if where >= 0:
                    os.write(self._controller, SYNC_REPLY)
                    self._sync_answered += 1

    def press(self, keys: bytes) -> float:
        """Type keys; the time returned is taken just before the write."""
        at = time.monotonic()
        os.write(self._controller, keys)
        return at

    @property
    def output(self) -> bytes:
        with self._lock:
            return bytes(self._buffer)

    def time_of(self, offset: int) -> float:
        """When the byte at `offset` arrived."""
        with self._lock:
            index = bisect.bisect_right(self._chunk_ends, offset)
            return self._chunk_times[min(index, len(self._chunk_times) - 1)]

    def wait_for(self, marker: bytes, timeout: float = 20.0, start: int = 0) -> float:
        """When `marker` first arrived (searching from byte `start`); RuntimeError after `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                where = self._buffer.find(marker, start)
            if where >= 0:
                return self.time_of(where + len(marker) - 1)
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited with code {self.process.returncode}: {self.output[-400:]!r}")
            time.sleep(0.005)
        raise RuntimeError(f"{marker!r} did not show within {timeout} s")

    def screen(self) -> Screen:
        """The terminal's screen as of everything read so far."""
        with self._lock:
            new = bytes(self._buffer[self._screen_to:])
            self._screen_to = len(self._buffer)
        self._screen.feed(new)
        return self._screen

    def wait_screen(self, predicate, timeout: float = 10.0) -> str:
        """Wait until predicate(screen text) holds; the text. RuntimeError after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen().text()
            if predicate(text):
                return text
            if time.monotonic() > deadline:
                raise RuntimeError(f"the screen did not show what was expected within {timeout} s:\n{text}")
            time.sleep(0.02)

    # -- tuiconc's settings --------------------------------------------------------------
    def ensure_settings(self, size: int, mode: str, timeout: float = 10.0) -> None:
        """Make the settings panel show this size and mode, typing them in as a person would.

        At the time of writing the app can drop --size (and a lab's --mode) given on its command
        line for any workload but the first in its picker, and its size box then keeps changing
        by itself (RESULTS.md, "Event flood"). Typing the size into its box ends that: Tab moves
        from the picker, focused at start, to the size box; shift+Tab gives the keys back to the app.
        """
        sizes = (f"size          {size:,} ", f"size          {size} ")  # formatted, or as typed
        wanted_mode = f"mode         {mode} "

        def size_shown(text: str) -> bool:
            return any(shown in text for shown in sizes)

        time.sleep(1.5)
        if not size_shown(self.screen().text()):
            self.press(b"\t")
            time.sleep(0.3)
            self.press(str(size).encode())
            time.sleep(0.5)
            self.press(b"\x1b[Z")
            self.wait_screen(size_shown, timeout)
        if wanted_mode not in self.screen().text():
            self.press(b"m")
        self.wait_screen(lambda text: size_shown(text) and wanted_mode in text, timeout)
        time.sleep(1.0)
        self.wait_screen(lambda text: size_shown(text) and wanted_mode in text, timeout)  # and it stays so

    # -- frames --------------------------------------------------------------------------
    def frames(self) -> list[Frame]:
        """Every complete synchronized frame so far."""
        with self._lock:
            buffer = bytes(self._buffer[self._parsed_to:])
            base = self._parsed_to
        position = 0
        while True:
            start = buffer.find(SYNC_START, position)
            if start < 0:
                break
            end = buffer.find(SYNC_END, start)
            if end < 0:
                break
            stop = end + len(SYNC_END)
            self._frames.append(Frame(len(self._frames), self.time_of(base + start), self.time_of(base + stop - 1),
                                      buffer[start + len(SYNC_START):end]))
            position = stop
        self._parsed_to = base + position
        return self._frames

    def wait_frames(self, timeout: float = 20.0) -> Frame:
        """Wait until frames are synchronized (the app heard the terminal's answer); the first such frame."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frames = self.frames()
            if frames:
                return frames[0]
            time.sleep(0.01)
        raise RuntimeError(f"no synchronized frame within {timeout} s (sync queries answered: {self._sync_answered})")

    def first_frame_with(self, text: bytes, after: float, timeout: float = 10.0) -> Frame:
        """The first frame ending after `after` that contains `text`."""
        deadline = time.monotonic() + timeout
        checked = 0
        while time.monotonic() < deadline:
            frames = self.frames()
            for frame in frames[checked:]:
                if frame.end > after and text in frame.data:
                    return frame
            checked = len(frames)
            time.sleep(0.001)
        raise RuntimeError(f"no frame showed {text!r} within {timeout} s")

    def frames_between(self, start: float, stop: float) -> list[Frame]:
        return [frame for frame in self.frames() if start <= frame.end < stop]


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def frame_gaps_ms(frames: list[Frame]) -> list[float]:
    ends = [frame.end for frame in frames]
    return [(b - a) * 1000 for a, b in zip(ends, ends[1:])]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-len(ordered) * p // 100)))
    return ordered[int(rank) - 1]


def load_line() -> str:
    """The machine's load now: on a shared machine, read every figure beside it."""
    one, five, _ = os.getloadavg()
    return f"machine load average: {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"
