"""The scaling sweep: one runner at 1, 2, 4… workers against a sequential baseline, Amdahl's law fitted.

No UI here. Like a race, front ends poll it:

    sweep = Sweep(config, "multiprocessing", [1, 2, 4]).start()
    while not sweep.wait(0.1):
        show(sweep.snapshot())

Every race runs isolated (one lane at a time), so each point's wall time is its own. The
sweep runs in rounds (config.repeat): each round races the baseline, then every point, and
each point's speedup that round is against that round's baseline, so no single slow or fast
baseline run skews every point. A point's figures are medians over the rounds, with ranges.
Speedup and efficiency count workers; Karp–Flatt and the Amdahl fit count *processors*, the
ideal speedup for CPU work (one per physical core, a fraction for a second SMT thread, none
past the usable CPUs), so the serial fraction they report is the program's, not this machine's.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Literal

from tuiconc import __version__, tunables
from tuiconc.engine.config import ConfigError, RaceConfig, check_workers, problems
from tuiconc.engine.disturbance import SPEEDUP_SLACK
from tuiconc.engine.lane import LaneState, LaneStatus
from tuiconc.engine.repeats import median
from tuiconc.machine import machine_facts
from tuiconc.engine.race import Race, RaceState, ideal_speedup
from tuiconc.workloads import get_workload

SweepStatus = Literal["ready", "running", "finished", "cancelled", "failed"]
BASELINE_RUNNER = "sequential"
# Karp–Flatt values this far apart read as a trend (growing overhead), closer as a constant serial part.
KARP_FLATT_TREND = 0.05


# -- the arithmetic -------------------------------------------------------------------------
def karp_flatt(speedup: float, processors: int) -> float | None:
    """The experimentally determined serial fraction e = (1/S − 1/p) / (1 − 1/p); undefined for p = 1."""
    if processors <= 1 or speedup <= 0:
        return None
    return (1 / speedup - 1 / processors) / (1 - 1 / processors)


def amdahl_speedup(serial_fraction: float, processors: int) -> float:
    return 1 / (serial_fraction + (1 - serial_fraction) / processors)


def fit_serial_fraction(points: Iterable[tuple[int, float]]) -> float | None:
    """Amdahl's serial fraction f in [0, 1] from (processors, speedup) points, by least squares.

    The law is linear in f in time, not in speedup: 1/S − 1/p = f·(1 − 1/p). Least squares on
    that line has a closed form, a weighted mean of the points' Karp–Flatt values; the
    objective is a convex parabola in f, so clamping to [0, 1] is the constrained minimum.
    Points with one processor say nothing about f; with none left, there is no fit.
    """
    sum_xy = sum_xx = 0.0
    for processors, speedup in points:
        if processors <= 1 or speedup <= 0:
            continue
        x = 1 - 1 / processors
        sum_xy += x * (1 / speedup - 1 / processors)
        sum_xx += x * x
    if sum_xx == 0:
        return None
    return min(1.0, max(0.0, sum_xy / sum_xx))


# -- the state front ends read --------------------------------------------------------------
@dataclass
class SweepPoint:
    workers: int
    processors: float  # what these workers can really use: the ideal speedup
    runner: str = ""
    status: LaneStatus = "waiting"
    wall_s: float | None = None  # the median of its runs, like every figure below
    speedup: float | None = None  # the median of its per-round ratios
    efficiency: float | None = None  # speedup / workers
    karp_flatt: float | None = None
    cores: float | None = None  # CPU seconds per wall second: what the lane really ran on
    correct: bool | None = None
    error: str | None = None
    # Every run, in round order: wall time, speedup against its round's baseline, cores.
    walls: list[float] = field(default_factory=list)
    speedups: list[float] = field(default_factory=list)
    cores_runs: list[float] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "finished" and self.correct is not False and bool(self.wall_s)

    @property
    def ended(self) -> bool:
        return self.status in ("finished", "failed", "cancelled")

    @property
    def runs(self) -> int:
        return len(self.walls)

    @property
    def wall_range(self) -> tuple[float, float] | None:
        return (min(self.walls), max(self.walls)) if self.walls else None

    @property
    def speedup_range(self) -> tuple[float, float] | None:
        return (min(self.speedups), max(self.speedups)) if self.speedups else None

    @property
    def spread(self) -> float | None:
        """Slowest run / fastest run − 1, once there are two runs."""
        return max(self.walls) / min(self.walls) - 1 if self.runs > 1 and min(self.walls) > 0 else None

    @property
    def unstable(self) -> bool:
        return self.spread is not None and self.spread > tunables.UNSTABLE_SPREAD

    def to_json(self) -> dict:
        low, high = self.wall_range or (None, None)
        slow, fast = self.speedup_range or (None, None)
        return {**asdict(self), "runs": self.runs, "wall_min_s": low, "wall_max_s": high, "speedup_min": slow,
                "speedup_max": fast, "spread": self.spread, "unstable": self.unstable}


@dataclass
class AmdahlFit:
    serial_fraction: float
    points_used: int

    @property
    def max_speedup(self) -> float | None:
        """1/f: the most any number of cores could give; None when nothing serial was measured."""
        return None if self.serial_fraction == 0 else 1 / self.serial_fraction


@dataclass
class SweepState:
    config: RaceConfig
    runner: str
    machine: dict
    io_bound: bool
    baseline: SweepPoint
    points: list[SweepPoint]
    status: SweepStatus = "ready"
    error: str | None = None
    round: int = 1  # the round running now, of config.repeat
    races_done: int = 0
    current: SweepPoint | None = None  # the point whose race runs now
    race: RaceState | None = None  # that race, live, for progress bars
    fit: AmdahlFit | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def usable_cpus(self) -> int:
        return self.machine["usable_cpus"]

    @property
    def running(self) -> bool:
        return self.status == "running"

    @property
    def repeat(self) -> int:
        return self.config.repeat

    @property
    def steps(self) -> list[SweepPoint]:
        return [self.baseline, *self.points]

    @property
    def progress(self) -> float:
        """0 to 1 over the whole sweep: races run, plus the running one's share."""
        done = float(self.races_done)
        if self.race is not None and self.race.lanes and self.current is not None:
            done += self.race.lanes[0].fraction
        return min(1.0, done / (len(self.steps) * self.repeat))

    def step_name(self, step: SweepPoint) -> str:
        return "sequential baseline" if step is self.baseline else f"{step.runner} × {step.workers}"

    def describe_current(self) -> str:
        if self.current is None:
            return ""
        where = f"round {self.round} of {self.repeat}: " if self.repeat > 1 else ""
        if self.current is self.baseline:
            return where + "sequential baseline"
        number = next(i for i, point in enumerate(self.points, 1) if point is self.current)
        return where + f"point {number} of {len(self.points)}: {self.runner} × {self.current.workers} workers"

    def error_lines(self) -> list[str]:
        """Every point's failure, and the sweep's own when no point already says it."""
        lines = [f"{self.step_name(step)}: {step.error}" for step in self.steps if step.error]
        if self.error and not any(step.error and step.error in self.error for step in self.steps):
            lines.insert(0, f"sweep: {self.error}")
        return lines

    def to_json(self) -> dict:
        fit = self.fit
        return {
            "tuiconc": __version__,
            "machine": self.machine,
            "config": {**self.config.summary(), "workers": [point.workers for point in self.points]},
            "runner": self.runner,
            "status": self.status,
            "error": self.error,
            "repeat": self.repeat,
            "baseline": self.baseline.to_json(),
            "points": [point.to_json() for point in self.points],
            "amdahl": None if fit is None else {"serial_fraction": fit.serial_fraction,
                                                "max_speedup": fit.max_speedup, "points_used": fit.points_used},
            "notes": self.notes,
        }


