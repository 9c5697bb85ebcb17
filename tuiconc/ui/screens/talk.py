"""Talk mode: one scene at a time, as large as the screen allows, for a projector.

The app runs each scene's race as it runs any race (so quitting, cancelling and hang-ups end
its lanes the same way); this screen draws it for the back of the room: the title and what to
expect, each lane's bar and figures in large type sized to the terminal, the verdict and the
cores. What only the presenter needs (where we are in the talk, the notes, a busy-machine
warning) sits in a dim strip at the bottom, in ordinary type.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label

from tuiconc import tunables
from tuiconc.engine.race import RaceHandle
from tuiconc.engine.session import RaceSession
from tuiconc.render.race_table import advice_text
from tuiconc.teach.talk import Talk
from tuiconc.ui.widgets.cores import CoresView
from tuiconc.ui.widgets.race_pane import lane_marks
from tuiconc.ui.widgets.talk_lane import TalkLanes
from tuiconc.ui.widgets.text import set_text


class TalkScreen(Screen):
    BINDINGS = [
        Binding("n,right,space,pagedown", "step(1)", "Next scene", key_display="n"),
        Binding("p,left,pageup", "step(-1)", "Previous", key_display="p"),
        Binding("r,enter", "run", "Run"),
        Binding("o", "notes", "Notes"),
        Binding("c,escape", "cancel", "Cancel"),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]
    DEFAULT_CSS = """
    TalkScreen { padding: 0 2; }
    TalkScreen #scene-title { text-style: bold; color: $primary; width: 1fr; padding-top: 1; }
    TalkScreen #scene-caption { width: 1fr; padding-bottom: 1; }
    TalkScreen #talk-verdict { width: 1fr; height: auto; min-height: 2; text-style: bold; color: $accent; }
    TalkScreen #talk-cores { height: auto; max-height: 10; border-top: solid $primary 50%;
                             border-title-color: $text-muted; }
    TalkScreen.-short #scene-title { padding-top: 0; }
    TalkScreen.-short #scene-caption { padding-bottom: 0; }
    TalkScreen.-short #talk-cores { max-height: 5; }
    TalkScreen #presenter { height: auto; background: $panel; color: $text-muted; margin: 0 -2; padding: 0 2; }
    TalkScreen #presenter-line { height: 1; }
    TalkScreen #presenter-where { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    TalkScreen #presenter-busy { width: auto; color: $warning; }
    TalkScreen #scene-notes { display: none; height: auto; max-height: 6; width: 1fr; color: $secondary; }
    TalkScreen.-notes #scene-notes { display: block; }
    """

    def __init__(self, session: RaceSession, talk: Talk):
        super().__init__()
        self.session, self.talk = session, talk
        self.index = 0
        self.race: RaceHandle | None = None  # this scene's race, once run

    def compose(self) -> ComposeResult:
        yield Label("", id="scene-title")
        yield Label("", id="scene-caption")
        yield TalkLanes(id="talk-lanes")
        yield Label("", id="talk-verdict")
        yield CoresView(id="talk-cores")
        with Vertical(id="presenter"):
            with Horizontal(id="presenter-line"):
                yield Label("", id="presenter-where")
                yield Label("", id="presenter-busy")
            yield Label("", id="scene-notes")
        yield Footer()

    async def on_mount(self) -> None:
        self.query_one("#talk-cores").border_title = "cores"
        await self.show_scene()
        self.set_interval(1 / tunables.REFRESH_HZ, self.refresh_race)

    @property
    def scene(self):
        return self.talk.scenes[self.index]

    async def show_scene(self) -> None:
        scene = self.scene
        self.race = None
        self.query_one("#presenter-where", Label).update(
            f"scene {self.index + 1} of {len(self.talk.scenes)} · {self.talk.title} · r runs it · o notes")
        self.query_one("#scene-title", Label).update(scene.title)
        self.query_one("#scene-caption", Label).update(scene.caption)
        self.query_one("#scene-notes", Label).update(scene.notes or "(no notes for this scene)")
        self.query_one("#talk-verdict", Label).update("")
        lanes = self.query_one(TalkLanes)
        await lanes.set_lanes([spec.name for spec in scene.config.lane_specs()])
        lanes.show({})
        self.refresh_race()

    def refresh_race(self) -> None:
        self.session.poll()  # a finished scene joins the session's results, as on the main screen
        sampler = self.race.sampler if self.race is not None else self.session.sampler
        state = self.race.snapshot() if self.race is not None else None
        running = state.lanes if state and not self.race.done else []
        # Each busy core in the colour of the lane running on it, named in the pane's legend.
        self.query_one(CoresView).show(sampler.snapshot(), lane_marks(self.query_one(TalkLanes).names, running),
                                       hold_height=bool(running))
        busy = self.session.busy_warning()
        set_text(self.query_one("#presenter-busy", Label), f"  {busy}" if busy else "")
        if state is None:
            return
        self.query_one(TalkLanes).show({lane.name: lane for lane in state.lanes})
        advice = state.recommendation  # which API to use, under the verdict
        verdict = (Text.assemble(state.verdict or "", "\n", advice_text(advice.text, style="not bold")) if advice
                   else state.verdict or "")
        set_text(self.query_one("#talk-verdict", Label), verdict)

    def action_run(self) -> None:
        self.race = self.session.start(self.scene.config.with_changes(start_method=self.session.config.start_method))

    def action_cancel(self) -> None:
        if self.session.racing:
            self.run_worker(self.session.cancel, thread=True, exclusive=False)
            self.notify("Race cancelled: every lane process is ending.")

    async def action_step(self, step: int) -> None:
        index = self.index + step
        if not 0 <= index < len(self.talk.scenes):
            self.notify("That was the last scene." if step > 0 else "This is the first scene.", timeout=2)
            return
        self.session.stop(wait=False)  # this scene's race, if it still runs
        self.index = index
        await self.show_scene()

    def action_notes(self) -> None:
        self.toggle_class("-notes")
