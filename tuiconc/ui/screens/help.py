"""Every key and every pane, explained: the in-app help."""

from __future__ import annotations

from importlib import resources

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown

def help_text(key_table: str) -> str:
    """The help in Markdown (tuiconc/ui/help.md), with this key table."""
    return resources.files("tuiconc.ui").joinpath("help.md").read_text().replace("{keys}", key_table)


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,question_mark,f1,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 100; height: 90%; border: thick $primary;
                                  background: $surface; padding: 0 1; }
    """

    def __init__(self, key_table: str):
        super().__init__()
        self.key_table = key_table

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(help_text(self.key_table))
        yield Footer()  # its own: the main screen's footer below lists keys that are inert here
