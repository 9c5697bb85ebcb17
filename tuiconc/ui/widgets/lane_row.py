"""One lane of the race as one widget drawing one line (Textual's Line API, as its Log does).

A race frame then renders one strip per lane instead of a row of widgets, and a row that did
not change since the last frame is not drawn at all: `show` refreshes it (no layout) only when
what it shows changed.
"""

from __future__ import annotations

from textual.strip import Strip
from textual.widget import Widget

from tuiconc.engine.lane import LaneState
from tuiconc.render.lane_line import LaneLine, LineStyles


class LaneRow(Widget):
    DEFAULT_CSS = """
    LaneRow { height: 1; }
    """

    def __init__(self, key: str, name: str, colour: str, **kwargs):
        super().__init__(**kwargs)
        self.key, self.lane_name, self.colour = key, name, colour
        self.name_width = len(name)  # the pane sets its longest name, so the bars line up
        self.line = LaneLine.of(key, name, None, True)
        self._strip: tuple[tuple, Strip] | None = None
        self._base = None  # (theme, its rich style)  # (what it drew, at which width and theme), the strip

    def show(self, lane: LaneState | None, enabled: bool) -> None:
        """Draw a lane's state; None means it is not in the current race."""
        self.set_class(not enabled, "-off")
        line = LaneLine.of(self.key, self.lane_name, lane, enabled)
        if line != self.line:
            self.line = line
            self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.base_style()
        if y:
            return Strip.blank(width, base)
        key = (self.line, width, self.name_width, self.app.theme)
        if self._strip is None or self._strip[0] != key:
            text = self.line.render(width, self.name_width, self.colour, self._styles())
            text.stylize_before(base)
            self._strip = key, Strip(text.render(self.app.console)).crop_extend(0, width, base)
        return self._strip[1]

    def base_style(self):
        """The row's background, from the CSS: computing it walks up the DOM, so once per theme, not per frame."""
        if self._base is None or self._base[0] != self.app.theme:
            self._base = self.app.theme, self.rich_style
        return self._base[1]

    def _styles(self) -> LineStyles:
        theme = self.app.current_theme
        return LineStyles(first=theme.success or "green", failed=theme.error or "red")
