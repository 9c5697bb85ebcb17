"""What a finished race says, in one sentence: what kind of work this was, who won, and why.

Classified from the measurements, not from the workload's label: the sequential lane's
effective cores tell waiting from computing; a multi-threaded lane's tell whether the GIL
let the threads run at once.
"""

from __future__ import annotations

from tuiconc.engine.lane import LaneState

THREAD_RUNNERS = ("threading", "threadpool", "to-thread")
PROCESS_RUNNERS = ("multiprocessing", "processpool")
WAITING_BELOW = 0.1  # sequential lane's cores: mostly waiting below this, mostly computing above COMPUTING_ABOVE
COMPUTING_ABOVE = 0.7
PARALLEL_THREADS_ABOVE = 1.3  # threads keeping more cores busy than this ran at once: the GIL was released

CLASSES = {
    "cpu": "CPU-bound under the GIL",
    "cpu-nogil": "CPU-bound in code that releases the GIL",
    "io": "I/O-bound",
    "mixed": "mixed waiting and computing",
}


def _finished(lanes: list[LaneState]) -> list[LaneState]:
    return [lane for lane in lanes if lane.status == "finished" and lane.correct and lane.cores is not None]


def classify(lanes: list[LaneState]) -> str | None:
    sequential = next((lane for lane in _finished(lanes) if lane.runner == "sequential"), None)
    if sequential is None:
        return None
    if sequential.cores < WAITING_BELOW:
        return "io"
    if sequential.cores < COMPUTING_ABOVE:
        return "mixed"
    threads = [lane for lane in _finished(lanes) if lane.runner in THREAD_RUNNERS and (lane.workers or 1) > 1]
    if threads and max(lane.cores for lane in threads) >= PARALLEL_THREADS_ABOVE:
        return "cpu-nogil"
    return "cpu"


def _why(winner: LaneState, kind: str) -> str:
    runner = winner.runner
    if runner == "hybrid":
        if kind in ("cpu", "cpu-nogil"):
            return "its process pool computed on every core"
        return "it waited on the event loop while a process pool computed on every core"
    if runner in PROCESS_RUNNERS or runner == "interpreters":
        return "each worker has its own GIL, so they computed on several cores at once"
    if runner == "dask":
        return "its worker processes each have their own GIL, and the work outweighed the cluster's overhead"
    if runner == "free-threaded":
        return "with the GIL off, its threads computed on several cores at once"
    if runner in THREAD_RUNNERS:
        return ("the C code releases the GIL, so its threads ran on several cores at once" if kind == "cpu-nogil"
                else "its threads overlapped their waits")
    if runner == "asyncio":
        return "one thread overlapped every wait, switching tasks at each await"
    return "nothing else beat doing one thing at a time here"


def verdict(lanes: list[LaneState]) -> str | None:
    """One sentence, or None until there is a sequential lane and a winner to speak of."""
    kind = classify(lanes)
    ranked = sorted(_finished(lanes), key=lambda lane: lane.wall_s)
    if kind is None or not ranked:
        return None
    sequential = next(lane for lane in ranked if lane.runner == "sequential")
    winner = ranked[0]
    evidence = f"sequential kept {sequential.cores:.2f} cores busy"
    threads = [lane for lane in ranked if lane.runner in THREAD_RUNNERS and (lane.workers or 1) > 1]
    if kind in ("cpu", "cpu-nogil") and threads:
        evidence += f", {threads[0].name} {threads[0].cores:.2f} with {threads[0].workers} threads"
    label = CLASSES[kind][0].upper() + CLASSES[kind][1:]
    if winner is sequential:
        return f"{label} ({evidence}): sequential won, {_why(winner, kind)}.{_distribution_cost(ranked, winner)}"
    return (f"{label} ({evidence}): {winner.name} won at {winner.speedup or 0:.2f}× because {_why(winner, kind)}."
            f"{_distribution_cost(ranked, winner)}")


def _distribution_cost(ranked: list[LaneState], winner: LaneState) -> str:
    """When a dask lane lost: what distributing the work cost it, from its own measurements."""
    lane = next((lane for lane in ranked if lane.runner == "dask"), None)
    if lane is None or lane is winner or not winner.wall_s:
        return ""
    overhead = lane.extra.get("task_overhead_ms")
    per_task = f" and {overhead:.1f} ms of scheduling and messages per task" if overhead is not None else ""
    return (f" {lane.name} took {lane.wall_s / winner.wall_s:.2f}× {winner.name}'s time: the distribution "
            f"overhead, {lane.startup_s or 0:.1f} s to start or reach its cluster{per_task}.")
