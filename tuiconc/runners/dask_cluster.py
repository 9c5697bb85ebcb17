"""Dask distributed: the same tasks as futures on a cluster, local or on other machines.

By default the lane starts a LocalCluster of K single-threaded worker processes on 127.0.0.1
and closes it when the lane ends, so its start-up is the cluster's start. Given a scheduler's
address it races on that cluster instead and leaves it running.

Workers may be on other hosts, so they cannot share the progress board: progress is counted
as each batch's result comes back, on the row of the worker that ran it, and the timeline
stays empty rather than show arrivals as if they were execution.

`distributed` is imported only on the run path: `tuiconc list` and every other lane stay light.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import multiprocessing
import resource
import sys
import time

from tuiconc import tunables
from tuiconc.runners.base import Job, LaneError, Runner
from tuiconc.runners.board import Board
from tuiconc.workloads import Options, Task, get_workload

INSTALL_HINT = "pip install 'tuiconc[dask]'"


class ClusterUnreachable(LaneError):
    pass


def _no_bump(done: int) -> None:
    """Workers may be on other machines: their hot loops have no board to bump."""


def run_batch(workload_name: str, options: Options, tasks: list[Task]) -> tuple[list, str, float]:
    """One future's work, on a Dask worker: (its tasks' partial answers, that worker's address, seconds computing)."""
    from distributed import get_worker

    workload = get_workload(workload_name)
    workload.prepare(asynchronous=False)
    began = time.perf_counter()
    partials = [workload.run_task(task, _no_bump, options) for task in tasks]
    return partials, get_worker().address, time.perf_counter() - began


def process_figures() -> tuple[float, int]:
    """A worker process's CPU seconds so far and its peak resident memory in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return time.process_time(), peak if sys.platform == "darwin" else peak * 1024


def batches(tasks: list[Task], chunksize: int) -> list[list[Task]]:
    return [tasks[i:i + chunksize] for i in range(0, len(tasks), chunksize)]


class Dask(Runner):
    name = "dask"
    description = ("Dask distributed: tasks as futures on a cluster; by default a LocalCluster of K worker "
                   "processes started for the lane, or an existing one with --dask-scheduler.")
    uses_processes = True
    worker_noun = "worker"

    def unavailable_reason(self) -> str | None:
        if importlib.util.find_spec("distributed") is None:
            return f"needs Dask distributed: {INSTALL_HINT}"
        return None

    @contextlib.contextmanager
    def session(self, job: Job):
        """Start or reach the cluster before the lane says it has started: its workers are the lane's."""
        from distributed import Client

        with _local_workers_started_by(job.start_method):
            cluster = None
            try:  # the cluster, if we start one, is closed however the lane ends
                if job.cluster is None:
                    cluster = _local_cluster(job.workers)
                    client = Client(cluster)
                else:
                    client = _connect(job.cluster)
                with contextlib.closing(client):
                    _fit_to(job, client)
                    _send_user_code(job, client)
                    job.connection = client
                    yield
            finally:
                if cluster is not None:
                    cluster.close(timeout=tunables.DASK_CLOSE_TIMEOUT_S)
                    _end_leftover_workers()

    def run(self, job: Job) -> list[int]:
        from distributed import as_completed

        client = job.connection
        rows = {address: row for row, address in enumerate(sorted(client.scheduler_info()["workers"]))}
        before = client.run(process_figures)
        removals_before = len(_removed_workers(client))
        plan = batches(job.tasks, job.chunksize)
        job.board.mark_task_start()
        futures = client.map(run_batch, [job.workload.name] * len(plan), [job.options] * len(plan), plan,
                             pure=False)
        total = job.workload.total_units  # progress units, as the hot loops would have bumped them
        units = {future.key: sum(total(task[1]) - total(task[0]) for task in batch)
                 for future, batch in zip(futures, plan)}
        pending = {future.key: future for future in futures}
        partials, ran_on, computing_s = [], {}, 0.0
        try:
            # with_results: results are gathered in bulk as they complete, not one round trip each.
            for future, (partial, address, seconds) in _results(as_completed(futures, with_results=True)):
                # Let go of it: a result still wanted is recomputed if the worker holding it dies.
                pending.pop(future.key).release()
                partials.extend(partial)
                computing_s += seconds
                ran_on[address] = ran_on.get(address, 0) + 1
                # Counted on arrival, not bumped in the hot loop: the worker may be on another machine.
                job.board.counts[_row(rows, address, job.board)] += units[future.key]
        finally:
            client.cancel(list(pending.values()))
        wall_s = time.monotonic() - job.board.first_task[0]
        _account(job, rows, before, client.run(process_figures))
        job.extra.update(_cluster_facts(job, ran_on, len(plan), computing_s, wall_s))
        job.extra.update(_lost_workers(_removed_workers(client)[removals_before:]))
        return partials


