"""The cores pane: every core from the one sampler, as a grid that fits the pane (render/cores_grid.py).

It draws once per new sample: `show` with the same readings as last time does nothing, and a
new layout happens only when the number of lines changes (a lane's line comes or goes).
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from tuiconc.engine.sampler import Sample
from tuiconc.render.cores_grid import LaneMark, Levels, cores_grid

AUTO_ROWS = 12  # with height: auto (the wide layout), the grid may take this many lines


class CoresView(Widget):
    DEFAULT_CSS = """
    CoresView { height: 1fr; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sample: Sample | None = None
        self.marks: dict[int, LaneMark] = {}
        self._shown: tuple | None = None
        self._text = Text()

    def show(self, sample: Sample, marks: dict[int, LaneMark]) -> None:
        shown = (sample.cores, sample.core_lanes, marks)
        if shown == self._shown:
            return  # the sampler has not read the cores since the last draw
        self._shown, self.sample, self.marks = shown, sample, marks
        self.border_subtitle = f"{len(sample.cores)} CPUs {sample.total_percent:3.0f}%"
        self._draw()

    def _draw(self) -> None:
        lines = self._text.plain.count("\n")
        self._text = self._grid()
        self.refresh(layout=self._text.plain.count("\n") != lines)

    def _grid(self) -> Text:
        if self.sample is None:
            return Text()
        auto = self.styles.height is not None and self.styles.height.is_auto
        rows = AUTO_ROWS if auto else max(1, self.size.height)
        theme = self.app.current_theme
        levels = Levels(low=theme.success or "green", middle=theme.warning or "yellow", high=theme.error or "red")
        return cores_grid(self.sample, self.marks, max(1, self.size.width or 40), rows, levels,
                          legend=list(self.marks.values()))

    def render(self) -> Text:
        return self._text

    def on_resize(self) -> None:
        self._draw()
