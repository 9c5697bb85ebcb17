"""`python -m tuiconc`: thin on purpose, spawned workers re-import the main module."""

import sys


def main() -> int:
    try:
        from tuiconc.cli.common import catch_stop_signals

        catch_stop_signals()
        from tuiconc.cli import main as cli_main

        return cli_main(sys.argv[1:])
    except KeyboardInterrupt as interrupt:  # Ctrl-C (or SIGTERM/SIGHUP, which carry their number) before a race
        import signal

        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # a second one must not undo the exit code
            signal.signal(signum, signal.SIG_IGN)  # (before tuiconc.cli.common may have been imported)
        print("tuiconc: interrupted", file=sys.stderr)
        return 128 + getattr(interrupt, "signum", 2)


if __name__ == "__main__":
    sys.exit(main())
