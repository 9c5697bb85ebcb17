"""The app's main states, drawn at 80×24 and 120×40 and compared with the saved SVG snapshots.

Finished races come from recordings in tests/data replayed in the app, so the figures are the
same on every machine; the core meters read fixed values. Update after an intended change with
`python -m pytest tests/ui/test_snapshots.py --snapshot-update`, and look at the new SVGs.
"""

from __future__ import annotations


import pytest

from tuiconc.engine.config import RaceConfig
from tuiconc.teach.talk import load_talk
from tuiconc.ui.app import TuiconcApp

from appkit import MACHINE, FixedSampler, many_cores, recording, wait_for

SIZES = [(80, 24), (120, 40)]
IDS = ["80x24", "120x40"]


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


def test_talk(snap_compare):
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
