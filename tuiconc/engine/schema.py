"""Checking the shape of JSON documents a person hands us (recordings, results) before using them.

Types are written as the dataclasses annotate them ("int", "float | None", "list[int]",
"dict[str, list[list[int]]]"), so a protocol message or a lane's fields are checked against
their own declarations.
"""

from __future__ import annotations

import dataclasses
import math

MAX_NESTING = 32  # deeper than any document tuiconc writes; recursion stays far from Python's limit


def nesting_depth(document, limit: int = MAX_NESTING) -> int:
    """How deep lists and dicts nest (a scalar is 0), counting no further than limit + 1."""
    deepest, stack = 0, [(document, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (list, dict)):
            depth += 1
            deepest = max(deepest, depth)
            if depth <= limit:
                stack.extend((item, depth) for item in (value.values() if isinstance(value, dict) else value))
    return deepest


def is_number(value) -> bool:
    """A finite int or float (JSON allows NaN and Infinity; nothing we measure is either)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def matches(value, annotation: str, named: dict[str, tuple] | None = None) -> bool:
    """Whether a JSON value fits a type as a dataclass annotates it; `named` gives the values of
    Literal aliases (e.g. {"LaneStatus": ("waiting", …)})."""
    annotation = annotation.strip()
    options = _split(annotation, "|")
    if len(options) > 1:
        return any(matches(value, option, named) for option in options)
    if named and annotation in named:
        return isinstance(value, str) and value in named[annotation]
    if annotation == "None":
        return value is None
    if annotation == "bool":
        return isinstance(value, bool)
    if annotation == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation == "float":
        return is_number(value)
    if annotation == "str":
        return isinstance(value, str)
    if annotation in ("dict", "list"):
        return isinstance(value, dict if annotation == "dict" else list)
    if annotation.startswith("list[") and annotation.endswith("]"):
        inner = annotation[5:-1]
        return isinstance(value, list) and all(matches(item, inner) for item in value)
    if annotation.startswith("dict[") and annotation.endswith("]"):
        key_type, value_type = _split(annotation[5:-1], ",")
        return isinstance(value, dict) and all(matches(k, key_type) and matches(v, value_type)
                                               for k, v in value.items())
    raise ValueError(f"no check for the annotation {annotation!r}")


def fields_problem(values: dict, cls, named: dict[str, tuple] | None = None) -> str | None:
    """The first of `values` that is not a field of the dataclass `cls` or does not fit its type."""
    declared = {field.name: field.type for field in dataclasses.fields(cls)}
    for name, value in values.items():
        if name not in declared:
            return f"unknown field {name!r}"
        if not matches(value, declared[name], named):
            return f"{name} is {value!r:.40}, not {declared[name]}"
    return None


def _split(text: str, separator: str) -> list[str]:
    """Split at separators outside brackets."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += char == "["
        depth -= char == "]"
        if char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    return parts + [text[start:]]
