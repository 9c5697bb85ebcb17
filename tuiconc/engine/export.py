"""A session's races as JSON, CSV or Markdown tables, and JSON documents read back for comparing."""

from __future__ import annotations

import csv
import io
import json

from tuiconc import __version__
from tuiconc.engine.columns import FIGURE_FIELDS, lane_cells, lane_figures, shown_columns
from tuiconc.engine.jsonfile import read_json
from tuiconc.engine.outputs import write_atomically
from tuiconc.engine.schema import matches
from tuiconc.engine.race import RaceState

COLUMNS = ("race", "mode", "workload", "size", "lane", "runner", "status", "correct", *FIGURE_FIELDS, "python",
           "gil_enabled", "disturbed", "winner")


def rows(states: list[RaceState]) -> list[dict]:
    table = []
    for number, state in enumerate(states, 1):
        disturbed, winner = state.disturbed or "", state.winner  # the race's: on each of its lanes' rows
        for lane in state.lanes:
            table.append({
                "race": number, "mode": state.config.mode, "workload": state.config.workload,
                "size": state.config.effective_size, "lane": lane.name, "runner": lane.runner,
                "status": lane.status, "correct": lane.correct, **lane_figures(lane), "python": lane.python,
                "gil_enabled": lane.gil_enabled, "disturbed": disturbed, "winner": lane is winner,
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
    for number, state in enumerate(states, 1):
        c = state.config
        columns = shown_columns(repeated=state.repeat > 1)
        lines += [f"### Race {number}: {c.workload}, size {c.effective_size:,}, {c.workers} workers, {c.mode} mode",
                  "", "| " + " | ".join(column.title for column in columns) + " |",
                  "|" + "|".join("--:" if column.numeric else "---" for column in columns) + "|"]
        for lane in state.lanes:
            cells = lane_cells(lane)
            lines.append("| " + " | ".join(cells[column.key] for column in columns) + " |")
        if state.verdict:
            lines += ["", state.verdict]
        if state.recommendation:
            lines += ["", state.recommendation.text]
        lines.append("")
    return "\n".join(lines)


WRITERS = {".json": to_json, ".csv": to_csv, ".md": to_markdown}


def save(states: list[RaceState], path: str) -> None:
    """Write by the file's extension: .json, .csv or .md."""
    extension = path[path.rfind("."):].lower() if "." in path else ""
    if extension not in WRITERS:
        raise ValueError(f"save as .json, .csv or .md, not {path!r}")
    write_atomically(path, WRITERS[extension](states))


class ResultsError(ValueError):
    pass


def load_results(path: str) -> list[dict]:
    """The races in a `tuiconc race --json` document or a JSON export, as plain dicts."""
    document = read_json(path, ResultsError, "tuiconc results (give the output of `tuiconc race --json`)")
    if isinstance(document, dict) and document.get("format") == "tuiconc-recording":
        raise ResultsError(f"{path!r} is a recording, not results: replay it (tuiconc replay FILE --json) and "
                           f"compare what it prints")
    races = document.get("races") if isinstance(document, dict) and "races" in document else [document]
    if not isinstance(races, list) or not races or \
            not all(isinstance(r, dict) and "lanes" in r and "machine" in r for r in races):
        raise ResultsError(f"{path!r} holds no tuiconc results; give the output of `tuiconc race --json`")
    for number, race in enumerate(races, 1):
        problem = race_problem(race)
        if problem:
            raise ResultsError(f"{path!r} holds damaged tuiconc results: race {number}: {problem}")
    return races


# What comparing reads of each race, with the types it needs (absent fields are allowed).
RESULT_TYPES = {
    "machine": {"implementation": "str", "python": "str", "usable_cpus": "int", "gil_enabled": "bool | None"},
    "config": {"workload": "str", "size": "int", "workers": "int", "mode": "str"},
    "lane": {"runner": "str", "label": "str | None", "wall_s": "float | None", "speedup": "float | None",
             "cores": "float | None"},
}


def race_problem(race: dict) -> str | None:
    """Why a race read from a results file cannot be compared, or None."""
    parts = [("machine", race["machine"]), ("config", race.get("config", {}))]
    if not isinstance(race["lanes"], list) or not race["lanes"]:
        return "its lanes are not a list of lanes"
    parts += [("lane", lane) for lane in race["lanes"]]
    for part, values in parts:
        if not isinstance(values, dict):
            return f"a {part} is {values!r:.40}, not an object"
        for name, annotation in RESULT_TYPES[part].items():
            if name in values and not matches(values[name], annotation):
                return f"a {part}'s {name} is {values[name]!r:.40}, not {annotation}"
    if any("runner" not in lane for lane in race["lanes"]):
        return "a lane names no runner"
    if any(lane.get(name) is not None and lane[name] < 0 for lane in race["lanes"] for name in ("wall_s", "speedup", "cores")):
        return "a lane has a negative figure"
    return None
