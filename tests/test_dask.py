"""The dask runner: a local cluster per lane, a real external cluster (`dask scheduler` and two
`dask worker` processes on 127.0.0.1), cancellation, faults, and life without the extra."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys

import psutil
import pytest

from tuiconc import tunables
from tuiconc.engine import spawn
from tuiconc.engine.config import RaceConfig, lab_config, problems
from tuiconc.engine.race import Race
from tuiconc.engine.verdict import verdict

from conftest import descendants, living, wait_until

HAS_DASK = importlib.util.find_spec("distributed") is not None
needs_dask = pytest.mark.skipif(not HAS_DASK, reason="needs the dask extra: pip install -e '.[test,dask]'")

# Hides the extra from a child interpreter: find_spec answers None for a module set to None.
WITHOUT_DASK = "import sys; sys.modules['distributed'] = None; from tuiconc.cli import main; sys.exit(main(sys.argv[1:]))"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree_of(pid: int) -> list[int]:
    try:
        return [child.pid for child in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


# -- without the extra ----------------------------------------------------------------------

def test_without_the_extra_list_says_how_to_install_it(cli_env):
    out = subprocess.run([sys.executable, "-c", WITHOUT_DASK, "list", "--json"], capture_output=True, text=True,
                         env=cli_env, timeout=60)
    dask = next(r for r in json.loads(out.stdout)["runners"] if r["name"] == "dask")
    assert dask["available"] is False and "pip install 'tuiconc[dask]'" in dask["reason"]


def test_without_the_extra_asking_for_dask_is_one_line_and_exit_2(cli_env):
    out = subprocess.run([sys.executable, "-c", WITHOUT_DASK, "race", "-r", "sequential,dask", "-n", "1000"],
                         capture_output=True, text=True, env=cli_env, timeout=60)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "tuiconc race: error: runner 'dask' is not available here: needs Dask distributed: pip install 'tuiconc[dask]'"]


@pytest.mark.parametrize("args,message", [
    (["-r", "dask", "--dask-scheduler", "127.0.0.1:8786"], "malformed Dask scheduler address '127.0.0.1:8786'"),
    (["-r", "dask", "--dask-scheduler", "tcp://127.0.0.1"], "give tcp://HOST:PORT"),
    (["-r", "sequential", "--dask-scheduler", "tcp://127.0.0.1:8786"], "applies only to a dask lane"),
])
def test_bad_scheduler_settings_are_one_line_and_exit_2(cli_env, tuiconc_cmd, args, message):
    out = subprocess.run([*tuiconc_cmd, "race", "-n", "1000", *args], capture_output=True, text=True,
                         env=cli_env, timeout=60)
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1
    assert message in out.stderr and "Traceback" not in out.stderr


def test_the_scheduler_variable_applies_only_to_races_with_a_dask_lane(cli_env, tuiconc_cmd):
    env = {**cli_env, "TUICONC_DASK_SCHEDULER": "not an address"}
    without = subprocess.run([*tuiconc_cmd, "race", "-r", "sequential", "-n", "1000", "--json"],
                             capture_output=True, text=True, env=env, timeout=60)
    assert without.returncode == 0, without.stderr
    with_dask = subprocess.run([*tuiconc_cmd, "race", "-r", "dask", "-n", "1000"], capture_output=True, text=True,
                               env=env, timeout=60)
    assert with_dask.returncode == 2 and "malformed Dask scheduler address 'not an address'" in with_dask.stderr


# -- a local cluster per lane ----------------------------------------------------------------

@needs_dask
def test_the_local_cluster_lane_checks_its_answer_and_leaves_no_process():
    race = Race(RaceConfig(workload="primes", size=200_000, workers=2, runners=("sequential", "dask"))).start()
    seen: set[int] = set()
    while not race.wait(0.1):
        lane = race.snapshot().lane("dask")
        if lane.pid:
            seen.update([lane.pid, *tree_of(lane.pid)])
    state = race.snapshot()
    lane = state.lane("dask")
    assert lane.status == "finished" and lane.correct, lane.error
    assert lane.workers == 2 and lane.extra["cluster"] == "local"
    assert lane.extra["scheduler"].startswith("tcp://127.0.0.1:")
    assert len(lane.extra["workers_used"]) == 2 and sum(lane.extra["workers_used"].values()) == lane.extra["futures"]
    assert lane.extra["task_overhead_ms"] >= 0 and lane.extra["dashboard"].startswith("http://127.0.0.1:")
    assert lane.startup_s > 0 and lane.cpu_s > 0 and sum(lane.per_worker) == lane.total
    assert len(seen) >= 3, "the lane's process and its two workers were seen"
    wait_until(lambda: not living(seen), timeout=5)


@needs_dask
def test_cancelling_a_local_cluster_lane_ends_every_worker_process():
    race = Race(RaceConfig(workload="primes", size=10_000_000, workers=2, runners=("dask",))).start()
    try:
        lane = wait_until(lambda: (lane := race.snapshot().lane("dask")).done > 0 and lane, timeout=60)
        tree = [lane.pid, *tree_of(lane.pid)]
        assert len(tree) >= 3
    finally:
        race.cancel()
    assert race.snapshot().lane("dask").status == "cancelled"
    wait_until(lambda: not living(tree), timeout=tunables.CANCEL_DEADLINE_S + 1)


@needs_dask
def test_a_worker_killed_mid_race_is_reported_and_its_tasks_run_again():
    # spawn: the workers are the lane's own children, easy to tell from its other processes
    race = Race(RaceConfig(workload="primes", size=3_000_000, workers=2, runners=("dask",),
                           start_method="spawn")).start()
    try:
        lane = wait_until(lambda: (lane := race.snapshot().lane("dask")).done > 0 and lane, timeout=60)
        workers = [p for p in psutil.Process(lane.pid).children() if "spawn_main" in " ".join(p.cmdline())]
        workers[0].kill()
        assert race.wait(120)
    finally:
        race.cancel()
    lane = race.snapshot().lane("dask")
    if lane.status == "finished":  # Dask's own retry recovered: the lane says what happened
        assert lane.correct and lane.extra["workers_lost"] >= 1 and "ran their" in lane.extra["note"]
    else:
        assert lane.status == "failed" and "worker" in lane.error


@needs_dask
def test_an_unreachable_scheduler_fails_its_lane_in_one_line_while_the_others_finish():
    address = f"tcp://127.0.0.1:{free_port()}"
    state = Race(RaceConfig(workload="primes", size=100_000, workers=2, runners=("sequential", "dask"),
                            mode="together", dask_scheduler=address)).run()
    lane = state.lane("dask")
    assert lane.status == "failed" and "\n" not in lane.error
    assert lane.error.startswith(f"could not reach the Dask scheduler at {address} within "
                                 f"{tunables.DASK_CONNECT_TIMEOUT_S:g} s")
    assert state.lane("sequential").status == "finished" and state.lane("sequential").correct


def test_a_scheduler_address_is_checked_like_every_setting():
    assert "malformed Dask scheduler address" in problems(RaceConfig(runners=("dask",), dask_scheduler="x"))[
        "dask_scheduler"]
    assert "dask_scheduler" not in problems(RaceConfig(runners=("dask",), dask_scheduler="tcp://10.0.0.5:8786"))


# -- a real external cluster -----------------------------------------------------------------

def _dask_command() -> list[str]:
    return [os.path.join(os.path.dirname(sys.executable), "dask")]


@contextlib.contextmanager
def external_cluster(workers: int = 2):
    """`dask scheduler` and `dask worker` processes on 127.0.0.1, as someone would start them by hand."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [spawn.PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))}
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    processes = [subprocess.Popen([*_dask_command(), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                   "--no-dashboard"], **quiet)]
    try:
        for _ in range(workers):
            processes.append(subprocess.Popen([*_dask_command(), "worker", address, "--host", "127.0.0.1",
                                               "--nthreads", "1", "--nworkers", "1", "--no-dashboard"], **quiet))
        from distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(workers, timeout=60)
            yield address, client
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                for child in [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]:
                    child.kill()
                process.wait(5)


