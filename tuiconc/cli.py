"""The command line: arguments → race API → Rich for people or JSON for machines.

`tuiconc` alone opens the app; `tuiconc race …` races headless; `tuiconc list` shows what exists.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys

from tuiconc import __version__, settings
from tuiconc.config import ConfigError, RaceConfig, check_lab, lab_config, problems
from tuiconc.cli_compare import add_arguments as add_compare_arguments
from tuiconc.cli_compare import cmd_compare
from tuiconc.cli_sweep import add_arguments as add_sweep_arguments
from tuiconc.cli_sweep import cmd_sweep
from tuiconc.labs import LABS
from tuiconc.machine import default_start_method
from tuiconc.runners import RUNNERS
from tuiconc.workloads import WORKLOADS

EXIT_OK, EXIT_LANE_FAILED, EXIT_USAGE = 0, 1, 2


class OneLineParser(argparse.ArgumentParser):
    """Bad input: one line on stderr, exit code 2, no usage dump."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: handled like Ctrl-C."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def exit_code_for(interrupt: KeyboardInterrupt) -> int:
    """The shell's convention, 128 + the signal: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP."""
    return 128 + (interrupt.signum if isinstance(interrupt, Terminated) else signal.SIGINT)


def whole_number(text: str) -> int:
    cleaned = text.replace("_", "").replace(",", "").strip()
    try:
        value = float(cleaned) if any(c in cleaned.lower() for c in ".e") else int(cleaned)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")) or int(value) != value:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}")
    return int(value)


def results_file(text: str) -> str:
    if not text.lower().endswith((".json", ".csv", ".md")):
        raise argparse.ArgumentTypeError(f"save as .json, .csv or .md, not {text!r}")
    return writable_file(text)


def writable_file(text: str) -> str:
    folder = os.path.dirname(os.path.abspath(text))
    if not os.path.isdir(folder):
        raise argparse.ArgumentTypeError(f"folder {folder!r} does not exist")
    if os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text!r} is a folder; give a file name")
    if not os.access(folder, os.W_OK):
        raise argparse.ArgumentTypeError(f"cannot write in {folder!r}")
    return text


def python_choice(text: str) -> tuple[str, str]:
    target, _, path = text.rpartition("=") if "=" in text and not text.startswith("/") else ("", "", text)
    if not path:
        raise argparse.ArgumentTypeError(f"expected PATH or LANE=PATH, got {text!r}")
    return (target or "*", path)


