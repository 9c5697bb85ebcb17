"""`python -m tuiconc`: thin on purpose, spawned workers re-import the main module."""

import sys


def main() -> int:
    from tuiconc.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
