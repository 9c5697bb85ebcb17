"""A one-line question with a default answer (a folder to save into)."""

from __future__ import annotations

import os

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label


class PromptScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical { width: 70; height: auto; border: thick $primary; background: $surface; padding: 1; }
    PromptScreen .problem { color: $error; }
    """

    def __init__(self, question: str, default: str, check=None):
        super().__init__()
        self.question, self.default, self.check = question, default, check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield Input(self.default, id="answer")
            yield Label("Enter to save, Esc to cancel", classes="problem")
        yield Footer()  # its own: the main screen's footer below lists keys that are inert here

    def on_input_submitted(self, event: Input.Submitted) -> None:
        problem = self.check(event.value) if self.check else None
        if problem:
            self.query_one(".problem", Label).update(problem)
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def check_folder(text: str) -> str | None:
    if not os.path.isdir(text):
        return f"{text!r} is not a folder"
    if not os.access(text, os.W_OK):
        return f"can't write in {text!r}"
    return None
