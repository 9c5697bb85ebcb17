"""What to use for this function, and with which settings: one sentence beside the verdict.

Decided from the race's figures only: the cores the sequential lane wanted (waiting or computing,
the GIL held or released, as `verdict.classify` reads them), what each lane gained against the
plain loop net of the start-up it added, the time per item, the cost per task and the memory. A
runner's name only picks which API the sentence names. Lanes that failed or answered wrong are
never recommended, and a disturbed race, or a gain within the noise, is said to decide nothing.

Derived, not measured by the lanes themselves:
- time per item: the sequential lane's wall time / its items;
- a process pool's cost per task (per message sent): (its wall × the workers that could compute at
  once − the sequential wall) / messages, at least 0. An upper bound: workers starting one after
  another and the last tasks' uneven end count as cost too. Dask measures its own (`task_overhead_ms`);
- a lane's net time: its wall time plus the start-up it took beyond the sequential lane's.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Protocol

from tuiconc import units
from tuiconc.engine.config import RaceConfig
from tuiconc.engine.disturbance import demand
from tuiconc.engine.lane import LaneState
# The noise: verdict's floor for one run, widened by repeated runs to the lanes' own spread (slowest / fastest − 1).
from tuiconc.engine.verdict import NOISE_FLOOR, PARALLEL_THREADS_ABOVE, classify, gil_threads
from tuiconc.runners.base import chunksize as lane_chunksize
from tuiconc.workloads import WORKLOADS, looks_like_spec

# The chunksize advice: a message to a worker process should cost at most this share of the work it carries.
TASK_COST_SHARE = 0.05
# Two tied lanes whose peak memory is within this ratio are equal choices ("threads or asyncio"); past it,
# the lighter one is recommended and the heavier named as no faster.
MEMORY_ALIKE = 1.5
REPEAT_ADVICE = 5  # runs to suggest when a gain is within the noise
# A plain loop shorter than this is mostly start-up and timer noise: a lead over it decides nothing
# (a lane that lost, to its start-up or its cost per task, still says so).
MIN_DECIDING_S = 0.2

REASONS = {"io": "waits", "mixed": "waits", "cpu": "gil-bound", "cpu-nogil": "releases-gil"}


@dataclass(frozen=True)
class Recommendation:
    text: str  # one sentence, API names in `backticks`
    runner: str | None  # the runner recommended; None when the measurements can't decide
    reason: str  # "waits", "gil-bound", "releases-gil", "too-small", "no-gain", "failed", "undecided-noise", …

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def headline(self) -> str:
        """The advice without its evidence (the sentence up to its first colon) and its APIs without their
        module, for a narrow screen."""
        parts = self.text.split("`")
        for index in range(0, len(parts), 2):  # outside the backticks: an API's own text may hold a colon
            if ": " in parts[index]:
                parts[index] = parts[index].split(": ", 1)[0]
                return "`".join(parts[:index + 1]).replace("concurrent.futures.", "") + "."
        return self.text


class RaceState(Protocol):
    """What a recommendation reads of a race: `engine.race.RaceState`, named by its shape so that the race
    can import this module without a cycle."""

    @property
    def status(self) -> str: ...
    @property
    def config(self) -> RaceConfig: ...
    @property
    def machine(self) -> dict: ...
    @property
    def lanes(self) -> list[LaneState]: ...
    @property
    def disturbed(self) -> str | None: ...


@dataclass(frozen=True)
class _Gain:
    """One usable lane against the plain loop."""

    lane: LaneState
    speedup: float  # the table's: sequential wall / this lane's wall
    net_speedup: float  # counting the start-up this lane added
    noise: float  # the share of a gain that runs of these two lanes vary by


@dataclass(frozen=True)
class _Api:
    family: str  # lanes of one family are one choice: "threads", "asyncio", "processes", …
    call: str  # the API, with {n} for the workers
    words: str = "{call}"  # how a sentence names it
    batches: bool = False  # the API takes a chunksize: the advice applies


_THREADS = "`concurrent.futures.ThreadPoolExecutor(max_workers={n})`"
_PROCESSES = "`concurrent.futures.ProcessPoolExecutor(max_workers={n})`"
APIS = {
    "threading": _Api("threads", _THREADS, "threads ({call})"),
    "threadpool": _Api("threads", _THREADS, "threads ({call})"),
    "free-threaded": _Api("threads", _THREADS, "threads ({call}) on a free-threaded Python"),
    "to-thread": _Api("asyncio", "`asyncio.to_thread` under an `asyncio.Semaphore({n})`", "asyncio with {call}"),
    "asyncio": _Api("asyncio", "`asyncio.TaskGroup` or `asyncio.gather` with an `asyncio.Semaphore({n})`",
                    "asyncio ({call})"),
    "multiprocessing": _Api("processes", _PROCESSES, batches=True),
    "processpool": _Api("processes", _PROCESSES, batches=True),
    "interpreters": _Api("interpreters", "`concurrent.futures.InterpreterPoolExecutor(max_workers={n})`"),
    "hybrid": _Api("hybrid", "`loop.run_in_executor(ProcessPoolExecutor(max_workers={n}), …)`",
                   "asyncio with {call} for the computing"),
    "dask": _Api("dask", "`dask.distributed` `Client.map` on {n} workers", batches=True),
}


def recommend(state: RaceState) -> Recommendation | None:
    """What to use, in one sentence; None until the race has finished with a sequential lane to compare with."""
    if state.status != "finished":
        return None
    kind = classify(state.lanes)  # None without a finished, correct sequential lane
    sequential = next((lane for lane in state.lanes if lane.runner == "sequential" and lane.status == "finished"
                       and lane.correct and lane.wall_s), None)
    if kind is None or sequential is None:
        return None
    if state.disturbed:
        return Recommendation(f"The measurements can't decide: {state.disturbed}; rerun on a quiet machine.",
                              None, "disturbed")
    if state.config.mode == "together" and len(state.lanes) > 1:
        return Recommendation("The measurements can't decide: the lanes raced together, sharing the cores; "
                              "race them isolated for a recommendation.", None, "shared-cores")
    others = [lane for lane in state.lanes if lane is not sequential]
    if not others:
        return Recommendation("The measurements can't decide: only the plain loop ran; race other lanes beside "
                              "it.", None, "alone")
    gains = sorted((_gain(lane, sequential, kind) for lane in others if _usable(lane)),
                   key=lambda gain: gain.net_speedup, reverse=True)
    if not gains:
        return Recommendation(f"Keep it a plain loop: {_failures(others)}.", "sequential", "failed")
    return _advise(state, kind, sequential, gains)


def _advise(state: RaceState, kind: str, sequential: LaneState, gains: list[_Gain]) -> Recommendation:
    best = gains[0]
    if best.net_speedup > 1 + best.noise:
        if (sequential.wall_s or 0.0) < MIN_DECIDING_S:
            return Recommendation(
                f"The measurements can't decide: the plain loop took {units.seconds(sequential.wall_s)}, too short "
                f"for {best.lane.name}'s lead not to be start-up and timer noise; raise the size until it takes a "
                f"second or more.", None, "too-short")
        return _use(state, kind, sequential, [gain for gain in gains if gain.net_speedup > 1 + gain.noise])
    lost_to_startup = [gain for gain in gains if gain.speedup > 1 + gain.noise]
    if lost_to_startup:
        return _too_small_for_startup(state, kind, sequential, max(lost_to_startup, key=lambda gain: gain.speedup))
    if best.net_speedup > 1:
        return Recommendation(
            f"The measurements can't decide: {best.lane.name}'s {best.net_speedup:.2f}× over the plain loop is "
            f"within the noise ({units.percent(best.noise)}); rerun with more runs (`--repeat {REPEAT_ADVICE}`) "
            f"or a larger size.", None, "undecided-noise")
    return _keep_sequential(state, kind, sequential, gains)


def _use(state: RaceState, kind: str, sequential: LaneState, winners: list[_Gain]) -> Recommendation:
    """A lane won beyond the noise: of those tied with the fastest, the lightest on memory, then start-up."""
    fastest = winners[0]
    tied = [gain for gain in winners if gain.net_speedup * (1 + max(gain.noise, fastest.noise))
            >= fastest.net_speedup]
    chosen = min(tied, key=lambda gain: (_or_inf(gain.lane.peak_rss_mb), _or_inf(gain.lane.startup_s)))
    family = _api(chosen.lane).family
    rivals = [gain for gain in tied if _api(gain.lane).family != family]
    alike = next((gain for gain in rivals if _memory_alike(gain.lane, chosen.lane)), None)
    heavier = next((gain for gain in rivals if not _memory_alike(gain.lane, chosen.lane)), None)
    batching, costs = _batching(state, kind, sequential, chosen.lane)
    workers = _workers(state, kind, chosen.lane)
    if kind == "cpu-nogil" and family == "threads":
        lead = f"Threads are enough ({_api_text(chosen.lane, workers, words=False)})"
    else:
        lead = f"Use {_api_text(chosen.lane, workers)}{batching}"
    if alike is not None:
        lead += " or " + _api_text(alike.lane, _workers(state, kind, alike.lane))
    gained = f"{chosen.lane.name} ran it {chosen.speedup:.2f}× faster than a plain loop"
    if heavier is not None:
        gained += (f", as fast as {heavier.lane.name} ({heavier.speedup:.2f}×) in "
                   f"{units.megabytes(chosen.lane.peak_rss_mb)} instead of {units.megabytes(heavier.lane.peak_rss_mb)}")
    text = f"{lead}: {_evidence(state, kind, sequential)} and {gained}{costs}."
    return Recommendation(text, chosen.lane.runner, REASONS[kind])


def _too_small_for_startup(state: RaceState, kind: str, sequential: LaneState, gain: _Gain) -> Recommendation:
    """A lane did the work faster but lost the race to its start-up: at what size it would pay back."""
    lane = gain.lane
    extra = _extra_startup(lane, sequential)
    items = sequential.total
    text = (f"Keep it a plain loop: the work ({units.seconds(sequential.wall_s)}) is too small for "
            f"{lane.name}'s {units.seconds(extra)} of extra start-up to pay back")
    if items and lane.wall_s and sequential.wall_s and sequential.wall_s > lane.wall_s:
        break_even = _round_up(extra / ((sequential.wall_s - lane.wall_s) / items))
        text += (f"; from about {break_even:,} {_unit(state, plural=True)} (this run had {items:,}) "
                 f"{_api_text(lane, _workers(state, kind, lane))} would win")
    return Recommendation(text + ".", "sequential", "too-small")


def _keep_sequential(state: RaceState, kind: str, sequential: LaneState, gains: list[_Gain]) -> Recommendation:
    """Nothing beat the plain loop: why, from what the lanes measured."""
    evidence = _evidence(state, kind, sequential)
    per_item = _per_item_s(sequential)
    for gain in gains:  # a process pool that paid more per message than the message carried
        cost = _task_cost_s(state, sequential, gain.lane) if _api(gain.lane).batches else None
        if kind not in ("cpu", "cpu-nogil") or per_item is None or cost is None:
            continue
        work = per_item * _items_per_message(state, gain.lane)
        if cost > work:
            chunk = _round_up(cost / (TASK_COST_SHARE * per_item))
            # Fewer chunks than workers leave workers idle: then no chunksize pays at this size.
            pays = (f"processes could pay with `chunksize` of at least {chunk:,}"
                    if chunk * _workers(state, kind, gain.lane) <= sequential.total else
                    f"processes need chunks of at least {chunk:,} {_unit(state, plural=True)} a task, more than a "
                    f"worker's share of this run's {sequential.total:,}")
            return Recommendation(
                f"Keep it a plain loop: {evidence}, and {gain.lane.name} lost ({gain.speedup:.2f}×) because each "
                f"task cost {_duration(cost)} beyond its {_duration(work)} of work; {pays}.", "sequential",
                "too-small")
    if kind == "cpu" and all((gain.lane.cores or 0.0) < PARALLEL_THREADS_ABOVE and gain.speedup <= 1
                             for gain in gains):
        out = [lane for lane in state.lanes if lane is not sequential and not _usable(lane)]
        if out:
            advice = _failures(out, every=False)
        elif any(_api(gain.lane).batches for gain in gains):
            cpus = state.machine["usable_cpus"]
            advice = f"not even a process pool, with {cpus} usable CPU{'s' if cpus != 1 else ''} here"
        else:
            advice = "race `multiprocessing` beside it to try processes"
        return Recommendation(f"Keep it a plain loop: {evidence} and no lane here ran it on several cores; "
                              f"{advice}.", "sequential", "gil-bound")
    best = gains[0]
    return Recommendation(f"Keep it a plain loop: {evidence}, and no lane beat it beyond the noise (best: "
                          f"{best.lane.name} at {best.speedup:.2f}×).", "sequential",
                          "gil-bound" if kind == "cpu" else "no-gain")


# -- the figures ------------------------------------------------------------------------------

def _usable(lane: LaneState) -> bool:
    return lane.status == "finished" and lane.correct is not False and bool(lane.wall_s)


def _failures(lanes: list[LaneState], every: bool = True) -> str:
    said = "; ".join(f"{lane.name} gave wrong results" if lane.correct is False else f"{lane.name} {lane.status}"
                     for lane in lanes)
    return f"every other lane failed or gave wrong results ({said})" if every else said


def _extra_startup(lane: LaneState, sequential: LaneState) -> float:
    """The start-up this lane took beyond the plain loop's: creating its workers, a cluster, an event loop."""
    if lane.startup_s is None or sequential.startup_s is None:
        return 0.0
    return max(0.0, lane.startup_s - sequential.startup_s)


