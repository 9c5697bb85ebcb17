"""Talk files: validated with file, line and field; the built-in talk's scenes each end with their
expected winner (at small sizes, so the suite stays quick)."""

import importlib.util

import pytest

from tuiconc.engine.race import Race
from tuiconc.runners import RUNNERS
from tuiconc.teach.talk import TalkError, load_talk, parse_talk

from conftest import NEEDS_FREE_CORES, expect_winner

HAS_DASK = importlib.util.find_spec("distributed") is not None

SMALL_SIZES = {"primes": 300_000, "sha256": 600, "http": 40, "sleep": 8, "tiny-tasks": 2_000_000,
               "fetch-and-crunch": 16, "counter": 5_000}


def small(config):
    return config.with_changes(size=min(SMALL_SIZES[config.workload], config.effective_size), latency_ms=min(config.latency_ms, 40),
                               workers=min(config.workers, 200))


def test_the_built_in_talk_loads():
    talk = load_talk()
    # The last scene races Dask: optional, so without the extra it is left out, saying why.
    if HAS_DASK:
        assert len(talk.scenes) == 9 and not talk.skipped
    else:
        assert len(talk.scenes) == 8
        assert talk.skipped == ("scene 9 (When one machine isn't enough) left out: runner 'dask' is not available "
                                "here: needs Dask distributed: pip install 'tuiconc[dask]'",)
    assert all(scene.title and scene.caption and scene.expect for scene in talk.scenes)


def test_an_optional_scene_is_left_out_only_where_its_runner_is_missing(monkeypatch):
    text = GOOD + 'runners = ["sequential", "interpreters"]\noptional = true\n' + GOOD.split("\n", 1)[1]
    monkeypatch.setattr(RUNNERS["interpreters"], "unavailable_reason", lambda: "needs Python 3.14")
    talk = parse_talk(text, "x.toml")
    assert [scene.title for scene in talk.scenes] == ["one"]
    assert talk.skipped == ("scene 1 (one) left out: runner 'interpreters' is not available here: needs Python 3.14",)
    monkeypatch.setattr(RUNNERS["interpreters"], "unavailable_reason", lambda: None)
    assert len(parse_talk(text, "x.toml").scenes) == 2
    with pytest.raises(TalkError, match="x.toml:7: scene 1, runners: runner 'interpreters' is not available"):
        monkeypatch.setattr(RUNNERS["interpreters"], "unavailable_reason", lambda: "needs Python 3.14")
        parse_talk(text.replace("optional = true", "optional = false"), "x.toml")


@pytest.mark.parametrize("index", range(len(load_talk().scenes)))
@NEEDS_FREE_CORES
def test_each_built_in_scene_ends_with_its_expected_winner(index):
    scene = load_talk().scenes[index]
    state = Race(small(scene.config)).run()
    assert state.status == "finished", state.error
    expect_winner(state, scene.expect, scene.title)


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
    (GOOD + 'optional = "yes"\n', "x.toml:7: scene 1, optional: must be true or false"),
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