# Lambdas: Dask pickles them by value, so the cluster need not import this test module.
_scheduler_tasks = lambda dask_scheduler: len(dask_scheduler.tasks)  # noqa: E731
_executing = lambda dask_worker: len(dask_worker.state.executing)  # noqa: E731


@needs_dask
@pytest.mark.skipif(HAS_DASK and not shutil.which("dask", path=os.path.dirname(sys.executable)),
                    reason="the dask command is not installed beside this interpreter")
def test_a_race_on_an_external_cluster_uses_both_workers_and_a_cancel_leaves_it_idle(cli_env, tuiconc_cmd):
    with external_cluster(2) as (address, client):
        workers = set(client.scheduler_info()["workers"])
        out = subprocess.run([*tuiconc_cmd, "race", "-r", "dask", "-n", "300000", "--dask-scheduler", address,
                              "--json"], capture_output=True, text=True, env=cli_env, timeout=180)
        assert out.returncode == 0, out.stderr[-2000:]
        lane = json.loads(out.stdout)["lanes"][0]
        assert lane["correct"] and lane["answer"] == 25_997
        assert lane["workers"] == 2 and lane["start_method"] is None
        assert lane["extra"]["cluster"] == "external" and lane["extra"]["scheduler"] == address
        assert set(lane["extra"]["workers_used"]) == workers, "tasks ran on both workers"

        race = Race(RaceConfig(workload="primes", size=10_000_000, runners=("dask",), dask_scheduler=address))
        race.start()
        try:
            wait_until(lambda: race.snapshot().lane("dask").done > 0, timeout=60)
            assert client.run_on_scheduler(_scheduler_tasks) > 0
        finally:
            race.cancel()
        assert race.snapshot().lane("dask").status == "cancelled"
        # The scheduler forgets the lane's futures; a task already running finishes, then the workers idle.
        wait_until(lambda: client.run_on_scheduler(_scheduler_tasks) == 0, timeout=5)
        wait_until(lambda: not any(client.run(_executing).values()), timeout=10)
        assert set(client.scheduler_info()["workers"]) == workers, "the cluster is left running"
        cluster_pids = [p.pid for p in descendants()]
    wait_until(lambda: not living(cluster_pids), timeout=5)


