"""A figure in large type, at the scale its screen chooses (scale 0: plain text, for a small screen)."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tuiconc.render.big_font import FULL, big_lines, rows_at, width_at


class BigText(Widget):
    DEFAULT_CSS = """
    BigText { width: auto; height: auto; text-style: bold; }
    """

    text: reactive[str] = reactive("", layout=True)
    scale: reactive[int] = reactive(1, layout=True)

    def render(self) -> Text:
        text = Text("\n".join(big_lines(self.text, self.scale)), no_wrap=True, overflow="crop")
        if self.scale:
            # Whole cells as coloured background: crisp in every terminal font and in SVG screenshots.
            solid = Style(color=self.rich_style.color, bgcolor=self.rich_style.color)
            for index, char in enumerate(text.plain):
                if char == FULL:
                    text.stylize(solid, index, index + 1)
        return text

    def get_content_width(self, container, viewport) -> int:
        return width_at(self.text, self.scale)

    def get_content_height(self, container, viewport, width: int) -> int:
        return rows_at(self.scale)
