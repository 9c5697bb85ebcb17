"""What distribution costs: dask against processpool, on a local cluster and on an external one.

    python benchmarks/distributed.py [--rounds 3] [--size 1000000] [--tiny-size 100000]

Needs the dask extra. Starts its own external cluster (`dask scheduler` and one single-threaded
`dask worker` per usable CPU, on 127.0.0.1) and ends it afterwards. Each round races, isolated,
the lanes below on primes at the default size and on tiny tasks (100 numbers a task), A and B
alternating; every figure is the median of the rounds. Printed per lane: wall, start-up (for
dask on a local cluster, that includes starting the cluster), the futures or tasks sent, and
per-task overhead = (wall × workers − sequential wall) / tasks: worker time per task that did
not go to the work, computed the same way for every lane. For dask, the lane's own figure
(task_overhead_ms: wall × workers − time inside its tasks, per future) is printed beside it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys

from common import median, print_machine

# This script is called distributed.py, like the package it measures: drop its folder from the
# path, and run from the repository root, so that this process and every lane import the real one.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [path for path in sys.path if os.path.abspath(path or ".") != HERE]
os.chdir(os.path.dirname(HERE))

from tuiconc.engine.config import RaceConfig, lab_config
from tuiconc.engine.race import Race
from tuiconc.workloads import get_workload


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def external_cluster(workers: int):
    dask = shutil.which("dask", path=os.path.dirname(sys.executable))
    if dask is None:
        sys.exit("the dask command is missing: pip install -e '.[dask]'")
    address = f"tcp://127.0.0.1:{free_port()}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH")]))}
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                                   "--no-dashboard"], **quiet)]
    try:
        processes += [subprocess.Popen([dask, "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                                        "--nworkers", "1", "--no-dashboard"], **quiet) for _ in range(workers)]
        from distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(workers, timeout=60)
        yield address
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)


def primes_config(size: int, workers: int, scheduler: str | None) -> RaceConfig:
    return RaceConfig(workload="primes", size=size, workers=workers, runners=("sequential", "processpool", "dask"),
                      dask_scheduler=scheduler)


def tiny_config(size: int, workers: int, scheduler: str | None) -> RaceConfig:
    return lab_config("tiny-tasks-dask").with_changes(size=size, workers=workers, dask_scheduler=scheduler)


def race(config: RaceConfig, figures: dict) -> None:
    state = Race(config).run()
    sequential = state.lane("sequential")
    for lane in state.lanes:
        assert lane.status == "finished" and lane.correct, (lane.name, lane.error)
        tasks = lane.extra.get("futures") or _tasks(config, lane)
        row = figures.setdefault(lane.name, {"wall": [], "startup": [], "per_task": [], "lane_ms": [], "tasks": tasks})
        row["wall"].append(lane.wall_s)
        row["startup"].append(lane.startup_s)
        if lane.runner != "sequential":
            row["per_task"].append((lane.wall_s * lane.workers - sequential.wall_s) / tasks * 1000)
        if "task_overhead_ms" in lane.extra:
            row["lane_ms"].append(lane.extra["task_overhead_ms"])


def _tasks(config: RaceConfig, lane) -> int:
    """Tasks in the lane's plan (a process pool sends each in its own message unless batched)."""
    return len(get_workload(config.workload).plan(config.effective_size, lane.workers or config.workers))


def show(title: str, figures: dict) -> None:
    print(f"\n{title}")
    print(f"{'lane':<30} {'wall':>8} {'start-up':>9} {'tasks':>6} {'per-task overhead':>18} {'lane says':>10}")
    for name, row in figures.items():
        per_task = f"{median(row['per_task']):.3f} ms" if row["per_task"] else "—"
        lane_ms = f"{median(row['lane_ms']):.3f} ms" if row["lane_ms"] else "—"
        print(f"{name:<30} {median(row['wall']):>7.3f}s {median(row['startup']):>8.3f}s {row['tasks']:>6,} "
              f"{per_task:>18} {lane_ms:>10}")


def ratio(figures: dict, a: str, b: str, key: str = "wall") -> float:
    return median(figures[a][key]) / median(figures[b][key])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--tiny-size", type=int, default=100_000)
    args = parser.parse_args()
    cores = print_machine()["usable_cpus"]
    results: dict[str, dict] = {}
    with external_cluster(cores) as address:
        cases = {
            "primes, local cluster": lambda: primes_config(args.size, cores, None),
            "primes, external cluster": lambda: primes_config(args.size, cores, address),
            "tiny tasks, local cluster": lambda: tiny_config(args.tiny_size, cores, None),
            "tiny tasks, external cluster": lambda: tiny_config(args.tiny_size, cores, address),
        }
        for _ in range(args.rounds):  # each case once a round, so a noisy minute hits them all alike
            for title, config in cases.items():
                race(config(), results.setdefault(title, {}))
    print(f"workers = {cores} = usable CPUs; isolated; median of {args.rounds} rounds; external cluster: "
          f"{cores} single-threaded dask workers on 127.0.0.1")
    for title, figures in results.items():
        show(title, figures)
    print()
    for where in ("local", "external"):
        primes, tiny = results[f"primes, {where} cluster"], results[f"tiny tasks, {where} cluster"]
        print(f"{where}: primes dask / processpool wall {ratio(primes, 'dask', 'processpool'):.2f}, "
              f"start-up {ratio(primes, 'dask', 'processpool', 'startup'):.2f}; tiny tasks one per future / "
              f"one per message wall {ratio(tiny, 'dask, one task per future', 'pool, one task per message'):.2f}, "
              f"per-task overhead {ratio(tiny, 'dask, one task per future', 'pool, one task per message', 'per_task'):.1f}")


if __name__ == "__main__":
    main()