@needs_dask
def test_tiny_tasks_cost_a_cluster_more_than_a_pool_and_batching_rescues_it():
    state = Race(lab_config("tiny-tasks-dask")).run()
    assert all(lane.correct for lane in state.lanes), [(lane.name, lane.error) for lane in state.lanes]
    pool, one_by_one = state.lane("pool, one task per message"), state.lane("dask, one task per future")
    batched = state.lane("dask, batched futures")
    assert one_by_one.extra["futures"] == 1_000 and batched.extra["futures"] <= 4 * batched.workers
    # A scheduler round trip per future against a pipe message per task: typically 5-20x apart.
    assert one_by_one.wall_s > pool.wall_s and batched.wall_s < one_by_one.wall_s / 2
    winner = next(lane for lane in state.lanes if lane.place == 1)
    if winner.runner != "dask" and not state.disturbed:  # the verdict says what distributing cost the dask lane
        assert "dask, batched futures took" in state.verdict and "the distribution overhead" in state.verdict
    if winner.runner != "dask":  # disturbed or not, the sentence it would say names the overhead
        assert "the distribution overhead" in verdict(state.lanes)


@needs_dask
@pytest.mark.skipif(HAS_DASK and not shutil.which("dask", path=os.path.dirname(sys.executable)),
                    reason="the dask command is not installed beside this interpreter")
def test_an_external_cluster_receives_a_users_file_and_races_its_function(tmp_path):
    """Its workers were started elsewhere and can't import the file by path: the lane uploads it first."""
    from tuiconc.engine.config import canonical_workload

    (tmp_path / "remote_work.py").write_text("def cube(item):\n    return item ** 3\n")
    spec = canonical_workload(str(tmp_path / "remote_work.py") + ":cube")
    with external_cluster() as (address, _client):
        state = Race(RaceConfig(workload=spec, size=40, workers=2, runners=("sequential", "dask"),
                                dask_scheduler=address)).run()
    lane = state.lane("dask")
    assert (lane.status, lane.correct, lane.error) == ("finished", True, None)
