"""Reading a JSON file a person named, with errors that say what to give instead."""

from __future__ import annotations

import json

from tuiconc.engine.schema import MAX_NESTING, nesting_depth


def read_json(path: str, error: type[ValueError], what: str):
    """The parsed document, or `error` saying why `path` can't be read as `what`."""
    try:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
    except OSError as failure:
        raise error(f"cannot read {path!r}: {failure.strerror or failure}") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise error(f"{path!r} is not JSON, so not {what}") from None
    except RecursionError:  # the parser itself gave up: thousands of nested brackets
        document = None
    if document is None or nesting_depth(document) > MAX_NESTING:
        raise error(f"{path!r} nests deeper than {MAX_NESTING} levels, so it is not {what}")
    return document
