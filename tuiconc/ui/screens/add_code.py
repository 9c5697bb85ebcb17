"""Add your own function to the race: type FILE.py:FUNC, checked as you type, its file's functions offered.

The file is read (parsed), never run: its functions are what its source says. Each check runs
off the event loop, so a large file never stalls the screen; only the latest one is shown.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Footer, Input, Label

from tuiconc.engine.config import canonical_workload
from tuiconc.engine.user_workloads import functions_of
from tuiconc.workloads.user_spec import SpecError, check_spec

MAX_LISTED = 1_000  # entries of a folder looked at to complete a path
HINT = "Type FILE.py:FUNC or package.module:FUNC, a function of one argument (the item). → takes a suggestion."


@dataclass(frozen=True)
class Checked:
    """What was typed, as the prompt shows it."""

    text: str
    spec: str | None = None  # the canonical spec, when it can be raced
    problem: str = ""  # one line, when it can't
    description: str = ""  # the function's docstring's first line
    file: str = ""  # the file's name, once the part before ':' names one
    functions: tuple[str, ...] = ()  # that file's raceable functions


def check_typed(text: str, cwd: str) -> Checked:
    """Check FILE.py:FUNC as typed so far: the file's functions once the file part is valid, the spec's
    one-line problem (SpecError's) until it can be raced."""
    text = text.strip()
    if not text:
        return Checked(text)
    where = text.rpartition(":")[0] if ":" in text else text
    file = ""
    functions: tuple[str, ...] = ()
    try:
        found, names = functions_of(where, cwd)
        file, functions = os.path.basename(found), tuple(names)
    except SpecError:
        pass
    try:
        code = check_spec(text, cwd)  # read now: the file as it is, not as this app read it before
    except SpecError as error:
        return Checked(text, problem=str(error), file=file, functions=functions)
    return Checked(text, spec=canonical_workload(text, cwd), description=code.description, file=file,
                   functions=functions)


def complete(text: str, cwd: str) -> str | None:
    """The first completion of what was typed: a folder or .py file, then ':' and a function of that file."""
    if not text:
        return None
    if ":" in text or text.endswith(".py"):
        where, colon, prefix = text.rpartition(":") if ":" in text else (text, "", "")
        try:
            _, functions = functions_of(where, cwd)
        except SpecError:
            return None
        return next((f"{where}:{name}" for name in functions if name.startswith(prefix) and name != prefix), None)
    folder, partial = os.path.split(text)
    try:
        with os.scandir(os.path.join(cwd, folder) if folder else cwd) as entries:
            names: list[str] = []
            for entry in entries:
                if len(names) >= MAX_LISTED:
                    break
                if entry.name.startswith(partial) and (partial.startswith(".") or not entry.name.startswith(".")):
                    if entry.is_dir():
                        names.append(entry.name + os.sep)
                    elif entry.name.endswith(".py"):
                        names.append(entry.name)
    except OSError:
        return None
    return next((os.path.join(folder, name) for name in sorted(names) if name != partial), None)


class SpecSuggester(Suggester):
    """Completes paths to .py files, then the file's raceable functions (read again each time: files change)."""

    def __init__(self, cwd: str):
        super().__init__(use_cache=False, case_sensitive=True)
        self.cwd = cwd

    async def get_suggestion(self, value: str) -> str | None:
        return await asyncio.to_thread(complete, value, self.cwd)


class AddCodeScreen(ModalScreen[str | None]):
    """Dismissed with the canonical spec to add, or None (Esc)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    AddCodeScreen { align: center middle; }
    AddCodeScreen > Vertical { width: 90%; max-width: 100; height: auto; border: thick $primary;
                               background: $surface; padding: 0 1; }
    AddCodeScreen Label { width: 1fr; }
    AddCodeScreen #spec { margin: 1 0 0 0; }
    AddCodeScreen .key-hint { color: $text-muted; margin-top: 1; }
    AddCodeScreen #check { height: auto; color: $text-muted; }
    AddCodeScreen #check.-problem { color: $error; }
    AddCodeScreen #check.-ready { color: $success; }
    AddCodeScreen #functions { height: auto; color: $text-muted; }
    """

    def __init__(self, cwd: str):
        super().__init__()
        self.cwd = cwd
        self.checked = Checked("")

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Add your code"
            yield Label("Race your own function. Its file is read, not run, until you race it; each lane "
                        "imports it afresh.")
            yield Input(placeholder="FILE.py:FUNC", id="spec", suggester=SpecSuggester(self.cwd))
            yield Label(HINT, id="check")
            yield Label("", id="functions")
            yield Label("Enter adds it under Your code · Esc cancels", classes="key-hint")
        yield Footer()  # its own: the main screen's footer below lists keys that are inert here

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        # A callable, not a coroutine: a check cancelled before it starts is then never made at all.
        self.run_worker(partial(self.check, event.value), exclusive=True, group="check")

    async def check(self, text: str) -> None:
        checked = await asyncio.to_thread(check_typed, text, self.cwd)
        if checked.text == self.query_one("#spec", Input).value.strip():  # typed on meanwhile: a later check shows
            self.show(checked)

    def show(self, checked: Checked) -> None:
        self.checked = checked
        label = self.query_one("#check", Label)
        if checked.spec:
            label.update(f"✓ {checked.description}")
        else:
            label.update(checked.problem or HINT)
        label.set_class(bool(checked.problem), "-problem")
        label.set_class(checked.spec is not None, "-ready")
        functions = self.query_one("#functions", Label)
        if checked.file and "its functions:" not in checked.problem:  # said once: "no function 'x'…" lists them
            listed = ", ".join(checked.functions) if checked.functions else "none of one argument"
            functions.update(f"functions in {checked.file}: {listed}")
        else:
            functions.update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        checked = check_typed(event.value, self.cwd)  # the file as it is now, whatever was shown a moment ago
        self.show(checked)
        if checked.spec is None:
            self.app.bell()
            return
        self.dismiss(checked.spec)

    def action_cancel(self) -> None:
        self.dismiss(None)
