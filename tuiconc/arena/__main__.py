"""The child-process side of a lane: run one runner on one workload and report over stdout.

Started by the race as `python -m tuiconc.arena '<json config>'`, in its own process
group, so CPU-bound threads here can never starve the front end of its GIL, and
cancelling the lane is one killpg. Standard library only.
"""

from __future__ import annotations

import os
import sys

from tuiconc.arena.working_folder import without_working_folder

sys.path[:] = without_working_folder(sys.path, os.getcwd(), bool(getattr(sys.flags, "safe_path", False)))

import json  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402

from tuiconc import tunables  # noqa: E402

from tuiconc.arena import protocol
from tuiconc.arena.gil_address import gil_futexes
from tuiconc.arena.limits import cap_memory, raise_open_file_limit
from tuiconc.arena.lifeline import hold_lifeline
from tuiconc.machine import interpreter_facts, peak_rss_bytes
from tuiconc.runners import Job, LaneError, get_runner
from tuiconc.runners.base import chunksize
from tuiconc.workloads import Options, UserWorkload, get_workload, looks_like_spec
from tuiconc.workloads.user import UserCodeError

_write_lock = threading.Lock()
_channel = [1]  # the file descriptor the protocol goes out on; see own_channel()


def send(message: protocol.Message) -> None:
    line = protocol.encode(message).encode()
    with _write_lock:
        os.write(_channel[0], line)


def own_channel() -> None:
    """Keep the pipe to the front end for the protocol alone: anything else that writes to standard output
    (a user's print, a library's banner, a child process) goes to /dev/null instead of into the messages."""
    _channel[0] = os.dup(sys.stdout.fileno())
    os.set_inheritable(_channel[0], False)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


# The timeline is drained this many buckets behind now: a bump marks the buckets its worker
# executed in since its last bump, and those must not have been sent yet (a block of work
# longer than this, or a worker descheduled that long, loses its oldest buckets).
DRAIN_LAG_BUCKETS = 250


class Reporter:
    """Sends progress and timeline activity, batched to at most PROGRESS_HZ messages a second."""

    def __init__(self, board, total: int):
        self.board, self.total = board, total
        self.last_counts: list[int] | None = None
        self.last_threads: list[list[int]] = []
        self.registrations_seen = self.reports = 0
        self.drained_to = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="tuiconc-reporter", daemon=True)

    def _loop(self) -> None:
        woken = self.board.new_thread  # a new worker thread, or the end: report now, not at the next tick
        while True:
            woken.wait(1 / tunables.PROGRESS_HZ)
            woken.clear()
            if self.stop.is_set():
                return
            self.report(self.board.current_bucket() - DRAIN_LAG_BUCKETS)

    def report(self, drain_to: int) -> None:
        counts = self.board.read()
        if counts != self.last_counts:
            send(protocol.Progress(done=min(self.total, sum(counts)), per_worker=counts))
            self.last_counts = counts
        registrations = self.board.registrations[0]
        self.reports += 1
        # After a worker registered; and once a second besides, should two processes' counts have collided.
        if registrations != self.registrations_seen or self.reports % tunables.PROGRESS_HZ == 0:
            self.registrations_seen = registrations
            threads = self.board.threads()
            if threads != self.last_threads:
                send(protocol.Threads(threads=threads))
                self.last_threads = threads
        if drain_to > self.drained_to:
            activity = self.board.drain_activity(self.drained_to, drain_to)
            self.drained_to = drain_to
            if activity:
                send(protocol.Activity(workers={str(slot): pairs for slot, pairs in activity.items()}))

    def __enter__(self) -> "Reporter":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.board.new_thread.set()
        self.thread.join()
        self.report(self.board.current_bucket() + 1)  # every worker is done: send the rest



