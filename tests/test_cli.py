"""The command line as a script sees it: exit codes, one-line errors, JSON, interrupts, clean-up."""

import json
import signal
import subprocess

import psutil
import pytest

from tuiconc import __version__

from conftest import living, wait_until

BAD_ARGUMENTS = [
    (["--workload", "nope"], "unknown workload 'nope'"),
    (["--runners", "threading,bogus"], "unknown runner 'bogus'"),
    (["--runners", ","], "choose at least one runner"),
    (["--runners", "threading,threading"], "only once"),
    (["--size", "0"], "size must be at least 1"),
    (["--size", "-5"], "size must be at least 1"),
    (["--size", "1e30"], "too large for primes; the cap is"),
    (["--size", "abc"], "expected a whole number"),
    (["--size", "1.5"], "expected a whole number"),
    (["--size", "nan"], "expected a whole number"),
    (["--workers", "0"], "workers must be at least 1"),
    (["--workers", "100000"], "the cap is 10,000"),
    (["--workers", "1000", "--runners", "multiprocessing"], "too many for multiprocessing; the cap is"),
    (["--workers", "four"], "expected a whole number"),
    (["--mode", "sideways"], "unknown mode 'sideways'"),
    (["--start-method", "teleport"], "unknown start method 'teleport'"),
    (["--workload", "http", "--url", "ftp://example"], "malformed URL"),
    (["--workload", "http", "--url", "http://"], "malformed URL"),
    (["--workload", "http", "--url", "http://host:99999/"], "malformed URL"),
    (["--workload", "primes", "--url", "http://127.0.0.1/"], "applies only to the http workload"),
    (["--latency-ms", "-1"], "latency must be from 0"),
    (["--payload-bytes", "999999999999"], "payload must be from 0"),
    (["--repeat", "0"], "repeat must be from 1 to 50 runs"),
    (["--repeat", "51"], "repeat must be from 1 to 50 runs"),
    (["--no-such-flag"], "unrecognized arguments"),
]


@pytest.mark.parametrize("arguments,message", BAD_ARGUMENTS, ids=[" ".join(a) for a, _ in BAD_ARGUMENTS])
@pytest.mark.parametrize("command", [["race"], []], ids=["race", "app"])
def test_bad_input_is_one_line_and_exit_code_2(tuiconc_cmd, cli_env, command, arguments, message):
    result = subprocess.run([*tuiconc_cmd, *command, *arguments], capture_output=True, text=True, env=cli_env,
                            timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_version_and_help(tuiconc_cmd, cli_env):
    version = subprocess.run([*tuiconc_cmd, "--version"], capture_output=True, text=True, env=cli_env, timeout=60)
    assert version.returncode == 0 and version.stdout.strip() == f"tuiconc {__version__}"
    for command in ([], ["race"], ["list"]):
        shown = subprocess.run([*tuiconc_cmd, *command, "--help"], capture_output=True, text=True, env=cli_env,
                               timeout=60)
        assert shown.returncode == 0 and "usage:" in shown.stdout


def test_list_json_names_every_workload_and_runner(tuiconc_cmd, cli_env):
    result = subprocess.run([*tuiconc_cmd, "list", "--json"], capture_output=True, text=True, env=cli_env, timeout=60)
    listing = json.loads(result.stdout)
    assert {w["name"] for w in listing["workloads"]} == {"primes", "sum-squares", "countdown", "sha256", "zlib",
                                                         "sleep", "http", "fetch-and-crunch"}
    assert {lab["name"] for lab in listing["labs"]} == {"race-condition", "blocking-call", "unpicklable",
                                                        "tiny-tasks", "tiny-tasks-dask", "oversubscription"}
    assert {r["name"] for r in listing["runners"]} >= {"sequential", "threading", "threadpool", "asyncio",
                                                       "multiprocessing", "processpool"}
    assert all(set(w) >= {"name", "kind", "releases_gil", "default_size", "description"} for w in listing["workloads"])
    assert all(set(r) >= {"name", "available", "reason"} for r in listing["runners"])


def test_race_json_is_one_document_on_stdout(tuiconc_cmd, cli_env):
    result = subprocess.run([*tuiconc_cmd, "race", "--workload", "primes", "--size", "20000", "--workers", "2",
                             "--runners", "sequential,threading", "--json"],
                            capture_output=True, text=True, env=cli_env, timeout=120)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["tuiconc"] == __version__
    assert document["config"]["mode"] == "isolated"
    assert [lane["runner"] for lane in document["lanes"]] == ["sequential", "threading"]
    assert all(lane["correct"] and lane["answer"] == 2262 for lane in document["lanes"])


def test_race_for_people_prints_a_results_table(tuiconc_cmd, cli_env):
    result = subprocess.run([*tuiconc_cmd, "race", "--workload", "sleep", "--size", "4", "--latency-ms", "10",
                             "--runners", "sequential,asyncio"], capture_output=True, text=True, env=cli_env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Results (isolated mode, 1 run)" in result.stdout and "asyncio" in result.stdout and "✓" in result.stdout


@pytest.mark.parametrize("signum,exit_code", [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_an_interrupted_race_cleans_up_and_exits(tuiconc_cmd, cli_env, signum, exit_code):
    cli = subprocess.Popen([*tuiconc_cmd, "race", "--workload", "countdown", "--size", "5000000000",
                            "--runners", "threading,multiprocessing", "--mode", "together", "--json"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env)
    try:
        arenas = wait_until(lambda: [p for p in psutil.Process(cli.pid).children()
                                     if "tuiconc.arena" in " ".join(p.cmdline())] if len(
            psutil.Process(cli.pid).children()) >= 2 else None, timeout=30)
        tree = {p.pid for a in arenas for p in [a, *a.children(recursive=True)]}
        cli.send_signal(signum)
        out, err = cli.communicate(timeout=30)
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait()
    assert cli.returncode == exit_code
    assert "Traceback" not in err and "cancelled" in err
    assert not living(tree)


def test_lanes_die_with_a_front_end_that_is_killed_outright(tuiconc_cmd, cli_env):
    """SIGKILL gives the CLI no chance to clean up; the arenas' lifeline (their stdin) does it."""
    cli = subprocess.Popen([*tuiconc_cmd, "race", "--workload", "countdown", "--size", "5000000000",
                            "--runners", "sequential,processpool", "--mode", "together", "--json"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=cli_env)
    try:
        def arena_trees():
            arenas = [p for p in psutil.Process(cli.pid).children() if "tuiconc.arena" in " ".join(p.cmdline())]
            workers = [c for a in arenas for c in a.children(recursive=True)]
            return arenas + workers if len(arenas) == 2 and len(workers) >= 4 else None

        tree = {p.pid for p in wait_until(arena_trees, timeout=30)}
    finally:
        cli.kill()
        cli.wait()
    wait_until(lambda: not living(tree), timeout=5)
