"""The Textual explorer: pick a workload, set it up from the keyboard, race, read the results.

The app drives the race engine and measures nothing itself: a timer pulls the race's
latest snapshot and the sampler's latest reading a few times a second and the widgets draw
them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path
from typing import Iterable

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Footer, Label

from tuiconc import tunables
from tuiconc.units import whole_number
from tuiconc.engine.config import RaceConfig, lab_config, problems
from tuiconc.engine.export import save as save_results
from tuiconc.machine import machine_facts, start_methods
from tuiconc.engine.race import Race, RaceHandle, RaceState, available_runners
from tuiconc.engine.recording import Recording
from tuiconc.engine.replay import ReplayRace, config_from_recording
from tuiconc.runners import RUNNERS
from tuiconc.engine.sampler import Sampler
from tuiconc.engine.sweep import default_worker_counts
from tuiconc.teach.talk import Talk
from tuiconc.ui.screens.explain import ExplainScreen
from tuiconc.ui.screens.help import HelpScreen
from tuiconc.ui.screens.prompt import PromptScreen
from tuiconc.ui.screens.sweep import SweepScreen
from tuiconc.ui.screens.talk import TalkScreen
from tuiconc.ui.widgets.cores import CoresView
from tuiconc.ui.widgets.picker import LAB_PREFIX, WorkloadPicker, choices
from tuiconc.ui.widgets.race_pane import RacePane
from tuiconc.ui.widgets.results import ResultsTable
from tuiconc.ui.widgets.settings import SettingsPanel
from tuiconc.ui.widgets.text import set_text
from tuiconc.ui.widgets.timeline import TimelineView

MIN_WIDTH, MIN_HEIGHT = 80, 24
EVERYWHERE = {"quit", "help", "contrast", "screenshot_to", "command_palette"}  # actions not only for the main screen
REFRESH_HZ = 8  # lanes and results; the cores pane follows the sampler's own rate

HIGH_CONTRAST = Theme(name="high-contrast", primary="#ffff00", secondary="#00ffff", accent="#ff9f00",
                      foreground="#ffffff", background="#000000", surface="#000000", panel="#1a1a1a",
                      success="#00ff00", warning="#ffff00", error="#ff3030", dark=True)


class TuiconcApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "tuiconc"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("r", "race", "Race"),
        Binding("c,escape", "cancel", "Cancel"),
        Binding("plus,equals_sign", "workers(2)", "Workers+", key_display="+"),
        Binding("minus", "workers(0.5)", "Workers-", key_display="-"),
        Binding("right_square_bracket", "size(2)", "Size×2", key_display="]"),
        Binding("left_square_bracket", "size(0.5)", "Size÷2", key_display="["),
        Binding("right_curly_bracket", "size(10)", "Size×10", show=False),
        Binding("left_curly_bracket", "size(0.1)", "Size÷10", show=False),
        Binding("m", "mode", "Mode"),
        Binding("s", "start_method", "Start method", show=False),
        Binding("n", "workload(1)", "Next workload", show=False),
        Binding("p", "workload(-1)", "Previous workload", show=False),
        *(Binding(str(i), f"toggle_lane({i - 1})", f"Lane {i}", show=False) for i in range(1, 10)),
        Binding("e", "explain", "Explain"),
        Binding("w", "sweep", "Sweep"),
        Binding("t", "timeline", "Timeline"),
        Binding("z", "zoom", "Zoom timeline", show=False),
        Binding("x", "export", "Save results", show=False),
        Binding("ctrl+s", "screenshot_to", "Screenshot", show=False),
        Binding("h", "contrast", "Contrast", show=False),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, config: RaceConfig | None = None, sampler=None, machine: dict | None = None,
                 talk: Talk | None = None, replay: tuple[Recording, float] | None = None):
        super().__init__()
        self.talk = talk
        self.replaying = replay  # (recording, speed) while the app shows a replay instead of racing live
        if replay is not None:
            config = config_from_recording(replay[0])
        self.config = config or RaceConfig()
        self.sampler = sampler or Sampler()
        self.machine = machine or machine_facts()
        self.texts: dict[str, str] = {}  # what was typed into a setting box that is not a number
        self.enabled: set[str] = set(self.config.runners)
        self.race: RaceHandle | None = None
        self.shown_race: RaceHandle | None = None  # the race the timeline draws, running or not
        self.history: list[RaceState] = []
        self.last_state: RaceState | None = None
        self.terminated_by: int | None = None
        self.cores_ticks = 0
        self.register_theme(HIGH_CONTRAST)

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Label("", id="status")  # not the Header: a new sub_title repaints the whole screen
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield WorkloadPicker(self.choice, id="picker")
                yield SettingsPanel(id="settings")
            with Vertical(id="right"):
                yield RacePane(id="race")
                with Container(id="bottom"):
                    yield CoresView(id="cores")
                    yield ResultsTable(id="results")
                    with VerticalScroll(id="timeline-pane"):
                        yield TimelineView(id="timeline")
        yield Label("", id="too-small")
        yield Footer()

    async def on_mount(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(signum, self.on_terminate_signal, signum)
        self.main_screen.query_one("#picker").border_title = "Workloads"
        self.main_screen.query_one("#race").border_title = "Race"
        self.main_screen.query_one("#cores").border_title = "Cores"
        self.main_screen.query_one("#results").border_title = "Results"
        self.main_screen.query_one("#timeline-pane").border_title = "Worker timeline"
        self.sampler.start()
        await self.refresh_lanes()
        self.show_settings()
        self.set_interval(1 / REFRESH_HZ, self.refresh_race)
        self.set_interval(1 / tunables.SAMPLE_HZ, self.refresh_cores)
        self.draw_cores()
        self.check_size()
        if self.replaying is not None:
            self.start_race(self.config)
        if self.talk is not None:
            self.theme = HIGH_CONTRAST.name
            self.push_screen(TalkScreen(self.talk))

    def on_resize(self) -> None:
        self.check_size()

    def check_size(self) -> None:
        too_small = self.size.width < MIN_WIDTH or self.size.height < MIN_HEIGHT
        self.main_screen.set_class(too_small, "-too-small")
        if too_small:
            self.main_screen.query_one("#too-small", Label).update(
                f"This terminal is {self.size.width}×{self.size.height}. tuiconc needs at least "
                f"{MIN_WIDTH}×{MIN_HEIGHT}: make the window larger or the font smaller.")

    @property
    def main_screen(self) -> Screen:
        """The explorer's screen, under any other screen (explain, talk, sweep) pushed on top."""
        return self.screen_stack[0]

    # -- what the settings are ---------------------------------------------------------------
    @property
    def choice(self) -> str:
        return LAB_PREFIX + self.config.lab if self.config.lab else self.config.workload

    def lane_names(self) -> list[str]:
        if self.config.lab:
            return [spec.name for spec in self.config.lane_specs()]
        return available_runners()

    def race_config(self) -> RaceConfig:
        if self.config.lab:
            return self.config
        return self.config.with_changes(runners=tuple(self.enabled_runners()))

    def current_problems(self) -> dict[str, str]:
        found = {field: f"{field.replace('_ms', '')}: expected a whole number, got {text!r}"
                 for field, text in self.texts.items()}
        for field, message in problems(self.race_config()).items():
            found.setdefault(field, message)
        return found

    def show_settings(self) -> None:
        self.main_screen.query_one(SettingsPanel).show(self.config, self.current_problems(), self.texts)
        self.update_subtitle()

    def update_subtitle(self) -> None:
        m = self.machine
        status = "idle"
        if self.replaying is not None:
            recording, speed = self.replaying
            status = f"replay of a race recorded on {recording.machine.get('python', '?')}, at {speed:g}×"
        elif self.race is not None and not self.race.done:
            status = f"racing {self.race.config.workload}"
        elif self.last_state is not None:
            status = f"last race {self.last_state.status}"
        text = (f"≋ tuiconc · Python {m['python']} · GIL {'on' if m['gil_enabled'] else 'off'} · "
                f"{m['usable_cpus']} usable CPUs · {self.config.start_method} · {self.config.mode} · {status}")
        set_text(self.main_screen.query_one("#status", Label), text, layout=False)

    async def apply(self, config: RaceConfig) -> None:
        if self.replaying is not None:
            self.replaying = None
            self.notify("Settings changed: races are live again, on this machine.")
        self.config = config
        await self.refresh_lanes()
        self.show_settings()

    async def refresh_lanes(self) -> None:
        await self.main_screen.query_one(RacePane).set_lanes(self.lane_names())
        self.main_screen.query_one(RacePane).show(self.last_state, self.shown_enabled())

    def shown_enabled(self) -> set[str]:
        return set(self.lane_names()) if self.config.lab else self.enabled

    # -- the timers --------------------------------------------------------------------------
    def refresh_race(self) -> None:
        with closing_screens_ignored():
            self.draw_race()

    def draw_race(self) -> None:
        race = self.race
        if race is None:
            return
        self.refresh_timeline()
        state = race.snapshot()
        self.last_state = state
        self.main_screen.query_one(RacePane).show(state, {lane.name for lane in state.lanes})
        if race.done:
            self.race = None
            if state.status == "finished":
                self.history.append(state)
                self.main_screen.query_one(ResultsTable).show(self.history)
            elif state.status == "failed":
                self.notify(state.error or "the race failed", severity="error")
            self.update_subtitle()

    def refresh_timeline(self) -> None:
        if not self.main_screen.query_one("#bottom").has_class("-timeline"):
            return
        race = self.shown_race
        nouns = {}
        if race is not None:
            nouns = {spec.name: RUNNERS[spec.runner].worker_noun for spec in race.config.lane_specs()}
        self.main_screen.query_one(TimelineView).show(race.timeline if race else None, nouns,
                                          live=race is not None and not race.done,
                                          together=race is not None and race.config.mode == "together")

    def refresh_cores(self) -> None:
        self.cores_ticks += 1
        if self.race is None and self.cores_ticks % 2:
            return  # idle: half the rate is plenty, and half the cost
        with closing_screens_ignored():
            self.draw_cores()

    def draw_cores(self) -> None:
        sampler = getattr(self.race, "sampler", None) or self.sampler
        lanes = self.last_state.lanes if self.last_state and self.race else []
        self.main_screen.query_one(CoresView).show(sampler.snapshot(), lanes)

    # -- actions -----------------------------------------------------------------------------
    def action_race(self) -> None:
        found = self.current_problems()
        if found:
            self.bell()
            self.notify(next(iter(found.values())), title="Can't race yet", severity="error")
            return
        self.start_race(self.race_config())

    def start_race(self, config: RaceConfig) -> RaceHandle:
        """Start a race (or the replay being shown), ending any race still running."""
        self.stop_race(wait=False)
        if self.replaying is not None:
            race = ReplayRace(*self.replaying)
        else:
            race = Race(config, sampler=self.sampler)
        self.race = self.shown_race = race.start()
        self.last_state = race.snapshot()
        self.update_subtitle()
        return race

    def action_cancel(self) -> None:
        race = self.race
        if race is None or race.done:
            return
        self.run_worker(race.cancel, thread=True, exclusive=False)  # ends every lane's process group
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

    async def action_workload(self, step: int) -> None:
        options = choices()
        index = (options.index(self.choice) + step) % len(options)
        self.main_screen.query_one(WorkloadPicker).select(options[index])
        await self.choose(options[index])

    async def action_toggle_lane(self, index: int) -> None:
        names = self.lane_names()
        if index >= len(names):
            return
        if self.config.lab:
            self.notify("A pitfall lab's lanes are fixed: they are the mistake and its fix.")
            return
        self.enabled ^= {names[index]}
        self.show_settings()
        self.main_screen.query_one(RacePane).show(None if self.race else self.last_state, self.enabled)

    def action_timeline(self) -> None:
        self.main_screen.query_one("#bottom").toggle_class("-timeline")
        self.refresh_timeline()

    def action_zoom(self) -> None:
        shown = self.main_screen.query_one(TimelineView).zoom_in()
        if not self.main_screen.query_one("#bottom").has_class("-timeline"):
            self.action_timeline()
        self.refresh_timeline()
        self.notify(f"Timeline: {shown}", timeout=2)

    def action_explain(self) -> None:
        self.push_screen(ExplainScreen(self.history), self.race_lesson)

    async def race_lesson(self, config: RaceConfig | None) -> None:
        if config is None:
            return
        if not config.lab:
            self.enabled = set(config.runners)
        self.texts.clear()
        await self.apply(config.with_changes(start_method=self.config.start_method))
        self.main_screen.query_one(WorkloadPicker).select(self.choice)
        self.action_race()

    def action_sweep(self) -> None:
        if self.config.lab:
            self.notify("Pick a workload to sweep: a lab's lanes are fixed.", severity="warning")
            return
        self.stop_race(wait=False)  # a sweep measures alone
        config = self.race_config()
        others = [r for r in config.runners if r != "sequential"]
        runner = "multiprocessing" if "multiprocessing" in others or not others else others[0]
        self.push_screen(SweepScreen(config, runner, default_worker_counts(self.machine["usable_cpus"])))

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_contrast(self) -> None:
        self.theme = "textual-dark" if self.theme == HIGH_CONTRAST.name else HIGH_CONTRAST.name

    def action_screenshot_to(self) -> None:
        def save(folder: str | None) -> None:
            if folder:
                path = self.save_screenshot(path=folder)
                self.notify(f"Screenshot saved: {path}")

        self.push_screen(PromptScreen("Save a screenshot (SVG) in this folder:", os.getcwd(), check_folder), save)

    def action_export(self) -> None:
        if not self.history:
            self.notify("No finished race to save yet: press r to race.", severity="warning")
            return

        def save(folder: str | None) -> None:
            if folder:
                stem = Path(folder) / "tuiconc-results"
                for extension in (".json", ".csv", ".md"):
                    save_results(self.history, str(stem) + extension)
                saved = f"Saved {len(self.history)} races as {stem}.json, .csv and .md"
                race = self.shown_race
                if race is not None and race.done and race.snapshot().status == "finished":
                    race.recording().save(str(Path(folder) / "tuiconc-last-race.recording.json"))
                    saved += ", and the last race as tuiconc-last-race.recording.json (tuiconc replay FILE)"
                self.notify(saved)

        self.push_screen(PromptScreen("Save this session's results in this folder:", os.getcwd(), check_folder), save)

    async def action_quit(self) -> None:
        self.end_races()
        self.exit()

    def on_terminate_signal(self, signum: int) -> None:
        """SIGTERM, or SIGHUP when the terminal goes away: end every lane, then the app."""
        self.terminated_by = signum
        self.end_races()
        self.exit(return_code=128 + signum)

    def on_unmount(self) -> None:
        self.end_races()  # however the app ends: quit, a signal, a closed browser page, a test

    def end_races(self) -> None:
        self.stop_race(wait=True)
        self.sampler.stop()

    def stop_race(self, wait: bool) -> None:
        """End the running race's every lane process, if a race runs; with wait, once they are gone."""
        race = self.race
        if race is not None and not race.done:
            race.cancel(wait=wait)

    # -- messages from the widgets ------------------------------------------------------------
    async def on_workload_picker_chosen(self, message: WorkloadPicker.Chosen) -> None:
        if message.choice != self.choice and self.screen_stack:  # no screens: the app is closing
            await self.choose(message.choice)

    async def choose(self, choice: str) -> None:
        self.texts.clear()
        if choice.startswith(LAB_PREFIX):
            lab = lab_config(choice.removeprefix(LAB_PREFIX))
            await self.apply(lab.with_changes(start_method=self.config.start_method))
        else:
            await self.apply(self.config.with_changes(workload=choice, size=None, lab=None,
                                                      runners=tuple(self.enabled_runners())))

    def enabled_runners(self) -> list[str]:
        return [name for name in available_runners() if name in self.enabled]

    async def on_settings_panel_edited(self, message: SettingsPanel.Edited) -> None:
        if not self.screen_stack:  # the app is closing
            return
        try:
            value = whole_number(message.text)
        except Exception:
            self.texts[message.field] = message.text
            self.show_settings()
            return
        self.texts.pop(message.field, None)
        self.config = self.config.with_changes(**{message.field: value})
        self.show_settings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """The race keys belong to the main screen: hidden and inert while another screen is up."""
        if action in EVERYWHERE or self.screen is self.main_screen:
            return True
        return False

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            if binding.action in ("quit",):
                continue
            yield SystemCommand(binding.description, f"key: {binding.key_display or binding.key.split(',')[0]}",
                                lambda action=binding.action: self.run_action(action))


@contextlib.contextmanager
def closing_screens_ignored():
    """While the app closes, its screens go before its timers do: a last tick finds no widgets."""
    try:
        yield
    except NoMatches:
        pass


def check_folder(text: str) -> str | None:
    if not os.path.isdir(text):
        return f"{text!r} is not a folder"
    if not os.access(text, os.W_OK):
        return f"can't write in {text!r}"
    return None


def run_app(config: RaceConfig | None = None, talk: Talk | None = None,
            replay: tuple[Recording, float] | None = None) -> int:
    app = TuiconcApp(config, talk=talk, replay=replay)
    try:
        app.run()
    finally:
        app.end_races()
    if app.terminated_by is not None:
        # The terminal may be gone (SIGHUP): Textual's input thread would spin on it forever,
        # so leave now; every lane has already ended.
        os._exit(128 + app.terminated_by)
    return app.return_code or 0
