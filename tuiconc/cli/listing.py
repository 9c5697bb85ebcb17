"""`tuiconc list`: the workloads, runners and pitfall labs, for people or as JSON."""

from __future__ import annotations

import argparse
import json

from tuiconc import __version__
from tuiconc.cli.common import EXIT_OK
from tuiconc.engine.labs import LABS
from tuiconc.runners import RUNNERS
from tuiconc.workloads import WORKLOADS

DESCRIPTION = "List workloads and runners."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    workloads = [w.describe() for w in WORKLOADS.values() if not w.hidden]
    runners = [r.describe() for r in RUNNERS.values()]
    labs = [{"name": lab.name, "title": lab.title, "broken": lab.broken, "fix": lab.fix} for lab in LABS.values()]
    if args.json:
        print(json.dumps({"tuiconc": __version__, "workloads": workloads, "runners": runners, "labs": labs},
                         indent=2))
        return EXIT_OK
    from rich.console import Console
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
        table.add_row(r["name"], "yes" if r["available"] else f"no: {r['reason']}", r["description"])
    console.print(table)
    table = Table(title="Pitfall labs (tuiconc race --lab NAME)", title_justify="left")
    for column in ("name", "what goes wrong", "the fix"):
        table.add_column(column)
    for lab in labs:
        table.add_row(lab["name"], lab["broken"], lab["fix"])
    console.print(table)
    return EXIT_OK
