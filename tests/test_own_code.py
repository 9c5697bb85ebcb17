"""A user's own function raced: real lanes importing a real file, results compared item by item,
and every way a function can misbehave ending in one clear line with no process left behind."""

from __future__ import annotations

import json
import subprocess
import textwrap
import time

import psutil
import pytest
from hypothesis import given, strategies as st

from conftest import descendants, wait_until
from tuiconc.engine.config import ConfigError, RaceConfig, canonical_workload, problems
from tuiconc.engine.race import Race
from tuiconc.workloads.user_spec import SpecError, parse_spec

ALL_KINDS = ("sequential", "threading", "asyncio", "multiprocessing", "processpool")


def user_file(tmp_path, source: str, name: str = "mine.py") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return str(path)


def race(spec: str, runners=ALL_KINDS, size: int = 24, workers: int = 2, **settings):
    return Race(RaceConfig(workload=canonical_workload(spec), size=size, workers=workers, runners=runners,
                           mode="isolated", **settings)).run()


def lanes_by_name(state) -> dict:
    return {lane.name: lane for lane in state.lanes}


def no_process_in_groups(pgids) -> bool:
    """Nothing left of the lanes: no process in any of their process groups (a fork's child included)."""
    left = []
    for process in psutil.process_iter(["pid"]):
        try:
            if process.pid != 0 and __import__("os").getpgid(process.pid) in pgids:
                left.append(process.pid)
        except (ProcessLookupError, psutil.Error):
            pass
    return not left


def test_a_plain_function_races_in_every_lane_with_the_same_results(tmp_path):
    spec = user_file(tmp_path, '''
        def square_digits(item):
            """Sum the digits of item squared."""
            return sum(int(c) for c in str(item * item))
    ''') + ":square_digits"
    state = race(spec, size=300)
    assert state.status == "finished"
    for lane in state.lanes:
        assert (lane.status, lane.correct, lane.error) == ("finished", True, None), lane.name
        assert lane.total == lane.done == 300
    assert len({lane.answer for lane in state.lanes}) == 1
    assert state.verdict


def test_items_async_twin_and_task_knobs(tmp_path):
    spec = user_file(tmp_path, '''
        import asyncio

        def tuiconc_items(size):
            return [f"word-{i}" for i in range(size // 2)]

        def shout(item):
            return {"word": item.upper(), "letters": set(item)}

        async def shout_async(item):
            await asyncio.sleep(0)
            return {"word": item.upper(), "letters": set(item)}
    ''') + ":shout"
    state = race(spec, size=60, items_per_task=7, switch_interval_ms=1.0)
    for lane in state.lanes:
        assert (lane.status, lane.correct) == ("finished", True), (lane.name, lane.error)
        assert lane.total == lane.done == 30  # what tuiconc_items returned, not the size asked for
        assert lane.extra["tasks"] == (5 if lane.name != "sequential" else 16)  # 30 items in tasks of 7
        assert "note" not in lane.extra  # asyncio awaited shout_async


def test_the_switch_interval_reaches_every_process_of_every_lane(tmp_path):
    spec = user_file(tmp_path, "import sys\n\ndef interval(item):\n    return sys.getswitchinterval()\n")
    state = race(spec + ":interval", size=8, switch_interval_ms=0.5)
    for lane in state.lanes:  # the same answer as sequential's: 0.0005 in every process
        assert (lane.status, lane.correct, lane.error) == ("finished", True, None), lane.name


def test_asyncio_without_an_async_twin_says_each_call_blocks_the_loop(tmp_path):
    spec = user_file(tmp_path, "def same(item):\n    return item\n") + ":same"
    lane = lanes_by_name(race(spec, runners=("sequential", "asyncio")))["asyncio"]
    assert lane.correct and "blocks the loop" in lane.extra["note"]


def test_a_lane_with_different_results_is_wrong_and_names_the_first_item(tmp_path):
    spec = user_file(tmp_path, '''
        import multiprocessing

        def depends_on_the_process(item):
            in_a_worker = multiprocessing.parent_process() is not None
            return -item if in_a_worker and item in (5, 9) else item
    ''') + ":depends_on_the_process"
    lanes = lanes_by_name(race(spec, runners=("sequential", "threading", "multiprocessing")))
    assert lanes["threading"].correct is True
    wrong = lanes["multiprocessing"]
    assert wrong.correct is False and wrong.place is None
    assert wrong.error == "wrong result for item 5: it differs from sequential's"