# -- checking and summing up ----------------------------------------------------------------
def race_config(config: RaceConfig, runner: str, workers: int) -> RaceConfig:
    """One point's race: this runner alone, isolated, at this many workers, once (the sweep repeats it)."""
    return config.with_changes(runners=(runner,), workers=workers, mode="isolated", lab=None, repeat=1)


def check_sweep(config: RaceConfig, runner: str, workers: list[int]) -> str | None:
    """What makes this sweep impossible, in words a person can act on; None when it can run."""
    if not workers:
        return "give at least one worker count, e.g. 1,2,4"
    for count in workers:
        message = check_workers(count, [runner])
        if message:
            return message
    found = problems(config.with_changes(runners=(BASELINE_RUNNER, runner) if runner != BASELINE_RUNNER
                                        else (runner,), workers=max(workers), mode="isolated", lab=None))
    return next(iter(found.values()), None)


def fill_point(point: SweepPoint, race: RaceState, baseline_s: float | None, reference: Any = None) -> None:
    """A finished race's one lane into its point as one more run: its figures become the medians so far,
    its speedup that of the run's own round (against `baseline_s`, that round's baseline). `reference`:
    the baseline's answer, for work with no answer known ahead (a user's function's results)."""
    lane: LaneState | None = race.lanes[0] if race.lanes else None
    if lane is None:
        point.status, point.error = "failed", race.error or "the race had no lane"
        return
    point.runner = lane.runner
    point.status, point.correct = lane.status, lane.correct
    point.error = lane.error or (race.error if race.status == "failed" else None)
    if reference is not None and lane.status == "finished" and lane.answer != reference:
        point.correct, point.error = False, "its results differ from the sequential baseline's"
    if race.status == "failed" or (lane.status == "finished" and point.correct is False):
        point.status = "failed"  # a wrong answer is no speedup
    if point.status != "finished" or not lane.wall_s:
        return
    point.walls.append(lane.wall_s)
    if lane.cores is not None:
        point.cores_runs.append(lane.cores)
    if baseline_s:
        point.speedups.append(baseline_s / lane.wall_s)
    point.wall_s, point.cores, point.speedup = median(point.walls), median(point.cores_runs), median(point.speedups)
    if point.speedup is not None:
        point.efficiency = point.speedup / point.workers
        point.karp_flatt = karp_flatt(point.speedup, point.processors)


