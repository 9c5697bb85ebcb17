"""On stage: the talk driven with only "run" and "next", and a recording replayed in the app."""

from __future__ import annotations

import dataclasses

from tuiconc.engine.replay import ReplayRace
from tuiconc.teach.talk import load_talk
from tuiconc.ui.app import TuiconcApp
from tuiconc.ui.screens.talk import TalkScreen
from tuiconc.ui.widgets.big_text import BigText

from appkit import recording, wait_for
from conftest import NEEDS_FREE_CORES, descendants, expect_winner
from test_talk import small


@NEEDS_FREE_CORES
async def test_the_built_in_talk_runs_end_to_end_with_run_and_next_only():
    talk = load_talk()
    talk = dataclasses.replace(talk, scenes=tuple(dataclasses.replace(scene, config=small(scene.config))
                                                  for scene in talk.scenes))
    app = TuiconcApp(talk=talk)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, TalkScreen) and app.theme == "high-contrast"
        for number, scene in enumerate(talk.scenes, 1):
            assert f"scene {number} of {len(talk.scenes)}" in str(app.screen.query_one("#presenter-where").render())
            await pilot.press("r")
            await wait_for(pilot, lambda: len(app.session.history) == number, timeout=120)
            await pilot.pause(0.3)  # the screen's next redraw
            expect_winner(app.session.history[-1], scene.expect, scene.title)
            assert any(figure.text for figure in app.screen.query(BigText))  # wall times, large
            await pilot.press("n")
        assert not descendants()


async def test_a_replay_in_the_app_ends_with_the_recorded_results():
    recorded = recording("http-race.json")
    expected = ReplayRace(recorded, speed=4).run()
    app = TuiconcApp(replay=(recorded, 4.0))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.session.history)
        assert app.session.history[-1].to_json()["lanes"] == expected.to_json()["lanes"]
        assert "replay" in str(app.screen.query_one("#status").render())
        await pilot.press("plus")  # a change of settings leaves the replay: races are live again
        assert app.session.replaying is None
