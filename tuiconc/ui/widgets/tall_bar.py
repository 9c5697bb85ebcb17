"""A progress bar as tall as its widget: a solid block that fills from the left, for a projector."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class TallBar(Widget):
    COMPONENT_CLASSES = {"tall-bar--empty"}
    DEFAULT_CSS = """
    TallBar { width: 1fr; height: 1; color: $primary; }
    TallBar > .tall-bar--empty { color: $foreground 15%; }
    """

    fraction: reactive[float] = reactive(0.0)

    def render(self) -> Text:
        width, height = self.size
        filled = round(max(0.0, min(1.0, self.fraction)) * width)
        # Coloured background rather than block glyphs: no seams between rows in any font or screenshot.
        empty = self.get_component_rich_style("tall-bar--empty").color
        line = Text(" " * filled, style=Style(bgcolor=self.rich_style.color))
        line.append(" " * (width - filled), style=Style(bgcolor=empty))
        return Text("\n").join([line] * max(1, height))
