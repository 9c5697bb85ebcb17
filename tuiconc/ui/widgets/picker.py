"""The workloads, grouped by kind, your own functions, and the pitfall labs: pick one with the arrows and Enter.

Compact (a narrow screen) drops the group headings and tags each entry with its kind, so the
whole list, labs included, fits an 80×24 terminal without scrolling.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from rich.text import Text
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tuiconc.engine.labs import LABS
from tuiconc.workloads import KINDS, WORKLOADS, UserWorkload, get_workload
from tuiconc.workloads.user_spec import SpecError

OWN = "own"  # the kind of a user's function: its group lists the functions offered, not the registry's
GROUPS = tuple((kind, labels.group) for kind, labels in KINDS.items())
LAB_PREFIX = "lab:"
SHORT_KINDS = {"cpu": "CPU", "cpu-nogil": "no GIL", "io": "I/O", "mixed": "mixed"}


def tagged(name: str, tag: str) -> Text:
    text = Text(f"{name} {tag}")
    text.stylize("dim", len(name) + 1)
    return text


def own_label(spec: str) -> str:
    """How a person calls their function: its file's name (not the folder) and the function; a built-in
    workload, by its name."""
    try:
        workload = get_workload(spec)
        return workload.label if isinstance(workload, UserWorkload) else workload.name
    except (KeyError, SpecError):
        return spec


def own_labels(own: Sequence[str]) -> list[str]:
    """Each function's label; two files of one name (in different folders) are told apart by their folder's."""
    labels = [own_label(spec) for spec in own]
    shared = {label for label in labels if labels.count(label) > 1}
    return [os.path.join(os.path.basename(os.path.dirname(spec.rpartition(":")[0])), label)
            if label in shared and os.path.isabs(spec) else label for spec, label in zip(own, labels)]


def entries(kind: str, own: Sequence[str]) -> list[tuple[str, str]]:
    """A group's (id, label) pairs, in list order."""
    if kind == OWN:
        return list(zip(own, own_labels(own)))
    return [(w.name, w.name) for w in WORKLOADS.values() if w.kind == kind and not w.hidden]


def choices(own: Sequence[str] = ()) -> list[str]:
    """Every choice's id, in list order: workload names and your functions' specs, then lab:NAME."""
    names = [name for kind, _ in GROUPS for name, _ in entries(kind, own)]
    return names + [LAB_PREFIX + name for name in LABS]


class WorkloadPicker(OptionList):
    DEFAULT_CSS = """
    WorkloadPicker { height: 1fr; min-height: 5; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    class Chosen(Message):
        def __init__(self, choice: str):
            super().__init__()
            self.choice = choice  # a workload name, a user's function's spec, or lab:NAME

    compact: reactive[bool] = reactive(False, init=False)

    def __init__(self, initial: str, own: Sequence[str] = (), **kwargs):
        self.own = list(own)  # your functions, by their canonical specs
        super().__init__(*self.options_for(compact=False, own=self.own), **kwargs)
        self.highlighted = self.get_option_index(initial)  # set before mounting: no message, no reset

    @staticmethod
    def options_for(compact: bool, own: Sequence[str] = ()) -> list[Option]:
        options: list[Option] = []
        for kind, title in GROUPS:
            listed = entries(kind, own)
            if not listed:
                continue  # no heading over nothing (no functions of yours offered)
            if compact and kind == OWN:  # FILE.py:FUNC says what it is (a long one is cut, not wrapped)
                options += [Option(label, id=name) for name, label in listed]
            elif compact:
                options += [Option(tagged(label, SHORT_KINDS[kind]), id=name) for name, label in listed]
            else:
                options += [Option(title, disabled=True), *(Option(f"  {label}", id=name) for name, label in listed)]
        if compact:
            return options + [Option(tagged(name, "lab"), id=LAB_PREFIX + name) for name in LABS]
        return options + [Option("Pitfall labs", disabled=True),
                          *(Option(f"  {name}", id=LAB_PREFIX + name) for name in LABS)]

    def watch_compact(self, compact: bool) -> None:
        self.rebuild()

    def set_own(self, own: Sequence[str]) -> None:
        """Offer these functions of yours (one was added)."""
        if list(own) != self.own:
            self.own = list(own)
            self.rebuild()

    def rebuild(self) -> None:
        chosen = self.highlighted_option.id if self.highlighted_option is not None else None
        with self.prevent(OptionList.OptionHighlighted):  # the same choice, shown anew: not a new pick
            self.clear_options()
            self.add_options(self.options_for(self.compact, self.own))
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