def _gain(lane: LaneState, sequential: LaneState, kind: str) -> _Gain:
    assert lane.wall_s and sequential.wall_s
    speedup = lane.speedup or sequential.wall_s / lane.wall_s  # a repeated race's is the median of its rounds'
    net_s = sequential.wall_s / speedup + _extra_startup(lane, sequential)
    noise = max(NOISE_FLOOR, lane.spread or 0.0, sequential.spread or 0.0)
    if kind == "cpu" and (lane.cores or 0.0) < PARALLEL_THREADS_ABOVE and speedup > 1:
        # Computing under the GIL on about one core can't be faster than the plain loop: a lead is noise.
        noise = max(noise, speedup - 1)
    return _Gain(lane, speedup, sequential.wall_s / net_s, noise)


def _per_item_s(sequential: LaneState) -> float | None:
    """The plain loop's time for one item of the work."""
    return sequential.wall_s / sequential.total if sequential.total and sequential.wall_s else None


def _task_cost_s(state: RaceState, sequential: LaneState, lane: LaneState) -> float | None:
    """What one message to a worker cost beyond its work, in seconds; None where the lane doesn't say."""
    measured = lane.extra.get("task_overhead_ms")
    if measured is not None:
        return measured / 1000
    messages = _messages(state, lane)
    if not messages or not lane.wall_s or not sequential.wall_s:
        return None
    computing_at_once = min(lane.workers or 1, state.machine["usable_cpus"])
    return max(0.0, lane.wall_s * computing_at_once - sequential.wall_s) / messages


