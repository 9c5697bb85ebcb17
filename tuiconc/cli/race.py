"""`tuiconc race`: race execution models headless, with live bars or one JSON document."""

from __future__ import annotations

import argparse
import json
import os

from tuiconc import tunables
import sys

from tuiconc.cli.common import (EXIT_CODES_HELP, EXIT_LANE_FAILED, EXIT_NOT_SAVED, EXIT_OK, positive_ms, print_out,
                                results_file, run_to_end, stdout_failure, whole_number, writable_file)
from tuiconc.engine.config import (ConfigError, RaceConfig, canonical_workload, check_lab, lab_config, problems,
                                   selectable_workloads)
from tuiconc.engine.labs import LABS
from tuiconc.machine import default_start_method
from tuiconc.runners import RUNNERS

DESCRIPTION = "Race execution models headless."
DASK_SCHEDULER_VARIABLE = "TUICONC_DASK_SCHEDULER"


def python_choice(text: str) -> tuple[str, str]:
    target, _, path = text.rpartition("=") if "=" in text and not text.startswith("/") else ("", "", text)
    if not path:
        raise argparse.ArgumentTypeError(f"expected PATH or LANE=PATH, got {text!r}")
    return (target or "*", path)


def runner_list(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


class GivenOnce(argparse.Action):
    """An option that takes one value: given twice, the second would silently replace the first."""

    def __call__(self, parser, namespace, values, option_string=None):
        if getattr(namespace, self.dest, None) is not None:
            parser.error(f"{option_string} may be given once (got {getattr(namespace, self.dest)!r}, then {values!r})")
        setattr(namespace, self.dest, values)


def add_race_options(parser: argparse.ArgumentParser, many_workloads: bool = False) -> None:
    """The race settings; `many_workloads`: --workload may be repeated (the app offers each, the first chosen)."""
    group = parser.add_argument_group("race settings")
    group.add_argument("--workload", "-w", default=None, metavar="NAME",
                       action="append" if many_workloads else GivenOnce,
                       help=f"what to run: {', '.join(selectable_workloads())} (default: primes), or your own "
                            f"function: FILE.py:FUNC or package.module:FUNC (see README, \"Your own code\")"
                            + ("; may be repeated: each is offered, the first is chosen" if many_workloads else ""))
    group.add_argument("--size", "-n", type=whole_number, metavar="N",
                       help="how much work; each workload has a default that takes a few seconds sequentially")
    group.add_argument("--workers", "-k", type=whole_number, default=None, metavar="K",
                       help=f"threads, tasks in flight or processes per lane (default: {tunables.DEFAULT_WORKERS})")
    group.add_argument("--runners", "-r", type=runner_list, default=None, metavar="R1,R2",
                       help=f"comma-separated, from: {', '.join(RUNNERS)} (default: {','.join(tunables.DEFAULT_RUNNERS)}); "
                            f"RUNNER@PYTHON runs a lane on another Python, e.g. threading@3.13t (tuiconc list names "
                            f"those found)")
    group.add_argument("--mode", "-m", default=None, metavar="MODE",
                       help="together (all lanes at once: the show) or isolated (one lane at a time: honest figures)")
    group.add_argument("--start-method", default=default_start_method(), metavar="METHOD",
                       help=f"multiprocessing start method: fork, spawn or forkserver (default here: {default_start_method()})")
    group.add_argument("--repeat", type=whole_number, default=tunables.DEFAULT_REPEAT, metavar="N",
                       help="run every lane N times in rounds (isolated: round-robin, A B C, A B C…) and report "
                            f"each lane's median with its range (default: {tunables.DEFAULT_REPEAT})")
    group.add_argument("--lab", metavar="NAME", default=None,
                       help=f"race a pitfall lab, its broken and fixed lanes side by side: {', '.join(LABS)}")
    group.add_argument("--python", metavar="[LANE=]PATH", action="append", type=python_choice, default=[],
                       help="run every lane, or the one named, on another interpreter "
                            "(e.g. --python free-threaded=/usr/bin/python3.14t); may be repeated")
    knobs = parser.add_argument_group("knobs for experiments")
    knobs.add_argument("--items-per-task", type=whole_number, default=None, metavar="N",
                       help="items (units of work) in each task handed to a worker or sent to a pool, in every lane but "
                            f"the sequential baseline (default: about {tunables.CHUNKS_PER_WORKER} tasks per worker); 1 "
                            "shows tiny tasks drowning a pool")
    knobs.add_argument("--switch-interval-ms", type=positive_ms, default=None, metavar="MS",
                       help="the GIL's switch interval in every lane, sys.setswitchinterval (default: Python's 5 ms)")
    io = parser.add_argument_group("I/O workload options")
    io.add_argument("--latency-ms", type=whole_number, default=tunables.DEFAULT_LATENCY_MS, metavar="MS",
                    help=f"how long each sleep or local-server reply waits (default: {tunables.DEFAULT_LATENCY_MS})")
    io.add_argument("--payload-bytes", type=whole_number, default=tunables.DEFAULT_PAYLOAD_BYTES, metavar="B",
                    help=f"size of each local-server reply (default: {tunables.DEFAULT_PAYLOAD_BYTES})")
    io.add_argument("--url", default=None, help="fetch this URL instead of starting the local server (http only)")
    cluster = parser.add_argument_group("cluster options")
    cluster.add_argument("--dask-scheduler", default=None, metavar="tcp://HOST:PORT",
                         help=f"the dask lane races on this cluster instead of starting a local one "
                              f"(default: ${DASK_SCHEDULER_VARIABLE} when a dask lane is raced)")


def config_from(args: argparse.Namespace, default_mode: str) -> RaceConfig:
    common = dict(start_method=args.start_method, latency_ms=args.latency_ms, payload_bytes=args.payload_bytes,
                  url=args.url, pythons=tuple(args.python), repeat=args.repeat, dask_scheduler=args.dask_scheduler,
                  items_per_task=args.items_per_task, switch_interval_ms=args.switch_interval_ms)
    if args.lab is not None:
        if check_lab(args.lab):
            raise ConfigError(check_lab(args.lab))
        if args.workload is not None or args.runners is not None:
            raise ConfigError(f"a lab brings its own workload and lanes: give --lab {args.lab} without "
                              f"{'--workload' if args.workload is not None else '--runners'}")
        lab = lab_config(args.lab)
        config = lab.with_changes(size=_given(args.size, lab.size), workers=_given(args.workers, lab.workers),
                                  mode=_given(args.mode, lab.mode), **common)
    else:
        config = RaceConfig(workload=canonical_workload(_given(args.workload, "primes")), size=args.size,
                            runners=_given(args.runners, tunables.DEFAULT_RUNNERS),
                            workers=_given(args.workers, tunables.DEFAULT_WORKERS),
                            mode=_given(args.mode, default_mode), **common)
    has_dask = "dask" in [lane.runner for lane in config.lane_specs()]
    if args.dask_scheduler is not None and not has_dask:
        raise ConfigError("--dask-scheduler applies only to a dask lane; add dask to --runners")
    if args.dask_scheduler is None and has_dask:  # a variable set for every shell leaves races without dask alone
        config = config.with_changes(dask_scheduler=os.environ.get(DASK_SCHEDULER_VARIABLE) or None)
    found = problems(config)
    if found:
        raise ConfigError(next(iter(found.values())))
    return config


def _given(value, default):
    """The option as given, even 0 or "" (which the checks then refuse), else the default."""
    return default if value is None else value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EXIT_CODES_HELP
    add_race_options(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON document on stdout instead of live bars")
    parser.add_argument("--trace", metavar="FILE", type=writable_file,
                        help="also write the worker timeline as a Chrome trace (open it in Perfetto or chrome://tracing)")
    parser.add_argument("--record", metavar="FILE", type=writable_file,
                        help="also save a recording of the race, to replay later with `tuiconc replay FILE`")
    parser.add_argument("--save", metavar="FILE", type=results_file,
                        help="also save the results as a table: FILE.json, FILE.csv or FILE.md")


def run(args: argparse.Namespace) -> int:
    from tuiconc.engine.outputs import check_outputs

    config = config_from(args, default_mode="isolated")
    clash = check_outputs({"--save": args.save, "--record": args.record, "--trace": args.trace})
    if clash:
        raise ConfigError(clash)
    from tuiconc.engine.race import Race

    return follow(Race(config), args.json, trace_path=args.trace, record_path=args.record, save_path=args.save)


def follow(race, as_json: bool, trace_path: str | None = None, record_path: str | None = None,
           save_path: str | None = None) -> int:
    """Run a race (or a replay) to its end, showing it; print and save what it measured."""
    interrupted = run_to_end(race, as_json, _show_live, "race")
    if interrupted is not None:
        return interrupted
    state = race.snapshot()
    failures = _write_outputs(race, state, trace_path, record_path, save_path)
    if as_json:
        print_out(lambda: print(json.dumps(state.to_json(), indent=2)))
    else:
        print_out(lambda: _show_results(state))
    failures += [stdout_failure()] if stdout_failure() else []
    for failure in failures:
        print(f"tuiconc: error: {failure}", file=sys.stderr)
    if failures:
        return EXIT_NOT_SAVED
    ok = state.status == "finished" and all(lane.status == "finished" and lane.correct for lane in state.lanes)
    return EXIT_OK if ok else EXIT_LANE_FAILED


def _write_outputs(race, state, trace_path: str | None, record_path: str | None, save_path: str | None) -> list[str]:
    """Write each file asked for; a failure is kept as a sentence, never lets the others or the results go."""
    from tuiconc.engine.export import save
    from tuiconc.engine.outputs import OutputError

    writes = [(trace_path, race.write_trace), (record_path, lambda path: race.recording().save(path)),
              (save_path, lambda path: save([state], path))]
    failures = []
    for path, write in writes:
        if path:
            try:
                write(path)
            except OutputError as error:
                failures.append(str(error))
    return failures


def _show_live(race) -> None:
    from rich.console import Console
    from rich.live import Live

    from tuiconc.render.race_table import live_view

    with Live(live_view(race.snapshot()), console=Console(), refresh_per_second=10, transient=False) as live:
        while not race.wait(0.1):
            live.update(live_view(race.snapshot()))
        live.update(live_view(race.snapshot()))


def _show_results(state) -> None:
    from rich.console import Console

    from tuiconc.render.race_table import lane_errors, results_table

    console = Console()
    console.print()
    console.print(results_table(state, console.width))
    for line in lane_errors(state):
        console.print(line)
