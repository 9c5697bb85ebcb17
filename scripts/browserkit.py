"""What the browser test and the browser screenshot share: Debian's Chromium, and reading the app's screen.

xterm.js draws the served app on a canvas, so there is no text to read in the page: these read
the app's output on its way in, over the page's websocket.
"""

from __future__ import annotations

import re

CHROMIUM = "/usr/bin/chromium"
# The network here may be closed: without these, Chromium keeps trying to reach its services.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


class Screen:
    """Which of the watched words the app has drawn in a page."""

    def __init__(self, page, watched: tuple[str, ...]) -> None:
        self.watched = watched
        self.shown: set[str] = set()
        self.tail = ""
        page.on("websocket", lambda websocket: websocket.on("framereceived", self.feed))

    def feed(self, payload) -> None:
        if isinstance(payload, bytes):
            text = self.tail + ESCAPES.sub("", payload.decode("utf-8", "replace"))
            self.shown.update(word for word in self.watched if word in text)
            self.tail = text[-64:]
