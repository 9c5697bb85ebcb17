"""The race session without any UI: settings, real races, history, cancelling, saving."""

from __future__ import annotations

import json
import threading
import time

import pytest

from tuiconc.engine.config import RaceConfig, lab_config
from tuiconc.engine.session import LAST_RACE_RECORDING, RESULTS_STEM, RaceSession

from conftest import descendants

QUICK = RaceConfig(workload="primes", size=20_000, workers=2, runners=("sequential", "threading"))


@pytest.fixture
def session_of():
    """Sessions with this machine's real sampler, each closed at the end of the test."""
    made = []

    def make(config=QUICK, **kwargs) -> RaceSession:
        made.append(RaceSession(config, **kwargs))
        return made[-1]

    yield make
    for session in made:
        session.close()


def poll_until_done(session: RaceSession, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while session.race is not None:
        assert time.monotonic() < deadline, "the race did not end in time"
        session.poll()
        time.sleep(0.05)
    return session.last_state


def test_lanes_turned_off_stay_out_of_the_race():
    session = RaceSession(QUICK.with_changes(runners=("sequential", "threading", "multiprocessing")))
    session.enabled.discard("multiprocessing")
    assert session.race_config().runners == ("sequential", "threading")
    assert "multiprocessing" in session.lane_names()  # still listed, to be turned back on


def test_a_lab_keeps_its_own_lanes_whatever_is_enabled():
    session = RaceSession(lab_config("race-condition"))
    session.enabled.clear()
    assert session.race_config() == session.config
    assert session.shown_enabled() == set(session.lane_names())


def test_a_finished_race_joins_the_history_once_however_often_it_is_polled(session_of):
    session = session_of()
    race = session.start()
    state = poll_until_done(session)
    assert state.status == "finished" and all(lane.correct for lane in state.lanes)
    assert session.history == [state]
    assert session.poll() is None and session.history == [state]
    assert session.shown_race is race  # the timeline still draws it


def test_a_cancelled_race_ends_its_processes_and_stays_out_of_the_history(session_of):
    session = session_of(QUICK.with_changes(size=50_000_000, mode="together"))
    session.start()
    deadline = time.monotonic() + 30
    while len(descendants()) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    session.cancel()
    assert poll_until_done(session).status == "cancelled"
    assert session.history == [] and not descendants()


def test_starting_again_ends_the_race_still_running(session_of):
    session = session_of(QUICK.with_changes(size=50_000_000))
    first = session.start()
    second = session.start(QUICK)
    assert first.wait(10) and first.snapshot().status == "cancelled"
    assert poll_until_done(session).status == "finished" and session.shown_race is second


def test_new_settings_end_a_replay(tmp_path, session_of):
    session = session_of()
    session.start()
    poll_until_done(session)
    path = tmp_path / "race.recording.json"
    session.shown_race.recording().save(str(path))
    from tuiconc.engine.recording import load

    replaying = session_of(None, replay=(load(str(path)), 4.0))
    assert replaying.config.workload == "primes" and replaying.replaying is not None
    assert replaying.apply(QUICK) is True and replaying.replaying is None
    assert replaying.apply(QUICK) is False


def test_export_saves_the_history_and_the_last_race(tmp_path, session_of):
    session = session_of()
    session.start()
    poll_until_done(session)
    message = session.export(str(tmp_path))
    assert message.startswith(f"Saved 1 race as {tmp_path / RESULTS_STEM}.json, .csv, .md")
    assert str(tmp_path / LAST_RACE_RECORDING) in message
    saved = json.loads((tmp_path / f"{RESULTS_STEM}.json").read_text())
    assert saved["races"][0]["lanes"][0]["runner"] == "sequential"
    assert (tmp_path / f"{RESULTS_STEM}.csv").read_text().count("\n") >= 3
    assert (tmp_path / LAST_RACE_RECORDING).exists()
    first = (tmp_path / f"{RESULTS_STEM}.json").read_bytes()
    again = session.export(str(tmp_path))  # never over the first: the next names
    assert f"{RESULTS_STEM}-2.json" in again and "tuiconc-last-race-2.recording.json" in again
    assert (tmp_path / f"{RESULTS_STEM}.json").read_bytes() == first
    assert len(list(tmp_path.iterdir())) == 8


def test_close_ends_the_race_and_stops_the_sampler():
    session = RaceSession(QUICK.with_changes(size=50_000_000))
    session.start()
    assert any(thread.name == "tuiconc-sampler" for thread in threading.enumerate())
    session.close()
    assert not descendants()
    assert not any(thread.name == "tuiconc-sampler" for thread in threading.enumerate())


def test_the_csv_says_whether_each_race_was_disturbed_and_which_lane_won(tmp_path, session_of):
    import csv

    session = session_of()
    session.start()
    poll_until_done(session)
    session.export(str(tmp_path))
    rows = list(csv.DictReader(open(tmp_path / f"{RESULTS_STEM}.csv")))
    state = session.history[-1]
    assert {row["disturbed"] for row in rows} == {state.disturbed or ""}
    assert [row["winner"] for row in rows] == [str(lane is state.winner) for lane in state.lanes]
