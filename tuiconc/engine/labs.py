"""Pitfall labs: a mistake and its fix, raced side by side on the same workload.

A lab is selected like a workload; its lanes are fixed (runner, label, variant, workers),
while size and workers stay settable. Each says what the broken lane will show and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tuiconc import tunables
from tuiconc.machine import usable_cpus


@dataclass(frozen=True)
class LaneSpec:
    """One lane of a race: a runner, and for the labs a label, a variant and its own settings."""

    runner: str
    label: str = ""
    variant: str | None = None
    workers: int | None = None  # None: the race's workers
    chunksize: int = 1  # process pools: tasks per message; 0 = batched (about 4 chunks per worker)

    @property
    def name(self) -> str:
        return self.label or self.runner


@dataclass(frozen=True)
class Lab:
    name: str
    title: str
    workload: str
    size: int
    workers: int
    broken: str  # what the broken lane shows
    fix: str  # what the fixed lane does differently
    lanes: tuple[LaneSpec, ...] = field(default_factory=tuple)
    latency_ms: int = tunables.DEFAULT_LATENCY_MS


def _oversubscription_lanes() -> tuple[LaneSpec, ...]:
    cores = usable_cpus()
    counts = sorted({cores, min(4 * cores, tunables.MAX_PROCESS_WORKERS), min(16 * cores, tunables.MAX_PROCESS_WORKERS)})
    return (LaneSpec("sequential"),
            *(LaneSpec("multiprocessing", f"{n} processes", workers=n) for n in counts))


LABS: dict[str, Lab] = {lab.name: lab for lab in (
    Lab("race-condition", "Race condition: a shared counter without a lock", "counter", 20_000, 4,
        broken="Threads read the counter, and before one writes it back another writes too (switched in under "
               "the GIL, or running at once without one): the stale value wins and increments are lost.",
        fix="A threading.Lock around the read-modify-write: every increment lands.",
        lanes=(LaneSpec("threading", "threads, no lock", variant="unlocked"),
               LaneSpec("threading", "threads + lock", variant="locked"))),
    Lab("blocking-call", "A blocking call inside a coroutine", "sleep", 20, 20,
        broken="time.sleep inside async code stops the whole event loop: the tasks run one after another, "
               "as slow as sequential, and the loop lag equals the whole wait.",
        fix="await asyncio.sleep (or hand blocking code to asyncio.to_thread): the waits overlap.",
        lanes=(LaneSpec("sequential"),
               LaneSpec("asyncio", "asyncio + time.sleep", variant="blocking"),
               LaneSpec("asyncio", "asyncio + await asyncio.sleep"),
               LaneSpec("to-thread", "asyncio + to_thread(time.sleep)"))),
    Lab("unpicklable", "Unpicklable work for a process pool", "primes", 200_000, 2,
        broken="A lambda can't be pickled, so a process pool can't send it to its workers: the lane fails.",
        fix="A function defined at module level pickles by name: the pool runs it.",
        lanes=(LaneSpec("processpool", "pool.map(lambda …)", variant="lambda"),
               LaneSpec("processpool", "pool.map(module function)"))),
    Lab("tiny-tasks", "Tiny tasks for a process pool", "tiny-tasks", 4_000_000, 2,
        broken="Each 100-number task costs less than its trip to a worker process and back: the pool "
               "loses to sequential.",
        fix="Batching tasks (chunksize) sends a few big messages instead of tens of thousands.",
        lanes=(LaneSpec("sequential"),
               LaneSpec("processpool", "one task per message", chunksize=1),
               LaneSpec("processpool", "batched (chunksize)", chunksize=0))),
    Lab("tiny-tasks-dask", "Tiny tasks for a cluster", "tiny-tasks", 100_000, 2,
        broken="Each 100-number task becomes a future the scheduler assigns, a message to a worker and a "
               "result back: Dask pays more per task than a process pool does, and loses to sequential.",
        fix="Batching the tasks into a few big futures (about four per worker) leaves only the cluster's start-up.",
        lanes=(LaneSpec("sequential"),
               LaneSpec("processpool", "pool, one task per message", chunksize=1),
               LaneSpec("dask", "dask, one task per future", chunksize=1),
               LaneSpec("dask", "dask, batched futures", chunksize=0))),
    Lab("oversubscription", "More CPU-bound processes than cores", "primes", 1_000_000, 2,
        broken="Processes beyond the number of cores only take turns on the same cores: no further speedup, "
               "more memory and start-up.",
        fix="One process per usable core is as fast as it gets for CPU-bound work."),
)}


def lab_lanes(lab: Lab) -> tuple[LaneSpec, ...]:
    return lab.lanes or _oversubscription_lanes()