def _messages(state: RaceState, lane: LaneState) -> int | None:
    """Messages the lane sent its workers: its tasks, in chunks of its chunksize (the arena's own rule)."""
    tasks = lane.extra.get("tasks")
    if not tasks:
        return None
    asked = next((spec.chunksize for spec in state.config.lane_specs() if spec.name == lane.name), 1)
    return math.ceil(tasks / lane_chunksize(asked, tasks, lane.workers or 1))


def _items_per_message(state: RaceState, lane: LaneState) -> float:
    messages = _messages(state, lane)
    return lane.total / messages if messages and lane.total else 1.0


def _batching(state: RaceState, kind: str, sequential: LaneState, lane: LaneState) -> tuple[str, str]:
    """For a process pool on computing work: the chunksize to ask for, and the figures it comes from."""
    per_item = _per_item_s(sequential)
    cost = _task_cost_s(state, sequential, lane) if _api(lane).batches else None
    if kind not in ("cpu", "cpu-nogil") or per_item is None or cost is None:
        return "", ""
    costs = f"; each {_unit(state)} takes {_duration(per_item)} and a task cost at most {_duration(cost)} beyond its work"
    chunk = _round_up(cost / (TASK_COST_SHARE * per_item))
    if chunk <= 1:
        return "", costs
    setting = "batches of" if lane.runner == "dask" else "`chunksize` of"
    return f" with {setting} at least {chunk:,}", costs