def test_a_function_that_raises_fails_its_lanes_naming_the_item(tmp_path):
    spec = user_file(tmp_path, '''
        def fragile(item):
            if item == 7:
                raise ValueError(f"bad item {item}")
            return item
    ''') + ":fragile"
    for lane in race(spec).lanes:
        assert lane.status == "failed"
        assert lane.error == "fragile(7) raised ValueError: bad item 7", lane.name


def test_an_unpicklable_result_fails_only_the_process_lanes_saying_why(tmp_path):
    spec = user_file(tmp_path, "def lazy(item):\n    return (n for n in range(item))\n") + ":lazy"
    lanes = lanes_by_name(race(spec))
    for name in ("sequential", "threading", "asyncio"):
        assert lanes[name].status == "finished", (name, lanes[name].error)
    for name in ("multiprocessing", "processpool"):
        assert lanes[name].status == "failed"
        assert "can't be pickled" in lanes[name].error and "process pool" in lanes[name].error


@pytest.mark.parametrize("source, func, message", [
    ("def broken(item)\n    return item\n", "broken", "mine.py:1: syntax error"),
    ("def other(item):\n    return item\n", "missing", "no function 'missing' in mine.py; its functions: other"),
    ("def pair(a, b):\n    return a\n", "pair", "pair must take one argument, the item; it takes 2 arguments"),
    ("async def waits(item):\n    return item\n", "waits", "waits is async def"),
    ("def f(item):\n    return item\n\ndef f_async(item):\n    return item\n", "f",
     "f_async must be async def (the asyncio lanes await it); it is a plain def"),
    ("def tuiconc_items():\n    return [1]\n\ndef f(item):\n    return item\n", "f",
     "tuiconc_items must be a plain function of one argument, the size"),
])
def test_problems_found_by_reading_the_file_are_one_line_before_any_lane(tmp_path, source, func, message):
    spec = canonical_workload(user_file(tmp_path, source) + ":" + func)
    found = problems(RaceConfig(workload=spec, runners=("sequential",)))
    assert message in found["workload"]
    with pytest.raises(ConfigError):
        Race(RaceConfig(workload=spec, runners=("sequential",)))


def test_a_missing_file_and_a_missing_module_are_one_line(tmp_path):
    assert problems(RaceConfig(workload=str(tmp_path / "nope.py") + ":f"))["workload"].startswith("no such file")
    assert "no module 'not_a_module_here'" in problems(RaceConfig(workload="not_a_module_here:f"))["workload"]


def test_an_import_error_fails_the_lanes_with_its_cause(tmp_path):
    spec = user_file(tmp_path, "import not_installed_anywhere\n\ndef f(item):\n    return item\n") + ":f"
    for lane in race(spec, runners=("sequential", "processpool")).lanes:
        assert lane.status == "failed"
        assert lane.error == "importing mine.py failed: ModuleNotFoundError: No module named 'not_installed_anywhere'"


def test_a_file_named_like_a_standard_module_is_told_to_rename_before_the_race(tmp_path):
    spec = canonical_workload(user_file(tmp_path, "def f(item):\n    return item\n", name="json.py") + ":f")
    assert problems(RaceConfig(workload=spec))["workload"] == (
        "json.py is named like Python's own module 'json', which a lane would import instead: rename the file")


def test_a_file_beside_yours_named_like_a_standard_module_stands_in_for_nothing(tmp_path, monkeypatch):
    """queue.py beside the function, and the working folder there: every process still imports Python's queue."""
    user_file(tmp_path, "raise ImportError('the queue.py beside the function was imported')\n", name="queue.py")
    spec = user_file(tmp_path, "def f(item):\n    return item * 2\n") + ":f"
    monkeypatch.chdir(tmp_path)
    for lane in race(spec, runners=("sequential", "threading", "multiprocessing", "processpool")).lanes:
        assert (lane.status, lane.correct, lane.error) == ("finished", True, None), lane.name


