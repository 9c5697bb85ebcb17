"""Pure-Python CPU work: it holds the GIL the whole time, so threads cannot run it in parallel."""

from __future__ import annotations

from tuiconc.tunables import COUNTDOWN_BLOCK, PRIMES_BLOCK, SUM_SQUARES_BLOCK
from tuiconc.workloads.base import Bump, Options, Task, Workload


def is_prime(n: int) -> bool:
    """Trial division, exactly as the classic demo writes it."""
    if n < 2:
        return False
    for divisor in range(2, int(n**0.5) + 1):
        if n % divisor == 0:
            return False
    return True


def count_primes_by_sieve(limit: int) -> int:
    """An independent, much faster algorithm, used only to check the lanes' answers."""
    if limit < 3:
        return 0
    sieve = bytearray([1]) * limit
    sieve[0:2] = b"\x00\x00"
    for n in range(2, int((limit - 1) ** 0.5) + 1):
        if sieve[n]:
            sieve[n * n :: n] = bytes(len(range(n * n, limit, n)))
    return sum(sieve)


class Primes(Workload):
    name = "primes"
    kind = "cpu"
    default_size = 1_000_000
    max_size = 50_000_000
    unit = "numbers"
    description = "Count primes below N by trial division (78,498 below 1,000,000)."

    def run_task(self, task: Task, bump: Bump, options: Options, resource=None) -> int:
        start, stop = task
        found = 0
        for block in range(start, stop, PRIMES_BLOCK):
            block_stop = min(block + PRIMES_BLOCK, stop)
            for n in range(block, block_stop):
                if is_prime(n):
                    found += 1
            bump(block_stop - block)
        return found

    def expected(self, size: int, options: Options) -> int:
        return count_primes_by_sieve(size)


class SumSquares(Workload):
    name = "sum-squares"
    kind = "cpu"
    default_size = 30_000_000
    max_size = 2_000_000_000
    unit = "numbers"
    description = "Sum of i*i for every i below N, one Python addition at a time."

    def run_task(self, task: Task, bump: Bump, options: Options, resource=None) -> int:
        start, stop = task
        total = 0
        for block in range(start, stop, SUM_SQUARES_BLOCK):
            block_stop = min(block + SUM_SQUARES_BLOCK, stop)
            for i in range(block, block_stop):
                total += i * i
            bump(block_stop - block)
        return total

    def expected(self, size: int, options: Options) -> int:
        n = size - 1
        return n * (n + 1) * (2 * n + 1) // 6


class Countdown(Workload):
    name = "countdown"
    kind = "cpu"
    default_size = 50_000_000
    max_size = 5_000_000_000
    unit = "steps"
    description = "Decrement a counter from N to zero: the purest GIL-bound loop there is."

    def run_task(self, task: Task, bump: Bump, options: Options, resource=None) -> int:
        start, stop = task
        n = stop
        while n > start:
            floor = max(start, n - COUNTDOWN_BLOCK)
            done = n - floor
            while n > floor:
                n -= 1
            bump(done)
        return stop - start

    def expected(self, size: int, options: Options) -> int:
        return size
