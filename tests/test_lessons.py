"""The Explain pane's lessons: each one's race is valid, and at a small size it ends as its text says."""

import pytest

from tuiconc.engine.config import problems, unavailable_lanes
from tuiconc.teach.lessons import lessons
from tuiconc.engine.race import Race

from conftest import NEEDS_FREE_CORES, expect_winner
from test_talk import small

LESSONS = {lesson.key: lesson for lesson in lessons()}


def test_every_lesson_has_a_valid_race_and_its_expected_lanes():
    for lesson in LESSONS.values():
        if unavailable_lanes(lesson.config):  # the cluster lesson, without the dask extra
            assert "pip install 'tuiconc[dask]'" in problems(lesson.config)["runners"]
            continue
        assert not problems(lesson.config), lesson.key
        lanes = {spec.name for spec in lesson.config.lane_specs()}
        assert lesson.expect and set(lesson.expect) <= lanes, lesson.key
        assert lesson.text.strip() and lesson.watch


@NEEDS_FREE_CORES
@pytest.mark.parametrize("key", list(LESSONS))
def test_each_lesson_race_ends_as_the_lesson_says(key):
    lesson = LESSONS[key]
    if unavailable_lanes(lesson.config):
        pytest.skip(unavailable_lanes(lesson.config))
    config = lesson.config if key == "hybrid" else small(lesson.config)  # the hybrid needs its waits long
    state = Race(config).run()
    assert state.status == "finished", state.error
    expect_winner(state, lesson.expect, key)


def test_the_convoy_lesson_measures_what_it_says():
    """Its threads wait for the GIL more than on I/O: measured from outside the lane, as the text says."""
    lesson = LESSONS["convoy"]
    threads = Race(lesson.config).run().lane("threading")
    assert threads.status == "finished" and threads.correct, threads
    assert threads.states["waiting_gil"] > max(0.3, threads.states["waiting_io"]), threads.states
    assert len(threads.worker_states) == 4
