"""Changing a label's text without needless work: every update repaints, and by default lays out the screen."""

from __future__ import annotations

from textual.widgets import Static


def set_text(widget: Static, text, layout: bool = True) -> None:
    """Update only when the text changed; layout=False for a widget whose size can't change with it."""
    if widget.content != text:
        widget.update(text, layout=layout)
