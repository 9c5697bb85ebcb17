"""The app's main states, drawn at 80×24 and 120×40 (the talk also at a projector's 200×60) and
compared with the saved SVG snapshots.

Finished races come from recordings in tests/data replayed in the app, so the figures are the
same on every machine; the core meters read fixed values. Update after an intended change with
`python -m pytest tests/ui/test_snapshots.py --snapshot-update`, and look at the new SVGs.
"""

from __future__ import annotations


import pytest

from tuiconc.engine.config import RaceConfig
from tuiconc.teach.talk import load_talk
from tuiconc.ui.app import TuiconcApp
from tuiconc.ui.screens.talk import TalkScreen

from appkit import MACHINE, FixedSampler, FrozenReplay, many_cores, recording, wait_for

SIZES = [(80, 24), (120, 40)]
IDS = ["80x24", "120x40"]
TALK_SIZES = [(80, 24), (120, 40), (200, 60)]
TALK_IDS = ["80x24", "120x40", "200x60"]


def replay_app(name: str) -> TuiconcApp:
    return TuiconcApp(sampler=FixedSampler(), machine=MACHINE, replay=(recording(name), 4.0))


async def until_replayed(pilot) -> None:
    await wait_for(pilot, lambda: pilot.app.session.history)
    await pilot.pause(0.3)  # the lanes' last redraw


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_idle(snap_compare, size):
    app = TuiconcApp(RaceConfig(), sampler=FixedSampler(), machine=MACHINE)
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_cpu_race_finished(snap_compare, size):
    assert snap_compare(replay_app("primes-race.json"), terminal_size=size, run_before=until_replayed)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_io_race_finished(snap_compare, size):
    assert snap_compare(replay_app("http-race.json"), terminal_size=size, run_before=until_replayed)


def test_worker_timeline(snap_compare):
    async def open_timeline(pilot):
        await until_replayed(pilot)
        await pilot.press("t")
        await pilot.pause(0.2)

    assert snap_compare(replay_app("primes-race.json"), terminal_size=(120, 40), run_before=open_timeline)


def test_explain(snap_compare):
    app = TuiconcApp(RaceConfig(), sampler=FixedSampler(), machine=MACHINE)
    assert snap_compare(app, terminal_size=(120, 40), press=["e"])


def test_help(snap_compare):
    app = TuiconcApp(RaceConfig(), sampler=FixedSampler(), machine=MACHINE)
    assert snap_compare(app, terminal_size=(80, 24), press=["question_mark"])


def test_cpu_race_running(snap_compare, monkeypatch):
    """A race mid-way at 80×24: the recorded race held 7 s in, threading running, sequential done."""
    monkeypatch.setattr("tuiconc.engine.session.ReplayRace", FrozenReplay)
    app = TuiconcApp(sampler=FixedSampler(), machine=MACHINE, replay=(recording("primes-race.json"), 1.0))
    assert snap_compare(app, terminal_size=(80, 24), run_before=lambda pilot: pilot.pause(0.3))


@pytest.mark.parametrize("size", TALK_SIZES, ids=TALK_IDS)
def test_talk_scene_finished(snap_compare, size):
    """Scene 2 (sequential against multiprocessing), its race replayed from a recording."""
    app = TuiconcApp(sampler=FixedSampler(), machine=MACHINE, talk=load_talk(),
                     replay=(recording("primes-race.json"), 4.0))

    async def run_scene(pilot):
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, TalkScreen))  # its keys, not the main screen's
        await pilot.press("n", "r")
        await wait_for(pilot, lambda: pilot.app.screen.race is not None and pilot.app.screen.race.done)
        await pilot.pause(0.3)  # the lanes' last redraw

    assert snap_compare(app, terminal_size=size, run_before=run_scene)


def test_talk_notes(snap_compare):
    app = TuiconcApp(sampler=FixedSampler(), machine=MACHINE, talk=load_talk())
    assert snap_compare(app, terminal_size=(120, 40), press=["o"])


def test_too_small(snap_compare):
    app = TuiconcApp(RaceConfig(), sampler=FixedSampler(), machine=MACHINE)
    assert snap_compare(app, terminal_size=(70, 20))


@pytest.mark.parametrize("count", [2, 8, 16, 64, 128])
@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_cores(snap_compare, size, count):
    """The cores pane fits from 2 to 128 cores at both sizes: figures where they fit, blocks where not."""
    app = TuiconcApp(RaceConfig(), sampler=FixedSampler(many_cores(count)),
                     machine={**MACHINE, "usable_cpus": count, "logical_cpus": count})
    assert snap_compare(app, terminal_size=size)


def test_gil_waits(snap_compare):
    """Four threads waiting for the GIL beside four processes that don't: each worker's states after its bar,
    the colours' legend on the race pane's border, the GIL wait column."""
    assert snap_compare(replay_app("gil-race.json"), terminal_size=(120, 40), run_before=until_replayed)


def test_gil_waits_on_the_timeline(snap_compare):
    """The same race's timeline at 50 ms: threads taking turns on the colour of their wait for the GIL,
    processes waiting only for a CPU (four of them on two)."""
    async def zoomed(pilot):
        await until_replayed(pilot)
        await pilot.press("t", "z", "z", "z")
        pilot.app.clear_notifications()  # the zoom's toasts would cover the processes' rows
        await pilot.pause(0.3)

    assert snap_compare(replay_app("gil-race.json"), terminal_size=(120, 40), run_before=zoomed)
