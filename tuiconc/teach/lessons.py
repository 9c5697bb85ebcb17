"""The lessons of the Explain pane: each a short text in our own words and the race that shows it.

The texts claim nothing the race doesn't let the reader check on this machine; `expect` names
the lanes any of which should win it (tests race each lesson at a small size and check).
"""

from __future__ import annotations

from dataclasses import dataclass

from tuiconc.engine.config import RaceConfig, lab_config
from tuiconc.engine.race import available_runners


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    text: str  # Markdown
    config: RaceConfig
    expect: tuple[str, ...]
    watch: str  # what to look at while it runs


def _changing_config() -> tuple[RaceConfig, tuple[str, ...]]:
    """Threads against whatever this interpreter has of the new models; processes if it has none."""
    new = [name for name in ("interpreters", "free-threaded") if name in available_runners()]
    runners = ("sequential", "threading", *(new or ["multiprocessing"]))
    return (RaceConfig(workload="primes", size=1_000_000, workers=4, runners=runners),
            tuple(new or ["multiprocessing"]))


def lessons() -> tuple[Lesson, ...]:
    changing, changing_winners = _changing_config()
    return (
        Lesson("concurrency", "Concurrency vs parallelism", """\
**Concurrency** is *dealing* with many things at once: tasks take turns, interleaved, and a
single core can do it. **Parallelism** is *doing* many things at once: several cores, each
busy with its own task at the same instant.

Four threads counting primes are concurrent: they all make progress, but in CPython only one
runs Python code at any moment, so together they keep about **one** core busy. Four processes
are parallel: each has its own interpreter, and they keep **every** core busy.

The race puts both beside a sequential baseline. Open the worker timeline (`t`) and zoom in (`z`):
the threads' rows take turns, the processes' rows are busy at the same time.""",
               RaceConfig(workload="primes", size=1_000_000, workers=4,
                          runners=("sequential", "threading", "multiprocessing")),
               ("multiprocessing",), "cores now: threading ≈ 1.0, multiprocessing ≈ every core"),
        Lesson("gil", "The GIL, and when it is released", """\
CPython's **global interpreter lock** lets one thread at a time execute Python bytecode. A
thread that runs pure Python holds it and hands it over every few milliseconds (the *switch
interval*, 5 ms by default), so threads interleave instead of running at once.

The GIL is **released** whenever a thread waits — sleeping, reading a socket, waiting on a
lock — and by C code that works on its own buffers: `hashlib` on large data, `zlib`,
many NumPy operations. While it's released, other threads run Python, and threads doing such
C work run on several cores at once.

This race hashes large buffers with SHA-256: the same threads that could not count primes
faster now keep every core busy.""",
               RaceConfig(workload="sha256", size=2_000, workers=4,
                          runners=("sequential", "threading", "multiprocessing")),
               ("threading", "multiprocessing"), "cores now: threading above 1.0 this time"),
        Lesson("models", "threading vs asyncio vs multiprocessing", """\
- **threading** — real OS threads. Blocking calls work as written and release the GIL while
  they wait, so threads are good at I/O; each thread costs a stack and a kernel thread.
- **asyncio** — one thread, one event loop, many coroutines. A task gives up the loop only at
  `await`, so switches are cheap and explicit, and thousands of waits cost little memory;
  but everything must be async, and one blocking call stalls every task.
- **multiprocessing** — separate processes, each with its own interpreter and GIL: the way to
  run pure-Python CPU work on every core. It pays to start processes and to pickle every
  argument and result that crosses between them.

This race waits on the local HTTP server (50 ms per reply): threads and asyncio overlap the
waits; processes do too, but with fewer workers and more start-up.""",
               RaceConfig(workload="http", size=100, workers=50, latency_ms=50,
                          runners=("sequential", "threading", "asyncio", "multiprocessing")),
               ("threading", "asyncio"), "wall: threading and asyncio near 0.1 s, sequential 5 s"),
        Lesson("hybrid", "The hybrid pattern", """\
Real programs wait *and* compute: fetch data, then crunch it. Threads overlap the fetching
but compute on one core; processes compute on every core but each waits on its own fetches.

The **hybrid** runner does both: an asyncio loop keeps many fetches in flight and hands each
result to a process pool with `loop.run_in_executor`, so waiting overlaps with computing on
every core. It wins when both parts are large enough to matter; on a machine with few cores,
enough separate processes come close, each waiting on its own fetch, at the price of a process
per wait.""",
               RaceConfig(workload="fetch-and-crunch", size=32, workers=4,
                          runners=("sequential", "threading", "multiprocessing", "hybrid")),
               ("hybrid", "multiprocessing"),
               "wall: hybrid ahead of threads, level with or ahead of processes on one process per core"),
        Lesson("pitfalls", "Pitfalls", """\
Each pitfall lab races a mistake beside its fix (pick them under *Pitfall labs* in the list):

- **race-condition** — threads update a shared counter without a lock and lose updates.
- **blocking-call** — `time.sleep` inside a coroutine stops the whole event loop.
- **unpicklable** — a lambda can't be sent to a process pool; a module-level function can.
- **tiny-tasks** — one message per tiny task costs more than the work; `chunksize` batches them.
- **oversubscription** — more CPU-bound processes than cores buys nothing more.
- **tiny-tasks-dask** — the same tiny tasks as futures on a Dask cluster cost even more each.

This race is the race condition: the unlocked lane's count comes out short.""",
               lab_config("race-condition"), ("threads + lock",),
               "the ✗ on the unlocked lane and its count of lost updates"),
        Lesson("changing", "What is changing in Python", """\
Two additions chip at the GIL:

- **Subinterpreters** (Python 3.14, `concurrent.futures.InterpreterPoolExecutor`): several
  interpreters in one process, each with its own GIL — parallel CPU work without starting
  processes, though objects are still copied between them.
- **Free-threading** (PEP 703; the `python3.13t` and `3.14t` builds): the GIL can be turned
  off, so threads run Python on every core at once; single-thread code runs somewhat slower,
  and shared data needs locks in earnest.

tuiconc detects both at run time: the `interpreters` and `free-threaded` lanes are shown
when this Python has them (`tuiconc list` says why not otherwise), and `--python
LANE=PATH` runs a lane on another interpreter, such as a free-threaded build. This race uses
the new models this Python has; where it has none, processes stand in for them.""",
               changing, changing_winners, "cores now, lane by lane"),
        Lesson("cluster", "When one machine isn't enough", """\
Processes scale to the cores of one machine. Past that, Python users reach for a distributed
engine such as **Dask**: a *scheduler* hands tasks to *workers*, processes that may run on
other machines, and each task's function, arguments and result travel as messages.

That costs twice. **Start-up**: a cluster's scheduler and workers must start (here a local
one, started for the lane), or be reached over the network. **Per task**: every task is
scheduled, sent and returned, so a task must be worth far more than that trip. The dask lane
measures its own: `task_overhead_ms` is the worker time per task that went to scheduling and
messages rather than to the work.

This race counts primes with a process pool and with Dask on a local cluster: the same cores,
so Dask can only lose, by its start-up and its overhead. The *tiny-tasks-dask* lab shows the
per-task cost growing past the work itself, and batching curing it. With `--dask-scheduler
tcp://HOST:PORT` the lane races on a real cluster instead: distribution pays when there are
more cores there than here, and each task is big (README: *Beyond one machine*).""",
               RaceConfig(workload="primes", size=1_000_000, workers=2,
                          runners=("sequential", "processpool", "dask")),
               ("processpool",), "start-up: dask's includes its cluster; extra: task_overhead_ms"),
    )
