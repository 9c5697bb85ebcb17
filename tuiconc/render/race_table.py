"""Rich output for people: live lanes while a race runs, a results table at the end."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group
from rich.measure import Measurement
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from tuiconc import tunables, units
from tuiconc.engine.columns import OPTIONAL_KEYS, UNSTABLE_MARK, lane_cells, outcome as outcome_text, shown_columns
from tuiconc.engine.labs import LABS
from tuiconc.engine.race import RaceState

STATUS_STYLE = {"finished": "green", "failed": "red", "cancelled": "yellow", "running": "cyan"}


def cpu_shape(machine: dict) -> str:
    """"2 usable of 16 CPUs (8 physical cores)": logical CPUs, and the cores under them (SMT puts two on one)."""
    text = f"{machine['usable_cpus']} usable of {machine['logical_cpus']} CPUs"
    physical = machine.get("physical_cores")  # recordings made before it was measured lack it
    if physical is None:
        return text
    return f"{text} ({physical} physical core{'' if physical == 1 else 's'})"


def machine_line(state: RaceState) -> Text:
    m, c = state.machine, state.config
    gil = "on" if m["gil_enabled"] else "off"
    return Text(
        f"{m['implementation']} {m['python']} · GIL {gil} · {cpu_shape(m)} · "
        f"{c.workload} size {c.effective_size:,} · {c.workers} workers · {c.mode} · start method {c.start_method}"
        f" · {state.runs_label}",
        style="dim",
    )


def lab_lines(state: RaceState) -> list[Text]:
    if state.config.lab not in LABS:
        return []
    lab = LABS[state.config.lab]
    return [Text(lab.title, style="bold"), Text(f"broken: {lab.broken}"), Text(f"fixed:  {lab.fix}")]


def live_view(state: RaceState) -> Group:
    table = Table.grid(padding=(0, 1))
    for _ in range(7):
        table.add_column()
    for lane in state.lanes:
        table.add_row(
            Text(lane.name, style="bold"),
            ProgressBar(total=1.0, completed=lane.fraction, width=40),
            f"{lane.fraction * 100:3.0f}%",
            units.seconds(lane.elapsed_s),
            f"{lane.cores_now:.2f} cores" if lane.active else "",
            Text(units.place(lane.place), style="bold"),
            outcome(lane),
        )
    return Group(machine_line(state), *lab_lines(state), table)


def outcome(lane) -> Text:
    """The ok cell in colour: a green ✓ or red ✗ for a finished lane's answer, else how it ended."""
    if lane.status == "finished":
        return Text(outcome_text(lane), style="green" if lane.correct else "red")
    return Text(outcome_text(lane), style=STATUS_STYLE.get(lane.status, "dim"))


def results_title(state: RaceState) -> str:
    medians = ": medians" if state.repeat > 1 and state.summarised else ""
    return f"Results ({state.config.mode} mode, {state.runs_label}{medians})"


def spread_text(lane) -> Text:
    """The runs' spread (slowest / fastest − 1), in yellow past the threshold."""
    text = lane_cells(lane)["spread"]
    return Text(text, style="bold yellow" if lane.unstable else ("dim" if lane.spread is None else ""))


def unstable_note(state: RaceState) -> Text | None:
    unstable = [lane.name for lane in state.lanes if lane.unstable]
    if not unstable:
        return None
    return Text(f"{UNSTABLE_MARK} unstable: {', '.join(unstable)} spread more than "
                f"{units.percent(tunables.UNSTABLE_SPREAD)} between runs (a busy machine?); their medians are "
                f"less certain", style="yellow")


def results_table(state: RaceState, width: int | None = None) -> Table:
    """The results, as many columns as fit in `width` (all of them when no width is given)."""
    for dropped in range(len(OPTIONAL_KEYS) + 1):
        table = _results_table(state, leave_out=OPTIONAL_KEYS[:dropped])
        if width is None or _natural_width(table) <= width:
            break
    return table


def _natural_width(table: Table) -> int:
    console = Console(width=10_000)
    return Measurement.get(console, console.options, table).maximum


def _results_table(state: RaceState, leave_out: tuple[str, ...] = ()) -> Table:
    table = Table(title=results_title(state), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                  collapse_padding=True)
    columns = shown_columns(state.repeat > 1 and state.summarised, leave_out)
    for column in columns:
        # Every column keeps its figures whole; only the lane's name gives way (…) in a narrow terminal.
        table.add_column(column.title, justify="right" if column.numeric else "left", no_wrap=True,
                         overflow="ellipsis" if column.key == "lane" else "fold",
                         min_width=6 if column.key == "lane" else None)
    for lane in state.lanes:
        cells = {**lane_cells(lane), "ok": outcome(lane), "spread": spread_text(lane)}
        table.add_row(*(cells[column.key] for column in columns))
    return table


def cluster_notes(state: RaceState) -> list[str]:
    """Where to watch a cluster lane (its scheduler's dashboard) and what happened to its workers."""
    notes = [f"{lane.name}: Dask dashboard {lane.extra['dashboard']}" for lane in state.lanes
             if lane.extra.get("dashboard") and (lane.active or lane.status == "finished")]
    return notes + [f"{lane.name}: {lane.extra['note']}" for lane in state.lanes if lane.extra.get("note")]


def states_notes(state: RaceState) -> list[str]:
    """Why a lane that finished has no GIL wait (or what its figure can't show), once for each reason."""
    lanes_by_note: dict[str, list[str]] = {}
    for lane in state.lanes:
        if lane.status == "finished" and lane.states_note and lane.gil_enabled is not False:
            lanes_by_note.setdefault(lane.states_note, []).append(lane.name)
    return [f"GIL wait, {', '.join(names)}: {note}" for note, names in lanes_by_note.items()]


def lane_errors(state: RaceState) -> list[Text]:
    lines = [Text(f"{lane.name}: {lane.error}", style="red") for lane in state.lanes if lane.error]
    lines += [Text(f"{lane.name}: event loop lag up to {lane.extra['loop_lag_max_ms']:,.0f} ms", style="dim")
              for lane in state.lanes if lane.extra.get("loop_lag_max_ms") is not None]
    lines += [Text(note, style="dim") for note in cluster_notes(state) + states_notes(state)]
    if state.error:
        lines.insert(0, Text(f"race: {state.error}", style="red"))
    note = unstable_note(state)
    if note is not None:
        lines.append(note)
    if state.verdict:
        lines.append(Text(state.verdict, style="bold"))
    if state.recommendation:
        lines.append(advice_text(state.recommendation.text))
    return lines


def advice_text(text: str, style: str = "") -> Text:
    """A recommendation's sentence: the `API names` in bold, without their backticks."""
    out = Text(style=style)
    for index, part in enumerate(text.split("`")):
        out.append(part, style="bold" if index % 2 else "")
    return out
