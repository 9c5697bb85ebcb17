"""`tuiconc sweep`: one runner at 1, 2, 4… workers, its speedup curve, and Amdahl's law fitted to it."""

from __future__ import annotations

import argparse


def worker_counts(text: str) -> list[int]:
    """`1,2,4,8` → [1, 2, 4, 8]: sorted, duplicates dropped; the caps are checked with the runner."""
    from tuiconc.cli.common import whole_number

    items = [item.strip() for item in text.split(",") if item.strip()]
    if not items:
        raise argparse.ArgumentTypeError(f"give worker counts like 1,2,4, got {text!r}")
    return sorted({whole_number(item) for item in items})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tuiconc import tunables
    from tuiconc.cli.common import whole_number
    from tuiconc.engine.config import selectable_workloads
    from tuiconc.engine.sweep import default_worker_counts
    from tuiconc.machine import default_start_method, usable_cpus
    from tuiconc.runners import RUNNERS

    defaults = ",".join(map(str, default_worker_counts(usable_cpus())))
    parser.add_argument("--workload", "-w", default="primes", metavar="NAME",
                        help=f"what to run: {', '.join(selectable_workloads())} (default: primes), or your own "
                             f"function: FILE.py:FUNC or package.module:FUNC")
    parser.add_argument("--runner", "-r", default="multiprocessing", metavar="NAME",
                        help=f"the runner to scale, from: {', '.join(RUNNERS)} (default: multiprocessing)")
    parser.add_argument("--workers", "-k", type=worker_counts, default=None, metavar="K1,K2",
                        help=f"comma-separated worker counts (default here: {defaults})")
    parser.add_argument("--size", "-n", type=whole_number, metavar="N",
                        help="how much work; each workload has a default that takes a few seconds sequentially")
    parser.add_argument("--start-method", default=default_start_method(), metavar="METHOD",
                        help=f"multiprocessing start method (default here: {default_start_method()})")
    parser.add_argument("--repeat", type=whole_number, default=tunables.DEFAULT_SWEEP_REPEAT, metavar="N",
                        help="rounds: each races the sequential baseline and then every point against it; a "
                             f"point's figures are medians over the rounds (default: {tunables.DEFAULT_SWEEP_REPEAT})")
    parser.add_argument("--json", action="store_true", help="print one JSON document on stdout instead of a table")


# -- the command ----------------------------------------------------------------------------
DESCRIPTION = ("One runner at 1, 2, 4… workers against a sequential baseline: speedup, Karp–Flatt, "
               "and Amdahl's law fitted.")


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from tuiconc.cli.common import (EXIT_LANE_FAILED, EXIT_NOT_SAVED, EXIT_OK, EXIT_USAGE, print_out, run_to_end,
                                    stdout_failure)
    from tuiconc.engine.config import RaceConfig, canonical_workload
    from tuiconc.machine import usable_cpus
    from tuiconc.engine.sweep import Sweep, check_sweep, default_worker_counts
    from tuiconc.render.sweep_view import show_results

    workers = args.workers if args.workers is not None else default_worker_counts(usable_cpus())
    config = RaceConfig(workload=canonical_workload(args.workload), size=args.size, start_method=args.start_method,
                        runners=(args.runner,), workers=max(workers, default=1), mode="isolated",
                        repeat=args.repeat)
    problem = check_sweep(config, args.runner, workers)
    if problem:
        print(f"tuiconc sweep: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    sweep = Sweep(config, args.runner, workers)
    interrupted = run_to_end(sweep, args.json, show_live, "sweep")
    if interrupted is not None:
        return interrupted
    state = sweep.snapshot()
    print_out(lambda: print(json.dumps(state.to_json(), indent=2)) if args.json else show_results(state))
    if stdout_failure():
        print(f"tuiconc sweep: error: {stdout_failure()}", file=sys.stderr)
        return EXIT_NOT_SAVED
    ok = state.status == "finished" and all(point.ok for point in state.steps)
    return EXIT_OK if ok else EXIT_LANE_FAILED


def show_live(sweep) -> None:
    """A progress line on stderr while the races run (a terminal only: a pipe gets the results alone)."""
    from rich.console import Console
    from rich.live import Live

    from tuiconc.render.sweep_view import live_line

    console = Console(stderr=True)
    if not console.is_terminal:
        while not sweep.wait(0.1):
            pass
        return
    with Live(live_line(sweep.snapshot()), console=console, refresh_per_second=10, transient=True) as live:
        while not sweep.wait(0.1):
            live.update(live_line(sweep.snapshot()))