def _evidence(state: RaceState, kind: str, sequential: LaneState) -> str:
    """What the measurements say the function does, with the figure that says it."""
    if kind in ("io", "mixed"):
        waits = 1 - min(1.0, demand(sequential) or 0.0)
        return f"this function waits {units.percent(waits)} of its time"
    threads = gil_threads(state.lanes)
    if not threads:
        return f"the function computes (the plain loop kept {sequential.cores or 0:.2f} cores busy)"
    busiest = max(threads, key=lambda lane: lane.cores or 0.0)
    held = "releases" if kind == "cpu-nogil" else "holds"
    return f"the function {held} the GIL ({busiest.workers} threads kept {busiest.cores:.2f} cores busy)"


def _workers(state: RaceState, kind: str, lane: LaneState) -> int:
    """Waits overlap however many workers wait; computing gains nothing past the usable CPUs."""
    workers = lane.workers or 1
    return workers if kind in ("io", "mixed") else max(1, min(workers, state.machine["usable_cpus"]))


def _api(lane: LaneState) -> _Api:
    return APIS.get(lane.runner, _Api(lane.runner, f"`{lane.runner}` with {{n}} workers"))


def _api_text(lane: LaneState, workers: int, words: bool = True) -> str:
    api = _api(lane)
    call = api.call.format(n=workers)
    text = api.words.format(call=call) if words else call
    if lane.gil_enabled is False and api.family == "threads" and "free-threaded" not in text:
        text += " on a free-threaded Python"  # measured on one: with a GIL they would take turns
    return text


