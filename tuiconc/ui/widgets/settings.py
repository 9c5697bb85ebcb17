"""The chosen workload's description and settings, each with its inline validation message."""

from __future__ import annotations

import math

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from tuiconc.engine.config import RaceConfig
from tuiconc.engine.labs import LABS
from tuiconc.engine.pythons import chosen_text
from tuiconc.ui.widgets.text import set_text
from tuiconc.units import whole_number
from tuiconc.workloads import get_workload
from tuiconc.workloads.user_spec import SpecError

FIELDS = (("size", "size"), ("workers", "workers"), ("latency_ms", "latency ms"), ("repeat", "runs"),
          ("items_per_task", "items/task"), ("switch_interval_ms", "switch ms"))
KNOBS = ("items_per_task", "switch_interval_ms")  # empty: the default (the workload's split, Python's 5 ms)
TOOLTIPS = {
    "items_per_task": "items (units of work) in each task handed to a worker or sent to a pool, in every lane but "
                      "the sequential baseline; empty: the workload's own split. 1 shows tiny tasks drowning a pool",
    "switch_interval_ms": "the GIL's switch interval in every lane (sys.setswitchinterval), in ms; empty: "
                          "Python's 5 ms",
}
# How a message names a field typed wrong.
NAMES = {"latency_ms": "latency", "items_per_task": "items per task", "switch_interval_ms": "switch interval"}
CHOICES = (("mode", "mode", "m"), ("start_method", "start method", "s"),
           ("pythons", "Python", "i"))  # changed by a key, not typed


def describe(config: RaceConfig) -> str:
    if config.lab in LABS:
        lab = LABS[config.lab]
        return f"{lab.title}. Broken: {lab.broken} Fixed: {lab.fix}"
    try:
        return get_workload(config.workload).description  # a user's function: its docstring's first line
    except (KeyError, SpecError):
        return ""  # the problem below the settings says what is wrong with it


def parse_setting(field: str, text: str) -> int | float | None:
    """The value typed in a setting's box; ValueError: the sentence to show under it."""
    name = NAMES.get(field, field)
    if field in KNOBS and not text.strip():
        return None
    if field == "switch_interval_ms":
        try:
            value = float(text.replace("_", "").replace(",", "").strip())
        except ValueError:
            raise ValueError(f"{name}: expected milliseconds, e.g. 0.5 or 5, got {text!r}") from None
        if not math.isfinite(value):
            raise ValueError(f"{name}: expected milliseconds, e.g. 0.5 or 5, got {text!r}")
        return value
    try:
        return whole_number(text)
    except ValueError:
        raise ValueError(f"{name}: expected a whole number, got {text!r}") from None


def shown_value(config: RaceConfig, field: str) -> str:
    value = config.effective_size if field == "size" else getattr(config, field)
    if value is None:
        return ""  # the default: the box's placeholder says so
    return f"{value:g}" if isinstance(value, float) else f"{value:,}"


class SettingsPanel(Vertical):
    DEFAULT_CSS = """
    SettingsPanel { height: auto; }
    SettingsPanel .description { height: auto; max-height: 6; color: $text-muted; }
    SettingsPanel Horizontal { height: auto; }
    SettingsPanel .field-name { width: 13; }
    SettingsPanel Input { width: 1fr; height: 1; border: none; padding: 0 1; background: $boost; }
    SettingsPanel Input:focus { background: $primary 30%; }
    SettingsPanel .problem { color: $error; height: auto; }
    SettingsPanel .choice { height: 1; }
    SettingsPanel .choice-value { width: auto; }
    SettingsPanel .key-hint { width: auto; padding-left: 2; color: $text-muted; }
    SettingsPanel .-hidden { display: none; }
    """

    class Edited(Message):
        """A setting was typed: the field and its raw text (validation is the app's)."""

        def __init__(self, field: str, text: str):
            super().__init__()
            self.field, self.text = field, text

    def compose(self) -> ComposeResult:
        yield Static("", classes="description")
        for field, title in FIELDS:
            with Horizontal(id=f"row-{field}", classes="-knob" if field in KNOBS else ""):
                yield Label(title, classes="field-name").with_tooltip(TOOLTIPS.get(field))
                yield Input(id=f"input-{field}", select_on_focus=True,
                            placeholder="default" if field in KNOBS else "",
                            tooltip=TOOLTIPS.get(field))
            yield Label("", id=f"problem-{field}", classes="problem -hidden")
        for choice, title, key in CHOICES:
            with Horizontal(classes="choice"):
                yield Label(title, classes="field-name")
                yield Label("", id=f"choice-{choice}", classes="choice-value")
                yield Label(f"({key})", classes="key-hint")
        yield Label("", id="problem-other", classes="problem -hidden")

    def show(self, config: RaceConfig, problems: dict[str, str], texts: dict[str, str]) -> None:
        """Draw the settings; `texts` are what the person typed, shown even when invalid."""
        set_text(self.query_one(".description", Static), describe(config))
        try:
            waits = get_workload(config.workload).waits
        except (KeyError, SpecError):
            waits = False
        self.query_one("#row-latency_ms").set_class(not waits, "-hidden")
        for field, _ in FIELDS:
            box = self.query_one(f"#input-{field}", Input)
            text = texts.get(field, shown_value(config, field))
            if box.value != text and not box.has_focus:
                with box.prevent(Input.Changed):  # drawn, not typed: no echo back as an edit
                    box.value = text
            if field in KNOBS:
                self.query_one(f"#row-{field}").set_class(bool(text), "-set")
            message = problems.get(field, "")
            label = self.query_one(f"#problem-{field}", Label)
            set_text(label, message)
            label.set_class(not message, "-hidden")
        for choice, _, _ in CHOICES:
            label = self.query_one(f"#choice-{choice}", Label)
            value = (chosen_text(config.pythons) or "this one") if choice == "pythons" else str(getattr(config, choice))
            # A value as long as the last one (together ↔ isolated) leaves the layout as it was: a key
            # that needs no layout is drawn several times sooner while lanes take every core.
            set_text(label, value, layout=len(value) != len(str(label.content)))
        others = [message for field, message in problems.items() if field not in dict(FIELDS)]
        other = self.query_one("#problem-other", Label)
        set_text(other, "\n".join(others))
        other.set_class(not others, "-hidden")

    def rows_needed(self) -> int:
        """The lines the settings take, less the description's (which takes what is left)."""
        return sum(child.outer_size.height for child in self.children
                   if child.display and not child.has_class("description"))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Edited(event.input.id.removeprefix("input-"), event.value))
