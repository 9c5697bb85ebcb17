"""`tuiconc talk [FILE]`: present a talk, scenes of races for a projector."""

from __future__ import annotations

import argparse
import sys

from tuiconc.cli.common import EXIT_OK, EXIT_USAGE

DESCRIPTION = "Present a talk: scenes of races, large and high-contrast. Keys: n next, p previous, r run, o notes, q quit."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("talk", metavar="FILE", nargs="?", default=None,
                        help="a talk in TOML (default: the built-in talk; see tuiconc/teach/talks/default.toml)")
    parser.add_argument("--check", action="store_true", help="only check the talk file and list its scenes")


def run(args: argparse.Namespace) -> int:
    from tuiconc.teach.talk import TalkError, load_talk

    try:
        talk = load_talk(args.talk)
    except TalkError as error:
        print(f"tuiconc talk: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    for reason in talk.skipped:
        print(f"tuiconc talk: {reason}", file=sys.stderr)
    if args.check:
        print(f"{talk.source}: {talk.title!r}, {len(talk.scenes)} scenes")
        for number, scene in enumerate(talk.scenes, 1):
            print(f"  {number}. {scene.title}")
        return EXIT_OK
    from tuiconc.ui.app import run_app

    return run_app(talk=talk)
