"""What every workload is: a job of `size` units split into tasks, with a known answer."""

from __future__ import annotations

import contextlib
import importlib
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from tuiconc import tunables

# A task is a half-open range of units [start, stop).
Task = tuple[int, int]
# Hot loops call this with the number of units just done (a per-worker counter, no lock).
Bump = Callable[[int], None]

@dataclass(frozen=True)
class Kind:
    """What a kind of work is called: as a group of workloads, and in a verdict's first words."""

    group: str
    measured: str


# The one table of kinds of work. A workload declares its kind (or "pitfall", for the labs' own
# workloads, listed as labs); a verdict measures it.
KINDS = {
    "cpu": Kind("CPU, holds the GIL", "CPU-bound under the GIL"),
    "cpu-nogil": Kind("CPU, releases the GIL", "CPU-bound in code that releases the GIL"),
    "io": Kind("I/O", "I/O-bound"),
    "mixed": Kind("I/O + CPU", "mixed waiting and computing"),
    "own": Kind("Your code", "your code"),  # measured by the race, never declared
}


def plan_tasks(units: int, workers: int, one_unit_per_task: bool = False,
               items_per_task: int | None = None) -> list[Task]:
    """Split [0, units) into contiguous tasks covering every unit exactly once.

    CPU work gets many more chunks than workers, handed out on demand, so a worker
    that drew cheap numbers takes the next chunk instead of idling while the one with
    the costly (larger) primes finishes. I/O work gets one unit per task so that K
    workers really have K requests in flight.
    """
    if units <= 0:
        return []
    if items_per_task:  # asked for: a person watching tiny tasks drown a pool, or batching them
        return [(start, min(start + items_per_task, units)) for start in range(0, units, items_per_task)]
    if one_unit_per_task:
        return [(i, i + 1) for i in range(units)]
    chunks = min(units, max(tunables.MIN_CHUNKS, workers * tunables.CHUNKS_PER_WORKER))
    base, extra = divmod(units, chunks)
    tasks, start = [], 0
    for i in range(chunks):
        stop = start + base + (1 if i < extra else 0)
        tasks.append((start, stop))
        start = stop
    return tasks


@dataclass(frozen=True)
class Options:
    """Workload options; only I/O workloads read them."""

    latency_ms: int = tunables.DEFAULT_LATENCY_MS
    payload_bytes: int = tunables.DEFAULT_PAYLOAD_BYTES
    url: str | None = None
    # A named variation of the workload, for the pitfall labs (e.g. "blocking", "unlocked").
    variant: str | None = None


class Workload:
    name: str = ""
    kind: str = "cpu"
    default_size: int = 1
    max_size: int = 1
    unit: str = "units"
    description: str = ""
    one_unit_per_task = False
    needs_server = False  # talks to the local HTTP server unless given a URL
    hidden = False  # only used by the pitfall labs, not listed as a workload of its own

    @property
    def waits(self) -> bool:
        """Mostly waiting: K workers can overlap K waits whatever the number of cores."""
        return self.kind in ("io", "mixed")

    @property
    def releases_gil(self) -> bool:
        return self.kind in ("cpu-nogil", "io")  # mixed work holds it while it computes

    def total_units(self, size: int) -> int:
        """Progress units for a job of this size (what the hot loops bump)."""
        return size

    def plan(self, size: int, workers: int, items_per_task: int | None = None) -> list[Task]:
        return plan_tasks(size, workers, self.one_unit_per_task, items_per_task)

    def run_task(self, task: Task, bump: Bump, options: Options, resource: Any = None) -> int:
        raise NotImplementedError

    async def arun_task(self, task: Task, bump: Bump, options: Options, resource: Any = None) -> int:
        """Under asyncio a CPU task just runs: nothing in it awaits, so nothing else can run."""
        return self.run_task(task, bump, options)

    def needs(self, asynchronous: bool) -> tuple[str, ...]:
        """Modules beyond the standard library a lane needs for this work (checked on another interpreter
        before a race starts)."""
        return ()

    def prepare(self, asynchronous: bool) -> None:
        """Imports and set-up done before the clock starts, so they are not timed as work."""
        for module in self.needs(asynchronous):
            importlib.import_module(module)

    def async_resource(self, options: Options, concurrency: int) -> contextlib.AbstractAsyncContextManager:
        """Something every async task of one lane shares (an HTTP session)."""
        return contextlib.nullcontext()

    async def arun_hybrid(self, task: Task, options: Options, resource: Any, offload, io_slot) -> int:
        """The hybrid runner: awaits stay on the event loop, computing goes to a process pool.

        `offload(method_name, *args)` runs `self.<method_name>(*args, bump, options)` in a pool
        process; `async with io_slot() as bump:` holds one of the K slots for waiting.
        """
        if self.kind == "io":
            async with io_slot() as bump:
                return await self.arun_task(task, bump, options, resource)
        return await offload("run_task", task)

    def combine(self, partials: Sequence[int]) -> int:
        return sum(partials)

    def answered(self, answer: int, expected: int) -> bool:
        """False when the answer counts successes and none succeeded: the lane measured nothing."""
        return not (self.kind in ("io", "mixed") and expected > 0 and answer == 0)

    def shortfall(self, answer: int, expected: int) -> str:
        """Why an answer differs from the expected one, in words."""
        if self.kind == "io" and answer < expected:
            return f"{expected - answer:,} of {expected:,} {self.unit} failed"
        return f"wrong answer: got {answer:,}, expected {expected:,}"

    def expected(self, size: int, options: Options) -> int:
        raise NotImplementedError

    def describe(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "releases_gil": self.releases_gil,
            "default_size": self.default_size,
            "max_size": self.max_size,
            "unit": self.unit,
            "description": self.description,
        }
