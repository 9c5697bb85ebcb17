"""Every tunable number in one place: refresh rates, caps and defaults."""

# Arena → front end: progress messages per second per lane, whatever the task count.
PROGRESS_HZ = 30
# The one psutil sampler: per-core and per-lane CPU, memory.
SAMPLE_HZ = 4
# "The machine is busy" looks back this far: other programs' CPU over the last RECENT_S seconds.
RECENT_S = 2.0
BUSY_MACHINE_CORES = 0.5  # other programs above this many cores: the status line warns before a race
# The app's one UI tick: lanes redraw this often; the cores pane at each new sample.
REFRESH_HZ = 8
# With no race, the cores pane redraws this often (a divisor of REFRESH_HZ): half the cost.
IDLE_CORES_HZ = 2
# Samples of history kept per core for the sparklines.
CORE_HISTORY = 60
# Lanes compete for the CPU as the user's own programs would: at the front end's priority, in its
# session. Beside two busy programs, lanes at nice 5 slowed 1.3-1.7× more than the same loop run
# from the shell, at nice 15 up to 11× (benchmarks/busy_machine.py); the UI stays responsive by
# being cheap, not by starving the lanes.
ARENA_NICE = 0

# CPU workloads split into many small chunks so no worker idles at the end.
CHUNKS_PER_WORKER = 8
MIN_CHUNKS = 16
# Hot loops report progress once per block of iterations, sized per workload to take
# roughly 0.1-0.5 ms: fine enough for the timeline, rare enough to cost nothing.
PRIMES_BLOCK = 256
SUM_SQUARES_BLOCK = 8192
COUNTDOWN_BLOCK = 16384

# Knobs for experiments: items per task sent to a worker, and the GIL's switch interval in a lane.
MAX_ITEMS_PER_TASK = 10_000_000
MIN_SWITCH_INTERVAL_MS = 0.001
MAX_SWITCH_INTERVAL_MS = 1_000.0

# Worker timeline: activity in buckets of 1 ms, kept per worker in a ring the arena drains.
TIMELINE_BUCKET_S = 0.001
TIMELINE_RING = 1024
TIMELINE_MAX_WORKERS = 64

DEFAULT_WORKERS = 4
MAX_WORKERS = 10_000
MAX_PROCESS_WORKERS = 256
DEFAULT_RUNNERS = ("sequential", "threading", "asyncio", "multiprocessing")

# I/O workload options.
DEFAULT_LATENCY_MS = 100
MAX_LATENCY_MS = 60_000
DEFAULT_PAYLOAD_BYTES = 1024
MAX_PAYLOAD_BYTES = 64 * 1024 * 1024
HTTP_TIMEOUT_S = 30.0

# An interpreter given with --python must answer tuiconc's probe within this many seconds.
PROBE_TIMEOUT_S = 5.0

# The longest recording a replay accepts; its timeline is sized by its length.
MAX_REPLAY_S = 6 * 3600

# Cancellation: how long a lane's process group gets between SIGKILL and our check.
CANCEL_DEADLINE_S = 1.0

# Repeated races: rounds of every lane, each lane's figure the median of its runs.
DEFAULT_REPEAT = 1  # a live show must be quick; `--repeat N` for figures to quote
DEFAULT_SWEEP_REPEAT = 3  # a sweep's points are compared with each other, so each gets a baseline per round
MAX_REPEAT = 50
# A lane whose runs spread more than this (slowest / fastest − 1) is marked unstable.
UNSTABLE_SPREAD = 0.10
# What a second SMT thread on a busy core adds, in cores, for the ideal line: typically 0.15–0.3.
SMT_GAIN = 0.25
# The dask runner: how long to try reaching a scheduler (and to wait for its first worker)
# before the lane fails, and how long a local cluster gets to close before its workers are killed.
DASK_CONNECT_TIMEOUT_S = 5.0
DASK_CLOSE_TIMEOUT_S = 5.0