def runner_list(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


def add_race_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("race settings")
    group.add_argument("--workload", "-w", default="primes", metavar="NAME",
                       help=f"what to run: {', '.join(WORKLOADS)} (default: primes)")
    group.add_argument("--size", "-n", type=whole_number, metavar="N",
                       help="how much work; each workload has a default that takes a few seconds sequentially")
    group.add_argument("--workers", "-k", type=whole_number, default=None, metavar="K",
                       help=f"threads, tasks in flight or processes per lane (default: {settings.DEFAULT_WORKERS})")
    group.add_argument("--runners", "-r", type=runner_list, default=settings.DEFAULT_RUNNERS, metavar="R1,R2",
                       help=f"comma-separated, from: {', '.join(RUNNERS)} (default: {','.join(settings.DEFAULT_RUNNERS)})")
    group.add_argument("--mode", "-m", default=None, metavar="MODE",
                       help="together (all lanes at once: the show) or isolated (one lane at a time: honest figures)")
    group.add_argument("--start-method", default=default_start_method(), metavar="METHOD",
                       help=f"multiprocessing start method: fork, spawn or forkserver (default here: {default_start_method()})")
    group.add_argument("--lab", metavar="NAME", default=None,
                       help=f"race a pitfall lab, its broken and fixed lanes side by side: {', '.join(LABS)}")
    group.add_argument("--python", metavar="[LANE=]PATH", action="append", type=python_choice, default=[],
                       help="run every lane, or the one named, on another interpreter "
                            "(e.g. --python free-threaded=/usr/bin/python3.14t); may be repeated")
    io = parser.add_argument_group("I/O workload options")
    io.add_argument("--latency-ms", type=whole_number, default=settings.DEFAULT_LATENCY_MS, metavar="MS",
                    help=f"how long each sleep or local-server reply waits (default: {settings.DEFAULT_LATENCY_MS})")
    io.add_argument("--payload-bytes", type=whole_number, default=settings.DEFAULT_PAYLOAD_BYTES, metavar="B",
                    help=f"size of each local-server reply (default: {settings.DEFAULT_PAYLOAD_BYTES})")
    io.add_argument("--url", default=None, help="fetch this URL instead of starting the local server (http only)")


def config_from(args: argparse.Namespace, default_mode: str) -> RaceConfig:
    common = dict(start_method=args.start_method, latency_ms=args.latency_ms, payload_bytes=args.payload_bytes,
                  url=args.url, pythons=tuple(args.python))
    if args.lab is not None:
        if check_lab(args.lab):
            raise ConfigError(check_lab(args.lab))
        lab = lab_config(args.lab)
        config = lab.with_changes(size=args.size or lab.size, workers=args.workers or lab.workers,
                                  mode=args.mode or lab.mode, **common)
    else:
        config = RaceConfig(workload=args.workload, size=args.size, runners=args.runners,
                            workers=settings.DEFAULT_WORKERS if args.workers is None else args.workers,
                            mode=args.mode or default_mode, **common)
    found = problems(config)
    if found:
        raise ConfigError(next(iter(found.values())))
    return config


def build_parsers() -> dict[str, OneLineParser]:
    app = OneLineParser(
        prog="tuiconc",
        description="See concurrency and parallelism in Python: race sequential, threads, asyncio and "
                    "processes on the same workload, measured on this machine.",
        epilog="commands:\n  tuiconc race …            race headless, with live bars or --json\n"
               "  tuiconc list              workloads, runners and pitfall labs\n"
               "  tuiconc replay FILE       replay a recorded race in the app (race --record FILE)\n"
               "  tuiconc talk [FILE]       present a talk: scenes of races for a projector\n"
               "  tuiconc sweep …           speedup vs workers for one runner, Amdahl's law fitted\n"
               "  tuiconc compare A B       two runs' JSON results side by side\n"
               "  tuiconc serve             the app in a web browser (127.0.0.1:8000)\n\n"
               "With no command, the app opens; race settings given here are its starting settings.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    app.add_argument("--version", action="version", version=f"tuiconc {__version__}")
    add_race_options(app)

    race = OneLineParser(prog="tuiconc race", description="Race execution models headless.")
    add_race_options(race)
    race.add_argument("--json", action="store_true", help="print one JSON document on stdout instead of live bars")
    race.add_argument("--trace", metavar="FILE", type=writable_file,
                      help="also write the worker timeline as a Chrome trace (open it in Perfetto or chrome://tracing)")
    race.add_argument("--record", metavar="FILE", type=writable_file,
                      help="also save a recording of the race, to replay later with `tuiconc replay FILE`")
    race.add_argument("--save", metavar="FILE", type=results_file,
                      help="also save the results as a table: FILE.json, FILE.csv or FILE.md")

    replay = OneLineParser(prog="tuiconc replay", description="Replay a recorded race, exactly as it ran.")
    replay.add_argument("recording", metavar="FILE", help="a recording made with `tuiconc race --record FILE`")
    replay.add_argument("--speed", type=float, default=1.0, metavar="X", help="0.25 to 4 (default: 1)")
    replay.add_argument("--json", action="store_true", help="print the replayed results as JSON, without the app")
    replay.add_argument("--headless", action="store_true", help="replay with live bars in this terminal, without the app")

    talk = OneLineParser(prog="tuiconc talk", description="Present a talk: scenes of races, large and high-contrast. "
                                                          "Keys: n next, p previous, r run, o notes, q quit.")
    talk.add_argument("talk", metavar="FILE", nargs="?", default=None,
                      help="a talk in TOML (default: the built-in talk; see tuiconc/talks/default.toml)")
    talk.add_argument("--check", action="store_true", help="only check the talk file and list its scenes")

    compare = OneLineParser(prog="tuiconc compare", description="Two runs' results side by side.")
    add_compare_arguments(compare)

    serve = OneLineParser(prog="tuiconc serve", allow_abbrev=False, description="Serve the app to a web browser (textual-serve).")
    serve.add_argument("--port", type=whole_number, default=8000, help="default: 8000")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this machine only); "
                            "anything else lets other machines start races on this one")
    add_race_options(serve)

    sweep = OneLineParser(prog="tuiconc sweep", description="One runner at 1, 2, 4… workers against a sequential "
                          "baseline: speedup, Karp–Flatt, and Amdahl's law fitted.")
    add_sweep_arguments(sweep)

    listing = OneLineParser(prog="tuiconc list", description="List workloads and runners.")
    listing.add_argument("--json", action="store_true", help="print JSON")
    return {"app": app, "race": race, "list": listing, "replay": replay, "compare": compare, "serve": serve,
            "talk": talk, "sweep": sweep}


def cmd_list(args: argparse.Namespace) -> int:
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


def _raise_terminated(signum, frame):
    raise Terminated(signum)


def cmd_race(args: argparse.Namespace, config: RaceConfig) -> int:
    from tuiconc.race import Race

    return follow(Race(config), args.json, trace_path=args.trace, record_path=args.record, save_path=args.save)


