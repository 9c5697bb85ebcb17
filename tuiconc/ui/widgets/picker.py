"""The workloads, grouped by kind, and the pitfall labs: pick one with the arrows and Enter."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tuiconc.engine.labs import LABS
from tuiconc.workloads import KINDS, WORKLOADS

GROUPS = tuple((kind, labels.group) for kind, labels in KINDS.items())
LAB_PREFIX = "lab:"


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

    def __init__(self, initial: str, **kwargs):
        options: list[Option | None] = []
        for kind, title in GROUPS:
            options.append(Option(title, disabled=True))
            options += [Option(f"  {w.name}", id=w.name) for w in WORKLOADS.values() if w.kind == kind and not w.hidden]
        options.append(Option("Pitfall labs", disabled=True))
        options += [Option(f"  {name}", id=LAB_PREFIX + name) for name in LABS]
        super().__init__(*options, **kwargs)
        self.highlighted = self.get_option_index(initial)  # set before mounting: no message, no reset

    def select(self, choice: str) -> None:
        self.highlighted = self.get_option_index(choice)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Chosen(event.option.id))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if self.has_focus:  # a person moving the highlight; not mounting, nor the app's own select()
            self.post_message(self.Chosen(event.option.id))
