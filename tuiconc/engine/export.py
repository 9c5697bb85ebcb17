"""A session's races as JSON, CSV or Markdown tables, and JSON documents read back for comparing."""

from __future__ import annotations

import csv
import io
import json

from tuiconc import __version__
from tuiconc.engine.columns import COLUMNS as LANE_COLUMNS, FIGURE_FIELDS, lane_cells, lane_figures
from tuiconc.engine.jsonfile import read_json
from tuiconc.engine.race import RaceState

COLUMNS = ("race", "mode", "workload", "size", "lane", "runner", "status", "correct", *FIGURE_FIELDS, "python",
           "gil_enabled")


def rows(states: list[RaceState]) -> list[dict]:
    table = []
    for number, state in enumerate(states, 1):
        for lane in state.lanes:
            table.append({
                "race": number, "mode": state.config.mode, "workload": state.config.workload,
                "size": state.config.effective_size, "lane": lane.name, "runner": lane.runner,
                "status": lane.status, "correct": lane.correct, **lane_figures(lane), "python": lane.python,
                "gil_enabled": lane.gil_enabled,
            })
    return table


def to_json(states: list[RaceState]) -> str:
    return json.dumps({"tuiconc": __version__, "races": [state.to_json() for state in states]}, indent=2)


def to_csv(states: list[RaceState]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows(states))
    return out.getvalue()


def to_markdown(states: list[RaceState]) -> str:
    lines = []
    header = "| " + " | ".join(column.title for column in LANE_COLUMNS) + " |"
    rule = "|" + "|".join("--:" if column.numeric else "---" for column in LANE_COLUMNS) + "|"
    for number, state in enumerate(states, 1):
        c = state.config
        lines += [f"### Race {number}: {c.workload}, size {c.effective_size:,}, {c.workers} workers, {c.mode} mode",
                  "", header, rule]
        for lane in state.lanes:
            cells = lane_cells(lane)
            lines.append("| " + " | ".join(cells[column.key] for column in LANE_COLUMNS) + " |")
        if state.verdict:
            lines += ["", state.verdict]
        lines.append("")
    return "\n".join(lines)


WRITERS = {".json": to_json, ".csv": to_csv, ".md": to_markdown}


def save(states: list[RaceState], path: str) -> None:
    """Write by the file's extension: .json, .csv or .md."""
    extension = path[path.rfind("."):].lower() if "." in path else ""
    if extension not in WRITERS:
        raise ValueError(f"save as .json, .csv or .md, not {path!r}")
    with open(path, "w") as f:
        f.write(WRITERS[extension](states))


class ResultsError(ValueError):
    pass


def load_results(path: str) -> list[dict]:
    """The races in a `tuiconc race --json` document or a JSON export, as plain dicts."""
    document = read_json(path, ResultsError, "tuiconc results (give the output of `tuiconc race --json`)")
    races = document.get("races") if isinstance(document, dict) and "races" in document else [document]
    if not races or not all(isinstance(r, dict) and "lanes" in r and "machine" in r for r in races):
        raise ResultsError(f"{path!r} holds no tuiconc results; give the output of `tuiconc race --json`")
    return races