def run_lane(config: dict) -> int:
    workload = get_workload(config["workload"])
    runner = get_runner(config["runner"])
    options = Options(**config.get("options", {}))
    start_method = config.get("start_method") if runner.uses_processes else None
    if config.get("switch_interval_ms"):
        sys.setswitchinterval(config["switch_interval_ms"] / 1000)
    tasks = workload.plan(config["size"], config["workers"], config.get("items_per_task"))
    workers = runner.worker_count(config["workers"], len(tasks))
    job = Job(workload, options, tasks, workers, start_method, runner.make_board(workers, start_method),
              chunksize=chunksize(config.get("chunksize", 1), len(tasks), workers), variant=config.get("variant"),
              cluster=config.get("dask_scheduler"))
    total = sum(task[1] - task[0] for task in tasks) if isinstance(workload, UserWorkload) \
        else workload.total_units(config["size"])
    job.extra.update(tasks=len(tasks), items_per_task=round(total / len(tasks), 1) if tasks else 0)
    note = workload.lane_note(runner.name, runner.asynchronous) if isinstance(workload, UserWorkload) else None
    if note:
        job.extra["note"] = note
    probe_started = time.monotonic()
    gil_at = gil_futexes()
    gil_probe_s = time.monotonic() - probe_started
    with runner.session(job):  # a cluster runner's cluster, started or reached: part of start-up
        send(protocol.Started(pid=os.getpid(), runner=runner.name, workers=job.workers,
                              start_method=job.start_method, total=total, origin=job.board.origin,
                              bucket_s=tunables.TIMELINE_BUCKET_S, switch_interval_s=sys.getswitchinterval(),
                              extra=dict(job.extra), gil_futexes=gil_at, gil_probe_s=gil_probe_s,
                              **interpreter_facts()))

        workload.prepare(asynchronous=runner.asynchronous)
        with Reporter(job.board, total):
            cpu_before, started = time.process_time(), time.monotonic()
            try:
                partials = runner.run(job)
            finally:
                ended, cpu_after = time.monotonic(), time.process_time()
        # The work's wall time runs from its first task; creating workers before that is start-up.
        first_task_at = job.board.first_task[0] or started
        if isinstance(workload, UserWorkload) and config.get("digests"):
            write_digests(config["digests"], workload.item_digests(partials))
        send(protocol.Finished(
            answer=workload.combine(partials),
            wall_s=ended - first_task_at,
            first_task_at=first_task_at,
            cpu_s=cpu_after - cpu_before + sum(job.board.worker_cpu_s),
            peak_rss_bytes=peak_rss_bytes() + sum(job.board.worker_peak_rss),
            extra=job.extra,
        ))
    return 0


def write_digests(path: str, digests: bytes) -> None:
    """Every item's result digest, in item order, for the front end to compare with the sequential lane's."""
    partial = f"{path}.{os.getpid()}.part"
    with open(partial, "wb") as out:
        out.write(digests)
    os.replace(partial, path)


def _readable(error: BaseException) -> str:
    if isinstance(error, (LaneError, UserCodeError)):
        return str(error)
    if "pickle" in type(error).__name__.lower() or "pickle" in str(error).lower():
        return (f"work could not be sent to a worker process ({type(error).__name__}: {error}). A process pool "
                f"pickles the function and its arguments to send them; lambdas, nested functions and open "
                f"resources can't be pickled. Use a function defined at module level.")
    return f"{type(error).__name__}: {error}"


def lower_priority(nice: int) -> None:
    """A little below the front end, so a key press is answered first when every core is busy.

    Only the process's own nice: the lane shares its front end's session, so its scheduling
    group, with every program started from the same shell (see `engine.spawn.own_process_group`).
    Writing `/proc/self/autogroup` would renice that whole session, the user's shell included."""
    try:
        os.nice(nice)
    except OSError:
        pass


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tuiconc.arena '<json lane config>' (started by tuiconc, not by hand)", file=sys.stderr)
        return 2
    config = json.loads(argv[0])
    own_channel()
    lower_priority(config.get("nice", tunables.ARENA_NICE))
    raise_open_file_limit()
    if looks_like_spec(config["workload"]):
        cap_memory()
    hold_lifeline()
    try:
        return run_lane(config)
    except BaseException as error:  # every failure becomes a message a person can read, even a SystemExit
        traceback.print_exc(file=sys.stderr)
        send(protocol.Error(message=_readable(error)))
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
