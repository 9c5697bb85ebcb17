"""The execution models compared: what each is (fixed facts) and what it cost here (measured).

The measured columns come only from races run in this session on this machine: start-up,
memory over the sequential lane, and the best speedup on CPU-bound work under the GIL.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from tuiconc.engine.race import RaceState
from tuiconc.engine.verdict import classify


@dataclass(frozen=True)
class Model:
    name: str
    runners: tuple[str, ...]
    kind: str  # concurrency, parallelism, or both
    gil: str
    best_for: str
    sharing: str


MODELS = (
    Model("sequential", ("sequential",), "neither", "one thread holds it", "the baseline; tiny jobs",
          "everything, no coordination"),
    Model("threading", ("threading", "threadpool"), "concurrency",
          "threads take turns on Python code; I/O and C code like hashlib release it",
          "blocking I/O; C code that releases the GIL", "shared memory; needs locks"),
    Model("asyncio", ("asyncio", "to-thread"), "concurrency",
          "one thread; switches only at await", "many thousands of waits (network)",
          "shared, one thread at a time: no locks between awaits"),
    Model("multiprocessing", ("multiprocessing", "processpool"), "parallelism",
          "one GIL per process", "pure-Python CPU work", "copies sent by pickling; or shared memory"),
    Model("hybrid", ("hybrid",), "both", "loop waits, processes compute", "fetch-then-compute pipelines",
          "results pickled back to the loop"),
    Model("subinterpreters", ("interpreters",), "parallelism", "one GIL per interpreter (3.12+)",
          "CPU work without process start-up", "copies; no shared objects"),
    Model("free-threading", ("free-threaded",), "parallelism", "no GIL (3.13t+ builds)",
          "pure-Python CPU work in threads", "shared memory; needs locks"),
    Model("distributed", ("dask",), "parallelism", "one GIL per worker process, on any machine",
          "big tasks on more cores than one machine has", "arguments and results sent over the network"),
)


@dataclass
class Measured:
    startup_s: float | None = None  # median spawn-to-first-task
    memory_over_sequential_mb: float | None = None  # median peak memory beyond the race's sequential lane
    cpu_speedup: float | None = None  # best speedup on CPU-bound work under the GIL
    races: int = 0


def model_of(runner: str) -> Model | None:
    return next((model for model in MODELS if runner in model.runners), None)


def measure(history: list[RaceState]) -> dict[str, Measured]:
    """Per model, what the finished races in `history` measured."""
    startups: dict[str, list[float]] = {}
    memory: dict[str, list[float]] = {}
    speedups: dict[str, list[float]] = {}
    races: dict[str, int] = {}
    for state in history:
        if state.status != "finished":
            continue
        lanes = [lane for lane in state.lanes if lane.status == "finished" and lane.correct]
        sequential = next((lane for lane in lanes if lane.runner == "sequential"), None)
        cpu_bound = classify(state.lanes) == "cpu"
        for lane in lanes:
            model = model_of(lane.runner)
            if model is None:
                continue
            races[model.name] = races.get(model.name, 0) + 1
            if lane.startup_s is not None:
                startups.setdefault(model.name, []).append(lane.startup_s)
            if sequential is not None and lane.peak_rss_mb is not None and sequential.peak_rss_mb is not None:
                memory.setdefault(model.name, []).append(lane.peak_rss_mb - sequential.peak_rss_mb)
            if cpu_bound and lane.speedup is not None:
                speedups.setdefault(model.name, []).append(lane.speedup)
    return {
        model.name: Measured(
            startup_s=statistics.median(startups[model.name]) if model.name in startups else None,
            memory_over_sequential_mb=statistics.median(memory[model.name]) if model.name in memory else None,
            cpu_speedup=max(speedups[model.name]) if model.name in speedups else None,
            races=races.get(model.name, 0),
        )
        for model in MODELS
    }
