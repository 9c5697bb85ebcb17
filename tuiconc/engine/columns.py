"""A lane's figures as every table shows them: one column list and one `lane_cells`.

The CLI's results table, the app's results table, the Markdown export and the talk's lanes all
read these, so a figure has one name and one format everywhere. `field` names the lane
attribute (and JSON/CSV field) a column shows, for the exports that keep raw numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from tuiconc import units
from tuiconc.engine.lane import LaneState


@dataclass(frozen=True)
class Column:
    key: str  # the key of its cell in lane_cells()
    title: str  # the header people read
    field: str | None = None  # the LaneState attribute it shows, where it is a measured figure
    numeric: bool = True  # right-aligned
    compact: bool = False  # one of the few that fit beside the cores on an 80-column screen
    repeated: bool = False  # shown only for races of several runs (their ranges)


COLUMNS = (
    Column("place", "#"),
    Column("lane", "lane", numeric=False, compact=True),
    Column("ok", "ok", numeric=False, compact=True),
    Column("wall", "wall", "wall_s", compact=True),
    Column("range", "range", repeated=True),
    Column("spread", "spread", "spread", repeated=True),
    Column("startup", "start-up", "startup_s"),
    Column("cpu", "CPU", "cpu_s"),
    Column("cores", "cores", "cores", compact=True),
    Column("speedup", "speedup", "speedup", compact=True),
    Column("efficiency", "effic.", "efficiency"),
    Column("gil_wait", "GIL wait", "gil_wait"),  # the workers' time waiting for the GIL, sampled from outside
    Column("memory", "memory", "peak_rss_mb"),
    Column("workers", "K", "workers"),
    Column("others", "others", "others_cores"),  # other programs' CPU while the lane worked, in cores
    Column("front_end", "front end", "front_end_cores"),  # tuiconc's own front end's, in cores
    Column("waited", "waited", "runqueue_wait_s"),  # runnable, waiting for a CPU
)
# What a narrow table leaves out first, so the figures that remain stay whole.
OPTIONAL_KEYS = ("front_end", "waited", "others", "workers", "memory", "cpu", "gil_wait", "startup", "efficiency")
COMPACT_COLUMNS = tuple(column for column in COLUMNS if column.compact)
FIGURE_FIELDS = tuple(column.field for column in COLUMNS if column.field and not column.repeated)  # the CSV's
BY_KEY = {column.key: column for column in COLUMNS}
UNSTABLE_MARK = "!"  # after the spread of a lane whose runs spread more than tunables.UNSTABLE_SPREAD


def shown_columns(repeated: bool, leave_out: tuple[str, ...] = ()) -> tuple[Column, ...]:
    return tuple(column for column in COLUMNS if column.key not in leave_out and (repeated or not column.repeated))


def outcome(lane: LaneState) -> str:
    """✓ or ✗ for a finished lane's answer, else how it ended (running, failed, cancelled…)."""
    return units.correct_mark(lane.correct) if lane.status == "finished" else lane.status


def lane_cells(lane: LaneState) -> dict[str, str]:
    """Every column's text for one lane, keyed by Column.key; plain strings, no styling."""
    return {
        "place": units.place(lane.place),
        "lane": lane.name,
        "ok": outcome(lane),
        "wall": units.seconds(lane.wall_s),
        "range": units.seconds_range(lane.wall_min_s, lane.wall_max_s),
        "spread": units.DASH if lane.spread is None else units.percent(lane.spread) + (UNSTABLE_MARK if lane.unstable else ""),
        "startup": units.seconds(lane.startup_s),
        "cpu": units.seconds(lane.cpu_s),
        "cores": units.ratio(lane.cores, ""),
        "speedup": units.ratio(lane.speedup),
        "efficiency": units.percent(lane.efficiency),
        "gil_wait": "no GIL" if lane.gil_enabled is False else units.percent(lane.gil_wait),
        "memory": units.megabytes(lane.peak_rss_mb),
        "workers": units.count(lane.workers),
        "others": units.ratio(lane.others_cores, ""),
        "front_end": units.ratio(lane.front_end_cores, ""),
        "waited": units.seconds(lane.runqueue_wait_s),
    }


def lane_figures(lane: LaneState) -> dict[str, object]:
    """The measured figures as raw values, keyed by their JSON/CSV field names."""
    return {field: getattr(lane, field) for field in FIGURE_FIELDS}
