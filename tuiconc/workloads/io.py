"""I/O-bound work: the worker mostly waits, so concurrency (not cores) decides the time."""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.error
import urllib.parse
import urllib.request

from tuiconc import tunables
from tuiconc.workloads.base import Bump, Options, Task, Workload


class Sleep(Workload):
    name = "sleep"
    kind = "io"
    default_size = 20
    max_size = 1_000_000
    unit = "waits"
    description = "Each task waits L ms: time.sleep in threads and processes, asyncio.sleep in asyncio."
    one_unit_per_task = True

    def run_task(self, task: Task, bump: Bump, options: Options, resource=None) -> int:
        for _ in range(*task):
            time.sleep(options.latency_ms / 1000)
            bump(1)
        return task[1] - task[0]

    async def arun_task(self, task: Task, bump: Bump, options: Options, resource=None) -> int:
        for _ in range(*task):
            if options.variant == "blocking":
                time.sleep(options.latency_ms / 1000)  # the pitfall: the whole event loop stops here
            else:
                await asyncio.sleep(options.latency_ms / 1000)
            bump(1)
        return task[1] - task[0]

    def expected(self, size: int, options: Options) -> int:
        return size


def request_url(options: Options, index: int) -> str:
    """The local server's URL carries the latency and payload; a user's URL is fetched as given."""
    url = options.url
    if url is None:
        raise ValueError("the http workload needs a URL (the race starts a local server for it)")
    if "/payload" in urllib.parse.urlsplit(url).path:
        query = urllib.parse.urlencode(
            {"latency_ms": options.latency_ms, "bytes": options.payload_bytes, "task": index}
        )
        return f"{url}?{query}"
    return url


def expected_length(options: Options) -> int | None:
    """The local server's payload length is known; a foreign URL's is not checked."""
    if options.url and "/payload" in urllib.parse.urlsplit(options.url).path:
        return options.payload_bytes
    return None


def response_ok(status: int, body_length: int, options: Options) -> bool:
    want = expected_length(options)
    return 200 <= status < 300 and (want is None or body_length == want)


class Http(Workload):
    name = "http"
    kind = "io"
    default_size = 20
    max_size = 1_000_000
    unit = "requests"
    description = "Each task GETs a URL (a local server tuiconc starts, answering after L ms)."
    one_unit_per_task = True
    needs_server = True

    def run_task(self, task: Task, bump: Bump, options: Options, resource=None) -> int:
        ok = 0
        for i in range(*task):
            try:
                with urllib.request.urlopen(request_url(options, i), timeout=tunables.HTTP_TIMEOUT_S) as reply:
                    ok += response_ok(reply.status, len(reply.read()), options)
            except (OSError, urllib.error.URLError, ValueError):
                pass  # a failed request is counted by its absence from the answer
            bump(1)
        return ok

    def needs(self, asynchronous: bool) -> tuple[str, ...]:
        return ("aiohttp",) if asynchronous else ()  # only asyncio lanes of an HTTP race need it

    def async_resource(self, options: Options, concurrency: int):
        import aiohttp

        connector = aiohttp.TCPConnector(limit=concurrency)
        timeout = aiohttp.ClientTimeout(total=tunables.HTTP_TIMEOUT_S)
        return aiohttp.ClientSession(connector=connector, timeout=timeout)

    async def arun_task(self, task: Task, bump: Bump, options: Options, resource=None) -> int:
        import aiohttp

        ok = 0
        for i in range(*task):
            with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError, OSError, ValueError):
                async with resource.get(request_url(options, i)) as reply:
                    ok += response_ok(reply.status, len(await reply.read()), options)
            bump(1)
        return ok

    def expected(self, size: int, options: Options) -> int:
        return size
