"""The chosen workload's description and settings, each with its inline validation message."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from tuiconc.engine.config import RaceConfig
from tuiconc.engine.labs import LABS
from tuiconc.ui.widgets.text import set_text
from tuiconc.workloads import WORKLOADS

FIELDS = (("size", "size"), ("workers", "workers"), ("latency_ms", "latency ms"), ("repeat", "runs"))
CHOICES = (("mode", "mode", "m"), ("start_method", "start method", "s"))  # changed by a key, not typed


def describe(config: RaceConfig) -> str:
    if config.lab in LABS:
        lab = LABS[config.lab]
        return f"{lab.title}. Broken: {lab.broken} Fixed: {lab.fix}"
    return WORKLOADS[config.workload].description


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
            with Horizontal(id=f"row-{field}"):
                yield Label(title, classes="field-name")
                yield Input(id=f"input-{field}", select_on_focus=True)
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
        waits = WORKLOADS[config.workload].waits
        self.query_one("#row-latency_ms").set_class(not waits, "-hidden")
        for field, _ in FIELDS:
            box = self.query_one(f"#input-{field}", Input)
            text = texts.get(field, f"{getattr(config, 'effective_size' if field == 'size' else field):,}")
            if box.value != text and not box.has_focus:
                with box.prevent(Input.Changed):  # drawn, not typed: no echo back as an edit
                    box.value = text
            message = problems.get(field, "")
            label = self.query_one(f"#problem-{field}", Label)
            set_text(label, message)
            label.set_class(not message, "-hidden")
        for choice, _, _ in CHOICES:
            label, value = self.query_one(f"#choice-{choice}", Label), str(getattr(config, choice))
            # A value as long as the last one (together ↔ isolated) leaves the layout as it was: a key
            # that needs no layout is drawn several times sooner while lanes take every core.
            set_text(label, value, layout=len(value) != len(str(label.content)))
        others = [message for field, message in problems.items() if field not in dict(FIELDS)]
        other = self.query_one("#problem-other", Label)
        set_text(other, "\n".join(others))
        other.set_class(not others, "-hidden")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Edited(event.input.id.removeprefix("input-"), event.value))
