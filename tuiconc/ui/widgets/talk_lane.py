"""One lane on a talk's screen: its name and place, a tall bar, and its figures in large type.

The figures are the columns the results tables use (`engine.columns`): wall time, speedup and
cores; live while the lane runs (elapsed time, cores now), measured once it has finished.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label

from tuiconc import units
from tuiconc.engine.columns import BY_KEY, lane_cells
from tuiconc.engine.lane import LaneState
from tuiconc.render.big_font import rows_at, width_at
from tuiconc.ui.widgets.big_text import BigText
from tuiconc.ui.widgets.tall_bar import TallBar
from tuiconc.ui.widgets.text import set_text

FIGURES = ("wall", "speedup", "cores")
# The widest each figure usually gets, drawn at the chosen scale: the screen sizes columns from these.
WIDEST = {"wall": "9.99 s", "speedup": "9.99×", "cores": "9.99"}


def live_figures(lane: LaneState | None) -> dict[str, str]:
    """What each big figure reads now: blank before the start, live while running, the result at the end."""
    if lane is None or lane.status == "waiting":
        return dict.fromkeys(FIGURES, "")
    cells = lane_cells(lane)
    if lane.active:
        return {"wall": units.seconds(lane.elapsed_s), "speedup": "", "cores": f"{lane.cores_now:.2f}"}
    return {key: cells[key] for key in FIGURES}


def heading(lane: LaneState | None, name: str) -> str:
    if lane is None:
        return name
    cells = lane_cells(lane)
    place = f"{cells['place']}  " if cells["place"] else ""
    ended = "" if lane.active or lane.status == "waiting" else f"  {cells['ok']}"
    if lane.error:
        ended += f": {lane.error}"
    return f"{place}{name}{ended}"


class TalkLane(Vertical):
    DEFAULT_CSS = """
    TalkLane { height: auto; }
    TalkLane .talk-lane-head { height: 1; }
    TalkLane .talk-lane-name { width: auto; text-style: bold; padding-right: 2; }
    TalkLane .talk-figures { height: auto; }
    TalkLane .talk-figure { width: auto; height: auto; padding-right: 4; }
    TalkLane .talk-figure-title { color: $text-muted; }
    TalkLane.-first .talk-lane-name, TalkLane.-first BigText { color: $success; }
    TalkLane.-first TallBar { color: $success; }
    TalkLane.-failed .talk-lane-name, TalkLane.-failed BigText { color: $error; }
    TalkLane.-failed TallBar { color: $error; }
    TalkLane.-plain .talk-figure { layout: horizontal; }
    TalkLane.-plain .talk-figure-title { padding-right: 1; }
    """

    def __init__(self, name: str, **kwargs):
        super().__init__(**kwargs)
        self.lane_name = name
        self.layout_wanted: tuple | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="talk-lane-head"):
            yield Label(self.lane_name, classes="talk-lane-name")
            yield TallBar()
        with Horizontal(classes="talk-figures"):
            for key in FIGURES:
                with Vertical(classes="talk-figure", id=f"figure-{key}"):
                    yield Label(BY_KEY[key].title, classes="talk-figure-title")
                    yield BigText()

    def lay_out(self, scale: int, bar_height: int, widths: dict[str, int]) -> None:
        """Draw at this scale, with a bar this tall, the figures in columns that line up down the screen."""
        self.layout_wanted = (scale, bar_height, widths)
        if self.query(TallBar):  # else on mount: a resize can come between mounting and composing
            self.apply_layout(scale, bar_height, widths)

    def on_mount(self) -> None:
        if self.layout_wanted is not None:
            self.apply_layout(*self.layout_wanted)

    def apply_layout(self, scale: int, bar_height: int, widths: dict[str, int]) -> None:
        self.set_class(scale == 0, "-plain")
        self.query_one(".talk-lane-head").styles.height = bar_height
        self.query_one(TallBar).styles.height = bar_height
        for figure in self.query(BigText):
            figure.scale = scale
        for key, width in widths.items():
            self.query_one(f"#figure-{key}").styles.width = width

    def show(self, lane: LaneState | None) -> dict[str, str]:
        """Draw the lane's state; what its figures read now."""
        if not self.query(TallBar):
            return live_figures(lane)
        set_text(self.query_one(".talk-lane-name", Label), heading(lane, self.lane_name))
        self.query_one(TallBar).fraction = lane.fraction if lane is not None else 0.0
        figures = live_figures(lane)
        for key, text in figures.items():
            self.query_one(f"#figure-{key} BigText", BigText).text = text
        self.set_class(lane is not None and lane.place == 1, "-first")
        self.set_class(lane is not None and (lane.status == "failed" or lane.correct is False), "-failed")
        return figures


