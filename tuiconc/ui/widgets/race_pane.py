"""The race: one line per lane (place, key and name, bar, figures), the verdict and its advice below, in ONE widget.

Textual's compositor visits every visible widget on every frame, changed or not (it asks each
whose clip overlaps the update for its lines; measured here: ~0.6 ms a widget a frame on this
machine), so the lanes are lines of one widget drawn with the Line API rather than a widget
each. A lane's strip is cached and rebuilt only when what it shows changed; `show` refreshes
only the lines that changed, and asks for a layout only when the verdict's height changes.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tuiconc.engine.lane import LaneState
from tuiconc.engine.race import RaceState
from tuiconc.render.cores_grid import LaneMark
from tuiconc.render.race_table import advice_text, cluster_notes, states_notes
from tuiconc.render.lane_colours import lane_colour
from tuiconc.render.lane_line import STATE_BLOCK, STATE_LABELS, LaneLine, LineStyles
from tuiconc.ui.widgets.text import StyleOncePerPass


def lane_marks(names: list[str], lanes: list[LaneState]) -> dict[int, LaneMark]:
    """Each running lane's root PID → how it shows on the cores: in the colour of its line (its place
    among `names`), so four processes on four cores and four threads on one read at a glance."""
    colours = {name: lane_colour(i) for i, name in enumerate(names)}
    return {lane.pid: LaneMark(lane.name, colours.get(lane.name, lane_colour(len(colours))), lane.cores_now)
            for lane in lanes if lane.pid is not None and lane.active}


class RacePane(StyleOncePerPass, ScrollView):
    DEFAULT_CSS = """
    RacePane { height: auto; max-height: 22; }  /* 9 lanes, the verdict, its notes and its advice */
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.names: list[str] = []
        self.lines: list[LaneLine] = []
        self.verdict = ""
        self.advice = ""  # under the verdict: which API to use for this work, in one sentence
        self.notes = ""  # under the advice: what to know about a lane (its dashboard, how it called the function)
        self.hide_off = False  # a narrow screen shows only the lanes that race
        self._strips: dict[int, tuple[tuple, Strip]] = {}  # line → (what it drew, at which width and theme), strip
        self._verdict_strips: tuple[tuple, list[Strip]] | None = None

    async def set_lanes(self, names: list[str]) -> None:
        """One line per lane name (keys 1-9 toggle them)."""
        if names == self.names:
            return
        self.names = list(names)
        self.lines = [LaneLine.of(self.key(i), name, None, True) for i, name in enumerate(names)]
        self._strips.clear()
        self._resize()

    @staticmethod
    def key(index: int) -> str:
        return str(index + 1) if index < 9 else " "

    def show(self, state: RaceState | None, enabled: set[str]) -> None:
        lanes = {lane.name: lane for lane in state.lanes} if state else {}
        shown = self.shown()
        for i, name in enumerate(self.names):
            line = LaneLine.of(self.key(i), name, lanes.get(name), name in enabled)
            if line != self.lines[i]:
                self.lines[i] = line
                if i in shown:
                    self.refresh_lines(shown.index(i))
        notes = "\n".join(cluster_notes(state) + states_notes(state)) if state else ""  # a dask dashboard, …
        verdict = state.verdict or "" if state else ""
        advice = state.recommendation if state else None
        advice = (advice.headline if self.hide_off else advice.text) if advice else ""  # narrow: no room for why
        if (verdict, advice, notes) != (self.verdict, self.advice, self.notes) or self.shown() != shown:
            self.verdict, self.advice, self.notes = verdict, advice, notes
            self._resize()

    def show_only_enabled(self, hide_off: bool) -> None:
        if hide_off != self.hide_off:
            self.hide_off = hide_off
            self._resize()

    def shown(self) -> list[int]:
        """The lines drawn, by lane index: every lane, or on a narrow screen those that race."""
        return [i for i, line in enumerate(self.lines) if not self.hide_off or line.enabled]

    def enabled(self, name: str) -> bool:
        return self.lines[self.names.index(name)].enabled

    def marks(self, lanes: list[LaneState]) -> dict[int, LaneMark]:
        return lane_marks(self.names, lanes)

    # -- drawing -----------------------------------------------------------------------------
    def _resize(self) -> None:
        height = len(self.shown()) + len(self.verdict_strips(self.scrollable_content_region.width))
        if self.virtual_size.height != height:
            self.virtual_size = Size(self.virtual_size.width, height)  # a layout, as the pane's height changes
        self.refresh()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.shown()) + len(self.verdict_strips(width))

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width,
                                 len(self.shown()) + len(self.verdict_strips(self.scrollable_content_region.width)))

    def render_line(self, y: int) -> Strip:
        y += self.scroll_offset.y
        width = self.scrollable_content_region.width
        base = self.pass_style
        shown = self.shown()
        if y < len(shown):
            lane = shown[y]
            key = (self.lines[lane], width, self.app.theme)
            cached = self._strips.get(lane)
            if cached is None or cached[0] != key:
                text = self.lines[lane].render(width, max(map(len, self.names)), lane_colour(lane), self._styles())
                text.stylize_before(base)
                cached = self._strips[lane] = key, Strip(text.render(self.app.console)).crop_extend(0, width, base)
            return cached[1]
        verdict = self.verdict_strips(width)
        if y - len(shown) < len(verdict):
            return verdict[y - len(shown)]
        return Strip.blank(width, base)

    def verdict_strips(self, width: int) -> list[Strip]:
        if not (self.verdict or self.advice or self.notes) or width <= 0:
            return []
        key = (self.verdict, self.advice, self.notes, width, self.app.theme)
        if self._verdict_strips is None or self._verdict_strips[0] != key:
            verdict = self.pass_style + Style(bold=True, color=self.app.current_theme.accent or "yellow")
            notes = self.pass_style + Style(dim=True)
            strips = []
            for text, style in ((Text(self.verdict), verdict), (advice_text(self.advice), self.pass_style),
                                (Text(self.notes), notes)):
                if text:
                    lines = text.wrap(self.app.console, width)  # lines keep their spans, not a Text's own style
                    strips += [Strip(line.render(self.app.console)).apply_style(style).crop_extend(0, width, style)
                               for line in lines]
            self._verdict_strips = key, strips
        return self._verdict_strips[1]

    @property
    def has_states(self) -> bool:
        """Whether a shown line has its workers' states after its bar."""
        return any(self.lines[i].states for i in self.shown())

    def states_legend(self) -> Text:
        """What the colours of the workers' states mean, in those colours."""
        legend = Text()
        for label, colour in zip(STATE_LABELS, self._styles().states):
            legend.append(" " if legend else "")
            legend.append(STATE_BLOCK, style=colour)
            legend.append(f" {label}")
        return legend

    def _styles(self) -> LineStyles:
        theme = self.app.current_theme
        return LineStyles(first=theme.success or "green", failed=theme.error or "red",
                          states=(theme.success or "green", theme.error or "red", theme.primary or "blue",
                                  theme.warning or "yellow"))
