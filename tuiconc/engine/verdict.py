"""What a finished race says, in one sentence: what kind of work this was, who won, and why.

Classified from the measurements, not from the workload's label: the cores the sequential
lane wanted (its CPU and its waits for a CPU, per second: a lane that other programs starved
still wanted a core) tell waiting from computing; a multi-threaded lane's cores tell whether
the GIL let the threads run at once.
"""

from __future__ import annotations

from tuiconc import units
from tuiconc.engine.disturbance import demand
from tuiconc.engine.lane import LaneState
from tuiconc.workloads import KINDS

THREAD_RUNNERS = ("threading", "threadpool", "to-thread")
PROCESS_RUNNERS = ("multiprocessing", "processpool")
WAITING_BELOW = 0.1  # sequential lane's cores: mostly waiting below this, mostly computing above COMPUTING_ABOVE
COMPUTING_ABOVE = 0.7
PARALLEL_THREADS_ABOVE = 1.3  # threads keeping more cores busy than this ran at once: the GIL was released
# One run of a lane varies by up to this much from the next on a quiet machine (benchmarks/RESULTS.md,
# "Noise floor"): a single run's lead smaller than this names no winner. Repeated runs use their own spread.
NOISE_FLOOR = 0.05



def _finished(lanes: list[LaneState]) -> list[LaneState]:
    return [lane for lane in lanes if lane.status == "finished" and lane.correct and lane.cores is not None]


def classify(lanes: list[LaneState]) -> str | None:
    sequential = next((lane for lane in _finished(lanes) if lane.runner == "sequential"), None)
    if sequential is None:
        return None
    wanted = demand(sequential) or sequential.cores
    if wanted < WAITING_BELOW:
        return "io"
    if wanted < COMPUTING_ABOVE:
        return "mixed"
    threads = gil_threads(lanes)
    if threads and max(lane.cores for lane in threads) >= PARALLEL_THREADS_ABOVE:
        return "cpu-nogil"
    return "cpu"


def gil_threads(lanes: list[LaneState]) -> list[LaneState]:
    """The finished lanes of several threads under a GIL: their cores tell whether the code releases it
    (threads on a free-threaded Python say nothing of the code)."""
    return [lane for lane in _finished(lanes) if lane.runner in THREAD_RUNNERS and (lane.workers or 1) > 1
            and lane.gil_enabled is not False]


def _inside_noise(winner: LaneState) -> bool:
    """A single run's lead over sequential smaller than one run varies by: no winner."""
    return winner.runner != "sequential" and winner.runs < 2 and (winner.speedup or 0.0) < 1 + NOISE_FLOOR


def measured_winner(lanes: list[LaneState]) -> LaneState | None:
    """The fastest lane where its lead is beyond the noise (one run's floor, or repeated runs' ranges); None
    where no lane was measurably faster than the next."""
    ranked = sorted(_finished(lanes), key=lambda lane: lane.wall_s)
    if classify(lanes) is None or not ranked or spread_verdict(lanes) is not None:
        return None
    return None if _inside_noise(ranked[0]) else ranked[0]


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
    if runner == "free-threaded" or (runner in THREAD_RUNNERS and winner.gil_enabled is False):
        return "with the GIL off (a free-threaded Python), its threads computed on several cores at once"
    if runner in THREAD_RUNNERS:
        return ("the C code releases the GIL, so its threads ran on several cores at once" if kind == "cpu-nogil"
                else "its threads overlapped their waits")
    if runner == "asyncio":
        return "one thread overlapped every wait, switching tasks at each await"
    return "nothing else beat doing one thing at a time here"