def fit_points(points: list[SweepPoint]) -> AmdahlFit | None:
    used = [(p.processors, p.speedup) for p in points if p.speedup is not None and p.processors > 1]
    serial_fraction = fit_serial_fraction(used)
    return None if serial_fraction is None else AmdahlFit(serial_fraction, len(used))


def amdahl_sentence(fit: AmdahlFit | None, usable_cpus: int, io_bound: bool = False) -> str:
    if fit is None:
        return (f"no serial fraction: no point ran on more than one processor ({usable_cpus} usable CPUs); "
                f"sweep worker counts above 1")
    f = fit.serial_fraction
    more = "workers" if io_bound else "cores"  # waits overlap whatever the cores; computing needs cores
    if fit.max_speedup is None:
        return f"serial fraction f = {f:.2f} → no limit measured: the speedup would keep growing with {more}"
    limit = fit.max_speedup
    shown = f"{limit:,.0f}×" if limit >= 10 else f"{limit:.1f}×"
    return f"serial fraction f = {f:.2f} → at most {shown} on any number of {more}"


def karp_flatt_sentence(points: list[SweepPoint]) -> str | None:
    """How e moves with processors tells a fixed serial part from overhead that grows with workers."""
    measured = [p for p in points if p.karp_flatt is not None]
    if len({p.processors for p in measured}) < 2:
        return None
    first, last = measured[0].karp_flatt, measured[-1].karp_flatt
    if last - first > KARP_FLATT_TREND:
        return (f"Karp–Flatt e rises from {first:.2f} to {last:.2f} with more processors: the loss is overhead "
                f"that grows with workers (start-up, messages, contention), not a fixed serial part")
    if first - last > KARP_FLATT_TREND:
        return f"Karp–Flatt e falls from {first:.2f} to {last:.2f}: fixed costs spread over more work per worker"
    return f"Karp–Flatt e stays near {last:.2f}: a steady serial part, as Amdahl's law assumes"


def _listed(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers))


def summary_notes(state: SweepState) -> list[str]:
    notes = [amdahl_sentence(state.fit, state.usable_cpus, state.io_bound)]
    trend = karp_flatt_sentence(state.points)
    if trend:
        notes.append(trend)
    beyond = [p.workers for p in state.points if p.workers > state.usable_cpus]
    if beyond and not state.io_bound:
        notes.append(f"this machine has {state.usable_cpus} usable CPUs: for CPU work, workers past "
                     f"{state.usable_cpus} add no processor, so the ideal line flattens there")
    cores, cpus = state.machine.get("usable_cores", state.usable_cpus), state.usable_cpus
    if cores < cpus and not state.io_bound and any(p.workers > cores for p in state.points):
        notes.append(f"{cpus} usable CPUs sit on {cores} physical cores: past {cores} workers a second thread "
                     f"shares a core (SMT), worth about {tunables.SMT_GAIN:.2f} of one, so the ideal line bends there")
    impossible = [p.workers for p in state.points
                  if p.speedup is not None and p.speedup > state.usable_cpus * SPEEDUP_SLACK]
    if impossible and not state.io_bound:
        notes.append(f"a baseline problem: the speedup at {_listed(impossible)} workers is more than "
                     f"{state.usable_cpus} usable CPUs can give CPU work, so the sequential baseline ran slow; "
                     f"repeat the sweep (--repeat) for more rounds")
    unstable = [step for step in state.steps if step.unstable]
    if unstable:
        names = ", ".join("the baseline" if step is state.baseline else
                          f"{step.workers} worker{'' if step.workers == 1 else 's'}" for step in unstable)
        notes.append(f"unstable: {names} spread more than {tunables.UNSTABLE_SPREAD:.0%} between runs "
                     f"(a busy machine?); the medians are less certain")
    failed = [p for p in state.points if p.status == "failed"]
    if failed:
        notes.append(f"{len(failed)} of {len(state.points)} points failed; they are left out of the fit")
    return notes


