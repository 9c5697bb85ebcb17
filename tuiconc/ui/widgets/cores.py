"""Per-core utilisation with a short history per core, from the one sampler; and CPU per lane.

Up to as many cores as there are rows, one sparkline row per core; beyond that, a compact
heat strip of one cell per core, so 128 cores still fit in a few lines.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tuiconc.engine.lane import LaneState
from tuiconc.engine.sampler import Sample

BLOCKS = "▁▁▂▃▄▅▆▇█"
SPARKLINE_ROWS_WHEN_AUTO = 8  # more cores than this: the heat strip


def spark(values: list[float]) -> str:
    return "".join(BLOCKS[min(8, max(0, round(v / 100 * 8)))] for v in values)


class CoresView(Static):
    DEFAULT_CSS = """
    CoresView { height: 1fr; }
    """

    def __init__(self, **kwargs):
        super().__init__("", **kwargs)
        self.sample: Sample | None = None
        self.lanes: list[LaneState] = []
        self._lines = -1

    def _level_style(self, percent: float) -> str:
        theme = self.app.current_theme
        if percent >= 75:
            return theme.error or "red"
        if percent >= 40:
            return theme.warning or "yellow"
        return theme.success or "green"

    def show(self, sample: Sample, lanes: list[LaneState]) -> None:
        self.sample, self.lanes = sample, lanes
        text = self.render_text()
        # A new layout only when the number of lines changes (lanes start or end), not every tick.
        self.update(text, layout=text.plain.count("\n") != self._lines)
        self._lines = text.plain.count("\n")

    def render_text(self) -> Text:
        text = Text()
        sample = self.sample
        if sample is None or not sample.cores:
            return text
        width = max(10, self.size.width or 40)
        lane_lines = [lane for lane in self.lanes if lane.active]
        if self.styles.height is not None and self.styles.height.is_auto:
            rows = SPARKLINE_ROWS_WHEN_AUTO  # the pane grows to fit, up to its max-height
        else:
            rows = max(1, (self.size.height or 10) - 1 - len(lane_lines))
        if len(sample.cores) <= rows:
            history_width = max(4, width - 14)
            for cpu, percent, history in zip(sample.cpu_ids, sample.cores, sample.history):
                text.append(f"cpu{cpu:<3}", style="bold")
                text.append(spark(history[-history_width:]).rjust(history_width), style=self._level_style(percent))
                text.append(f" {percent:4.0f}%\n")
        else:
            per_line = max(8, width - 2)
            for start in range(0, len(sample.cores), per_line):
                for percent in sample.cores[start:start + per_line]:
                    text.append("█", style=self._level_style(percent))
                text.append("\n")
        total = sample.total_percent
        text.append(f"all {len(sample.cores)} CPUs {total:4.0f}%", style="bold")
        name_width = max(6, width - 12)
        for lane in lane_lines:
            text.append(f"\n{lane.name[:name_width]:<{name_width}} {lane.cores_now:4.2f} cores")
        return text

    def on_resize(self) -> None:
        if self.sample is not None:
            self.update(self.render_text())