def _memory_alike(one: LaneState, other: LaneState) -> bool:
    if not one.peak_rss_mb or not other.peak_rss_mb:
        return True
    return max(one.peak_rss_mb, other.peak_rss_mb) / min(one.peak_rss_mb, other.peak_rss_mb) <= MEMORY_ALIKE


def _unit(state: RaceState, plural: bool = False) -> str:
    """What the work counts in: a user's function is called once per item; a built-in names its units."""
    name = state.config.workload
    unit = "calls" if looks_like_spec(name) or name not in WORKLOADS else WORKLOADS[name].unit
    return unit if plural or not unit.endswith("s") else unit[:-1]


def _duration(seconds: float) -> str:
    """Down to microseconds: a call or a message can take far less than a millisecond."""
    if seconds >= 1:
        return units.seconds(seconds)
    ms = seconds * 1000
    if ms >= 10:
        return f"{ms:.0f} ms"
    if ms >= 1:
        return f"{ms:.1f} ms"
    if ms >= 0.1:
        return f"{ms:.2f} ms"
    return f"{ms * 1000:.1f} µs"


def _round_up(value: float) -> int:
    """An estimate as advice: up to two significant digits (12,340 → 13,000), and at least 1."""
    if value <= 10:
        return max(1, math.ceil(value - 1e-9))  # 1e-9: a quotient of round figures lands a hair above them
    step = 10 ** (math.floor(math.log10(value)) - 1)
    return math.ceil(value / step - 1e-9) * step


def _or_inf(value: float | None) -> float:
    return math.inf if value is None else value
