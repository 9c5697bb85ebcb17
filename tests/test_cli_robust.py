"""Issue 12 from the command line: outputs checked first, failed writes keep the results, signals at any moment,
failed lanes, the --python probe's timeout, and the parser fuzzed."""

import json
import os
import signal
import subprocess
import tempfile
import time

import psutil
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuiconc import tunables
from tuiconc.engine.interpreter_probe import InterpreterError, probe

from conftest import living, wait_until

SMALL_RACE = ["race", "-n", "20000", "-k", "2", "-r", "sequential,threading"]


def run(tuiconc_cmd, cli_env, *arguments, **kwargs):
    return subprocess.run([*tuiconc_cmd, *arguments], capture_output=True, text=True, env=cli_env, timeout=120,
                          stdin=subprocess.DEVNULL, **kwargs)


def assert_one_line(result, code, words):
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], result.stderr


@pytest.mark.parametrize("arguments,words", [
    (["--record", "/dev/full"], "not a regular file"),
    (["--trace", "/dev/full"], "not a regular file"),
    (["--save", "/proc/x.json"], "cannot create a file in '/proc'"),
    (["--record", "/proc/x.json"], "cannot create a file in '/proc'"),
    (["--record", ""], "give a file name"),
    (["--save", "SAME.json", "--record", "SAME.json"], "--save and --record both name"),
    (["--trace", "SAME.json", "--record", "SAME.json"], "--record and --trace both name"),
    (["--lab", "race-condition", "-w", "countdown"], "without --workload"),
    (["--lab", "race-condition", "-r", "threading"], "without --runners"),
    (["--lab", "race-condition", "-n", "0"], "size must be at least 1 (got 0)"),
    (["--lab", "race-condition", "-k", "0"], "workers must be at least 1 (got 0)"),
    (["-m", ""], "unknown mode ''"),
    (["-w", "http", "-n", "2", "--url", "http://[::1/"], "malformed URL 'http://[::1/'"),
    (["-n", "1e30"], "size 1,000,000,000,000,000,000,000,000,000,000 is too large"),
    (["-n", "\uff11\uff12"], "expected a whole number in ASCII digits"),  # fullwidth "12", which Decimal reads as 12
])
def test_outputs_and_settings_are_refused_before_anything_starts(tuiconc_cmd, cli_env, tmp_path, arguments, words):
    arguments = [str(tmp_path / a) if a == "SAME.json" else a for a in arguments]
    base = ["race"] if "--lab" in arguments else SMALL_RACE
    result = run(tuiconc_cmd, cli_env, *base, *arguments, "--json", cwd=tmp_path)
    assert_one_line(result, 2, words)
    assert result.stdout == "" and "Traceback" not in result.stderr and os.listdir(tmp_path) == []


@pytest.mark.parametrize("command", [[], ["serve"]], ids=["app", "serve"])
def test_a_malformed_url_is_refused_by_the_app_and_serve_too(tuiconc_cmd, cli_env, command):
    assert_one_line(run(tuiconc_cmd, cli_env, *command, "-w", "http", "--url", "http://[::1/"), 2, "malformed URL")


def test_help_lists_only_workloads_that_can_be_chosen(tuiconc_cmd, cli_env):
    shown = run(tuiconc_cmd, cli_env, "race", "--help").stdout
    workloads = " ".join(shown.split()).split("what to run:")[1].split("(default")[0]
    assert "fetch-and-crunch" in workloads and "counter" not in workloads and "tiny-tasks" not in workloads
    assert "3 the race ran and its results were shown, but a file" in " ".join(shown.split())


def test_a_full_stdout_keeps_the_files_and_exits_3_with_one_line(tuiconc_cmd, cli_env, tmp_path):
    with open("/dev/full", "w") as full:
        result = subprocess.run([*tuiconc_cmd, *SMALL_RACE, "--json", "--save", str(tmp_path / "r.csv")],
                                stdout=full, stderr=subprocess.PIPE, text=True, env=cli_env, timeout=120)
    assert_one_line(result, 3, "cannot write to standard output: No space left on device")
    assert "sequential" in (tmp_path / "r.csv").read_text()


