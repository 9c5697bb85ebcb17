"""CPU work done in C code that releases the GIL (hashlib, zlib): here threads do run in parallel."""

from __future__ import annotations

import functools
import hashlib
import random
import zlib

from tuiconc.workloads.base import Bump, Options, Task, Workload

BUFFER_BYTES = 1 << 20
# Buffer i has content i % DISTINCT_BUFFERS: every task still does the full work,
# but the expected answer needs only DISTINCT_BUFFERS computations to check.
DISTINCT_BUFFERS = 16
_LETTERS = bytes.maketrans(bytes(range(256)), bytes(ord("a") + i % 16 for i in range(256)))


@functools.lru_cache(maxsize=DISTINCT_BUFFERS)
def _content(seed: int) -> bytes:
    """A deterministic 1 MiB buffer of 16 letters: compressible, but not trivially."""
    return random.Random(seed).randbytes(BUFFER_BYTES).translate(_LETTERS)


def buffer(index: int) -> bytes:
    return _content(index % DISTINCT_BUFFERS)


def _digest_value(data: bytes) -> int:
    return int.from_bytes(hashlib.sha256(data).digest()[:8], "big")


class Sha256(Workload):
    name = "sha256"
    kind = "cpu-nogil"
    default_size = 4_000
    max_size = 10_000_000
    unit = "MiB"
    description = "SHA-256 of N buffers of 1 MiB; hashlib releases the GIL while it hashes."

    def run_task(self, task: Task, bump: Bump, options: Options, resource=None) -> int:
        total = 0
        for i in range(*task):
            total += _digest_value(buffer(i))
            bump(1)
        return total

    def combine(self, partials) -> int:
        return sum(partials) % (1 << 64)

    def expected(self, size: int, options: Options) -> int:
        per_content = [_digest_value(buffer(k)) for k in range(min(size, DISTINCT_BUFFERS))]
        return sum(per_content[i % DISTINCT_BUFFERS] for i in range(size)) % (1 << 64)


class Zlib(Workload):
    name = "zlib"
    kind = "cpu-nogil"
    default_size = 80
    max_size = 1_000_000
    unit = "MiB"
    description = "zlib-compress N buffers of 1 MiB; zlib releases the GIL while it compresses."

    def run_task(self, task: Task, bump: Bump, options: Options, resource=None) -> int:
        total = 0
        for i in range(*task):
            total += len(zlib.compress(buffer(i), 6))
            bump(1)
        return total

    def expected(self, size: int, options: Options) -> int:
        per_content = [len(zlib.compress(buffer(k), 6)) for k in range(min(size, DISTINCT_BUFFERS))]
        return sum(per_content[i % DISTINCT_BUFFERS] for i in range(size))
