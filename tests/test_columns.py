"""One vocabulary for a lane's figures: the column list, lane_cells, and the exports built on them."""

import csv
import io

from tuiconc.engine.columns import COLUMNS, COMPACT_COLUMNS, FIGURE_FIELDS, lane_cells, lane_figures
from tuiconc.engine.export import COLUMNS as CSV_COLUMNS
from tuiconc.engine.lane import LaneState


def finished_lane(**changes) -> LaneState:
    lane = LaneState(runner="multiprocessing", status="finished", correct=True, wall_s=2.87, startup_s=0.537,
                     cpu_s=5.27, cores=1.84, speedup=1.62, efficiency=0.81, peak_rss_mb=101.2, workers=2, place=1)
    for name, value in changes.items():
        setattr(lane, name, value)
    return lane


def test_every_column_has_a_cell_and_the_cells_read_as_everywhere():
    cells = lane_cells(finished_lane())
    assert set(cells) == {column.key for column in COLUMNS}
    assert cells == {"place": "1st", "lane": "multiprocessing", "ok": "✓", "wall": "2.87 s", "startup": "537 ms",
                     "cpu": "5.27 s", "cores": "1.84", "speedup": "1.62×", "efficiency": "81%", "memory": "101 MB",
                     "workers": "2", "range": "—", "spread": "—", "others": "—", "front_end": "—", "waited": "—",
                     "gil_wait": "—"}


def test_the_gil_wait_is_the_workers_measured_share_or_says_there_is_no_gil():
    states = {"running": 0.25, "waiting_gil": 0.72, "waiting_io": 0.0, "waiting_cpu": 0.03}
    assert lane_cells(finished_lane(states=states, gil_enabled=True))["gil_wait"] == "72%"
    assert lane_cells(finished_lane(states=None, gil_enabled=False))["gil_wait"] == "no GIL"


def test_a_lane_that_did_not_finish_says_how_it_ended_and_has_no_figures():
    cells = lane_cells(finished_lane(status="failed", correct=None, wall_s=None, speedup=None, place=None))
    assert cells["ok"] == "failed" and cells["wall"] == cells["speedup"] == "—" and cells["place"] == ""


def test_the_compact_set_is_what_an_80_column_screen_needs():
    assert [column.key for column in COMPACT_COLUMNS] == ["lane", "ok", "wall", "cores", "speedup"]


def test_the_csv_keeps_its_field_names_and_raw_figures():
    assert CSV_COLUMNS == ("race", "mode", "workload", "size", "lane", "runner", "status", "correct", "wall_s",
                           "startup_s", "cpu_s", "cores", "speedup", "efficiency", "gil_wait", "peak_rss_mb",
                           "workers", "others_cores", "front_end_cores", "runqueue_wait_s", "python", "gil_enabled",
                           "disturbed", "winner")  # the race's judgement, on each of its lanes' rows
    assert FIGURE_FIELDS == CSV_COLUMNS[8:20]
    assert lane_figures(finished_lane())["wall_s"] == 2.87
    assert next(csv.reader(io.StringIO(",".join(CSV_COLUMNS)))) == list(CSV_COLUMNS)