def test_a_write_that_fails_after_the_race_still_shows_the_results(tmp_path, capsys):
    """The folder vanishes during the race: the results are printed, then one line names the file; exit 3."""
    from tuiconc.cli.common import EXIT_NOT_SAVED
    from tuiconc.cli.race import follow
    from tuiconc.engine.replay import ReplayRace, load_replay

    folder = tmp_path / "out"
    folder.mkdir()
    race = ReplayRace(load_replay(os.path.join(os.path.dirname(__file__), "data", "http-race.json")), speed=4)
    folder.rmdir()
    saved = str(tmp_path / "kept.md")
    code = follow(race, True, record_path=str(folder / "r.json"), save_path=saved)
    out, err = capsys.readouterr()
    assert code == EXIT_NOT_SAVED
    assert json.loads(out)["lanes"]  # the results, whole
    assert err.strip() == f"tuiconc: error: cannot write {str(folder / 'r.json')!r}: No such file or directory"
    assert "| asyncio |" in open(saved).read()  # the other file was still written
    assert sorted(os.listdir(tmp_path)) == ["kept.md"]  # no temporary file left


def test_a_lane_with_no_answer_is_failed_and_left_out(tuiconc_cmd, cli_env):
    result = run(tuiconc_cmd, cli_env, "race", "-w", "http", "-n", "5", "-r", "sequential,asyncio",
                 "--url", "http://127.0.0.1:9/", "--json")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert [(lane["status"], lane["error"]) for lane in document["lanes"]] == [
        ("failed", "5 of 5 requests failed")] * 2
    assert all(lane["speedup"] is None for lane in document["lanes"])
    assert document["verdict"] is None or "sequential" not in document["verdict"]


def lane_folders_of(pid: int) -> list[str]:
    return [name for name in os.listdir(tempfile.gettempdir()) if name.startswith(f"tuiconc-lane-{pid}-")]


