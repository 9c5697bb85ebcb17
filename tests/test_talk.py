"""Talk files: validated with file, line and field; the built-in talk's scenes each end with their
expected winner (at small sizes, so the suite stays quick)."""

import pytest

from tuiconc.engine.race import Race
from tuiconc.teach.talk import TalkError, load_talk, parse_talk

from conftest import NEEDS_FREE_CORES

SMALL_SIZES = {"primes": 300_000, "sha256": 600, "http": 40, "sleep": 8, "tiny-tasks": 2_000_000,
               "fetch-and-crunch": 16, "counter": 5_000}


def small(config):
    return config.with_changes(size=SMALL_SIZES[config.workload], latency_ms=min(config.latency_ms, 40),
                               workers=min(config.workers, 200))


def test_the_built_in_talk_loads():
    talk = load_talk()
    assert len(talk.scenes) == 8
    assert all(scene.title and scene.caption and scene.expect for scene in talk.scenes)


@pytest.mark.parametrize("index", range(8))
@NEEDS_FREE_CORES
def test_each_built_in_scene_ends_with_its_expected_winner(index):
    scene = load_talk().scenes[index]
    state = Race(small(scene.config)).run()
    assert state.status == "finished", state.error
    winner = next(lane for lane in state.lanes if lane.place == 1)
    assert winner.name in scene.expect, [(lane.name, lane.wall_s, lane.error) for lane in state.lanes]


GOOD = '''title = "t"
[[scenes]]
title = "one"
caption = "c"
workload = "primes"
size = 1000
'''


@pytest.mark.parametrize("text,message", [
    ("not toml ===", "not valid TOML"),
    ('title = "t"\n', "talk: no scenes"),
    (GOOD + '[[scenes]]\ntitle = "two"\ncaption = "c"\nworkers = 0\n', "x.toml:10: scene 2, workers: workers must be at least 1"),
    (GOOD + '[[scenes]]\ntitle = "two"\ncaption = "c"\nworkload = "nope"\n', "x.toml:10: scene 2, workload: unknown workload 'nope'"),
    (GOOD.replace('size = 1000', 'size = "big"'), "x.toml:6: scene 1, size: must be a whole number"),
    (GOOD.replace('caption = "c"\n', ''), "x.toml:2: scene 1: every scene needs a caption"),
    (GOOD + 'colour = "red"\n', "x.toml:7: scene 1, colour: unknown field"),
    (GOOD + 'expect = ["hybrid"]\n', "x.toml:7: scene 1, expect: 'hybrid' is not one of this scene's lanes"),
    (GOOD + 'lab = "nope"\n', "x.toml:7: scene 1, lab: unknown lab 'nope'"),
    (GOOD + 'repeat = 0\n', "x.toml:7: scene 1, repeat: repeat must be from 1 to 50 runs"),
    (GOOD + 'repeat = "twice"\n', "x.toml:7: scene 1, repeat: must be a whole number"),
])
def test_bad_talks_say_file_line_and_field(text, message):
    with pytest.raises(TalkError) as error:
        parse_talk(text, "x.toml")
    assert message in str(error.value)


def test_a_scene_may_repeat_its_race():
    assert parse_talk(GOOD + "repeat = 3\n", "x.toml").scenes[0].config.repeat == 3
    assert parse_talk(GOOD, "x.toml").scenes[0].config.repeat == 1
    assert load_talk().scenes[0].config.repeat == 3  # the built-in talk's noise lesson


def test_a_missing_talk_file_is_a_clear_error(tmp_path):
    with pytest.raises(TalkError, match="cannot read it"):
        load_talk(str(tmp_path / "missing.toml"))
