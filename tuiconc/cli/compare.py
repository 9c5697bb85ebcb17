"""`tuiconc compare A.json B.json`: two runs side by side (two Pythons, two machines, two settings)."""

from __future__ import annotations

import argparse

from tuiconc import units
from tuiconc.cli.common import EXIT_OK, EXIT_USAGE

DESCRIPTION = "Two runs' results side by side."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("first", metavar="A.json", help="results from `tuiconc race --json` (or an export)")
    parser.add_argument("second", metavar="B.json", help="results to set beside them")


def describe(race: dict) -> str:
    m, c = race["machine"], race.get("config", {})
    gil = "GIL on" if m.get("gil_enabled") else "GIL off"
    return (f"{m.get('implementation', '?')} {m.get('python', '?')} ({gil}), {m.get('usable_cpus', '?')} CPUs · "
            f"{c.get('workload', '?')} {c.get('size', 0):,} · {c.get('workers', '?')} workers · {c.get('mode', '?')}")


def compare_table(a: dict, b: dict):
    from rich.table import Table

    table = Table(title_justify="left", title=f"A: {describe(a)}\nB: {describe(b)}")
    for column in ("lane", "wall A", "wall B", "B/A", "speedup A", "speedup B", "cores A", "cores B"):
        table.add_column(column, justify="left" if column == "lane" else "right", no_wrap=column != "lane",
                         min_width=12 if column == "lane" else None)
    lanes_b = {lane.get("label") or lane["runner"]: lane for lane in b["lanes"]}
    for lane_a in a["lanes"]:
        name = lane_a.get("label") or lane_a["runner"]
        lane_b = lanes_b.get(name, {})
        wall_a, wall_b = lane_a.get("wall_s"), lane_b.get("wall_s")
        table.add_row(name, units.seconds(wall_a), units.seconds(wall_b),
                      units.ratio(wall_b / wall_a if wall_a and wall_b else None),
                      units.ratio(lane_a.get("speedup")), units.ratio(lane_b.get("speedup")),
                      units.ratio(lane_a.get("cores"), ""), units.ratio(lane_b.get("cores"), ""))
    return table


def run(args: argparse.Namespace) -> int:
    import sys

    from rich.console import Console

    from tuiconc.engine.export import ResultsError, load_results  # here: `tuiconc --help` needs none of it

    try:
        first, second = load_results(args.first), load_results(args.second)
    except ResultsError as error:
        print(f"tuiconc compare: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    console = Console()
    for a, b in zip(first, second):
        console.print(compare_table(a, b))
    if len(first) != len(second):
        console.print(f"A has {len(first)} races and B {len(second)}: compared the first {min(len(first), len(second))}.")
    return EXIT_OK
