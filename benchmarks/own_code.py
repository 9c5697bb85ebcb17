"""What racing your own function costs it: a sequential lane against a bare loop over the same function.

    python benchmarks/own_code.py [--rounds 5]

Two functions in a file of their own, as a user would write them: one of about 1 ms per call and
one of about 10 µs per call (100,000 calls). Each round runs the bare loop (`for item in
range(N): func(item)` in a fresh interpreter, timed around the loop) and the sequential lane
(the arena's own wall time, first task to last result: importing the file, digesting each result
and the progress board are the lane's), alternately; the ratio is each round's own.
Targets: ≤ 1.03 for the 1 ms function, ≤ 1.10 for the 10 µs one.

Then start-up: a sequential lane's start-up (spawn to first task) for the user's function against
a built-in workload, alternated; target: at most 50 ms more.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

from common import median, print_machine

from tuiconc.engine.config import RaceConfig
from tuiconc.engine.race import Race

SOURCE = '''
def one_ms(item):
    """About a millisecond of pure Python."""
    total = 0
    for i in range(LOOP_1MS):
        total += i * item
    return total


def ten_us(item):
    """About ten microseconds of pure Python."""
    total = 0
    for i in range(LOOP_10US):
        total += i ^ item
    return total
'''

BARE = """
import importlib.util, json, sys, time
spec = importlib.util.spec_from_file_location("user_functions", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
func, n = getattr(module, sys.argv[2]), int(sys.argv[3])
started = time.perf_counter()
for item in range(n):
    func(item)
print(json.dumps(time.perf_counter() - started))
"""

CASES = (("one_ms", 2_000, 1.03), ("ten_us", 100_000, 1.10))


def write_functions(folder: str) -> str:
    """The file, with each function's loop sized on this machine, by timing the function itself, to
    about 1 ms and 10 µs a call."""
    path = os.path.join(folder, "user_functions.py")
    loops = {"LOOP_1MS": 1000, "LOOP_10US": 100}
    for _ in range(2):  # the second pass corrects the first's estimate
        with open(path, "w") as out:
            out.write("".join(f"{name} = {count}\n" for name, count in loops.items()) + SOURCE)
        for (name, count), (func, target_s) in zip(list(loops.items()), (("one_ms", 1e-3), ("ten_us", 1e-5))):
            per_call = bare_s(path, func, 2_000) / 2_000
            loops[name] = max(1, round(count * target_s / per_call))
    with open(path, "w") as out:
        out.write("".join(f"{name} = {count}\n" for name, count in loops.items()) + SOURCE)
    return path


def bare_s(path: str, func: str, n: int) -> float:
    out = subprocess.run([sys.executable, "-c", BARE, path, func, str(n)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def lane(workload: str, size: int):
    state = Race(RaceConfig(workload=workload, size=size, runners=("sequential",), mode="isolated")).run()
    result = state.lanes[0]
    assert result.status == "finished" and result.correct, result.error
    return result


def spread(values: list[float]) -> str:
    return f"{median(values):.3f} ({min(values):.3f}–{max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print_machine()
    with tempfile.TemporaryDirectory() as folder:
        path = write_functions(folder)
        for func in ("one_ms", "ten_us"):
            print(f"{func}: {bare_s(path, func, 2_000) / 2_000 * 1e6:,.1f} µs a call")
        print(f"{args.rounds} alternated rounds; each round's own ratio: median (min–max)")
        print(f"{'function':<8} {'calls':>8} {'bare loop':>10} {'lane':>8} {'lane / bare':>22} {'target':>7}")
        for func, calls, target in CASES:
            bare, lanes = [], []
            for _ in range(args.rounds):
                bare.append(bare_s(path, func, calls))
                lanes.append(lane(f"{path}:{func}", calls).wall_s)
            print(f"{func:<8} {calls:>8,} {median(bare):>9.3f}s {median(lanes):>7.3f}s "
                  f"{spread([a / b for a, b in zip(lanes, bare)]):>22} {target:>7.2f}")
        own, built_in = [], []
        for _ in range(args.rounds):
            own.append(lane(f"{path}:ten_us", 10).startup_s)
            built_in.append(lane("countdown", 10).startup_s)
        extra_ms = [(a - b) * 1000 for a, b in zip(own, built_in)]
        print(f"start-up, sequential lane: your function {median(own) * 1000:.0f} ms, built-in "
              f"{median(built_in) * 1000:.0f} ms; difference per round {median(extra_ms):+.0f} ms "
              f"({min(extra_ms):+.0f} to {max(extra_ms):+.0f}); target ≤ +50 ms")


if __name__ == "__main__":
    main()