def cmd_replay(args: argparse.Namespace) -> int:
    from tuiconc.recording import RecordingError, load
    from tuiconc.replay import ReplayRace, check_speed

    problem = check_speed(args.speed)
    try:
        if problem:
            raise ValueError(problem)
        recording = load(args.recording)
        race = ReplayRace(recording, args.speed)
    except (RecordingError, ValueError) as error:
        print(f"tuiconc replay: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.json or args.headless:
        return follow(race, args.json)
    from tuiconc.ui.app import run_app

    return run_app(replay=(recording, args.speed))


def cmd_talk(args: argparse.Namespace) -> int:
    from tuiconc.talk import TalkError, load_talk

    try:
        talk = load_talk(args.talk)
    except TalkError as error:
        print(f"tuiconc talk: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.check:
        print(f"{talk.source}: {talk.title!r}, {len(talk.scenes)} scenes")
        for number, scene in enumerate(talk.scenes, 1):
            print(f"  {number}. {scene.title}")
        return EXIT_OK
    from tuiconc.ui.app import run_app

    return run_app(talk=talk)


def cmd_serve(args: argparse.Namespace, argv: list[str]) -> int:
    from tuiconc.serve import LOOPBACK, check_port, port_is_free, serve

    problem = check_port(args.port)
    if not problem and not port_is_free(args.host, args.port):
        problem = f"port {args.port} on {args.host} is in use (or the address is not this machine's); try --port"
    if problem:
        print(f"tuiconc serve: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if args.host != LOOPBACK:
        print(f"tuiconc serve: warning: listening on {args.host}, not only this machine: anyone who can reach "
              f"it can start races here", file=sys.stderr)
    app_arguments = []
    skip = False
    for item in argv:  # the race options go to each browser's app; --host and --port are the server's
        if skip:
            skip = False
        elif item in ("--host", "--port"):
            skip = True
        elif not item.startswith(("--host=", "--port=")):
            app_arguments.append(item)
    serve(args.host, args.port, app_arguments)
    return EXIT_OK


def run_to_end(handle, as_json: bool, show_live, noun: str) -> int | None:
    """Start a race or a sweep and wait for its end, drawing it live unless JSON is wanted.

    Ctrl-C, SIGTERM or SIGHUP end every lane process first; then the exit code is returned."""
    try:
        handle.start()
        if as_json:
            # Short waits: a signal may land on another thread, and only a waking main thread runs its handler.
            while not handle.wait(0.1):
                pass
        else:
            show_live(handle)
    except KeyboardInterrupt as interrupt:
        handle.cancel()
        print(f"tuiconc: {noun} cancelled; every lane process has ended", file=sys.stderr)
        return exit_code_for(interrupt)
    return None


def follow(race, as_json: bool, trace_path: str | None = None, record_path: str | None = None,
           save_path: str | None = None) -> int:
    """Run a race (or a replay) to its end, showing it; print and save what it measured."""
    interrupted = run_to_end(race, as_json, _show_live, "race")
    if interrupted is not None:
        return interrupted
    state = race.snapshot()
    if trace_path:
        race.write_trace(trace_path)
    if record_path:
        race.recording().save(record_path)
    if save_path:
        from tuiconc.export import save

        save([state], save_path)
    if as_json:
        print(json.dumps(state.to_json(), indent=2))
    else:
        _show_results(state)
    ok = state.status == "finished" and all(lane.status == "finished" and lane.correct for lane in state.lanes)
    return EXIT_OK if ok else EXIT_LANE_FAILED


def _show_live(race) -> None:
    from rich.console import Console
    from rich.live import Live

    from tuiconc.cli_display import live_view

    with Live(live_view(race.snapshot()), console=Console(), refresh_per_second=10, transient=False) as live:
        while not race.wait(0.1):
            live.update(live_view(race.snapshot()))
        live.update(live_view(race.snapshot()))


def _show_results(state) -> None:
    from rich.console import Console

    from tuiconc.cli_display import lane_errors, results_table

    console = Console()
    console.print()
    console.print(results_table(state))
    for line in lane_errors(state):
        console.print(line)


def main(argv: list[str]) -> int:
    parsers = build_parsers()
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_terminated)
    command = argv[0] if argv and argv[0] in parsers and argv[0] != "app" else None
    try:
        if command == "list":
            return cmd_list(parsers["list"].parse_args(argv[1:]))
        if command == "race":
            args = parsers["race"].parse_args(argv[1:])
            return cmd_race(args, config_from(args, default_mode="isolated"))
        if command == "replay":
            return cmd_replay(parsers["replay"].parse_args(argv[1:]))
        if command == "sweep":
            return cmd_sweep(parsers["sweep"].parse_args(argv[1:]))
        if command == "talk":
            return cmd_talk(parsers["talk"].parse_args(argv[1:]))
        if command == "compare":
            return cmd_compare(parsers["compare"].parse_args(argv[1:]))
        if command == "serve":
            args = parsers["serve"].parse_args(argv[1:])
            config_from(args, default_mode="isolated")  # the served app's settings must be valid too
            return cmd_serve(args, argv[1:])
        args = parsers["app"].parse_args(argv)
        config = config_from(args, default_mode="isolated")
    except ConfigError as error:
        prog = f"tuiconc {command}" if command else "tuiconc"
        print(f"{prog}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    from tuiconc.ui.app import run_app

    return run_app(config)
