"""Whether a race's figures show the workload or a busy machine: other programs, waits for a CPU,
speedups no machine of this size can give.

A lane that other programs starved is not I/O-bound, and a lane that beat the cores it has
measured a bad baseline: the verdict must say so instead of explaining a winner.
"""

from __future__ import annotations

from tuiconc.engine.lane import LaneState

OTHERS_SHARE = 0.25  # other programs using more than this share of the usable cores, competing with a lane
WAIT_SHARE = 0.10  # a lane runnable but waiting for a CPU more than this share of its wall time
SPEEDUP_SLACK = 1.05  # CPU-bound speedup above the usable cores by more than this: a baseline problem
# A lane watched for less than this (a few sampler ticks, mostly its start-up) is too short to judge.
MIN_SAMPLED_S = 1.0
# Waits for a CPU are another program's doing only where other programs used at least this many cores:
# threads handing a GIL to each other wait runnable too (measured: 24 % of the time, 4 threads, idle machine).
WAITS_NEED_OTHERS_CORES = 0.1
CPU_KINDS = ("cpu", "cpu-nogil")


def wait_share(lane: LaneState) -> float | None:
    """Share of the sampled time the lane's threads spent runnable, waiting for a CPU (summed over threads);
    None when unknown, or when the lane was too short for the waits not to be mostly its start-up's."""
    if lane.runqueue_wait_s is None or (lane.sampled_s or 0.0) < MIN_SAMPLED_S:
        return None
    return lane.runqueue_wait_s / lane.sampled_s


def demand(lane: LaneState) -> float | None:
    """Threads the lane kept runnable on average, running or waiting for a CPU: the cores it wanted."""
    if lane.cores is None:
        return None
    return lane.cores + (wait_share(lane) or 0.0)


def outside_wait_share(lane: LaneState, usable_cpus: int) -> float:
    """The lane's waits for a CPU that its own threads did not cause, as a share of each runnable thread's
    time: more runnable threads than cores wait by themselves, whatever else the machine runs, and 16 workers
    waiting a quarter of a thread-second each second waited 1.6 % of their time each, not 25 %."""
    wanted = demand(lane) or 0.0
    return ((wait_share(lane) or 0.0) - max(0.0, wanted - usable_cpus)) / max(1.0, wanted)


def disturbance(lanes: list[LaneState], usable_cpus: int, mode: str, kind: str | None) -> str | None:
    """Why these figures are not the workload's own, in words; None when nothing disturbed them."""
    finished = [lane for lane in lanes if lane.status == "finished" and lane.wall_s]
    judged = [lane for lane in finished if (lane.sampled_s or 0.0) >= MIN_SAMPLED_S]
    competed = [lane for lane in judged if lane.others_cores is not None
                and lane.others_cores > OTHERS_SHARE * usable_cpus
                and (demand(lane) or 0.0) + lane.others_cores > usable_cpus]
    if competed:
        lane = max(competed, key=lambda lane: lane.others_cores)
        return (f"other programs used {lane.others_cores:.1f} of {usable_cpus} cores while {lane.name} ran, "
                f"competing with it")
    if mode != "together":  # together, the lanes wait for each other by design
        # Only lanes that can't outnumber the cores by themselves: 100 I/O processes waking together
        # wait for each other in bursts that no average shows.
        waited = [lane for lane in judged if outside_wait_share(lane, usable_cpus) > WAIT_SHARE
                  and (lane.others_cores or 0.0) >= WAITS_NEED_OTHERS_CORES and (lane.workers or 1) <= usable_cpus]
        if waited:
            lane = max(waited, key=lambda lane: outside_wait_share(lane, usable_cpus))
            return (f"{lane.name} waited for a CPU {outside_wait_share(lane, usable_cpus):.0%} of its time: "
                    f"something else had the cores")
    if kind in CPU_KINDS and mode != "together":  # together, the baseline shares the cores by design
        beyond = [lane for lane in finished if lane.speedup and lane.speedup > usable_cpus * SPEEDUP_SLACK]
        if beyond:
            lane = max(beyond, key=lambda lane: lane.speedup)
            cores = "1 core" if usable_cpus == 1 else f"{usable_cpus} cores"
            return (f"{lane.name}'s {lane.speedup:.2f}× is more than {cores} can give CPU-bound work: "
                    f"the sequential baseline ran slow (a busy machine while it ran)")
    return None
