"""Talk mode: one scene at a time, large and high-contrast, for a projector.

The app runs each scene's race as it runs any race (so quitting, cancelling and hang-ups end
its lanes the same way); this screen draws it big: the title, what to expect, the lanes, and
each lane's wall time in Digits once it finishes.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Digits, Footer, Label

from tuiconc import tunables, units
from tuiconc.engine.lane import LaneState
from tuiconc.engine.race import RaceHandle
from tuiconc.engine.session import RaceSession
from tuiconc.teach.talk import Talk
from tuiconc.ui.widgets.cores import CoresView
from tuiconc.ui.widgets.race_pane import RacePane



class ResultCard(Vertical):
    """One lane's result, big enough to read from the back of the room."""

    DEFAULT_CSS = """
    ResultCard { width: 1fr; height: auto; border: round $primary; padding: 0 1; }
    ResultCard.-first { border: heavy $success; }
    ResultCard.-failed { border: round $error; }
    ResultCard Digits { width: auto; }
    ResultCard .card-note { color: $text-muted; }
    """

    def __init__(self, name: str, **kwargs):
        super().__init__(**kwargs)
        self.border_title = name

    def compose(self) -> ComposeResult:
        yield Digits("")
        yield Label("", classes="card-note")

    def show(self, lane: LaneState | None) -> None:
        digits, note = "", ""
        if lane is not None and lane.status == "finished":
            digits = f"{lane.wall_s:.2f}" if lane.wall_s is not None else ""
            note = (f"seconds · {units.place(lane.place) or 'no place'} · {units.ratio(lane.speedup)} "
                    f"· {units.ratio(lane.cores, '')} cores {units.correct_mark(lane.correct)}")
        elif lane is not None and lane.status in ("failed", "cancelled"):
            note = lane.status + (f": {lane.error}" if lane.error else "")
        self.query_one(Digits).update(digits)
        self.query_one(".card-note", Label).update(note)
        self.set_class(lane is not None and lane.place == 1, "-first")
        self.set_class(lane is not None and (lane.status == "failed" or lane.correct is False), "-failed")


class TalkScreen(Screen):
    BINDINGS = [
        Binding("n,right,space,pagedown", "step(1)", "Next scene", key_display="n"),
        Binding("p,left,pageup", "step(-1)", "Previous", key_display="p"),
        Binding("r,enter", "run", "Run"),
        Binding("o", "notes", "Notes"),
        Binding("c,escape", "cancel", "Cancel"),
    ]
    DEFAULT_CSS = """
    TalkScreen { padding: 0 2; }
    TalkScreen #scene-number { color: $text-muted; }
    TalkScreen #scene-title { text-style: bold; color: $primary; width: 1fr; }
    TalkScreen #scene-caption { width: 1fr; padding-bottom: 1; }
    TalkScreen #talk-race { border: round $primary 60%; }
    TalkScreen #talk-bottom { height: 1fr; }
    TalkScreen #cards { width: 1fr; height: auto; }
    TalkScreen #talk-cores { width: 36; border: round $primary 60%; }
    TalkScreen #scene-notes { display: none; dock: bottom; height: auto; max-height: 8; width: 1fr;
                              border: round $secondary; padding: 0 1; color: $secondary; }
    TalkScreen.-notes #scene-notes { display: block; }
    """

    def __init__(self, session: RaceSession, talk: Talk):
        super().__init__()
        self.session, self.talk = session, talk
        self.index = 0
        self.race: RaceHandle | None = None  # this scene's race, once run

    def compose(self) -> ComposeResult:
        yield Label("", id="scene-number")
        yield Label("", id="scene-title")
        yield Label("", id="scene-caption")
        yield RacePane(id="talk-race")
        with Horizontal(id="talk-bottom"):
            yield Horizontal(id="cards")
            yield CoresView(id="talk-cores")
        yield Label("", id="scene-notes")
        yield Footer()

    async def on_mount(self) -> None:
        self.query_one("#talk-race").border_title = "Race"
        self.query_one("#talk-cores").border_title = "Cores"
        self.query_one("#scene-notes").border_title = "Notes (o hides them)"
        await self.show_scene()
        self.set_interval(1 / tunables.REFRESH_HZ, self.refresh_race)

    @property
    def scene(self):
        return self.talk.scenes[self.index]

    async def show_scene(self) -> None:
        scene = self.scene
        self.race = None
        self.query_one("#scene-number", Label).update(
            f"{self.talk.title} · scene {self.index + 1} of {len(self.talk.scenes)}")
        self.query_one("#scene-title", Label).update(scene.title)
        self.query_one("#scene-caption", Label).update(scene.caption + "  Press r to run it.")
        self.query_one("#scene-notes", Label).update(scene.notes or "(no notes for this scene)")
        names = [spec.name for spec in scene.config.lane_specs()]
        pane = self.query_one(RacePane)
        await pane.set_lanes(names)
        pane.show(None, set(names))
        cards = self.query_one("#cards")
        await cards.remove_children()
        await cards.mount_all(ResultCard(name) for name in names)

    def refresh_race(self) -> None:
        self.session.poll()  # a finished scene joins the session's results, as on the main screen
        sampler = self.race.sampler if self.race is not None else self.session.sampler
        state = self.race.snapshot() if self.race is not None else None
        lanes = state.lanes if state and not self.race.done else []
        self.query_one(CoresView).show(sampler.snapshot(), self.query_one(RacePane).marks(lanes))
        if state is None:
            return
        self.query_one(RacePane).show(state, {lane.name for lane in state.lanes})
        lanes = {lane.name: lane for lane in state.lanes}
        for card in self.query(ResultCard):
            card.show(lanes.get(card.border_title))

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