def test_a_module_on_the_path_races_by_its_dotted_name(tmp_path, monkeypatch):
    package = tmp_path / "mypkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helpers.py").write_text("def double(n):\n    return 2 * n\n")
    (package / "work.py").write_text("from .helpers import double\n\ndef f(item):\n    return double(item)\n")
    monkeypatch.chdir(tmp_path)
    state = race("mypkg.work:f", runners=("sequential", "multiprocessing"))
    assert [(lane.status, lane.correct) for lane in state.lanes] == [("finished", True)] * 2


@pytest.mark.parametrize("body, error", [
    ("import sys\n    sys.exit(3)", "misbehaves(0) called sys.exit(3): a function raced here must return"),
    ("import os\n    os._exit(4)", "exited with code 4"),
    ("chunks = []\n    while True:\n        chunks.append(bytes(512 * 1024 * 1024))", "misbehaves(0) raised MemoryError"),
])
def test_a_function_that_ends_its_process_or_runs_out_of_memory_fails_its_lane(tmp_path, body, error):
    spec = user_file(tmp_path, f"def misbehaves(item):\n    {body}\n") + ":misbehaves"
    state = race(spec, runners=("sequential", "threading", "processpool"), size=4)
    for lane in state.lanes:
        assert lane.status == "failed" and error in lane.error or \
            lane.runner == "processpool" and "died abruptly" in lane.error, (lane.name, lane.error)
    assert wait_until(lambda: no_process_in_groups({lane.pid for lane in state.lanes}))


@pytest.mark.parametrize("body", [
    'print("x" * 1_000_000)',  # megabytes on stdout: the lane protocol has a channel of its own
    "import os\n    if os.fork() == 0:\n        pass",  # the child returns: it must not go on as a worker
    'import os\n    os.chdir("/")',
    "import signal\n    signal.signal(signal.SIGTERM, signal.SIG_IGN) if __import__('threading')"
    ".current_thread() is __import__('threading').main_thread() else None",
])
def test_a_function_that_prints_forks_or_moves_still_gives_true_results(tmp_path, body):
    spec = user_file(tmp_path, f"def busy(item):\n    {body}\n    return item * 3\n") + ":busy"
    state = race(spec, size=12)
    for lane in state.lanes:
        assert (lane.status, lane.correct, lane.done) == ("finished", True, 12), (lane.name, lane.error)
    assert wait_until(lambda: no_process_in_groups({lane.pid for lane in state.lanes}))


@pytest.mark.parametrize("runner", ["sequential", "threading", "multiprocessing"])
def test_a_function_that_never_returns_is_cancelled_in_a_second(tmp_path, runner):
    spec = user_file(tmp_path, '''
        import signal, threading

        def forever(item):
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                signal.signal(signal.SIGINT, signal.SIG_IGN)
            while True:
                pass
    ''') + ":forever"
    running = Race(RaceConfig(workload=canonical_workload(spec), size=4, workers=2, runners=(runner,))).start()
    wait_until(lambda: running.snapshot().lanes[0].status == "running", timeout=30)
    pid = running.snapshot().lanes[0].pid
    running.cancel()
    assert running.snapshot().lanes[0].status == "cancelled"
    assert wait_until(lambda: no_process_in_groups({pid}), timeout=2)


def test_the_hybrid_lane_needs_the_function_in_two_parts(tmp_path):
    whole = user_file(tmp_path, "def f(item):\n    return item\n") + ":f"
    assert "async def f_wait(item) and def f_compute(waited)" in \
        problems(RaceConfig(workload=canonical_workload(whole), runners=("sequential", "hybrid")))["runners"]
    split = user_file(tmp_path, '''
        import asyncio

        def f(item):
            return item * item

        async def f_wait(item):
            await asyncio.sleep(0.001)
            return item

        def f_compute(waited):
            return waited * waited
    ''', name="split.py") + ":f"
    state = race(split, runners=("sequential", "hybrid"))
    assert [(lane.status, lane.correct) for lane in state.lanes] == [("finished", True)] * 2


