"""The lane line and the cores grid as Rich text: they fit their width, and say what they should."""

from __future__ import annotations

import pytest
from rich.style import Style

from tuiconc.engine.lane import LaneState
from tuiconc.engine.sampler import Sample
from tuiconc.render.cores_grid import LaneMark, Levels, choose_layout, cores_grid
from tuiconc.render.lane_line import BAR, LaneLine


def sample(count: int, core_lanes=None) -> Sample:
    cores = [float((i * 37) % 101) for i in range(count)]
    return Sample(cpu_ids=list(range(count)), cores=cores, history=[[c] * 60 for c in cores],
                  core_lanes=dict(core_lanes or {}))


@pytest.mark.parametrize("count, width, rows, kind", [
    (2, 20, 7, "sparks"), (8, 20, 7, "numbers"), (128, 20, 7, "blocks"), (256, 20, 7, "halves"),
    (16, 86, 12, "sparks"), (64, 86, 12, "numbers"), (128, 86, 12, "numbers"), (256, 86, 12, "blocks"),
])
def test_the_richest_cells_that_fit_are_chosen(count, width, rows, kind):
    assert choose_layout(count, width, rows, label=len(f"cpu{count - 1}")).kind == kind


@pytest.mark.parametrize("count", [1, 2, 3, 8, 16, 17, 64, 100, 128, 255, 256])
@pytest.mark.parametrize("width, rows", [(20, 7), (34, 9), (86, 12)])
def test_every_core_fits_the_pane(count, width, rows):
    text = cores_grid(sample(count), {}, width, rows)
    lines = text.plain.split("\n")
    assert len(lines) <= rows
    assert all(len(line) <= width for line in lines)
    layout = choose_layout(count, width, rows, label=len(f"cpu{count - 1}"))
    cells = {"sparks": lambda l: l.count("%"), "numbers": lambda l: len(l.split()),
             "blocks": len, "halves": lambda l: 2 * len(l)}[layout.kind]
    assert sum(cells(line) for line in lines) >= count


def test_a_core_a_lane_runs_on_takes_the_lane_colour_and_shows_its_figure():
    grid = cores_grid(sample(64, core_lanes={5: 1234}), {1234: LaneMark("multiprocessing", "#4f9dff", 1.0)}, 86, 12,
                      Levels())
    assert f"{(5 * 37) % 101:3.0f}" in grid.plain
    owned = [span for span in grid.spans if Style.parse(str(span.style)).bgcolor is not None]
    assert len(owned) == 1 and grid.plain[owned[0].start:owned[0].end].strip() == str((5 * 37) % 101)


def test_lanes_get_a_line_each_where_rows_are_left_and_the_cores_come_first():
    marks = [LaneMark("multiprocessing", "#4f9dff", 1.97), LaneMark("threading", "#e070e0", 1.0)]
    roomy = cores_grid(sample(2), {}, 40, 7, legend=marks).plain.split("\n")
    assert roomy[2].split() == ["■", "multiprocessing", "1.97", "cores"] and roomy[3].startswith("■ threading")
    crowded = cores_grid(sample(128), {}, 20, 7, legend=marks).plain
    assert "threading" not in crowded and len(crowded.split("\n")) == 7


@pytest.mark.parametrize("width", [40, 54, 69, 70, 88, 120])
def test_a_long_name_never_touches_its_bar(width):
    lane = LaneState("multiprocessing", label="multiprocessing, one task per message", status="running",
                     total=10, done=4, elapsed_s=1.5, cores_now=1.9)
    line = LaneLine.of("6", lane.name, lane, True).render(width, len(lane.name), "#4f9dff").plain
    assert len(line) == width
    before_bar = line[:line.index(BAR)]
    assert before_bar.endswith(("… ", "message ")) and "6 multipro" in before_bar
    assert before_bar.endswith("… ") != ("per message " in before_bar)  # cut, or whole
    assert "1.50 s" in line


def test_names_line_up_and_keep_a_gap_when_they_fit():
    lines = [LaneLine.of(str(i), name, None, True).render(54, 15, "blue").plain
             for i, name in enumerate(["sequential", "multiprocessing"], 1)]
    assert lines[0].index(BAR) == lines[1].index(BAR)
    assert "multiprocessing " + BAR in lines[1]
