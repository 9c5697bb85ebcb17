"""Small helpers for the app's widgets: text set without needless work, framed panes, a style read once."""

from __future__ import annotations

from typing import TypeVar

from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
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


class StyleOncePerPass(Widget):
    """For Line-API widgets: `pass_style` is the widget's Rich style, read once a render pass rather
    than once a line (DOMNode.rich_style walks every ancestor's styles; it was a fifth of the race
    pane's and the cores pane's cost while racing)."""

    pass_style = Style()

    def render_lines(self, crop: Region) -> list[Strip]:
        self.pass_style = self.rich_style
        return super().render_lines(crop)