def test_the_command_line_races_a_file_and_prints_json(tmp_path, tuiconc_cmd, cli_env):
    spec = user_file(tmp_path, "def cube(item):\n    return item ** 3\n") + ":cube"
    done = subprocess.run([*tuiconc_cmd, "race", "--workload", spec, "--size", "40", "--runners",
                           "sequential,threading", "--json"], capture_output=True, text=True, env=cli_env,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["config"]["workload"] == spec  # already absolute here; a relative one is made absolute
    assert all(lane["correct"] for lane in result["lanes"])


def test_the_command_line_refuses_a_bad_function_in_one_line(tmp_path, tuiconc_cmd, cli_env):
    spec = user_file(tmp_path, "def f(item)\n    return 1\n") + ":f"
    done = subprocess.run([*tuiconc_cmd, "race", "--workload", spec], capture_output=True, text=True, env=cli_env,
                          timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "syntax error" in done.stderr and "Traceback" not in done.stderr


identifiers = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)


@given(st.text(max_size=40))
def test_parsing_any_text_gives_a_spec_or_a_one_line_error(text):
    try:
        spec = parse_spec(text, cwd="/somewhere")
    except SpecError as error:
        assert "\n" not in str(error)
    else:
        assert spec.func.isidentifier() and (spec.path or spec.module)
        assert parse_spec(spec.text).text == spec.text  # canonical: parsing it again changes nothing


@given(st.lists(identifiers, min_size=1, max_size=3), identifiers)
def test_module_and_file_specs_parse_to_their_parts(parts, func):
    module = ".".join(parts)
    assert parse_spec(f"{module}:{func}") == parse_spec(f"{module}:{func}")
    assert parse_spec(f"{module}:{func}").module == module
    file_spec = parse_spec(f"{parts[0]}.py:{func}", cwd="/w")
    assert (file_spec.path, file_spec.func) == (f"/w/{parts[0]}.py", func)
    assert file_spec.label == f"{parts[0]}.py:{func}"


def test_the_dask_lane_races_a_users_function_on_a_local_cluster(tmp_path):
    pytest.importorskip("distributed")
    spec = user_file(tmp_path, '''
        def cube(item):
            return item ** 3
    ''') + ":cube"
    state = race(spec, runners=("sequential", "dask"), size=40)
    dask = state.lane("dask")
    assert (dask.status, dask.correct, dask.error) == ("finished", True, None)
    wait_until(lambda: not descendants(), timeout=10)  # the lane's cluster ended with it


def test_a_sweep_scales_a_users_function(tmp_path, tuiconc_cmd, cli_env):
    spec = user_file(tmp_path, '''
        def spin(item):
            total = 0
            for i in range(2000):
                total += i * item
            return total
    ''') + ":spin"
    sweep = subprocess.run([*tuiconc_cmd, "sweep", "--workload", spec, "--size", "200", "--workers", "1,2",
                            "--repeat", "1", "--json"], capture_output=True, text=True, env=cli_env, timeout=300)
    assert sweep.returncode == 0, sweep.stderr
    points = json.loads(sweep.stdout)["points"]
    assert [point["workers"] for point in points] == [1, 2]
    assert all(point["speedup"] > 0 for point in points)


def test_a_sweep_point_whose_results_differ_from_the_baseline_fails(tmp_path, tuiconc_cmd, cli_env):
    spec = user_file(tmp_path, '''
        import os

        def whose(item):
            return os.getpid()  # each process answers differently
    ''') + ":whose"
    sweep = subprocess.run([*tuiconc_cmd, "sweep", "--workload", spec, "--size", "20", "--workers", "2",
                            "--repeat", "1", "--json"], capture_output=True, text=True, env=cli_env, timeout=300)
    point = json.loads(sweep.stdout)["points"][0]
    assert sweep.returncode == 1
    assert point["status"] == "failed" and "differ from the sequential baseline" in point["error"]


def test_a_process_started_in_a_session_of_its_own_does_not_hold_the_race(tmp_path):
    """It keeps the lane's stderr open, out of the lane's reach: the race ends anyway, in seconds."""
    pids = tmp_path / "pids"
    spec = user_file(tmp_path, f'''
        import subprocess

        def detach(item):
            child = subprocess.Popen(["sleep", "60"], start_new_session=True)
            with open({str(pids)!r}, "a") as out:
                out.write(f"{{child.pid}}\\n")
            return item
    ''') + ":detach"
    started = time.monotonic()
    try:
        state = race(spec, runners=("sequential",), size=1)
        assert time.monotonic() - started < 30
        assert (state.lanes[0].status, state.lanes[0].correct) == ("finished", True)
    finally:
        for pid in pids.read_text().split():
            try:
                psutil.Process(int(pid)).kill()
            except psutil.Error:
                pass
