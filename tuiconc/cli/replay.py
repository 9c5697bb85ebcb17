"""`tuiconc replay FILE`: a recorded race, exactly as it ran, in the app or headless."""

from __future__ import annotations

import argparse
import sys

from tuiconc.cli.common import EXIT_USAGE

DESCRIPTION = "Replay a recorded race, exactly as it ran."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("recording", metavar="FILE", help="a recording made with `tuiconc race --record FILE`")
    parser.add_argument("--speed", type=float, default=1.0, metavar="X", help="0.25 to 4 (default: 1)")
    parser.add_argument("--json", action="store_true", help="print the replayed results as JSON, without the app")
    parser.add_argument("--headless", action="store_true", help="replay with live bars in this terminal, without the app")


def run(args: argparse.Namespace) -> int:
    from tuiconc.engine.recording import RecordingError
    from tuiconc.engine.replay import ReplayRace, check_speed, load_replay

    problem = check_speed(args.speed)
    try:
        if problem:
            raise ValueError(problem)
        recording = load_replay(args.recording)
        race = ReplayRace(recording, args.speed)
    except (RecordingError, ValueError) as error:
        print(f"tuiconc replay: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.json or args.headless:
        from tuiconc.cli.race import follow

        return follow(race, args.json)
    from tuiconc.ui.app import run_app

    return run_app(replay=(recording, args.speed))
