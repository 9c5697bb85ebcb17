"""The main screen: pick a workload, set it up from the keyboard, race, read the results.

It measures nothing itself: one timer (`tick`) pulls the session's latest race state and the
sampler's latest reading a few times a second, and the widgets draw what changed. One timer,
not one per pane, so a frame gathers every change and the screen is composited once a tick.
"""

from __future__ import annotations

import os

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label

from tuiconc import tunables
from tuiconc.engine.config import RaceConfig, lab_config
from tuiconc.engine.outputs import OutputError
from tuiconc.engine.race import elsewhere_runners
from tuiconc.engine.session import RaceSession
from tuiconc.engine.sweep import default_worker_counts
from tuiconc.engine.user_workloads import OwnWorkloads, read_as_now
from tuiconc.machine import start_methods
from tuiconc.runners import RUNNERS
from tuiconc.ui.widgets.cores import CoresView
from tuiconc.ui.widgets.picker import LAB_PREFIX, WorkloadPicker, choices, own_label
from tuiconc.ui.widgets.race_pane import RacePane
from tuiconc.ui.widgets.results import ResultsTable
from tuiconc.ui.widgets.settings import SettingsPanel, parse_setting
from tuiconc.ui.widgets.text import pane, set_text
from tuiconc.ui.widgets.timeline import TimelineView

MIN_WIDTH, MIN_HEIGHT = 80, 24
WIDE_FROM = 110  # narrower: the compact picker and results, off lanes folded away
MIN_PICKER_ROWS = 5


def off_lanes_note(names: list[str], enabled: set[str]) -> str:
    """The lanes a narrow screen leaves out of the race pane, by the key that turns each on."""
    keys = [str(i + 1) for i, name in enumerate(names[:9]) if name not in enabled]
    return f"off: {' '.join(keys)} (press to add)" if keys else ""


