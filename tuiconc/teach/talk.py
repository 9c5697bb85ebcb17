"""Talks: a scripted sequence of scenes, each a titled, captioned race, read from TOML.

Errors name the file, the line and the field, so a speaker can fix a talk the night before.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from importlib import resources

from tuiconc.engine.config import RaceConfig, check_lab, lab_config, problems, unavailable_lanes

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

SCENE_FIELDS = {"title", "caption", "notes", "workload", "size", "workers", "runners", "mode", "lab", "expect",
                "latency_ms", "start_method", "repeat", "optional"}


class TalkError(ValueError):
    """Where and why a talk file is wrong: `FILE:LINE: field: message`."""


@dataclass(frozen=True)
class Scene:
    title: str
    caption: str
    config: RaceConfig
    notes: str = ""
    expect: tuple[str, ...] = ()  # lanes any of which may win; empty: no expectation


@dataclass(frozen=True)
class Talk:
    title: str
    scenes: tuple[Scene, ...]
    source: str
    # Optional scenes left out because this interpreter can't run one of their runners: why, per scene.
    skipped: tuple[str, ...] = ()


def _line_of(text: str, scene_index: int | None, field: str | None) -> int:
    """The line of `field` inside the scene_index-th [[scenes]] table (1-based), or of the table itself."""
    lines = text.splitlines()
    start = 0
    if scene_index is not None:
        headers = [i for i, line in enumerate(lines) if re.match(r"\s*\[\[\s*scenes\s*\]\]", line)]
        if scene_index < len(headers):
            start = headers[scene_index]
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"\s*\[", lines[i])), len(lines))
    if field:
        for i in range(start, end):
            if re.match(rf"\s*{re.escape(field)}\s*=", lines[i]):
                return i + 1
    return start + 1


def _skip_reason(raw: dict, config: RaceConfig, index: int) -> str | None:
    """An optional scene (`optional = true`) is left out, not an error, where a runner it needs is missing."""
    missing = unavailable_lanes(config)
    if raw.get("optional") is True and missing:
        return f"scene {index + 1} ({raw['title']}) left out: {missing}"
    return None


def _scene(raw: dict, index: int, fail) -> Scene | str:
    unknown = sorted(set(raw) - SCENE_FIELDS)
    if unknown:
        fail(index, unknown[0], f"unknown field; a scene has: {', '.join(sorted(SCENE_FIELDS))}")
    for field in ("title", "caption"):
        if not isinstance(raw.get(field), str) or not raw[field].strip():
            fail(index, field if field in raw else None, f"every scene needs a {field} (text)")
    for field in ("size", "workers", "latency_ms", "repeat"):
        if field in raw and (not isinstance(raw[field], int) or isinstance(raw[field], bool)):
            fail(index, field, "must be a whole number")
    for field in ("runners", "expect"):
        if field in raw and (not isinstance(raw[field], list) or not all(isinstance(x, str) for x in raw[field])):
            fail(index, field, "must be a list of names, e.g. [\"sequential\", \"threading\"]")
    if "lab" in raw:
        if check_lab(str(raw["lab"])):
            fail(index, "lab", check_lab(str(raw["lab"])))
        config = lab_config(raw["lab"])
    else:
        config = RaceConfig()
    changes = {key: raw[key] for key in ("workload", "size", "workers", "mode", "latency_ms", "start_method",
                                         "repeat") if key in raw}
    if "runners" in raw:
        changes["runners"] = tuple(raw["runners"])
    config = config.with_changes(**changes)
    if "optional" in raw and not isinstance(raw["optional"], bool):
        fail(index, "optional", "must be true or false")
    skipped = _skip_reason(raw, config, index)
    if skipped:
        return skipped
    found = problems(config)
    if found:
        field, message = next(iter(found.items()))
        fail(index, field if field in raw else None, message)
    lanes = [spec.name for spec in config.lane_specs()]
    for name in raw.get("expect", []):
        if name not in lanes:
            fail(index, "expect", f"{name!r} is not one of this scene's lanes: {', '.join(lanes)}")
    return Scene(title=raw["title"], caption=raw["caption"], config=config, notes=str(raw.get("notes", "")),
                 expect=tuple(raw.get("expect", [])))


def parse_talk(text: str, source: str) -> Talk:
    def fail(index: int | None, field: str | None, message: str):
        where = f"scene {index + 1}" if index is not None else "talk"
        line = _line_of(text, index, field)
        raise TalkError(f"{source}:{line}: {where}{', ' + field if field else ''}: {message}")

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TalkError(f"{source}: not valid TOML: {error}") from None
    scenes = document.get("scenes")
    if not isinstance(scenes, list) or not scenes:
        fail(None, None, "no scenes: add at least one [[scenes]] table")
    if not all(isinstance(scene, dict) for scene in scenes):
        fail(None, "scenes", "scenes must be [[scenes]] tables")
    parsed = [_scene(raw, index, fail) for index, raw in enumerate(scenes)]
    kept = tuple(scene for scene in parsed if isinstance(scene, Scene))
    if not kept:
        fail(None, None, "every scene is optional and none can run here")
    return Talk(title=str(document.get("title", "tuiconc")), scenes=kept, source=source,
                skipped=tuple(scene for scene in parsed if isinstance(scene, str)))


def load_talk(path: str | None = None) -> Talk:
    """A talk file, or the built-in talk when no path is given."""
    if path is None:
        text = resources.files("tuiconc.teach.talks").joinpath("default.toml").read_text()
        return parse_talk(text, "built-in talk")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as error:
        raise TalkError(f"{path}: cannot read it: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise TalkError(f"{path}: not a text file") from None
    return parse_talk(text, path)
