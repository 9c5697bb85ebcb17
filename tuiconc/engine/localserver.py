"""The race's side of the local HTTP server: start it, learn its port, end it."""

from __future__ import annotations

import json
import selectors

from tuiconc.engine.spawn import end_group, launch

START_TIMEOUT_S = 15.0


class LocalServerError(RuntimeError):
    pass


class LocalServer:
    def __init__(self) -> None:
        self.process = launch("tuiconc.arena.httpserver")
        self.port, self.listeners = self._read_address()
        self.url = f"http://127.0.0.1:{self.port}/payload"

    def _read_address(self) -> tuple[int, int]:
        """The port, and how many sockets listen on it (one accept queue each)."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(START_TIMEOUT_S):
                self.stop()
                raise LocalServerError(f"the local HTTP server did not start within {START_TIMEOUT_S:.0f} s")
        line = self.process.stdout.readline()
        try:
            started = json.loads(line)
            return int(started["port"]), int(started.get("listeners", 1))
        except (ValueError, KeyError, TypeError):
            detail = self.process.stderr.read() if self.process.poll() is not None else line
            self.stop()
            raise LocalServerError(f"the local HTTP server failed to start: {detail.strip()[-300:]}") from None

    def stop(self) -> None:
        end_group(self.process)
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()

    def __enter__(self) -> "LocalServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
