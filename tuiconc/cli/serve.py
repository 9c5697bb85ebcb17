"""`tuiconc serve`: the same app in a web browser, through textual-serve.

Each browser page gets its own app process (started by textual-serve as a command); when
the page closes, textual-serve tells that app to quit, and the app ends its races as on any
quit. Binds 127.0.0.1 unless told otherwise.

textual-serve alone leaves gaps, closed here: stopping, it does not close the pages still open,
so it hangs until their connections time out, and a second Ctrl+C or SIGTERM meanwhile makes it
exit at once, orphaning their apps; and an app that does not quit when asked is waited for
forever. So the server closes every open page when it stops, ignores repeated stop signals, and
any app still running QUIT_GRACE_S after its page closed gets SIGTERM (it ends its lanes, as on
quit), then, TERM_GRACE_S later, SIGKILL (its lanes follow through their lifeline). The command
execs the app, so the server's child is the app itself, not a shell.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import signal
import sys

from tuiconc.cli.common import EXIT_OK, EXIT_USAGE, whole_number

LOOPBACK = "127.0.0.1"
QUIT_GRACE_S = 10.0
TERM_GRACE_S = 5.0


def app_command(app_arguments: list[str]) -> str:
    return shlex.join([sys.executable, "-m", "tuiconc", *app_arguments])


def check_port(port: int) -> str | None:
    return None if 1 <= port <= 65535 else f"port must be from 1 to 65535 (got {port})"


def port_is_free(host: str, port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


async def see_it_ends(process: asyncio.subprocess.Process | None) -> None:
    """Wait for an app asked to quit; past its grace time, SIGTERM it, then SIGKILL it."""
    if process is None:
        return
    for grace, signum in ((QUIT_GRACE_S, signal.SIGTERM), (TERM_GRACE_S, getattr(signal, "SIGKILL", signal.SIGTERM))):
        try:
            await asyncio.wait_for(process.wait(), grace)
            return
        except asyncio.TimeoutError:
            try:
                process.send_signal(signum)
            except ProcessLookupError:
                return
    await process.wait()


def page_server(command: str, host: str, port: int):
    """A textual-serve Server whose apps all end: when their page closes, and when it stops."""
    from aiohttp import WSCloseCode
    from textual_serve.server import Server

    class PageServer(Server):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.pages: dict[object, object] = {}  # open page's websocket -> its AppService
            self.endings: set[asyncio.Task] = set()
            self.stopping = False

        def end_app(self, app_service) -> asyncio.Task:
            # AppService keeps its process as `_process` (textual-serve 1.1).
            task = asyncio.ensure_future(see_it_ends(getattr(app_service, "_process", None)))
            self.endings.add(task)
            task.add_done_callback(self.endings.discard)
            return task

        async def _process_messages(self, websocket, app_service) -> None:
            # textual-serve's loop over one page's messages: it returns when the page closes,
            # and textual-serve then asks the app to quit.
            self.pages[websocket] = app_service
            try:
                await super()._process_messages(websocket, app_service)
            finally:
                del self.pages[websocket]
                self.end_app(app_service)

        async def on_shutdown(self, app) -> None:
            pages = list(self.pages.items())
            await asyncio.gather(*(websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopped")
                                   for websocket, _ in pages), return_exceptions=True)
            endings = [*self.endings, *(self.end_app(app_service) for _, app_service in pages)]
            await asyncio.gather(*endings, return_exceptions=True)

        def request_exit(self) -> None:
            # textual-serve raises GracefulExit on every signal: a second one would abandon the
            # apps being ended, which end within QUIT_GRACE_S + TERM_GRACE_S anyway.
            if not self.stopping:
                self.stopping = True
                super().request_exit()

    return PageServer(command, host=host, port=port, title="tuiconc")


def serve(host: str, port: int, app_arguments: list[str]) -> None:
    command = app_command(app_arguments)
    if os.name == "posix":
        command = f"exec {command}"  # the app replaces textual-serve's shell: signals reach it
    page_server(command, host, port).serve()


# -- the command ----------------------------------------------------------------------------
DESCRIPTION = "Serve the app to a web browser (textual-serve)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tuiconc.cli import add_own_code_options
    from tuiconc.cli.race import add_race_options

    parser.add_argument("--port", type=whole_number, default=8000, help="default: 8000")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this machine only); "
                             "anything else lets other machines start races on this one")
    add_race_options(parser, many_workloads=True)
    add_own_code_options(parser)
    parser.epilog = ("Your own functions (--workload FILE.py:FUNC, --workloads DIR and the default folder) are "
                     "read once, when the server starts: a page offers those and no others, and can't name a file "
                     "or module to import.")


# Options the server reads itself rather than pass to each page's app as typed: the address, and
# the user's functions, which it passes as the fixed list it found when it started.
SERVER_OPTIONS = ("--host", "--port", "--workload", "-w", "--workloads")


def page_app_arguments(argv: list[str], chosen: list[str], offered: list[str]) -> list[str]:
    """The app command's arguments for every page: serve's race options as given, less the server's own,
    with the functions to choose from as found at the start (absolute paths), and --served."""
    kept: list[str] = []
    skip = False
    for item in argv:
        if skip:
            skip = False
        elif item in SERVER_OPTIONS:
            skip = True  # its value follows
        elif item.startswith(tuple(f"{option}=" for option in SERVER_OPTIONS if option.startswith("--"))):
            pass
        elif item.startswith("-w") and not item.startswith("--"):
            pass  # -wNAME
        else:
            kept.append(item)
    workloads = [argument for name in chosen for argument in ("--workload", name)]
    return [*kept, *workloads, *(argument for spec in offered for argument in ("--offer", spec)), "--served"]


def run(args: argparse.Namespace, argv: list[str]) -> int:
    from tuiconc.cli import app_settings
    from tuiconc.engine.config import canonical_workload

    chosen = [canonical_workload(name) for name in args.workload or []]
    _, own = app_settings(args)  # the served app's settings must be valid too; its functions are read now
    problem = check_port(args.port)
    if not problem and not port_is_free(args.host, args.port):
        problem = f"port {args.port} on {args.host} is in use (or the address is not this machine's); try --port"
    if problem:
        print(f"tuiconc serve: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if args.host != LOOPBACK:
        print(f"tuiconc serve: warning: listening on {args.host}, not only this machine: anyone who can reach "
              f"it can start races here", file=sys.stderr)
    for skipped in own.skipped:
        print(f"tuiconc serve: warning: not offered: {skipped}", file=sys.stderr)
    offered = [spec for spec in own.specs if spec not in chosen]
    serve(args.host, args.port, page_app_arguments(argv, chosen, offered))
    return EXIT_OK