def bar_rows(scale: int) -> int:
    return max(1, rows_at(scale) // 3) if scale else 1


def lane_rows(scale: int) -> int:
    """A lane's least height at this scale: its bar, the figures' titles, the figures, and a blank row."""
    return bar_rows(scale) + 1 + rows_at(scale) + 1 if scale else 3


def figure_widths(scale: int, texts: dict[str, str]) -> dict[str, int]:
    """Each figure column's width at this scale: its widest text (or its title beside it, in plain text)."""
    if scale:
        return {key: width_at(text, scale) + 4 for key, text in texts.items()}
    return {key: len(BY_KEY[key].title) + 1 + len(text) + 4 for key, text in texts.items()}


def choose_scale(width: int, height: int, lanes: int, texts: dict[str, str], largest: int = 8) -> int:
    """The largest scale at which every lane's figures fit side by side and every lane fits the height."""
    for scale in range(largest, 0, -1):
        if sum(figure_widths(scale, texts).values()) <= width and lanes * lane_rows(scale) - 1 <= height:
            return scale
    return 0


def widest(shown: list[dict[str, str]]) -> dict[str, str]:
    """Per figure, the widest of the usual (WIDEST) and of what the lanes show now, by its big width."""
    return {key: max([WIDEST[key], *(figures[key] for figures in shown)], key=lambda text: (width_at(text, 1), len(text)))
            for key in FIGURES}


class TalkLanes(Vertical):
    """The scene's lanes, drawn as large as the room they are given allows."""

    DEFAULT_CSS = """
    TalkLanes { height: 1fr; align-vertical: middle; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.names: list[str] = []
        self.texts = dict(WIDEST)
        self.fitted: tuple | None = None

    async def set_lanes(self, names: list[str]) -> None:
        self.names = list(names)
        await self.remove_children()
        await self.mount_all(TalkLane(name) for name in names)
        self.texts, self.fitted = dict(WIDEST), None
        self.fit()

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        """Choose the scale and give the height left over to the bars; only when something changed."""
        width, height = self.content_size
        if not width or not self.names or self.fitted == (width, height, tuple(self.texts.values())):
            return
        self.fitted = (width, height, tuple(self.texts.values()))
        scale = choose_scale(width, height, len(self.names), self.texts)
        spare = (height + 1) // len(self.names) - lane_rows(scale)
        # The height to spare goes to the bars, up to two thirds of the figures': the figures stay the news.
        bar = max(bar_rows(scale), min(bar_rows(scale) + spare, rows_at(scale) * 2 // 3)) if scale else 1
        widths = figure_widths(scale, self.texts)
        gap = int(len(self.names) * lane_rows(scale) - 1 <= height)  # a blank row between lanes, where it fits
        for lane in self.query(TalkLane):
            lane.lay_out(scale, bar, widths)
            lane.styles.margin = (0, 0, gap, 0)

    def show(self, lanes: dict[str, LaneState]) -> None:
        shown = [view.show(lanes.get(view.lane_name)) for view in self.query(TalkLane)]
        texts = widest(shown)
        if texts != self.texts:  # a figure grew past its column (a lane over ten seconds): fit again
            self.texts = texts
            self.fit()
