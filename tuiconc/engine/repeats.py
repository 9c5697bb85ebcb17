"""Repeated runs summed up: each lane's median over its runs, with the range beside it.

A repeated race runs in rounds, every lane once a round (isolated: one after another, so a
machine that drifts hits every lane alike). A lane's summary takes the median of its runs'
figures; its speedup is the median of its per-round ratios against the same round's baseline,
not the ratio of two medians, so a slow round slows the baseline and the lane together.
"""

from __future__ import annotations

import copy
import statistics

from tuiconc.engine.lane import LaneState


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _median_of(runs: list[LaneState], name: str) -> float | None:
    return median([getattr(run, name) for run in runs if getattr(run, name) is not None])


def _worst(runs: list[LaneState]) -> LaneState | None:
    """The first run that failed or got a wrong answer: the summary must not hide it."""
    return next((run for run in runs if run.status != "finished" or run.correct is False), None)


def summarise_lane(runs: list[LaneState]) -> LaneState:
    """One lane's runs (in round order) as one LaneState: medians, ranges, and the worst outcome."""
    summary = copy.deepcopy(runs[-1])
    summary.runs = len(runs)
    summary.place = None
    bad = _worst(runs)
    if bad is not None:
        summary.status, summary.correct, summary.answer = bad.status, bad.correct, bad.answer
        summary.error = bad.error and (f"run {runs.index(bad) + 1} of {len(runs)}: {bad.error}" if len(runs) > 1
                                       else bad.error)
    good = [run for run in runs if run.status == "finished" and run.wall_s]
    walls = [run.wall_s for run in good]
    summary.wall_s = median(walls)
    summary.wall_min_s, summary.wall_max_s = (min(walls), max(walls)) if walls else (None, None)
    # Interference too: one disturbed round among quiet ones is what the medians leave out.
    for name in ("startup_s", "cpu_s", "cores", "sampled_s", "others_cores", "front_end_cores", "runqueue_wait_s"):
        setattr(summary, name, _median_of(good, name))
    summary.peak_rss_mb = max((run.peak_rss_mb for run in good if run.peak_rss_mb is not None), default=None)
    speedups = [run.speedup for run in good if run.speedup is not None]
    summary.speedup = median(speedups)
    summary.speedup_min, summary.speedup_max = (min(speedups), max(speedups)) if speedups else (None, None)
    efficiencies = [run.efficiency for run in good if run.efficiency is not None]
    summary.efficiency = median(efficiencies)  # the ideal is the same every round, so this is speedup / ideal
    summary.started_s = runs[0].started_s
    return summary


def summarise_rounds(rounds: list[list[LaneState]]) -> list[LaneState]:
    """Every round's lanes, in the first round's lane order, summed up lane by lane."""
    names = [lane.name for lane in rounds[0]]
    return [summarise_lane([lane for lane_round in rounds for lane in lane_round if lane.name == name])
            for name in names]
