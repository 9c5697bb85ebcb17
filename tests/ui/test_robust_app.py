"""Issue 12 in the app: output folders checked inline before writing, failed writes that never end the app,
starting settings honoured for every workload and lab, damaged replays that say so, the size warning whole."""

from __future__ import annotations

import os

import pytest
from textual.widgets import Input, Label

from tuiconc.engine.config import RaceConfig, lab_config
from tuiconc.engine.replay import load_replay
from tuiconc.ui.app import TuiconcApp
from tuiconc.ui.screens.prompt import PromptScreen

from appkit import DATA, wait_for

QUICK = RaceConfig(workload="primes", size=30_000, workers=2, runners=("sequential",))


def problem_shown(app) -> str:
    return str(app.screen.query_one(".problem", Label).render())


async def type_folder(pilot, app, folder: str) -> None:
    app.screen.query_one(Input).value = folder
    await pilot.press("enter")
    await pilot.pause(0.2)


async def test_x_never_writes_over_a_name_taken_and_saves_under_the_next(tmp_path):
    (tmp_path / "tuiconc-results.csv").mkdir()  # taken, by a folder even
    app = TuiconcApp(QUICK)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session.history)
        await pilot.press("x")
        await type_folder(pilot, app, str(tmp_path))
        assert not isinstance(app.screen, PromptScreen)
        assert sorted(os.listdir(tmp_path)) == ["tuiconc-last-race-2.recording.json", "tuiconc-results-2.csv",
                                                "tuiconc-results-2.json", "tuiconc-results-2.md", "tuiconc-results.csv"]


async def test_a_write_failing_after_the_check_is_an_error_notice_not_an_exit(tmp_path, monkeypatch):
    app = TuiconcApp(QUICK)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session.history)
        await pilot.press("x")

        def disk_full(descriptor):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", disk_full)
        await type_folder(pilot, app, str(tmp_path))
        assert app.is_running
        notices = [n.message for n in app._notifications]
        assert any(m.startswith("Not saved: cannot write") and "No space left on device" in m for m in notices)
    assert os.listdir(tmp_path) == []  # no half files, no temporary ones


async def test_ctrl_s_into_proc_is_refused_inline():
    app = TuiconcApp(QUICK)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+s")
        await type_folder(pilot, app, "/proc")
        assert isinstance(app.screen, PromptScreen) and app.is_running
        assert "cannot create a file in '/proc'" in problem_shown(app) or "can't write in '/proc'" in problem_shown(app)


def shown_setting(app, name: str) -> str:
    return app.screen.query_one(f"#input-{name}", Input).value


@pytest.mark.parametrize("config,size,workers", [
    (RaceConfig(workload="countdown", size=12_345), 12_345, 4),
    (RaceConfig(workload="http", size=400, runners=("asyncio",)), 400, 4),
    (lab_config("race-condition").with_changes(size=5_000, workers=3), 5_000, 3),
], ids=["countdown", "http", "race-condition lab"])
async def test_the_starting_settings_are_the_ones_raced(config, size, workers):
    app = TuiconcApp(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        raced = app.session.race_config()
        assert (raced.workload, raced.effective_size, raced.workers, raced.lab) == (
            config.workload, size, workers, config.lab)
        assert shown_setting(app, "size").replace(",", "") == str(size)


async def test_a_damaged_replay_shows_its_error_instead_of_waiting():
    recording = load_replay(os.path.join(DATA, "primes-race.json"))
    recording.events = [[0.0, "status", {"status": "running"}], [0.01, "cores", {"cores": None}]]
    app = TuiconcApp(replay=(recording, 4.0))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.session.last_state is not None and app.session.last_state.status == "failed",
                       timeout=20)
        await wait_for(pilot, lambda: any("damaged at event 2" in n.message for n in app._notifications), timeout=5)


@pytest.mark.parametrize("size", [(60, 20), (79, 30)])
async def test_the_size_warning_is_whole_and_follows_each_resize(size):
    app = TuiconcApp(QUICK)
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.1)
        label = app.screen.query_one("#too-small", Label)
        assert f"{size[0]}×{size[1]}" in str(label.render())
        shown = " ".join(strip.text for strip in label.render_lines(label.region.reset_offset))
        assert "font smaller." in " ".join(shown.split())
        await pilot.resize_terminal(70, 22)
        await pilot.pause(0.1)
        assert "70×22" in str(label.render())
