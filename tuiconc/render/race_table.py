"""Rich output for people: live lanes while a race runs, a results table at the end."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from tuiconc import units
from tuiconc.engine.labs import LABS
from tuiconc.engine.race import RaceState

STATUS_STYLE = {"finished": "green", "failed": "red", "cancelled": "yellow", "running": "cyan"}


def machine_line(state: RaceState) -> Text:
    m, c = state.machine, state.config
    gil = "on" if m["gil_enabled"] else "off"
    return Text(
        f"{m['implementation']} {m['python']} · GIL {gil} · {m['usable_cpus']} usable of {m['logical_cpus']} CPUs · "
        f"{c.workload} size {c.effective_size:,} · {c.workers} workers · {c.mode} · start method {c.start_method}",
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
    """✓ or ✗ for a finished lane's answer, else how it ended."""
    if lane.status == "finished":
        return Text(units.correct_mark(lane.correct), style="green" if lane.correct else "red")
    return Text(lane.status, style=STATUS_STYLE.get(lane.status, "dim"))


def results_table(state: RaceState) -> Table:
    table = Table(title=f"Results ({state.config.mode} mode)", title_justify="left", box=box.SIMPLE_HEAD)
    for name in ("#", "lane", "ok", "wall", "start-up", "CPU", "cores", "speedup", "effic.", "memory", "K"):
        table.add_column(name, justify="left" if name in ("lane", "ok") else "right", no_wrap=name != "lane",
                         min_width=12 if name == "lane" else None)
    for lane in state.lanes:
        table.add_row(
            str(lane.place or ""), lane.name, outcome(lane), units.seconds(lane.wall_s),
            units.seconds(lane.startup_s), units.seconds(lane.cpu_s), units.ratio(lane.cores, ""),
            units.ratio(lane.speedup), units.percent(lane.efficiency), units.megabytes(lane.peak_rss_mb),
            units.count(lane.workers),
        )
    return table


def cluster_notes(state: RaceState) -> list[str]:
    """Where to watch a cluster lane (its scheduler's dashboard) and what happened to its workers."""
    notes = [f"{lane.name}: Dask dashboard {lane.extra['dashboard']}" for lane in state.lanes
             if lane.extra.get("dashboard") and (lane.active or lane.status == "finished")]
    return notes + [f"{lane.name}: {lane.extra['note']}" for lane in state.lanes if lane.extra.get("note")]


def lane_errors(state: RaceState) -> list[Text]:
    lines = [Text(f"{lane.name}: {lane.error}", style="red") for lane in state.lanes if lane.error]
    lines += [Text(f"{lane.name}: event loop lag up to {lane.extra['loop_lag_max_ms']:,.0f} ms", style="dim")
              for lane in state.lanes if lane.extra.get("loop_lag_max_ms") is not None]
    lines += [Text(note, style="dim") for note in cluster_notes(state)]
    if state.error:
        lines.insert(0, Text(f"race: {state.error}", style="red"))
    if state.verdict:
        lines.append(Text(state.verdict, style="bold"))
    return lines
