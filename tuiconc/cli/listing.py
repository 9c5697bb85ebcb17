"""`tuiconc list`: the workloads, runners, pitfall labs and the Pythons found here, for people or as JSON."""

from __future__ import annotations

import argparse
import json

from tuiconc import __version__
from tuiconc.cli.common import EXIT_OK
from tuiconc.engine.labs import LABS
from tuiconc.runners import RUNNERS
from tuiconc.workloads import WORKLOADS

DESCRIPTION = "List workloads, runners, pitfall labs and the Pythons a lane can run on."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    workloads = [w.describe() for w in WORKLOADS.values() if not w.hidden]
    runners = [r.describe() for r in RUNNERS.values()]
    labs = [{"name": lab.name, "title": lab.title, "broken": lab.broken, "fix": lab.fix} for lab in LABS.values()]
    from tuiconc.engine.pythons import discover

    pythons = [{"name": python.name, "path": python.path, "version": python.version,
                "implementation": python.implementation, "gil": "on" if python.gil_enabled else "off",
                "runs": [name for name in RUNNERS if name not in python.unavailable]} for python in discover()]
    if args.json:
        print(json.dumps({"tuiconc": __version__, "workloads": workloads, "runners": runners, "labs": labs,
                          "pythons": pythons}, indent=2))
        return EXIT_OK
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    table = Table(title="Workloads", title_justify="left")
    for column in ("name", "kind", "default size", "description"):
        table.add_column(column)
    for w in workloads:
        table.add_row(w["name"], w["kind"], f"{w['default_size']:,} {w['unit']}", w["description"])
    console.print(table)
    table = Table(title="Runners", title_justify="left")
    for column in ("name", "available", "description"):
        table.add_column(column)
    for r in runners:
        table.add_row(r["name"], "yes" if r["available"] else escape(f"no: {r['reason']}"),  # [dask] is no markup
                      escape(r["description"]))
    console.print(table)
    table = Table(title="Pitfall labs (tuiconc race --lab NAME)", title_justify="left")
    for column in ("name", "what goes wrong", "the fix"):
        table.add_column(column)
    for lab in labs:
        table.add_row(lab["name"], lab["broken"], lab["fix"])
    console.print(table)
    table = Table(title="Pythons found here (a lane on one: RUNNER@NAME, e.g. threading@3.13t; the first of a "
                        "name is the one it means)", title_justify="left")
    for column in ("name", "version", "GIL", "path", "can't run"):
        table.add_column(column)
    for python in pythons:
        cannot = ", ".join(name for name in RUNNERS if name not in python["runs"]) or "—"
        table.add_row(python["name"], f"{python['implementation']} {python['version']}", python["gil"],
                      python["path"], cannot)
    console.print(table)
    return EXIT_OK
