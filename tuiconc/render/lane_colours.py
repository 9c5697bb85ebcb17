"""One colour per lane, the same on its bar and on the cores its processes run on.

None is green, yellow or red: those say how loaded a core is that no lane of the race owns.
"""

from __future__ import annotations

LANE_COLOURS = ("#4f9dff", "#e070e0", "#2ec4c4", "#a98bff", "#ff7fa8", "#8fb8de", "#c8a27a", "#e0e0e0")


def lane_colour(index: int) -> str:
    return LANE_COLOURS[index % len(LANE_COLOURS)]
