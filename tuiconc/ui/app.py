"""The Textual app: themes, signals, the keys that work on every screen, and which screen comes first.

The main screen (`ExplorerScreen`) and the talk (`TalkScreen`) draw one `RaceSession`, which
holds the settings, the races and their history; the app holds no measurement logic.
"""

from __future__ import annotations

import asyncio
import datetime
import os
import signal
import sys
from typing import TYPE_CHECKING, Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from tuiconc.engine.config import RaceConfig
from tuiconc.engine.outputs import OutputError, check_output, write_atomically
from tuiconc.engine.session import RaceSession
from tuiconc.engine.user_workloads import OwnWorkloads
from tuiconc.workloads import looks_like_spec
from tuiconc.ui.screens.explorer import ExplorerScreen
from tuiconc.ui.keys import key_table

if TYPE_CHECKING:
    from tuiconc.engine.recording import Recording
    from tuiconc.teach.talk import Talk

# The other screens are imported when first shown, so the first frame comes sooner.

HIGH_CONTRAST = Theme(name="high-contrast", primary="#ffff00", secondary="#00ffff", accent="#ff9f00",
                      foreground="#ffffff", background="#000000", surface="#000000", panel="#1a1a1a",
                      success="#00ff00", warning="#ffff00", error="#ff3030", dark=True)


class TuiconcApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "tuiconc"
    BINDINGS = [
        Binding("ctrl+s", "screenshot_to", "Screenshot", show=False, tooltip="save a screenshot (SVG) in a folder you choose"),
        Binding("h", "contrast", "Contrast", show=False, tooltip="high-contrast colours, for projectors"),
        Binding("question_mark,f1", "help", "Help", key_display="?", tooltip="this help"),
        Binding("q", "quit", "Quit", tooltip="quit (any race is ended first)"),
    ]

    def __init__(self, config: RaceConfig | None = None, sampler=None, machine: dict | None = None,
                 talk: Talk | None = None, replay: tuple[Recording, float] | None = None,
                 own: OwnWorkloads | None = None, served: bool = False):
        """`own`: the user's functions to offer; `served`: a browser's app (`tuiconc serve`), which offers
        only those and never lets the page name a file or module to import."""
        super().__init__()
        self.session = RaceSession(config, sampler=sampler, machine=machine, replay=replay)
        self.own = own or OwnWorkloads()
        if looks_like_spec(self.session.config.workload):
            self.own.add(self.session.config.workload)  # a recording's, or one given as the config: listed too
        self.served = served
        self.talk = talk
        self.terminated_by: int | None = None
        self.register_theme(HIGH_CONTRAST)

    def get_default_screen(self) -> Screen:
        return ExplorerScreen(self.session, self.own, served=self.served)

    async def on_mount(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(signum, self.on_terminate_signal, signum)
        self.session.sampler.start()
        for skipped in self.own.skipped:
            self.notify(skipped, title="Not offered", severity="warning", timeout=10)
        if self.talk is not None:
            from tuiconc.ui.screens.talk import TalkScreen

            self.theme = HIGH_CONTRAST.name
            self.push_screen(TalkScreen(self.session, self.talk))

    # -- the keys of every screen -------------------------------------------------------------
    @classmethod
    def key_table(cls) -> str:
        """Every key of the main screen, then the app's own (they work on every screen), in Markdown."""
        return key_table([*ExplorerScreen.BINDINGS, *cls.BINDINGS])

    def action_help(self) -> None:
        from tuiconc.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.key_table()))

    def action_contrast(self) -> None:
        self.theme = "textual-dark" if self.theme == HIGH_CONTRAST.name else HIGH_CONTRAST.name

    def action_screenshot_to(self) -> None:
        from tuiconc.ui.screens.prompt import PromptScreen, check_folder

        name = f"tuiconc_{datetime.datetime.now():%Y-%m-%dT%H_%M_%S}.svg"  # named now: the prompt checks this file

        def save(folder: str | None) -> None:
            if folder:
                path = os.path.join(folder, name)
                try:
                    write_atomically(path, self.export_screenshot())
                except OutputError as error:
                    self.notify(f"Not saved: {error}", severity="error")
                else:
                    self.notify(f"Screenshot saved: {path}")

        def check(folder: str) -> str | None:
            return check_folder(folder) or check_output(os.path.join(folder, name))

        self.push_screen(PromptScreen("Save a screenshot (SVG) in this folder:", os.getcwd(), check), save)

    async def action_quit(self) -> None:
        self.session.close()
        self.exit()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette finds every key of this screen and of the app by its name."""
        yield from super().get_system_commands(screen)
        for binding in [*screen.BINDINGS, *self.BINDINGS]:
            if not isinstance(binding, Binding) or binding.action == "quit":
                continue
            target = screen if binding in screen.BINDINGS else self
            yield SystemCommand(binding.description, f"key: {binding.key_display or binding.key.split(',')[0]}",
                                lambda action=binding.action, target=target: target.run_action(action))

    # -- ending ------------------------------------------------------------------------------
    def on_terminate_signal(self, signum: int) -> None:
        """SIGTERM, or SIGHUP when the terminal goes away: end every lane, then the app."""
        self.terminated_by = signum
        self.session.close()
        self.exit(return_code=128 + signum)

    def on_unmount(self) -> None:
        self.session.close()  # however the app ends: quit, a signal, a closed browser page, a test


def terminal_problem(served: bool) -> str | None:
    """Why the app can't run here: it draws on a terminal and reads keys from it. Without one (output to a
    file, input from /dev/null) Textual would spin a core waiting for keys that never come."""
    if served or os.environ.get("TEXTUAL_DRIVER"):  # a browser page (textual-serve) is its terminal
        return None
    for name, stream in (("standard input", sys.__stdin__), ("standard output", sys.__stdout__)):
        if stream is None or not stream.isatty():
            return (f"the app needs a terminal, and {name} is not one: run it in a terminal, or race without "
                    f"one with `tuiconc race … --json`")
    return None


def run_app(config: RaceConfig | None = None, talk: Talk | None = None,
            replay: tuple[Recording, float] | None = None, own: OwnWorkloads | None = None,
            served: bool = False) -> int:
    """Run the app; 2 (a usage error, in one line) where there is no terminal to run it on."""
    problem = terminal_problem(served)
    if problem:
        print(f"tuiconc: error: {problem}", file=sys.stderr)
        return 2
    app = TuiconcApp(config, talk=talk, replay=replay, own=own, served=served)
    try:
        app.run()
    finally:
        app.session.close()
    if app.terminated_by is not None:
        # The terminal may be gone (SIGHUP): Textual's input thread would spin on it forever,
        # so leave now; every lane has already ended.
        os._exit(128 + app.terminated_by)
    return app.return_code or 0
