"""The workloads, grouped by kind, and the pitfall labs: pick one with the arrows and Enter.

Compact (a narrow screen) drops the group headings and tags each entry with its kind, so the
whole list, labs included, fits an 80×24 terminal without scrolling.
"""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tuiconc.engine.labs import LABS
from tuiconc.workloads import KINDS, WORKLOADS

GROUPS = tuple((kind, labels.group) for kind, labels in KINDS.items())
LAB_PREFIX = "lab:"
SHORT_KINDS = {"cpu": "CPU", "cpu-nogil": "no GIL", "io": "I/O", "mixed": "mixed"}


def tagged(name: str, tag: str) -> Text:
    text = Text(f"{name} {tag}")
    text.stylize("dim", len(name) + 1)
    return text


def choices() -> list[str]:
    """Every choice's id, in list order: workload names, then lab:NAME."""
    names = [w.name for kind, _ in GROUPS for w in WORKLOADS.values() if w.kind == kind and not w.hidden]
    return names + [LAB_PREFIX + name for name in LABS]


class WorkloadPicker(OptionList):
    DEFAULT_CSS = """
    WorkloadPicker { height: 1fr; min-height: 5; }
    """

    class Chosen(Message):
        def __init__(self, choice: str):
            super().__init__()
            self.choice = choice  # a workload name, or lab:NAME

    compact: reactive[bool] = reactive(False, init=False)

    def __init__(self, initial: str, **kwargs):
        super().__init__(*self.options_for(compact=False), **kwargs)
        self.highlighted = self.get_option_index(initial)  # set before mounting: no message, no reset

    @staticmethod
    def options_for(compact: bool) -> list[Option]:
        options: list[Option] = []
        for kind, title in GROUPS:
            workloads = [w for w in WORKLOADS.values() if w.kind == kind and not w.hidden]
            if compact:
                options += [Option(tagged(w.name, SHORT_KINDS[kind]), id=w.name) for w in workloads]
            else:
                options += [Option(title, disabled=True), *(Option(f"  {w.name}", id=w.name) for w in workloads)]
        if compact:
            return options + [Option(tagged(name, "lab"), id=LAB_PREFIX + name) for name in LABS]
        return options + [Option("Pitfall labs", disabled=True),
                          *(Option(f"  {name}", id=LAB_PREFIX + name) for name in LABS)]

    def watch_compact(self, compact: bool) -> None:
        chosen = self.highlighted_option.id if self.highlighted_option is not None else None
        with self.prevent(OptionList.OptionHighlighted):  # the same choice, shown anew: not a new pick
            self.clear_options()
            self.add_options(self.options_for(compact))
            if chosen is not None:
                self.highlighted = self.get_option_index(chosen)

    def select(self, choice: str) -> None:
        self.highlighted = self.get_option_index(choice)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Chosen(event.option.id))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if self.has_focus:  # a person moving the highlight; not mounting, nor the app's own select()
            self.post_message(self.Chosen(event.option.id))
