"""The lessons of the Explain pane, read from `lessons.toml`: each a short text in our own words
and the race that shows it.

The texts claim nothing the race doesn't let the reader check on this machine; `expect` names
the lanes any of which should win it (tests race each lesson at a small size and check).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import resources

from tuiconc.engine.config import RaceConfig, lab_config
from tuiconc.engine.race import available_runners

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

RACE_FIELDS = ("workload", "size", "workers", "runners", "latency_ms", "mode")


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    text: str  # Markdown
    config: RaceConfig
    expect: tuple[str, ...]
    watch: str  # what to look at while it runs


def _race(raw: dict) -> tuple[RaceConfig, tuple[str, ...]]:
    """The lesson's race and its expected winners. `newest` lanes join where this Python has them
    (subinterpreters, free-threading), and are then the ones to win; else `otherwise` stands in."""
    if "lab" in raw:
        return lab_config(raw["lab"]), tuple(raw["expect"])
    fields = {name: raw[name] for name in RACE_FIELDS if name in raw}
    expect = tuple(raw.get("expect", ()))
    if "newest" in raw:
        expect = tuple(name for name in raw["newest"] if name in available_runners()) or (raw["otherwise"],)
        fields["runners"] = [*fields["runners"], *expect]
    return RaceConfig(**{**fields, "runners": tuple(fields["runners"])}), expect


def lessons() -> tuple[Lesson, ...]:
    document = tomllib.loads(resources.files("tuiconc.teach").joinpath("lessons.toml").read_text())
    return tuple(Lesson(raw["key"], raw["title"], raw["text"].rstrip(), *_race(raw), raw["watch"])
                 for raw in document["lessons"])
