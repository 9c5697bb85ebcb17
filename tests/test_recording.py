"""Recordings replay exactly; exports and comparisons read what races wrote."""

import csv
import io
import json
import os
import subprocess
import time

import pytest

from tuiconc.engine.config import RaceConfig
from tuiconc.engine.export import ResultsError, load_results, to_csv, to_markdown
from tuiconc.engine.race import Race
from tuiconc.engine.recording import RecordingError, load
from tuiconc.engine.replay import ReplayRace


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    race = Race(RaceConfig(workload="sleep", size=12, workers=4, latency_ms=100, mode="together",
                           runners=("sequential", "threading", "asyncio")))
    live = race.run()
    path = tmp_path_factory.mktemp("rec") / "race.json"
    race.recording().save(str(path))
    return live, race, str(path)


def test_a_replay_ends_with_the_same_results_table(recorded):
    live, race, path = recorded
    replayed = ReplayRace(load(path), speed=4).run()
    assert replayed.to_json()["lanes"] == live.to_json()["lanes"]
    assert replayed.verdict == live.verdict and replayed.status == "finished"
    assert replayed.lane("asyncio").place == live.lane("asyncio").place


def test_a_replay_rebuilds_the_timeline(recorded):
    live, race, path = recorded
    replay = ReplayRace(load(path), speed=4)
    replay.run()
    original = {lane.runner: {slot: t.spans() for slot, t in lane.workers.items()} for lane in race.timeline.lanes()}
    again = {lane.runner: {slot: t.spans() for slot, t in lane.workers.items()} for lane in replay.timeline.lanes()}
    assert again == original and again


def test_four_times_faster_takes_a_quarter_of_the_time(recorded):
    """Pacing, not performance: the replay sleeps until each event's time divided by the speed."""
    _, _, path = recorded
    recording = load(path)
    started = time.monotonic()
    ReplayRace(recording, speed=4).run()
    took = time.monotonic() - started
    assert took >= recording.duration_s / 4 * 0.95
    assert took < recording.duration_s  # faster than real time; benchmarks/replay.py prints the ratio


def test_a_replay_shows_the_race_in_progress(recorded):
    _, _, path = recorded
    replay = ReplayRace(load(path), speed=1).start()
    try:
        seen = set()
        while not replay.wait(0.02):
            seen |= {lane.status for lane in replay.snapshot().lanes}
        assert "running" in seen and "finished" in seen
        assert replay.sampler.snapshot().cores  # core readings came with it
    finally:
        replay.cancel()


def test_cancelling_a_replay_stops_it(recorded):
    _, _, path = recorded
    replay = ReplayRace(load(path), speed=0.25).start()
    replay.cancel()
    assert replay.done and replay.snapshot().status == "cancelled"


@pytest.mark.parametrize("content,message", [
    ("not json", "is not JSON"),
    ('{"format": "other"}', "is not a tuiconc recording"),
    ('{"format": "tuiconc-recording", "version": 99}', "version 99 recording"),
    ('{"format": "tuiconc-recording", "version": 1, "config": {}}', "damaged"),
])
def test_bad_recordings_are_refused_clearly(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(RecordingError, match=message):
        load(str(path))


def test_exports_hold_every_lane(recorded):
    live, _, _ = recorded
    table = list(csv.DictReader(io.StringIO(to_csv([live, live]))))
    assert len(table) == 6 and {row["race"] for row in table} == {"1", "2"}
    assert table[0]["lane"] == "sequential" and float(table[0]["wall_s"]) == live.lanes[0].wall_s
    markdown = to_markdown([live])
    assert "| asyncio | ✓ |" in markdown and live.verdict in markdown


def test_results_load_from_race_json_and_from_exports(tmp_path, recorded):
    live, _, _ = recorded
    single = tmp_path / "one.json"
    single.write_text(json.dumps(live.to_json()))
    assert load_results(str(single))[0]["lanes"][0]["runner"] == "sequential"
    with pytest.raises(ResultsError, match="holds no tuiconc results"):
        (tmp_path / "x.json").write_text("{}")
        load_results(str(tmp_path / "x.json"))


def test_cli_record_replay_and_compare(tuiconc_cmd, cli_env, tmp_path):
    recording, results = tmp_path / "r.json", tmp_path / "a.json"
    race = subprocess.run([*tuiconc_cmd, "race", "-w", "sleep", "-n", "4", "--latency-ms", "20", "--runners",
                           "sequential,asyncio", "--record", str(recording), "--json"], capture_output=True,
                          text=True, env=cli_env, timeout=120)
    assert race.returncode == 0, race.stderr
    results.write_text(race.stdout)
    replay = subprocess.run([*tuiconc_cmd, "replay", str(recording), "--speed", "4", "--json"], capture_output=True,
                            text=True, env=cli_env, timeout=120)
    assert replay.returncode == 0, replay.stderr
    assert json.loads(replay.stdout)["lanes"] == json.loads(race.stdout)["lanes"]
    compare = subprocess.run([*tuiconc_cmd, "compare", str(results), str(results)], capture_output=True,
                             text=True, env=cli_env, timeout=60)
    assert compare.returncode == 0 and "1.00×" in compare.stdout
    refused = subprocess.run([*tuiconc_cmd, "replay", str(results)], capture_output=True, text=True, env=cli_env,
                             timeout=60)
    assert refused.returncode == 2 and "is not a tuiconc recording" in refused.stderr
    mixed_up = subprocess.run([*tuiconc_cmd, "compare", str(recording), str(results)], capture_output=True,
                              text=True, env=cli_env, timeout=60)
    assert mixed_up.returncode == 2 and mixed_up.stdout == ""  # once, every cell came out "—"
    assert mixed_up.stderr.strip().endswith("is a recording, not results: replay it (tuiconc replay FILE --json) "
                                            "and compare what it prints")


def test_a_replay_colours_the_timeline_with_the_recorded_thread_samples():
    from tuiconc.engine.replay import ReplayRace, load_replay
    race = ReplayRace(load_replay(os.path.join(os.path.dirname(__file__), "data", "gil-race.json")), speed=4)
    race.run()
    threading = next(lane for lane in race.timeline.lanes() if lane.runner == "threading")
    assert any(state == 2 for track in threading.workers.values() for _, _, state in track.state_runs())
