"""The command line: arguments → race API → Rich for people or JSON for machines.

`tuiconc` alone opens the app; `tuiconc race …` races headless; `tuiconc list` shows what exists.
Each subcommand is a module here with `DESCRIPTION`, `add_arguments(parser)` and `run(args)`,
imported only when it is the one asked for, so `tuiconc --help` stays quick.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from tuiconc import __version__
from tuiconc.cli.common import EXIT_USAGE, OneLineParser, catch_stop_signals

# name → (module under tuiconc.cli, what the app's --help says of it)
COMMANDS = {
    "race": ("race", "race headless, with live bars or --json"),
    "list": ("listing", "workloads, runners and pitfall labs"),
    "replay": ("replay", "replay a recorded race in the app (race --record FILE)"),
    "talk": ("talk", "present a talk: scenes of races for a projector"),
    "sweep": ("sweep", "speedup vs workers for one runner, Amdahl's law fitted"),
    "compare": ("compare", "two runs' JSON results side by side"),
    "serve": ("serve", "the app in a web browser (127.0.0.1:8000)"),
}
USAGE = {"replay": "replay FILE", "talk": "talk [FILE]", "compare": "compare A B", "race": "race …", "sweep": "sweep …"}


def app_parser() -> OneLineParser:
    from tuiconc.cli.race import add_race_options

    lines = [f"  tuiconc {USAGE.get(name, name):<18}{words}" for name, (_, words) in COMMANDS.items()]
    parser = OneLineParser(
        prog="tuiconc",
        description="See concurrency and parallelism in Python: race sequential, threads, asyncio and "
                    "processes on the same workload, measured on this machine.",
        epilog="commands:\n" + "\n".join(lines) + "\n\n"
               "With no command, the app opens; race settings given here are its starting settings.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tuiconc {__version__}")
    add_race_options(parser, many_workloads=True)
    add_own_code_options(parser)
    # Hidden: how `tuiconc serve` starts each page's app. Served, the app offers only the functions
    # the server was started with (--offer: offered, not chosen) and can't be told to import another.
    parser.add_argument("--served", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--offer", action="append", default=[], metavar="SPEC", help=argparse.SUPPRESS)
    return parser


def add_own_code_options(parser: argparse.ArgumentParser) -> None:
    """--workloads DIR, for the app and for `serve` (a headless race races one function)."""
    parser.add_argument("--workloads", action="append", default=[], metavar="DIR",
                        help="offer every function of one argument of every *.py file in DIR, found by reading "
                             "the files (none is run until you race it); may be repeated. The app also offers "
                             "those of ~/.config/tuiconc/workloads/ ($XDG_CONFIG_HOME/tuiconc/workloads/) when it "
                             "exists")


def app_settings(args: argparse.Namespace, default_folder: bool = True):
    """The app's starting settings and the functions it offers, from its options (or serve's): the first
    --workload is chosen; every user's function named, then those found in folders, is offered.
    ConfigError: a setting, a function or a folder that can't be used, in one line."""
    from tuiconc.cli.race import config_from
    from tuiconc.engine.config import ConfigError
    from tuiconc.engine.user_workloads import gather
    from tuiconc.workloads import looks_like_spec
    from tuiconc.workloads.user_spec import SpecError

    given = list(args.workload or [])
    args.workload = given[0] if given else None
    config = config_from(args, default_mode="isolated")
    if any("@" in name for name in config.runners):
        raise ConfigError("the app races each runner once, on one Python each (--python LANE=PATH); a versions "
                          "race (RUNNER@PYTHON) runs with `tuiconc race`")
    try:
        own = gather([name for name in given if looks_like_spec(name)] + list(getattr(args, "offer", [])),
                     args.workloads, default=default_folder)
    except SpecError as error:
        raise ConfigError(str(error)) from None
    return config, own


def command_parser(name: str):
    """The subcommand's module and its parser."""
    module = importlib.import_module(f"tuiconc.cli.{COMMANDS[name][0]}")
    parser = OneLineParser(prog=f"tuiconc {name}", description=module.DESCRIPTION, allow_abbrev=name != "serve")
    module.add_arguments(parser)
    return module, parser


def usable_output() -> str | None:
    """Why nothing can be shown, if standard output is closed (`>&-`: Python sets it to None). A terminal or
    pipe that can't encode ✓, × or · shows ? for them instead of failing with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    if sys.stdout is None:
        return "standard output is closed: send it somewhere (> FILE, or > /dev/null)"
    return None


def main(argv: list[str]) -> int:
    from tuiconc.engine.config import ConfigError

    catch_stop_signals()
    command = argv[0] if argv and argv[0] in COMMANDS else None
    closed = usable_output()
    if closed:
        if sys.stderr is not None:
            print(f"tuiconc{' ' + command if command else ''}: error: {closed}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if command == "serve":
            module, parser = command_parser(command)
            return module.run(parser.parse_args(argv[1:]), argv[1:])
        if command:
            module, parser = command_parser(command)
            return module.run(parser.parse_args(argv[1:]))
        args = app_parser().parse_args(argv)
        config, own = app_settings(args, default_folder=not args.served)  # served: serve read it, at its start
    except ConfigError as error:
        prog = f"tuiconc {command}" if command else "tuiconc"
        print(f"{prog}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    from tuiconc.ui.app import run_app

    return run_app(config, own=own, served=args.served)
