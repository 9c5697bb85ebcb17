"""Explain: the lessons, each with the race that shows it, and the execution models measured here."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Markdown, TabbedContent, TabPane

from tuiconc import units
from tuiconc.teach.lessons import Lesson, lessons
from tuiconc.teach.execution_models import MODELS, measure
from tuiconc.engine.race import RaceState

MODELS_TAB = "measured-models"
MODEL_COLUMNS = ("model", "type", "start-up", "memory", "CPU speedup", "best for", "GIL", "data sharing")


def models_rows(history: list[RaceState]) -> list[tuple[str, ...]]:
    """One row per model: fixed facts, then what this session's races measured (— where none did)."""
    measured = measure(history)
    rows = []
    for model in MODELS:
        found = measured[model.name]
        memory = found.memory_over_sequential_mb
        rows.append((model.name, model.kind, units.seconds(found.startup_s),
                     "—" if memory is None else f"{memory:+.0f} MB", units.ratio(found.cpu_speedup),
                     model.best_for, model.gil, model.sharing))
    return rows


class ExplainScreen(Screen):
    """Dismisses with the RaceConfig of the lesson to race, or None."""

    BINDINGS = [
        Binding("r", "run_lesson", "Race this lesson"),
        Binding("escape,e,q", "dismiss(None)", "Back"),
    ]
    DEFAULT_CSS = """
    ExplainScreen TabPane { padding: 0 1; }
    ExplainScreen .watch { width: 1fr; color: $accent; text-style: bold; padding: 0 1; }
    ExplainScreen .models-note { width: 1fr; color: $text-muted; padding: 0 1 1 1; }
    ExplainScreen DataTable { height: auto; }
    """

    def __init__(self, history: list[RaceState]):
        super().__init__()
        self.history = history
        self.lessons = {lesson.key: lesson for lesson in lessons()}

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="lessons"):
            for lesson in self.lessons.values():
                with TabPane(lesson.title, id=lesson.key):
                    with VerticalScroll():
                        yield Markdown(lesson.text)
                        yield Label(f"Press r to race it: {describe(lesson)}. Watch {lesson.watch}.",
                                    classes="watch")
            with TabPane("Models, measured here", id=MODELS_TAB):
                with VerticalScroll():
                    yield Label(self.models_note(), classes="models-note")
                    yield DataTable(id="models-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def models_note(self) -> str:
        finished = sum(state.status == "finished" for state in self.history)
        if not finished:
            return ("start-up, memory and CPU speedup are measured by the races you run in this session; "
                    "none has finished yet, so they show —. Race a lesson (r on its tab) to fill them in.")
        return (f"Measured from this session's {finished} finished race(s): start-up is the median launch to "
                f"first task; memory the median peak beyond the sequential lane; CPU speedup the best on "
                f"CPU-bound work under the GIL.")

    def on_mount(self) -> None:
        self.title = "tuiconc — explain"
        self.sub_title = "←/→ lessons · r race this lesson · Esc back"
        table = self.query_one("#models-table", DataTable)
        table.add_columns(*MODEL_COLUMNS)
        table.add_rows(models_rows(self.history))

    def action_run_lesson(self) -> None:
        active = self.query_one(TabbedContent).active
        if active == MODELS_TAB:
            self.notify("Pick a lesson's tab (←/→) to race it.", severity="warning")
            return
        self.dismiss(self.lessons[active].config)


def describe(lesson: Lesson) -> str:
    config = lesson.config
    lanes = ", ".join(spec.name for spec in config.lane_specs())
    return f"{config.lab or config.workload} on {lanes}"
