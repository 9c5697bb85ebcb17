"""`tuiconc serve`: the same app in a web browser, through textual-serve.

Each browser page gets its own app process (started by textual-serve as a command); when
the page closes, textual-serve tells that app to quit, and the app ends its races as on any
quit. Binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import shlex
import sys

LOOPBACK = "127.0.0.1"


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


def serve(host: str, port: int, app_arguments: list[str]) -> None:
    from textual_serve.server import Server

    Server(app_command(app_arguments), host=host, port=port, title="tuiconc").serve()
