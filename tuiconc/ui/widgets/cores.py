"""The cores pane: every core from the one sampler, as a grid that fits the pane (render/cores_grid.py).

It draws once per new sample: `show` with the same readings as last time does nothing, and a
new layout happens only when the number of lines changes (a lane's line comes or goes).
"""

from __future__ import annotations

from rich.text import Text
from textual.strip import Strip

from tuiconc.engine.sampler import Sample
from tuiconc.render.cores_grid import LaneMark, Levels, cores_grid
from tuiconc.ui.widgets.text import StyleOncePerPass

AUTO_ROWS = 12  # with height: auto (the wide layout), the grid may take this many lines


class CoresView(StyleOncePerPass):
    DEFAULT_CSS = """
    CoresView { height: 1fr; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sample: Sample | None = None
        self.marks: dict[int, LaneMark] = {}
        self._shown: tuple | None = None
        self._grid: tuple[tuple, Text] | None = None  # (readings, width, rows, theme), the text drawn for them
        self._strips: tuple[Text, list[Strip]] | None = None  # that text as strips, drawn as they are (Line API)
        self._held = 0  # lines kept while a race runs

    def show(self, sample: Sample, marks: dict[int, LaneMark], hold_height: bool = False) -> None:
        """`hold_height` (while racing): the legend's lines may come and go as lanes start and end,
        but the pane doesn't shrink, so an isolated race's next lane isn't slowed by a new layout of
        the whole screen (tens of ms of the UI's CPU each), only a longer legend grows it."""
        shown = (sample.cores, sample.history, sample.core_lanes, marks, hold_height)
        if shown == self._shown:
            return  # the sampler has not read the cores since the last draw, and the race goes on
        lines = self.lines(self.size.width) if self.sample is not None else -1
        self._shown, self.sample, self.marks = shown, sample, marks
        self._held = max(lines, 0) if hold_height else 0
        self.border_subtitle = f"{len(sample.cores)} CPUs {sample.total_percent:3.0f}%"
        self.refresh(layout=self.lines(self.size.width) != lines)

    def lines(self, width: int) -> int:
        return max(len(self.grid(width).plain.split("\n")) if self.sample is not None else 0, self._held)

    def rows(self) -> int:
        if self.styles.height is not None and self.styles.height.is_auto:
            return AUTO_ROWS
        return max(1, self.size.height)

    def grid(self, width: int) -> Text:
        if self.sample is None:
            return Text()
        key = (self._shown, width, self.rows(), self.app.theme)
        if self._grid is None or self._grid[0] != key:
            theme = self.app.current_theme
            levels = Levels(low=theme.success or "green", middle=theme.warning or "yellow", high=theme.error or "red")
            self._grid = key, cores_grid(self.sample, self.marks, max(1, width), self.rows(), levels,
                                         legend=list(self.marks.values()))
        return self._grid[1]

    def get_content_height(self, container, viewport, width: int) -> int:
        return self.lines(width)

    def render_line(self, y: int) -> Strip:
        width, style = self.size.width, self.pass_style
        grid = self.grid(width)
        if self._strips is None or self._strips[0] is not grid:
            lines = grid.split("\n") if grid.plain else []
            self._strips = grid, [Strip(line.render(self.app.console)).crop_extend(0, width, style)
                                  .apply_style(style) for line in lines]
        strips = self._strips[1]
        return strips[y] if y < len(strips) else Strip.blank(width, style)
