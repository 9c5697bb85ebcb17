"""The key table of the help screen and the README, made from the bindings themselves.

So the keys, the help and the README cannot drift apart: a test compares README's table with
`TuiconcApp.key_table()`.
"""

from __future__ import annotations

from textual.binding import Binding

# How each key is written; None hides an alias (= is + unshifted).
KEY_NAMES = {"escape": "Esc", "equals_sign": None, "question_mark": "?", "f1": "F1", "plus": "+", "minus": "-", "ctrl+s": "Ctrl+S",
             "right_square_bracket": "]", "left_square_bracket": "[", "right_curly_bracket": "}",
             "left_curly_bracket": "{", "tab": "Tab", "ctrl+p": "Ctrl+P"}
# Keys Textual gives every app, listed after the app's own.
TEXTUAL_KEYS = [("`Tab`", "move between the list and the setting boxes; type a size, workers or latency "
                          "(checked as you type)"),
                ("`Ctrl+P`", "command palette: every action by name")]


def key_names(binding: Binding) -> str:
    names = [KEY_NAMES.get(key, key) for key in binding.key.split(",")]
    return " or ".join(f"`{name}`" for name in names if name is not None)


def key_rows(bindings: list[Binding]) -> list[tuple[str, str]]:
    """One row per binding; a run of bindings that do the same (lanes 1–9) is one row."""
    rows: list[tuple[str, str]] = []
    run: list[Binding] = []
    for binding in [*bindings, None]:
        if run and (binding is None or binding.tooltip != run[0].tooltip):
            keys = (f"{key_names(run[0])}–{key_names(run[-1])}" if len(run) > 2
                    else " / ".join(map(key_names, run)))
            rows.append((keys, run[0].tooltip))
            run = []
        if binding is not None:
            run.append(binding)
    return rows


def key_table(bindings: list[Binding]) -> str:
    lines = ["| key | action |", "|---|---|"]
    lines += [f"| {keys} | {action} |" for keys, action in [*key_rows(bindings), *TEXTUAL_KEYS]]
    return "\n".join(lines)

