"""Reading a JSON file a person named, with errors that say what to give instead."""

from __future__ import annotations

import json


def read_json(path: str, error: type[ValueError], what: str):
    """The parsed document, or `error` saying why `path` can't be read as `what`."""
    try:
        with open(path) as f:
            return json.load(f)
    except OSError as failure:
        raise error(f"cannot read {path!r}: {failure.strerror or failure}") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise error(f"{path!r} is not JSON, so not {what}") from None
