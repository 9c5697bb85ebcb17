"""Every tunable number in one place: refresh rates, caps and defaults."""

# Arena → front end: progress messages per second per lane, whatever the task count.
PROGRESS_HZ = 30
# The one psutil sampler: per-core and per-lane CPU, memory.
SAMPLE_HZ = 4
# The app's one UI tick: lanes redraw this often; the cores pane at each new sample.
REFRESH_HZ = 8
# With no race, the cores pane redraws this often (a divisor of REFRESH_HZ): half the cost.
IDLE_CORES_HZ = 2
# Samples of history kept per core for the sparklines.
CORE_HISTORY = 60
# Lanes run at lower priority than the front end so the UI never starves.
ARENA_NICE = 15  # CFS weight 36 vs the front end's 1024: even 17 busy lane processes leave the UI the CPU it needs

# CPU workloads split into many small chunks so no worker idles at the end.
CHUNKS_PER_WORKER = 8
MIN_CHUNKS = 16
# Hot loops report progress once per block of iterations, sized per workload to take
# roughly 0.1-0.5 ms: fine enough for the timeline, rare enough to cost nothing.
PRIMES_BLOCK = 256
SUM_SQUARES_BLOCK = 8192
COUNTDOWN_BLOCK = 16384

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

# Cancellation: how long a lane's process group gets between SIGKILL and our check.
CANCEL_DEADLINE_S = 1.0
