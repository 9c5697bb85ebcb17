"""Small helpers for the app's widgets: text set without needless work, and framed panes."""

from __future__ import annotations

from typing import TypeVar

from textual.widget import Widget
from textual.widgets import Static

W = TypeVar("W", bound=Widget)


def set_text(widget: Static, text, layout: bool = True) -> None:
    """Update only when the text changed; layout=False for a widget whose size can't change with it."""
    if widget.content != text:
        widget.update(text, layout=layout)


def pane(widget: W, title: str) -> W:
    """A framed pane of the screen (the stylesheet's .pane), titled in its border."""
    widget.add_class("pane")
    widget.border_title = title
    return widget
