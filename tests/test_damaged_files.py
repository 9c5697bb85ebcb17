"""Damaged recordings and results: refused with one sentence, or played and compared to the end; never a traceback.

Hypothesis mutates the fixture recording and makes up results files; the property: a RecordingError
(ResultsError) naming the file, or a document every step of a replay (comparison) can use.
"""

import copy
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuiconc.engine.export import ResultsError, load_results
from tuiconc.engine.recording import RecordingError
from tuiconc.engine.replay import ReplayRace, load_replay

DATA = os.path.join(os.path.dirname(__file__), "data")
FIXTURE = json.load(open(os.path.join(DATA, "primes-race.json")))
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def write(tmp_path, document, name="doc.json") -> str:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


def first_event(document, kind):
    return next(event for event in document["events"] if event[1] == kind)


def damaged(change):
    document = copy.deepcopy(FIXTURE)
    change(document)
    return document


# The cases of issue 12, item 6, each refused in one sentence before any replay starts.
DAMAGE = {
    "nested 100,000 deep": ("[" * 100_000 + "]" * 100_000, "nests deeper than 32 levels"),
    "message type bogus": (damaged(lambda d: first_event(d, "message")[2]["message"].update(type="bogus")),
                           "event 5: its message is not an arena message of this version"),
    "event at 1e12 s": (damaged(lambda d: d["events"][-1].__setitem__(0, 1e12)), "its last event is at 1e+12 s"),
    "event time past the end": (damaged(lambda d: d["events"][3].__setitem__(0, 1e6)), "event 4: its time"),
    "event kind bogus": (damaged(lambda d: d["events"][2].__setitem__(1, "bogus")), "unknown kind 'bogus'"),
    "progress as text": (damaged(lambda d: next(e for e in d["events"] if e[1] == "message" and e[2]["message"][
        "type"] == "progress")[2]["message"].update(done="lots")), "done is 'lots', not int"),
    "status unknown": (damaged(lambda d: first_event(d, "status")[2].update(status="exploded")),
                       "unknown race status 'exploded'"),
    "timeline mark far away": (damaged(lambda d: next(e for e in d["events"] if e[1] == "message" and e[2][
        "message"]["type"] == "activity")[2]["message"]["workers"].update({"0": [[10 ** 12, 1]]})),
                               "a timeline mark outside the race"),
    "settle with an unknown field": (damaged(lambda d: first_event(d, "settle")[2]["fields"].update(colour="red")),
                                     "unknown field 'colour'"),
    "thread states out of range": (damaged(lambda d: first_event(d, "settle")[2]["fields"].update(
        states={"running": 3, "waiting_gil": 0, "waiting_io": 0, "waiting_cpu": 0})), "thread states"),
    "a worker's states missing": (damaged(lambda d: first_event(d, "settle")[2]["fields"].update(
        worker_states=[{"pid": 1}])), "are not shares of running"),
    "lane runner unknown": (damaged(lambda d: d["lanes"][0].update(runner="teleport")),
                            "uses a runner this tuiconc does not have"),
    "size negative": (damaged(lambda d: d["config"].update(size=-1)), "size must be at least 1"),
    "no usable CPUs": (damaged(lambda d: d["machine"].update(usable_cpus=0)), "no usable CPU count"),
}


@pytest.mark.parametrize("name", DAMAGE)
def test_damaged_recordings_are_refused_in_one_sentence(tmp_path, name):
    content, words = DAMAGE[name]
    with pytest.raises(RecordingError) as refused:
        load_replay(write(tmp_path, content))
    assert words in str(refused.value) and "\n" not in str(refused.value)


def test_the_fixture_recordings_pass():
    for name in ("primes-race.json", "http-race.json"):
        assert load_replay(os.path.join(DATA, name)).events


def test_an_unchecked_damaged_recording_fails_the_replay_with_its_reason():
    """A Recording built in code skips load_replay's checks; the replay thread must still not die."""
    recording = load_replay(os.path.join(DATA, "primes-race.json"))
    recording.events = [[0.0, "status", {"status": "running"}], [0.0, "cores", {"cores": None}]]
    replay = ReplayRace(recording, speed=4).start()
    assert replay.wait(10)
    state = replay.snapshot()
    assert state.status == "failed" and "damaged at event 2" in state.error


def play_through(recording) -> None:
    """Every event of an accepted recording applied at once (no pacing), then a snapshot and its JSON."""
    replay = ReplayRace(recording, speed=4)
    for _, kind, payload in recording.events:
        replay._apply(kind, payload)
    json.dumps(replay.snapshot().to_json())


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-2 ** 70, 2 ** 70) | st.floats() | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                       max_size=3), max_leaves=6)


