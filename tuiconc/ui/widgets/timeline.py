"""The worker timeline: one row per worker per lane, on the race's time axis.

Each cell is how much of its slice of time the worker spent executing (measured in the
workers, 1 ms buckets), on the colour of what its thread mostly waited for in the rest
(sampled from outside, engine/thread_states.py): the GIL, I/O or a lock, a CPU. Zoom from the
whole race down to 50 ms to see threads take turns under the GIL while processes run at once.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from tuiconc.engine.timeline import Timeline

SHADES = " ░▒▓█"
ZOOMS = (None, 1.0, 0.2, 0.05)  # seconds shown; None = the whole race
LABEL_WIDTH = 28
# Behind a cell, what the worker's thread waited for (WorkerTrack.dominant_state: 1 + RUNNABLE, GIL, OTHER): dark
# enough that the executing shade stays readable on it.
WAIT_BACKGROUNDS = {1: "#5f4a00", 2: "#6b1f2a", 3: "#1f3f6b"}
WAIT_LEGEND = ((2, "the GIL"), (3, "I/O or a lock"), (1, "a CPU"))


def shade(fraction: float) -> str:
    return SHADES[0] if fraction <= 0 else SHADES[min(4, 1 + int(fraction * 3.999))]


def window(first_s: float, last_s: float, span_s: float | None, live: bool) -> tuple[float, float]:
    """What to show of activity from first_s to last_s: all of it, or `span_s` of it ending
    now (live) or around its middle."""
    if span_s is None or span_s >= last_s - first_s:
        return first_s, max(last_s, first_s + 0.001)
    if live:
        return last_s - span_s, last_s
    middle = (first_s + last_s) / 2
    return middle - span_s / 2, middle + span_s / 2


def activity_extent(lane, bucket_s: float) -> tuple[float, float]:
    """When the lane's workers first and last executed, in seconds from the race's start."""
    runs = [run for track in lane.workers.values() for run in track.spans()]
    if not runs:
        return 0.0, 0.0
    return min(a for a, _ in runs) * bucket_s, max(b for _, b in runs) * bucket_s


class TimelineView(Static):
    DEFAULT_CSS = """
    TimelineView { height: auto; }
    """

    def __init__(self, **kwargs):
        super().__init__("", **kwargs)
        self.zoom = 0

    def zoom_in(self) -> str:
        self.zoom = (self.zoom + 1) % len(ZOOMS)
        span = ZOOMS[self.zoom]
        return "the whole race" if span is None else f"{span * 1000:.0f} ms"

    @staticmethod
    def _axis(start: float, end: float, columns: int) -> str:
        left = f"{'':<{LABEL_WIDTH}}{start * 1000:,.0f} ms"
        right = f"{end * 1000:,.0f} ms"
        return left.ljust(LABEL_WIDTH + columns - len(right)) + right + "\n"

    def show(self, timeline: Timeline | None, nouns: dict[str, str], live: bool, together: bool) -> None:
        self.update(self.render_timeline(timeline, nouns, live, together))

    def render_timeline(self, timeline: Timeline | None, nouns: dict[str, str], live: bool,
                        together: bool) -> Text:
        text = Text()
        lanes = timeline.lanes() if timeline else []
        if not lanes:
            return Text("Race (r) to see when each worker really executes.", style="dim")
        columns = max(10, (self.size.width or 80) - LABEL_WIDTH - 1)
        span = ZOOMS[self.zoom]
        # Zoomed in on an isolated race, each lane is shown around its own middle: they ran one after another.
        per_lane = span is not None and not together
        start, end = window(0.0, timeline.length_s(), span, live)
        if not per_lane:
            text.append(self._axis(start, end, columns), style="dim")
        accent = self.app.current_theme.accent or "yellow"
        for lane in lanes:
            if per_lane:
                start, end = window(*activity_extent(lane, timeline.bucket_s), span, live)
                text.append(self._axis(start, end, columns), style="dim")
            rows = timeline.window_states(lane.runner, start, end, columns)
            noun = nouns.get(lane.runner, "worker")
            for slot, cells in zip(sorted(lane.workers), rows):
                label = f"{lane.runner[:15]} {noun[:8]} {slot}" if slot == min(lane.workers) else f"{noun[:8]} {slot}"
                text.append(f"{label[:LABEL_WIDTH - 1]:>{LABEL_WIDTH - 1}} ", style="bold" if slot == min(lane.workers) else "")
                for executing, waited in cells:
                    text.append(shade(executing), style=Style(color=accent, bgcolor=WAIT_BACKGROUNDS.get(waited)))
                text.append("\n")
        showing = f"showing {'the whole race' if span is None else f'{span * 1000:.0f} ms'} · z zooms · "
        if not any(track.states for lane in lanes for track in lane.workers.values()):  # a recording from before
            text.append(f"{showing}█ executing ░ now and then, blank: waiting (for the GIL, a core, or I/O)",
                        style="dim")
            return text
        text.append(f"{showing}█ executing ░ now and then · waiting for: ", style="dim")
        for code, label in WAIT_LEGEND:
            text.append("  ", style=Style(bgcolor=WAIT_BACKGROUNDS[code]))
            text.append(f" {label} ", style="dim")
        return text
