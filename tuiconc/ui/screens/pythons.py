"""Run a lane on another Python: pick the lane, then one of the interpreters found on this machine.

The Pythons are found as `tuiconc list` finds them (PATH, pyenv, uv, the free-threaded build),
each asked once what it is; that takes a moment, so it runs off the event loop. An interpreter
that can't run a lane's runner is listed, disabled, with the reason.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from tuiconc.engine.pythons import Python, discover

EVERY_LANE = "*"
OFF = "off"  # a runner this Python can't run, not raced


def python_label(python: Python) -> str:
    gil = "GIL on" if python.gil_enabled else "GIL off (free-threaded)"
    this = " · this Python" if python.is_this else ""
    return f"{python.name:<6} {python.implementation} {python.version} · {gil}{this}"


def chosen_name(pythons: tuple[Python, ...], path: str | None) -> str:
    """How a lane's interpreter reads in a list: its name, or "this Python"."""
    for python in pythons:
        if python.path == path:
            return "this Python" if python.is_this else python.name
    return "this Python" if path is None else path


class PythonsScreen(ModalScreen[tuple[tuple[str, str], ...] | None]):
    """Dismissed with the lanes' interpreters ((lane or "*", path), …), or None when nothing changed."""

    BINDINGS = [Binding("escape", "done", "Done")]
    DEFAULT_CSS = """
    PythonsScreen { align: center middle; }
    PythonsScreen > Vertical { width: 76; height: auto; max-height: 90%; border: thick $primary;
                               background: $surface; padding: 0 1; }
    PythonsScreen OptionList { height: auto; max-height: 14; }
    PythonsScreen .hint { color: $text-muted; }
    """

    def __init__(self, lanes: list[str], chosen: tuple[tuple[str, str], ...], elsewhere: tuple[str, ...] = ()):
        super().__init__()
        self.lanes = lanes
        self.elsewhere = list(elsewhere)  # runners this Python can't run: a lane once another Python is chosen
        self.chosen = dict(chosen)
        self.started_with = dict(chosen)
        self.pythons: tuple[Python, ...] = ()
        self.lane: str | None = None  # the lane whose interpreter is being picked

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Run a lane on another Python", id="title")
            yield Label("Finding the Pythons on this machine…", id="hint", classes="hint")
            yield OptionList(id="choices")
        yield Footer()

    def on_mount(self) -> None:
        self.find()

    @work(thread=True, exclusive=True)
    def find(self) -> None:
        pythons = discover()  # asks each interpreter what it is: seconds, the first time
        self.app.call_from_thread(self.found, pythons)

    def found(self, pythons: tuple[Python, ...]) -> None:
        self.pythons = pythons
        self.show_lanes()

    def show_lanes(self) -> None:
        self.lane = None
        self.query_one("#hint", Label).update("Enter: pick a lane's Python · Esc: done")
        choices = self.query_one(OptionList)
        choices.clear_options()
        every = self.chosen.get(EVERY_LANE)
        choices.add_option(Option(f"every lane          {chosen_name(self.pythons, every)}", id=EVERY_LANE))
        for lane in self.lanes:
            choices.add_option(Option(f"{lane:<19} {chosen_name(self.pythons, self.chosen.get(lane, every))}",
                                      id=lane))
        for lane in self.elsewhere:
            where = self.chosen.get(lane)
            text = chosen_name(self.pythons, where) if where else "not on this Python: choose one to race it"
            choices.add_option(Option(f"{lane:<19} {text}", id=lane))
        choices.highlighted = 0
        choices.focus()

    def show_pythons(self, lane: str) -> None:
        self.lane = lane
        self.query_one("#hint", Label).update(f"The Python for {'every lane' if lane == EVERY_LANE else lane} · "
                                              f"Enter: choose · Esc: back")
        choices = self.query_one(OptionList)
        choices.clear_options()
        if lane in self.elsewhere:
            choices.add_option(Option(f"off: don't race {lane}", id=OFF))
        for index, python in enumerate(self.pythons):
            why = python.unavailable.get(lane) if lane != EVERY_LANE else None
            text = python_label(python) + (f"\n  can't run {lane} there: {why}" if why else "")
            choices.add_option(Option(text, id=str(index), disabled=bool(why)))
        choices.highlighted = 0
        choices.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if self.lane is None:
            self.show_pythons(event.option.id or EVERY_LANE)
            return
        if event.option.id == OFF:
            self.chosen.pop(self.lane, None)
            self.show_lanes()
            return
        python = self.pythons[int(event.option.id or 0)]
        if self.lane == EVERY_LANE:
            self.chosen = {} if python.is_this else {EVERY_LANE: python.path}  # one for all: the lanes' own go
        elif python.is_this and EVERY_LANE not in self.chosen:
            self.chosen.pop(self.lane, None)
        else:
            self.chosen[self.lane] = python.path
        self.show_lanes()

    def action_done(self) -> None:
        if self.lane is not None and self.pythons:
            self.show_lanes()  # Esc in the Pythons: back to the lanes
            return
        self.dismiss(None if self.chosen == self.started_with else tuple(self.chosen.items()))