def test_ctrl_c_twice_during_clean_up_still_ends_everything_and_exits_130(tuiconc_cmd, cli_env):
    cli = subprocess.Popen([*tuiconc_cmd, "race", "-w", "countdown", "-n", "5000000000", "-k", "2", "-m", "together",
                            "-r", "sequential,multiprocessing,processpool,hybrid", "--json"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env)
    try:
        def arenas():
            found = [p for p in psutil.Process(cli.pid).children() if "tuiconc.arena" in " ".join(p.cmdline())]
            return found if len(found) == 4 else None

        tree = {p.pid for a in wait_until(arenas, timeout=60) for p in [a, *a.children(recursive=True)]}
        cli.send_signal(signal.SIGINT)
        for _ in range(3):  # while the first one's clean-up is ending the lanes
            time.sleep(0.1)
            cli.send_signal(signal.SIGINT)
        out, err = cli.communicate(timeout=60)
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait()
    assert cli.returncode == 130 and "Traceback" not in err, err
    assert not living(tree) and lane_folders_of(cli.pid) == []


def hanging_interpreter(tmp_path) -> str:
    script = tmp_path / "hangs.sh"
    script.write_text("#!/bin/sh\nsleep 100\n")
    script.chmod(0o755)
    return str(script)


def test_a_python_that_never_answers_is_refused_and_its_group_ended(tmp_path, monkeypatch):
    monkeypatch.setattr(tunables, "PROBE_TIMEOUT_S", 1.0)
    with pytest.raises(InterpreterError, match="did not answer within 1 s"):
        probe(hanging_interpreter(tmp_path))
    assert not [p for p in psutil.process_iter(["cmdline"]) if p.info["cmdline"] == ["sleep", "100"]
                and p.ppid() in (1, os.getpid())]


def test_ctrl_c_during_start_up_exits_130_without_a_traceback(tuiconc_cmd, cli_env, tmp_path):
    """The --python probe is start-up: interrupted there, the probe's process group goes too."""
    cli = subprocess.Popen([*tuiconc_cmd, "race", "--python", hanging_interpreter(tmp_path)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env)
    try:
        sleeper = wait_until(lambda: next((p for p in psutil.Process(cli.pid).children(recursive=True)
                                           if p.name() == "sleep"), None), timeout=30)
        cli.send_signal(signal.SIGINT)
        cli.send_signal(signal.SIGINT)
        out, err = cli.communicate(timeout=30)
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait()
    assert cli.returncode == 130 and "Traceback" not in err and err.strip() == "tuiconc: interrupted", err
    wait_until(lambda: not living([sleeper.pid]), timeout=5)


# -- the parser, fuzzed: one line and exit 2, or a configuration; never anything else -----------------
TOKENS = st.sampled_from(["-w", "-n", "-k", "-r", "-m", "--lab", "--url", "--latency-ms", "--payload-bytes",
                          "--start-method", "primes", "http", "sleep", "counter", "race-condition", "tiny-tasks",
                          "0", "1", "-1", "1e30", "2e4", "1.5", "nan", "", ",", "threading,asyncio", "together",
                          "isolated", "fork", "http://[::1/", "http://127.0.0.1:1/", "--bogus", "--workloads",
                          "x.py:f", "os:getcwd", "--items-per-task", "--switch-interval-ms"]) | st.text(max_size=6)


@settings(max_examples=150, deadline=None)
@given(argv=st.lists(TOKENS, max_size=6))
def test_fuzzed_command_lines_give_one_line_or_a_config(argv):
    from tuiconc.cli import app_parser, app_settings
    from tuiconc.engine.config import ConfigError, RaceConfig

    try:
        config, _ = app_settings(app_parser().parse_args(argv), default_folder=False)
    except SystemExit as exited:
        assert exited.code == 2
    except ConfigError as refused:
        assert str(refused) and "\n" not in str(refused)
    else:
        assert isinstance(config, RaceConfig)



def test_a_closed_standard_output_is_one_line_and_nothing_starts(tuiconc_cmd, cli_env):
    race = subprocess.run([*tuiconc_cmd, "race", "-w", "sleep", "-n", "2", "--latency-ms", "5", "-r", "sequential"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=cli_env, timeout=60,
                          preexec_fn=lambda: os.close(1))
    assert race.returncode == 2
    assert race.stderr.strip() == ("tuiconc race: error: standard output is closed: send it somewhere "
                                   "(> FILE, or > /dev/null)")


def test_an_ascii_only_output_shows_the_race_without_a_traceback(tuiconc_cmd, cli_env):
    race = subprocess.run([*tuiconc_cmd, "race", "-w", "sleep", "-n", "2", "--latency-ms", "5", "-r",
                           "sequential,threading"], capture_output=True, text=True, timeout=60,
                          env={**cli_env, "PYTHONIOENCODING": "ascii"})
    assert race.returncode == 0, race.stderr
    assert "Traceback" not in race.stderr and "sequential" in race.stdout


@pytest.mark.parametrize("arguments", [[], ["replay", os.path.join(os.path.dirname(__file__), "data", "gil-race.json")],
                                       ["talk"]], ids=["app", "replay", "talk"])
def test_the_app_without_a_terminal_says_so_in_one_line_and_exits_2(tuiconc_cmd, cli_env, tmp_path, arguments):
    """Output to a file, input from /dev/null: Textual would spin a core forever waiting for keys."""
    with open(tmp_path / "out", "w") as out:
        done = subprocess.run([*tuiconc_cmd, *arguments], stdin=subprocess.DEVNULL, stdout=out,
                              stderr=subprocess.PIPE, text=True, env=cli_env, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "needs a terminal" in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / "out").read_text() == ""  # no escape codes written to the file