class ExplorerScreen(Screen):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE_FROM, "-wide")]
    BINDINGS = [
        Binding("r", "race", "Race",
                tooltip="start the race (again) with these settings"),
        Binding("c,escape", "cancel", "Cancel",
                tooltip="cancel the race: every lane process ends within a second"),
        Binding("plus,equals_sign", "workers(2)", "Workers+", key_display="+",
                tooltip="double the workers"),
        Binding("minus", "workers(0.5)", "Workers-", key_display="-",
                tooltip="halve the workers"),
        Binding("right_square_bracket", "size(2)", "Size×2", key_display="]",
                tooltip="double the size"),
        Binding("left_square_bracket", "size(0.5)", "Size÷2", key_display="[",
                tooltip="halve the size"),
        Binding("right_curly_bracket", "size(10)", "Size×10", show=False,
                tooltip="size × 10"),
        Binding("left_curly_bracket", "size(0.1)", "Size÷10", show=False,
                tooltip="size ÷ 10"),
        Binding("m", "mode", "Mode",
                tooltip="mode: isolated (one lane at a time, each alone: the figures to trust) or together (all at once)"),
        Binding("s", "start_method", "Start method", show=False,
                tooltip="next multiprocessing start method (fork, spawn, forkserver)"),
        Binding("i", "pythons", "Pythons", show=False,
                tooltip="run a lane (or every lane) on another Python found on this machine: a free-threaded "
                        "3.13t, another version"),
        Binding("n", "workload(1)", "Next workload", show=False,
                tooltip="next workload (or pick one in the list; the pitfall labs are at its end)"),
        Binding("p", "workload(-1)", "Previous workload", show=False,
                tooltip="previous workload"),
        Binding("a", "add_code", "Add your code", show=False,
                tooltip="add your own function to race: type FILE.py:FUNC (checked as you type; its file's "
                        "functions are offered), Enter adds it under Your code"),
        *(Binding(str(i), f"toggle_lane({i - 1})", f"Lane {i}", show=False,
                  tooltip="turn a lane on or off (a pitfall lab's lanes are fixed)") for i in range(1, 10)),
        Binding("e", "explain", "Explain",
                tooltip="explain: the lessons, each with its race, and the execution models measured here"),
        Binding("w", "sweep", "Sweep",
                tooltip="sweep: speedup against 1, 2, 4… workers, Amdahl's law fitted"),
        Binding("t", "timeline", "Timeline",
                tooltip="show or hide the worker timeline"),
        Binding("z", "zoom", "Zoom timeline", show=False,
                tooltip="zoom the timeline (whole race … 50 ms)"),
        Binding("x", "export", "Save results", show=False,
                tooltip="save this session's results (JSON, CSV, Markdown) and the last race as a recording to replay"),
    ]

    def __init__(self, session: RaceSession, own: OwnWorkloads | None = None, served: bool = False):
        super().__init__()
        self.session = session
        self.own = own or OwnWorkloads()  # your functions the picker offers
        self.served = served  # a browser's app: it offers only `own`, and adds none
        self.texts: dict[str, str] = {}  # what was typed into a setting box that is not a number
        self.results_shown = 0  # how many of the session's finished races the results table holds
        self.ticks = 0
        self.read_as: object = None  # your function's file as last drawn (see read_as_now)
        self.picker_limit: int | None = None  # the narrow picker's height, when the list is too long for it

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Label("", id="status")  # not the Header: a new sub_title repaints the whole screen
        with Horizontal(id="main"):
            with Vertical(id="left"):
                picker = pane(WorkloadPicker(self.choice, self.own.specs, id="picker"), "Workloads")
                if not self.served:
                    picker.border_subtitle = "a: add your code"
                yield picker
                yield SettingsPanel(id="settings")
            with Vertical(id="right"):
                yield pane(RacePane(id="race"), "Race")
                with Container(id="bottom"):
                    yield pane(CoresView(id="cores"), "Cores")
                    yield pane(ResultsTable(id="results"), "Results")
                    with pane(VerticalScroll(id="timeline-pane"), "Worker timeline"):
                        yield TimelineView(id="timeline")
        yield Label("", id="too-small")
        yield Footer()

    async def on_mount(self) -> None:
        await self.refresh_lanes()
        self.show_settings()
        self.set_interval(1 / tunables.REFRESH_HZ, self.tick)
        self.draw_cores()
        self.check_size(*self.app.size)
        if self.session.replaying is not None:
            self.start_race()

    def on_resize(self, event) -> None:
        self.check_size(event.size.width, event.size.height)  # self.size is still the old one here

    def check_size(self, width: int, height: int) -> None:
        compact = width < WIDE_FROM
        self.query_one(WorkloadPicker).compact = compact
        self.call_after_refresh(self.fit_picker)
        self.query_one(ResultsTable).compact = compact
        self.show_off_lanes(compact)
        too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        self.set_class(too_small, "-too-small")
        if too_small:
            self.query_one("#too-small", Label).update(
                f"This terminal is {width}×{height}. tuiconc needs at least "
                f"{MIN_WIDTH}×{MIN_HEIGHT}: make the window larger or the font smaller.")

    def fit_picker(self) -> None:
        """Narrow: a list too long for the column (your code in it) scrolls, rather than push the settings
        off the screen; the settings keep a line of the description."""
        picker = self.query_one(WorkloadPicker)
        limit = None
        if picker.compact:
            room = self.query_one("#left").size.height
            settings = self.query_one(SettingsPanel).rows_needed()
            if picker.option_count + 2 + settings > room:  # its rows and its border
                limit = max(MIN_PICKER_ROWS, room - settings - 1)
        if limit != self.picker_limit:
            self.picker_limit = limit
            picker.styles.max_height = limit

    # -- what the settings are ---------------------------------------------------------------
    @property
    def config(self) -> RaceConfig:
        return self.session.config

    @property
    def choice(self) -> str:
        return LAB_PREFIX + self.config.lab if self.config.lab else self.config.workload

    def current_problems(self) -> dict[str, str]:
        found = {}
        for field, text in self.texts.items():
            try:
                parse_setting(field, text)
            except ValueError as error:
                found[field] = str(error)
        for field, message in self.session.problems().items():
            found.setdefault(field, message)
        return found

    def show_settings(self) -> None:
        self.query_one(SettingsPanel).show(self.config, self.current_problems(), self.texts)
        self.call_after_refresh(self.fit_picker)  # a setting's row or problem shown or gone: the list's room
        self.update_status()

    def update_status(self) -> None:
        m, session = self.session.machine, self.session
        status = "idle"
        if session.replaying is not None:
            recording, speed = session.replaying
            status = f"replay of a race recorded on {recording.machine.get('python', '?')}, at {speed:g}×"
        elif session.racing:
            status = f"racing {own_label(session.race.config.workload)}"
            if session.last_state is not None and session.last_state.repeat > 1:
                status += f", {session.last_state.runs_label}"
        elif session.last_state is not None:
            status = f"last race {session.last_state.status}"
        busy = session.busy_warning()  # first, where a narrow terminal still shows it
        physical = m.get("physical_cores")  # beside the CPUs where SMT makes them differ: a thread is not a core
        cores = f" on {physical} cores" if physical and physical != m["usable_cpus"] else ""
        runs = "1 run" if self.config.repeat == 1 else f"{self.config.repeat} runs"
        text = (f"≋ tuiconc · {busy + ' · ' if busy else ''}Python {m['python']} · "
                f"GIL {'on' if m['gil_enabled'] else 'off'} · {m['usable_cpus']} usable CPUs{cores} · "
                f"{self.config.start_method} · {self.config.mode} · {runs} · {status}")
        label = self.query_one("#status", Label)
        set_text(label, text, layout=False)
        label.set_class(busy is not None, "-busy")

    async def apply(self, config: RaceConfig) -> None:
        if self.session.apply(config):
            self.notify("Settings changed: races are live again, on this machine.")
        await self.refresh_lanes()
        self.show_settings()

    async def refresh_lanes(self) -> None:
        pane = self.query_one(RacePane)
        await pane.set_lanes(self.session.lane_names())
        pane.show(self.session.last_state, self.session.shown_enabled())
        self.show_off_lanes(self.app.size.width < WIDE_FROM)

    def show_off_lanes(self, compact: bool) -> None:
        """A narrow race pane shows only the lanes that race; its border says how to add the others."""
        self.query_one(RacePane).show_only_enabled(compact)
        self.show_race_subtitle()

    def show_race_subtitle(self) -> None:
        """The race pane's border: on a narrow screen the lanes left out, else what the workers' states' colours
        mean while a lane shows them."""
        pane = self.query_one(RacePane)
        if pane.hide_off:
            note = Text(off_lanes_note(self.session.lane_names(), self.session.shown_enabled()))
        else:
            note = pane.states_legend() if pane.has_states else Text()
        race = self.query_one("#race")
        if str(race.border_subtitle or "") != note.plain:  # setting it repaints the whole pane, even unchanged
            race.border_subtitle = note

    # -- the one timer -----------------------------------------------------------------------
    def tick(self) -> None:
        self.ticks += 1
        racing = self.session.race is not None
        self.draw_race()
        if racing or self.ticks % (tunables.REFRESH_HZ // tunables.IDLE_CORES_HZ) == 0:
            self.draw_cores()  # a no-op unless the sampler has read the cores since the last draw
            if not racing:
                self.update_status()  # the busy-machine warning follows the sampler
                read_as = read_as_now(self.config.workload)
                if read_as != self.read_as:  # your file edited meanwhile: its docstring and checks as it is now
                    self.read_as = read_as
                    self.show_settings()

    def draw_race(self) -> None:
        session = self.session
        racing = session.race is not None
        state = session.poll()
        self.refresh_timeline()
        if len(session.history) != self.results_shown:  # a race finished, seen here or by another screen
            self.results_shown = len(session.history)
            self.query_one(ResultsTable).show(session.history)
        if state is None:
            return
        self.query_one(RacePane).show(state, {lane.name for lane in state.lanes})
        self.show_race_subtitle()
        if racing and session.race is None:  # it ended on this tick
            if state.status == "failed":
                self.notify(state.error or "the race failed", severity="error")
            self.update_status()

    def refresh_timeline(self) -> None:
        if not self.query_one("#bottom").has_class("-timeline"):
            return
        race = self.session.shown_race
        nouns = {}
        if race is not None:
            nouns = {spec.name: RUNNERS[spec.runner].worker_noun for spec in race.config.lane_specs()}
        self.query_one(TimelineView).show(race.timeline if race else None, nouns,
                                          live=race is not None and not race.done,
                                          together=race is not None and race.config.mode == "together")

    def draw_cores(self) -> None:
        session = self.session
        lanes = session.last_state.lanes if session.last_state and session.race else []
        self.query_one(CoresView).show(session.cores_sampler().snapshot(), self.query_one(RacePane).marks(lanes),
                                       hold_height=session.race is not None)

    # -- actions -----------------------------------------------------------------------------
    def action_race(self) -> None:
        if self.has_class("-too-small"):  # nothing of a race would show: the screen only says to make it larger
            self.app.bell()
            return
        self.show_settings()  # your function checked as its file is now; each lane imports it afresh
        found = self.current_problems()
        if found:
            self.app.bell()
            self.notify(next(iter(found.values())), title="Can't race yet", severity="error")
            return
        self.start_race()

    def start_race(self) -> None:
        self.session.start()
        self.update_status()

    def action_cancel(self) -> None:
        if not self.session.racing:
            return
        self.run_worker(self.session.cancel, thread=True, exclusive=False)  # ends every lane's process group
        self.notify("Race cancelled: every lane process is ending.")

    async def action_workers(self, factor: float) -> None:
        workers = max(1, min(tunables.MAX_WORKERS, round(self.config.workers * factor)))
        self.texts.pop("workers", None)
        await self.apply(self.config.with_changes(workers=workers))

    async def action_size(self, factor: float) -> None:
        size = max(1, round(self.config.effective_size * factor))
        self.texts.pop("size", None)
        await self.apply(self.config.with_changes(size=size))

    async def action_mode(self) -> None:
        await self.apply(self.config.with_changes(mode="isolated" if self.config.mode == "together" else "together"))

    async def action_start_method(self) -> None:
        methods = start_methods()
        index = methods.index(self.config.start_method) if self.config.start_method in methods else -1
        await self.apply(self.config.with_changes(start_method=methods[(index + 1) % len(methods)]))

    def action_pythons(self) -> None:
        from tuiconc.ui.screens.pythons import PythonsScreen  # imported when first shown: start-up stays short

        lanes = [name for name in self.session.lane_names() if name in self.session.shown_enabled()]
        elsewhere = [name for name in elsewhere_runners() if name not in lanes]  # only on another Python
        self.app.push_screen(PythonsScreen(lanes, self.config.pythons, tuple(elsewhere)), self.set_pythons)

    async def set_pythons(self, pythons: tuple[tuple[str, str], ...] | None) -> None:
        """The lanes' interpreters as picked; a runner this Python can't run races once it has one that can."""
        if pythons is None:
            return
        chosen = {lane for lane, _ in pythons}
        for name in elsewhere_runners():
            if name in chosen:
                self.session.enabled.add(name)
            else:
                self.session.enabled.discard(name)
        await self.apply(self.config.with_changes(pythons=pythons))

    async def action_workload(self, step: int) -> None:
        options = choices(self.own.specs)
        index = (options.index(self.choice) + step) % len(options)
        self.query_one(WorkloadPicker).select(options[index])
        await self.choose(options[index])

    async def action_toggle_lane(self, index: int) -> None:
        names = self.session.lane_names()
        if index >= len(names):
            return
        if self.config.lab:
            self.notify("A pitfall lab's lanes are fixed: they are the mistake and its fix.")
            return
        self.session.enabled ^= {names[index]}
        self.show_settings()
        self.show_off_lanes(self.app.size.width < WIDE_FROM)
        self.query_one(RacePane).show(None if self.session.race else self.session.last_state, self.session.enabled)

    def action_timeline(self) -> None:
        self.query_one("#bottom").toggle_class("-timeline")
        self.refresh_timeline()

    def action_zoom(self) -> None:
        shown = self.query_one(TimelineView).zoom_in()
        if not self.query_one("#bottom").has_class("-timeline"):
            self.action_timeline()
        self.refresh_timeline()
        self.notify(f"Timeline: {shown}", timeout=2)

    def action_explain(self) -> None:
        from tuiconc.ui.screens.explain import ExplainScreen  # imported when first shown: start-up stays short

        self.app.push_screen(ExplainScreen(self.session.history), self.race_lesson)

    async def race_lesson(self, config: RaceConfig | None) -> None:
        if config is None:
            return
        if not config.lab:
            self.session.enabled = set(config.runners)
        self.texts.clear()
        await self.apply(config.with_changes(start_method=self.config.start_method))
        self.query_one(WorkloadPicker).select(self.choice)
        self.action_race()

    def action_sweep(self) -> None:
        if self.config.lab:
            self.notify("Pick a workload to sweep: a lab's lanes are fixed.", severity="warning")
            return
        from tuiconc.ui.screens.sweep import SweepScreen  # imported when first shown: start-up stays short

        self.session.stop(wait=False)  # a sweep measures alone
        config = self.session.race_config()
        if config.repeat == 1:  # each point against its own round's baseline, medians fitted
            config = config.with_changes(repeat=tunables.DEFAULT_SWEEP_REPEAT)
        others = [r for r in config.runners if r != "sequential"]
        runner = "multiprocessing" if "multiprocessing" in others or not others else others[0]
        self.app.push_screen(SweepScreen(config, runner, default_worker_counts(self.session.machine["usable_cpus"]),
                                         self.session.sampler))

    def action_export(self) -> None:
        if not self.session.history:
            self.notify("No finished race to save yet: press r to race.", severity="warning")
            return
        from tuiconc.ui.screens.prompt import PromptScreen, check_folder

        def save(folder: str | None) -> None:
            if folder:
                try:
                    self.notify(self.session.export(folder))
                except OutputError as error:  # checked a moment ago, failed now (a full disk): say so, keep going
                    self.notify(f"Not saved: {error}", severity="error")

        def check(folder: str) -> str | None:
            return check_folder(folder) or self.session.export_problem(folder)

        self.app.push_screen(PromptScreen("Save this session's results in this folder:", os.getcwd(), check), save)

    def action_add_code(self) -> None:
        if self.served:  # the page's person must never name a file or module for this machine to import
            self.app.bell()
            self.notify("This app is served to a browser: it races only the functions the server was started "
                        "with (tuiconc serve --workload FILE.py:FUNC or --workloads DIR).",
                        title="Can't add code here", severity="warning")
            return
        from tuiconc.ui.screens.add_code import AddCodeScreen  # imported when first shown: start-up stays short

        self.app.push_screen(AddCodeScreen(os.getcwd()), self.add_code)

    async def add_code(self, spec: str | None) -> None:
        if spec is None:
            return
        self.own.add(spec)
        picker = self.query_one(WorkloadPicker)
        picker.set_own(self.own.specs)
        picker.select(spec)
        self.call_after_refresh(self.fit_picker)
        await self.choose(spec)

    # -- messages from the widgets ------------------------------------------------------------
    async def on_workload_picker_chosen(self, message: WorkloadPicker.Chosen) -> None:
        if message.choice != self.choice:
            await self.choose(message.choice)

    async def choose(self, choice: str) -> None:
        self.texts.clear()
        if not self.session.racing:
            self.session.last_state = None  # the last race's verdict and places were about other work
        if choice.startswith(LAB_PREFIX):
            lab = lab_config(choice.removeprefix(LAB_PREFIX))
            await self.apply(lab.with_changes(start_method=self.config.start_method))
        else:
            await self.apply(self.config.with_changes(workload=choice, size=None, lab=None,
                                                      runners=tuple(self.session.enabled_runners())))

    async def on_settings_panel_edited(self, message: SettingsPanel.Edited) -> None:
        try:
            value = parse_setting(message.field, message.text)
        except ValueError:
            self.texts[message.field] = message.text
            self.show_settings()
            return
        self.texts.pop(message.field, None)
        self.session.config = self.config.with_changes(**{message.field: value})
        self.show_settings()
