"""Mixed work: fetch, then compute on what came back. Neither threads nor processes alone fit it."""

from __future__ import annotations

import urllib.request

from tuiconc import tunables
from tuiconc.workloads.base import Bump, Options, Task, Workload
from tuiconc.workloads.cpu import Primes, count_primes_by_sieve
from tuiconc.workloads.io import request_url, response_ok

CRUNCH_WINDOW = 20_000  # numbers tested for primality per fetched item
_PRIMES = Primes()


class FetchAndCrunch(Workload):
    name = "fetch-and-crunch"
    kind = "mixed"
    default_size = 32
    max_size = 2_500
    unit = "numbers"
    description = "Each task fetches an item from the local server, then counts primes in its window of 20,000."
    one_unit_per_task = True
    needs_server = True

    def total_units(self, size: int) -> int:
        return size * CRUNCH_WINDOW

    def crunch(self, index: int, bump: Bump, options: Options) -> int:
        """Count primes in this item's window, exactly as the primes workload does."""
        return _PRIMES.run_task((index * CRUNCH_WINDOW, (index + 1) * CRUNCH_WINDOW), bump, options)

    def _fetch(self, options: Options, index: int) -> bool:
        try:
            with urllib.request.urlopen(request_url(options, index), timeout=tunables.HTTP_TIMEOUT_S) as reply:
                return response_ok(reply.status, len(reply.read()), options)
        except (OSError, ValueError):
            return False

    async def _afetch(self, session, options: Options, index: int) -> bool:
        import aiohttp

        try:
            async with session.get(request_url(options, index)) as reply:
                return response_ok(reply.status, len(await reply.read()), options)
        except (aiohttp.ClientError, OSError, ValueError, TimeoutError):
            return False

    def run_task(self, task: Task, bump: Bump, options: Options, resource=None) -> int:
        return sum(self.crunch(i, bump, options) for i in range(*task) if self._fetch(options, i))

    async def arun_task(self, task: Task, bump: Bump, options: Options, resource=None) -> int:
        found = 0
        for i in range(*task):
            if await self._afetch(resource, options, i):
                found += self.crunch(i, bump, options)  # computing on the loop: nothing else moves meanwhile
        return found

    async def arun_hybrid(self, task: Task, options: Options, resource, offload, io_slot) -> int:
        found = 0
        for i in range(*task):
            async with io_slot():  # the slot is free again while the pool computes
                fetched = await self._afetch(resource, options, i)
            if fetched:
                found += await offload("crunch", i)
        return found

    def needs(self, asynchronous: bool) -> tuple[str, ...]:
        return ("aiohttp",) if asynchronous else ()

    def async_resource(self, options: Options, concurrency: int):
        from tuiconc.workloads.io import Http

        return Http().async_resource(options, concurrency)

    def expected(self, size: int, options: Options) -> int:
        return count_primes_by_sieve(size * CRUNCH_WINDOW)

    def shortfall(self, answer: int, expected: int) -> str:
        return f"found {answer:,} primes, expected {expected:,}: some fetches failed, so their windows went uncounted"
