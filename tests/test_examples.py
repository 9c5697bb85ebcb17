"""Every function in examples/ races correct in every lane, from the command line, and runs without tuiconc."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys

import pytest

from conftest import descendants, wait_until

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
LANES = "sequential,threading,asyncio,multiprocessing"
# (file:function, size, extra runners): sizes keep each lane well under a second here.
CASES = [
    ("json_documents.py:parse", 200, ""),
    ("sqlite_queries.py:query", 40, ""),
    ("file_hashes.py:digest", 200, ",hybrid"),
    ("log_search.py:count_matches", 40, ""),
    ("subprocess_calls.py:run_command", 100, ""),
]


def test_every_example_is_raced_here():
    files = sorted(name for name in os.listdir(EXAMPLES) if name.endswith(".py"))
    assert files == sorted(spec.partition(":")[0] for spec, _, _ in CASES)


@pytest.mark.parametrize("spec,size,extra", CASES, ids=[case[0] for case in CASES])
def test_an_example_races_correct_in_every_lane_with_a_verdict_and_a_recommendation(
        spec, size, extra, tuiconc_cmd, cli_env, tmp_path):
    race = subprocess.run([*tuiconc_cmd, "race", "--workload", os.path.join(EXAMPLES, spec), "--size", str(size),
                           "--workers", "2", "--runners", LANES + extra, "--json"],
                          capture_output=True, text=True, env=cli_env, cwd=tmp_path, timeout=300)
    assert race.returncode == 0, race.stderr
    result = json.loads(race.stdout)
    assert result["status"] == "finished"
    assert [lane["label"] for lane in result["lanes"]] == (LANES + extra).split(",")
    for lane in result["lanes"]:
        assert lane["status"] == "finished" and lane["correct"] is True, lane
    assert result["verdict"]
    assert result["recommendation"]["text"].endswith(".")
    wait_until(lambda: not descendants(), timeout=5)


@pytest.mark.parametrize("spec", [case[0] for case in CASES])
def test_an_example_needs_no_tuiconc(spec, tmp_path):
    """It imports nothing of tuiconc and runs as a script on a Python without it."""
    file = os.path.join(EXAMPLES, spec.partition(":")[0])
    with open(file) as source:
        tree = ast.parse(source.read())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "tuiconc" not in imported
    bare = getattr(sys, "_base_executable", sys.executable)  # outside this virtual environment: no tuiconc
    script = subprocess.run([bare, "-I", file], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert script.returncode == 0, script.stderr
    assert script.stdout.strip()