def _row(rows: dict[str, int], address: str, board: Board) -> int:
    """A worker's progress row; a replacement worker (a new address) shares one."""
    return rows.setdefault(address, len(rows)) % len(board.counts)


def _local_cluster(workers: int):
    from distributed import LocalCluster

    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                        scheduler_port=0, dashboard_address="127.0.0.1:0", worker_dashboard_address=None,
                        silence_logs=logging.ERROR)


def _connect(address: str):
    from distributed import Client

    try:
        return Client(address, timeout=tunables.DASK_CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as error:
        raise ClusterUnreachable(
            f"could not reach the Dask scheduler at {address} within {tunables.DASK_CONNECT_TIMEOUT_S:g} s "
            f"({error}); is `dask scheduler` running there, and its port open to this machine?") from None


def _fit_to(job: Job, client) -> None:
    """The lane's workers are the cluster's worker threads; wait for at least one."""
    try:
        client.wait_for_workers(1, timeout=tunables.DASK_CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError):
        raise ClusterUnreachable(f"the Dask scheduler at {client.scheduler.address} has no workers; "
                                 f"start some with `dask worker {client.scheduler.address}`") from None
    workers = client.scheduler_info()["workers"]
    job.workers = sum(worker["nthreads"] for worker in workers.values())
    job.board = Board.local(len(workers))
    job.extra.update({"cluster": "external" if job.cluster else "local", "scheduler": client.scheduler.address})
    if "dashboard" in client.scheduler_info().get("services", {}):
        job.extra["dashboard"] = client.dashboard_link
    if job.cluster is not None:
        job.start_method = None  # the cluster's workers were started by whoever started them


def _send_user_code(job: Job, client) -> None:
    """An external cluster's workers may be on other machines: they receive a user's file before the lane
    starts (a local cluster's workers import it from its path)."""
    path = getattr(getattr(job.workload, "spec", None), "path", None)
    if job.cluster is not None and path:
        client.upload_file(path)


def _results(completed):
    from distributed import KilledWorker

    try:
        yield from completed
    except KilledWorker as error:
        raise LaneError(f"the workers running task {error.task!r} kept dying, so Dask gave up on it after "
                        f"{error.args[2]} tries (distributed.scheduler.allowed-failures)") from None


def _removed_workers(client) -> list[dict]:
    return [event for _, event in client.get_events("all") if event.get("action") == "remove-worker"]


def _account(job: Job, rows: dict[str, int], before: dict, after: dict) -> None:
    """Each worker's CPU during the race, and on a local cluster its peak memory, on the board's rows,
    where the arena adds them to the lane's own (memory on other machines is not this machine's)."""
    for address, (cpu_s, peak_rss) in after.items():
        row = _row(rows, address, job.board)
        job.board.worker_cpu_s[row] += cpu_s - before.get(address, (cpu_s, 0))[0]
        if job.cluster is None:
            job.board.worker_peak_rss[row] += peak_rss


def _cluster_facts(job: Job, ran_on: dict, futures: int, computing_s: float, wall_s: float) -> dict:
    return {
        "workers_used": dict(sorted(ran_on.items())),
        "futures": futures,
        # Worker time per future spent on scheduling, messages and waiting instead of on the work.
        "task_overhead_ms": round(max(0.0, wall_s * job.workers - computing_s) / futures * 1000, 3),
    }


def _lost_workers(removed: list[dict]) -> dict:
    """What happened when workers left mid-race: Dask reruns their tasks elsewhere, and says so here."""
    if not removed:
        return {}
    rerun = sum(len(event.get("lost-computed-tasks", ())) + len(event.get("processing-tasks", ()))
                for event in removed)
    return {"workers_lost": len(removed),
            "note": f"{len(removed)} worker(s) left the cluster mid-race; Dask ran their {rerun} unfinished "
                    f"task(s) again on the others (the answer is checked as always)"}


@contextlib.contextmanager
def _local_workers_started_by(start_method: str | None):
    """A local cluster's worker processes start with the race's start method, as the pools' do."""
    import dask

    with dask.config.set({"distributed.worker.multiprocessing-method": start_method or "spawn"}):
        yield


def _end_leftover_workers() -> None:
    """After close(), no worker process of ours may outlive the lane, even one that did not stop in time."""
    for child in multiprocessing.active_children():
        child.kill()
        child.join(1)