def verdict(lanes: list[LaneState], usable_cpus: int | None = None) -> str | None:
    """One sentence, or None until there is a sequential lane and a winner to speak of. On one usable CPU,
    computing work is limited by that CPU, whatever the GIL does: the verdict names the CPU, not the GIL."""
    kind = classify(lanes)
    ranked = sorted(_finished(lanes), key=lambda lane: lane.wall_s)
    if kind is None or not ranked:
        return None
    sequential = next(lane for lane in ranked if lane.runner == "sequential")
    winner = ranked[0]
    evidence = f"sequential kept {sequential.cores:.2f} cores busy"
    threads = [lane for lane in ranked if lane.runner in THREAD_RUNNERS and (lane.workers or 1) > 1]
    if kind in ("cpu", "cpu-nogil") and threads:
        without = " without a GIL" if threads[0].gil_enabled is False else ""
        evidence += f", {threads[0].name} {threads[0].cores:.2f} with {threads[0].workers} threads{without}"
        evidence += gil_waits(threads[0])
    one_cpu = usable_cpus == 1 and kind in ("cpu", "cpu-nogil")
    label = "CPU-bound on 1 usable CPU" if one_cpu else _label(kind, ranked)
    if _inside_noise(winner):
        turns = ("; with 1 usable CPU, nothing here can compute at once" if one_cpu else
                 "; under the GIL these lanes all run one thread of Python at a time"
                 if kind == "cpu" and _all_under_a_gil(ranked) else "")
        return (f"{label} ({evidence}): no lane was measurably faster than sequential — {winner.name} led by "
                f"{(winner.speedup or 1.0) - 1:.0%}, inside the {NOISE_FLOOR:.0%} one run varies by{turns}."
                f"{_versions(ranked)}")
    if winner is sequential:
        why = "with 1 usable CPU nothing computes at once, GIL or no GIL" if one_cpu else _why(winner, kind)
        return (f"{label} ({evidence}): sequential won, {why}.{_distribution_cost(ranked, winner)}"
                f"{_versions(ranked)}")
    return (f"{label} ({evidence}): {winner.name} won at {winner.speedup or 0:.2f}× because {_why(winner, kind)}."
            f"{_distribution_cost(ranked, winner)}{_versions(ranked)}")


def gil_waits(lane: LaneState) -> str:
    """What its threads were measured doing, where a GIL held them: ", each waiting for the GIL 72 % of its time"."""
    if lane.gil_enabled is False or not lane.worker_states or lane.gil_wait is None:
        return ""
    waits = [worker["waiting_gil"] for worker in lane.worker_states]
    if len(waits) == 1:
        return f", its thread waiting for the GIL {waits[0]:.0%} of its time"
    if max(waits) - min(waits) <= 0.1:
        return f", each waiting for the GIL {lane.gil_wait:.0%} of its time"
    return f", its threads waiting for the GIL {min(waits):.0%}–{max(waits):.0%} of their time"


def _versions(ranked: list[LaneState]) -> str:
    """A versions race: each speedup is against sequential on its own Python, and how the Pythons compare."""
    sequentials = [lane for lane in ranked if lane.runner == "sequential"]
    if len({(lane.python, lane.gil_enabled) for lane in sequentials}) < 2:
        return ""
    first = next(lane for lane in sequentials if lane.wall_s)
    others = "; ".join(f"{lane.name} took {lane.wall_s / first.wall_s:.2f}× {first.name}'s time"
                       for lane in sequentials if lane is not first and lane.wall_s)
    return f" Each speedup is against sequential on the lane's own Python: one thread, {others}."


def _distribution_cost(ranked: list[LaneState], winner: LaneState) -> str:
    """When a dask lane lost: what distributing the work cost it, from its own measurements."""
    lane = next((lane for lane in ranked if lane.runner == "dask"), None)
    if lane is None or lane is winner or not winner.wall_s:
        return ""
    overhead = lane.extra.get("task_overhead_ms")
    per_task = f" and {overhead:.1f} ms of scheduling and messages per task" if overhead is not None else ""
    return (f" {lane.name} took {lane.wall_s / winner.wall_s:.2f}× {winner.name}'s time: the distribution "
            f"overhead, {lane.startup_s or 0:.1f} s of start-up including its cluster{per_task}.")


def _all_under_a_gil(lanes: list[LaneState]) -> bool:
    return all(lane.gil_enabled is not False for lane in lanes)


def _label(kind: str, lanes: list[LaneState]) -> str:
    """The kind of work in a verdict's first words; pure-Python work is "under the GIL" only where every lane
    ran with one (a free-threaded lane has none)."""
    measured = "CPU-bound pure Python" if kind == "cpu" and not _all_under_a_gil(lanes) else KINDS[kind].measured
    return measured[0].upper() + measured[1:]


def _range_text(lane: LaneState) -> str:
    return units.seconds_range(lane.wall_min_s, lane.wall_max_s)


def spread_verdict(lanes: list[LaneState]) -> str | None:
    """Over repeated runs, a winner whose range of wall times overlaps the runner-up's won by noise,
    not by its execution model: said instead of a winner. None when `verdict` may speak."""
    kind = classify(lanes)
    ranked = sorted(_finished(lanes), key=lambda lane: lane.wall_s)
    if kind is None or len(ranked) < 2 or ranked[0].runs < 2 or ranked[1].runs < 2:
        return None
    first, second = ranked[0], ranked[1]
    if first.wall_min_s is None or second.wall_min_s is None or first.wall_max_s < second.wall_min_s:
        return None
    return (f"{_label(kind, ranked)}: {first.name} ({_range_text(first)}) and {second.name} ({_range_text(second)}) "
            f"are within the noise: their ranges over {min(first.runs, second.runs)} runs overlap, so neither "
            f"won.")
