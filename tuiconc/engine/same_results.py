"""Correct means the same as sequential: a user's function's results compared lane by lane, item by item.

Each lane of a user's workload writes one digest per item, in item order, to the race's folder
(`<folder>/<lane>.digests`); the results themselves stay in the lane's processes.
"""

from __future__ import annotations

import os

from tuiconc.engine.lane import LaneState
from tuiconc.workloads.user import DIGEST_BYTES


def digests_path(folder: str, lane: str) -> str:
    return os.path.join(folder, f"{lane.replace(os.sep, '_')}.digests")


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as digests:
            return digests.read()
    except OSError:
        return None


def reference_lane(lanes: list[LaneState]) -> LaneState | None:
    """The lane every other is compared with: sequential where the race has it, else the race's first."""
    return next((lane for lane in lanes if lane.runner == "sequential"), lanes[0] if lanes else None)


def difference(reference: bytes, other: bytes, items_from_function: bool, reference_name: str) -> str | None:
    """Why `other` is not the same results as `reference`, naming the first item that differs; None if equal."""
    if reference == other:
        return None
    count_ref, count_other = len(reference) // DIGEST_BYTES, len(other) // DIGEST_BYTES
    for index in range(min(count_ref, count_other)):
        at = index * DIGEST_BYTES
        if reference[at:at + DIGEST_BYTES] != other[at:at + DIGEST_BYTES]:
            item = f"item {index:,} of tuiconc_items()" if items_from_function else f"item {index:,}"
            return f"wrong result for {item}: it differs from {reference_name}'s"
    return f"{count_other:,} results where {reference_name} gave {count_ref:,}"


def check_lanes(lanes: list[LaneState], folder: str, items_from_function: bool) -> None:
    """Mark each finished lane correct or not against the reference lane, once both have finished."""
    reference = reference_lane(lanes)
    if reference is None or reference.status != "finished":
        return
    expected = _read(digests_path(folder, reference.name))
    if expected is None:
        return
    for lane in lanes:
        if lane is reference or lane.status != "finished":
            continue
        found = _read(digests_path(folder, lane.name))
        problem = "its results were not written" if found is None else \
            difference(expected, found, items_from_function, reference.name)
        lane.correct = problem is None
        if problem:
            lane.error = problem
