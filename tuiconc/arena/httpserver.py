"""The local HTTP server the http workload talks to: 127.0.0.1 only, latency and payload per request.

Run as its own process (`python -m tuiconc.arena.httpserver`) so serving never competes for a
lane's GIL; it prints one line, `{"port": N}`, once it is listening.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import math
import socket
import sys

from tuiconc import tunables
from tuiconc.arena.limits import raise_open_file_limit
from tuiconc.arena.lifeline import hold_lifeline

HOST = "127.0.0.1"
BACKLOG = 4096  # per listening socket; Linux caps it at net.core.somaxconn
# A connection that overflows the accept queue waits for a SYN retransmit (1 s or more), so
# there are enough sockets (SO_REUSEPORT, one queue each) for every worker to connect at once.
ACCEPT_QUEUE_WANTED = tunables.MAX_WORKERS * 2
MAX_LISTENERS = 16


@functools.lru_cache(maxsize=16)
def payload(size: int) -> bytes:
    return b"x" * size


def _int_param(request, name: str, default: int, limit: int) -> int:
    try:
        value = int(request.query.get(name, default))
    except ValueError:
        value = -1
    if not 0 <= value <= limit:
        from aiohttp import web

        raise web.HTTPBadRequest(text=f"{name} must be an integer from 0 to {limit}\n")
    return value


async def handle_payload(request):
    from aiohttp import web

    latency_ms = _int_param(request, "latency_ms", tunables.DEFAULT_LATENCY_MS, tunables.MAX_LATENCY_MS)
    size = _int_param(request, "bytes", tunables.DEFAULT_PAYLOAD_BYTES, tunables.MAX_PAYLOAD_BYTES)
    await asyncio.sleep(latency_ms / 1000)
    return web.Response(body=payload(size), content_type="application/octet-stream")


def effective_backlog() -> int:
    try:
        with open("/proc/sys/net/core/somaxconn") as limit:
            return min(BACKLOG, int(limit.read()))
    except (OSError, ValueError):
        return BACKLOG


def listener_count() -> int:
    """Listening sockets needed so that ACCEPT_QUEUE_WANTED connections can wait to be accepted."""
    if not hasattr(socket, "SO_REUSEPORT") or not sys.platform.startswith("linux"):
        return 1  # elsewhere SO_REUSEPORT does not spread connections over the sockets
    return max(1, min(MAX_LISTENERS, math.ceil(ACCEPT_QUEUE_WANTED / effective_backlog())))


async def serve(port: int) -> None:
    from aiohttp import web

    app = web.Application()
    app.router.add_get("/payload", handle_payload)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    count = listener_count()
    first = web.TCPSite(runner, HOST, port, backlog=BACKLOG, reuse_port=count > 1 or None)
    await first.start()
    bound_port = runner.addresses[0][1]
    for _ in range(count - 1):  # the same port: the first socket picked it
        await web.TCPSite(runner, HOST, bound_port, backlog=BACKLOG, reuse_port=True).start()
    print(json.dumps({"port": bound_port, "listeners": count}), flush=True)
    await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tuiconc.arena.httpserver")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    raise_open_file_limit()
    hold_lifeline()
    try:
        asyncio.run(serve(args.port))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