def paths(document, prefix=()):
    """Every place in a document a value sits at, as a key path."""
    yield prefix
    items = document.items() if isinstance(document, dict) else enumerate(document) if isinstance(document, list) else ()
    for key, value in items:
        if len(prefix) < 6:
            yield from paths(value, prefix + (key,))


# The race's first second and every lane's end: each kind of event, quick to check.
SMALL = {**FIXTURE, "events": FIXTURE["events"][:60] + [
    event for event in FIXTURE["events"][60:]
    if event[1] == "settle" or (event[1] == "message" and event[2]["message"]["type"] == "finished")]}
SMALL_PATHS = [path for path in paths(SMALL) if path]


@FUZZ
@given(changes=st.lists(st.tuples(st.sampled_from(SMALL_PATHS), JSON_VALUES), min_size=1, max_size=3))
def test_fuzzed_recordings_are_refused_or_replay_to_the_end(tmp_path, changes):
    document = copy.deepcopy(SMALL)
    for path, value in changes:
        place = document
        try:
            for key in path[:-1]:
                place = place[key]
            place[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    try:
        recording = load_replay(write(tmp_path, json.dumps(document)))
    except RecordingError as refused:
        assert "\n" not in str(refused)
        return
    play_through(recording)


# -- results files, as `tuiconc compare` reads them ----------------------------------------------
GOOD_RACE = {"machine": {"implementation": "CPython", "python": "3.13.1", "usable_cpus": 2, "gil_enabled": True},
             "config": {"workload": "primes", "size": 1000, "workers": 2, "mode": "isolated"},
             "lanes": [{"runner": "sequential", "label": "sequential", "wall_s": 1.0, "speedup": 1.0, "cores": 1.0}]}


@pytest.mark.parametrize("change,words", [
    (lambda r: r.update(lanes="x"), "its lanes are not a list of lanes"),
    (lambda r: r["lanes"].append(None), "a lane is None, not an object"),
    (lambda r: r["lanes"][0].update(wall_s="fast"), "a lane's wall_s is 'fast', not float | None"),
    (lambda r: r["config"].update(size="big"), "a config's size is 'big'"),
    (lambda r: r["lanes"][0].update(wall_s=-1), "a lane has a negative figure"),
])
def test_damaged_results_are_refused_in_one_sentence(tmp_path, change, words):
    race = copy.deepcopy(GOOD_RACE)
    change(race)
    with pytest.raises(ResultsError, match=words):
        load_results(write(tmp_path, race))


@FUZZ
@given(document=st.one_of(JSON_VALUES, st.builds(lambda lanes, machine, config: {
    "lanes": lanes, "machine": machine, "config": config}, JSON_VALUES, JSON_VALUES, JSON_VALUES),
    st.builds(lambda lane: {**GOOD_RACE, "lanes": [lane]}, st.dictionaries(
        st.sampled_from(["runner", "label", "wall_s", "speedup", "cores"]), JSON_VALUES))))
def test_fuzzed_results_are_refused_or_compared(tmp_path, document):
    from rich.console import Console

    from tuiconc.cli.compare import compare_table

    try:
        races = load_results(write(tmp_path, json.dumps(document)))
    except ResultsError as refused:
        assert "\n" not in str(refused)
        return
    Console(file=open(os.devnull, "w"), width=120).print(compare_table(races[0], races[0]))


# -- talk files: a speaker's TOML, fuzzed --------------------------------------------------------
TALK_LINES = st.sampled_from([
    "[[scene]]", 'title = "Threads"', "title = 3", 'workload = "primes"', 'workload = "nope"', "size = 20000",
    "size = -1", "size = 1e400", 'size = "big"', "workers = 0", "workers = 2", 'runners = ["sequential"]',
    'runners = "threading"', "runners = []", 'mode = "together"', 'lab = "race-condition"', 'lab = 5',
    'notes = """a\nb"""', "[scene]", "[[scene]", "= 1", "x = [[[[[[1]]]]]]", "",
]) | st.text(max_size=12)


@FUZZ
@given(lines=st.lists(TALK_LINES, max_size=10))
def test_fuzzed_talk_files_give_one_line_or_a_talk(lines):
    from tuiconc.teach.talk import Talk, TalkError, parse_talk

    try:
        talk = parse_talk("\n".join(lines), "fuzz.toml")
    except TalkError as refused:
        assert str(refused).startswith("fuzz.toml") and "\n" not in str(refused).strip()
    else:
        assert isinstance(talk, Talk) and talk.scenes
