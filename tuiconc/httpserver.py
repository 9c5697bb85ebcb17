"""The local HTTP server the http workload talks to: 127.0.0.1 only, latency and payload per request.

Run as its own process (`python -m tuiconc.httpserver`) so serving never competes for a
lane's GIL; it prints one line, `{"port": N}`, once it is listening.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import sys

from tuiconc import settings
from tuiconc.fdlimit import raise_open_file_limit
from tuiconc.lifeline import hold_lifeline

HOST = "127.0.0.1"
BACKLOG = 4096  # 10,000 clients connecting at once must not overflow the accept queue


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

    latency_ms = _int_param(request, "latency_ms", settings.DEFAULT_LATENCY_MS, settings.MAX_LATENCY_MS)
    size = _int_param(request, "bytes", settings.DEFAULT_PAYLOAD_BYTES, settings.MAX_PAYLOAD_BYTES)
    await asyncio.sleep(latency_ms / 1000)
    return web.Response(body=payload(size), content_type="application/octet-stream")


async def serve(port: int) -> None:
    from aiohttp import web

    app = web.Application()
    app.router.add_get("/payload", handle_payload)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, HOST, port, backlog=BACKLOG)
    await site.start()
    bound_port = runner.addresses[0][1]
    print(json.dumps({"port": bound_port}), flush=True)
    await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tuiconc.httpserver")
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