# -- the engine -----------------------------------------------------------------------------
class Sweep:
    """Start, snapshot, wait, cancel: the same verbs as a race."""

    def __init__(self, config: RaceConfig, runner: str, workers: Iterable[int], sampler=None):
        counts = sorted(set(workers))
        problem = check_sweep(config, runner, counts)
        if problem:
            raise ConfigError(problem)
        self.config = config.with_changes(mode="isolated", lab=None)
        self.runner = runner
        self.sampler = sampler  # shared with the app when given; each race makes its own otherwise
        machine = machine_facts()
        io_bound = get_workload(config.workload).waits
        self._state = SweepState(
            config=self.config, runner=runner, machine=machine, io_bound=io_bound,
            baseline=SweepPoint(workers=1, processors=1, runner=BASELINE_RUNNER),
            points=[SweepPoint(workers=count, runner=runner,
                               processors=ideal_speedup(count, machine["usable_cpus"], io_bound,
                                                        machine["usable_cores"]))
                    for count in counts],
        )
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._race: Race | None = None
        self._started = threading.Event()

    # -- the public API -------------------------------------------------------------------
    def start(self) -> "Sweep":
        """Run in a thread of its own; `run` instead runs in the caller's (a front end's worker)."""
        threading.Thread(target=self.run, name="tuiconc-sweep", daemon=True).start()
        return self

    def run(self) -> SweepState:
        """Run every point in this thread; return the final state."""
        self._started.set()
        try:
            self._sweep()
        except Exception as error:  # whatever happened, the sweep ends with a state that says so
            self._end_early(f"{type(error).__name__}: {error}")
        finally:
            with self._lock:
                self._state.current = None
            self._done.set()
        return self.snapshot()

    def snapshot(self) -> SweepState:
        with self._lock:
            state = copy.deepcopy(self._state)  # one copy: `current` stays one of the copied steps
            race = self._race
        if race is not None:
            state.race = race.snapshot()
        return state

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def cancel(self, wait: bool = True) -> None:
        """End the running race's every process and start no other; with wait, return once all are gone."""
        with self._lock:
            self._cancel.set()
            race = self._race
        if race is not None:
            race.cancel(wait=wait)
        if wait and self._started.is_set():
            self._done.wait()

    # -- the sweep thread ------------------------------------------------------------------
    def _sweep(self) -> None:
        with self._lock:
            self._state.status = "running"
        for number in range(1, self.config.repeat + 1):
            with self._lock:
                self._state.round = number
            if not self._sweep_round():
                return
        with self._lock:
            state = self._state
            state.fit = fit_points(state.points)
            state.notes = summary_notes(state)
            state.status = "finished"

    def _sweep_round(self) -> bool:
        """The baseline, then every point against it; False when the sweep ended early."""
        baseline = self._race_point(self._state.baseline, BASELINE_RUNNER, 1, None)
        if baseline is None or not self._state.baseline.ok:
            self._end_early(None if baseline is None else
                            f"the sequential baseline failed: {self._state.baseline.error or 'no result'}")
            return False
        baseline_s = baseline.lanes[0].wall_s  # this round's, not the median: a slow round slows both
        reference = baseline.lanes[0].answer if baseline.lanes[0].expected is None else None
        for point in self._state.points:
            if point.status == "failed":
                continue  # it failed in an earlier round; a second failure tells nothing new
            if self._race_point(point, self.runner, point.workers, baseline_s, reference) is None:
                self._end_early(None)
                return False
        return True

    def _race_point(self, point: SweepPoint, runner: str, workers: int, baseline_s: float | None,
                    reference: Any = None) -> RaceState | None:
        """Race one point to its end and fill it in; None when the sweep was cancelled."""
        with self._lock:
            if self._cancel.is_set():
                return None
            self._state.current = point
            point.status = "running"
            # Started under the lock, so a cancel either comes first or sees this race.
            self._race = Race(race_config(self.config, runner, workers), sampler=self.sampler).start()
            race = self._race
        race.wait()
        final = race.snapshot()
        with self._lock:
            self._race = None
            self._state.races_done += 1
            fill_point(point, final, baseline_s, reference)
            cancelled = self._cancel.is_set() or final.status == "cancelled"
        return None if cancelled else final

    def _end_early(self, error: str | None) -> None:
        with self._lock:
            state = self._state
            for step in state.steps:
                if not step.ended:
                    step.status = "cancelled"
            state.status = "failed" if error else "cancelled"
            state.error = error


def default_worker_counts(usable_cpus: int) -> list[int]:
    """Powers of two up to twice the cores (at least 4): enough to see the curve flatten past them."""
    counts, count = [], 1
    while count <= max(4, 2 * usable_cpus):
        counts.append(count)
        count *= 2
    return counts
