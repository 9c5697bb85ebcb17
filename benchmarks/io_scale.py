"""I/O scale: N concurrent requests to the local server at L ms latency, asyncio beside threading.

    python benchmarks/io_scale.py [--requests 10000] [--latency-ms 100] [--rounds 1] [--no-threading]

Prints, medians of `rounds` runs in one go:
- the local server's capacity: requests/s it sustains at latency 0 against a separate
  load-generating process (a new connection per request, as in the race), and its CPU per
  request, so a reader sees whether the race figures are limited by the server;
- the asyncio lane and the threading lane on the same load (N requests, N workers): wall
  time, wall / latency (target for asyncio ≤ 3×), CPU per request, peak RSS, the server's
  CPU during the lane, and for asyncio the time its garbage collector took;
- the floor for Python asyncio here: bare asyncio protocols (no HTTP library) doing the same
  N requests from their own process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import threading
import time

from common import median, print_machine

from tuiconc.engine.config import RaceConfig
from tuiconc.arena.limits import raise_open_file_limit
from tuiconc.arena.httpserver import effective_backlog
from tuiconc.engine.localserver import LocalServer
from tuiconc.engine.race import Race

TARGET_RATIO = 3.0


# -- the load generator: bare asyncio protocols, run in its own process ----------------------
class OneGet(asyncio.Protocol):
    """Send one GET, read the reply to its Content-Length, report the status."""

    def __init__(self, request: bytes, done: asyncio.Future):
        self.request, self.done, self.received = request, done, bytearray()

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.received += data
        head, blank, body = self.received.partition(b"\r\n\r\n")
        if not blank:
            return
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        if len(body) >= length and not self.done.done():
            self.done.set_result(int(head.split(b" ")[1]))
            self.transport.close()

    def connection_lost(self, exc) -> None:
        if not self.done.done():
            self.done.set_result(0)


async def generate(port: int, requests: int, concurrency: int, latency_ms: int) -> dict:
    loop = asyncio.get_running_loop()
    slots = asyncio.Semaphore(concurrency)

    async def get(index: int) -> bool:
        request = (f"GET /payload?latency_ms={latency_ms}&bytes=1024&task={index} HTTP/1.1\r\n"
                   f"Host: 127.0.0.1\r\nConnection: close\r\n\r\n").encode()
        async with slots:
            done = loop.create_future()
            try:
                await loop.create_connection(lambda: OneGet(request, done), "127.0.0.1", port)
            except OSError:
                return False
            return await done == 200

    cpu, started = time.process_time(), time.monotonic()
    ok = sum(await asyncio.gather(*(get(i) for i in range(requests))))
    return {"ok": ok, "wall_s": time.monotonic() - started, "cpu_s": time.process_time() - cpu}


def run_generator(port: int, requests: int, concurrency: int, latency_ms: int) -> dict:
    args = [sys.executable, __file__, "--generate", str(port), "--requests", str(requests),
            "--concurrency", str(concurrency), "--latency-ms", str(latency_ms)]
    return json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)


# -- measuring ---------------------------------------------------------------------------
class ServerCpu:
    """The local server's CPU seconds (user + system) so far."""

    def __init__(self, server: LocalServer):
        import psutil

        self.process = psutil.Process(server.process.pid)

    def __call__(self) -> float:
        times = self.process.cpu_times()
        return times.user + times.system


def listen_overflows() -> int | None:
    """Connections the kernel dropped because an accept queue was full (system-wide, Linux)."""
    try:
        with open("/proc/net/netstat") as table:
            lines = table.read().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2]):
        if names.startswith("TcpExt:"):
            return int(dict(zip(names.split(), values.split()))["ListenOverflows"])
    return None


def load_average() -> float:
    try:
        with open("/proc/loadavg") as load:
            return float(load.read().split()[0])
    except OSError:
        return float("nan")


def race_lane(runner: str, server: LocalServer, server_cpu: ServerCpu, requests: int, latency_ms: int) -> dict:
    config = RaceConfig(workload="http", size=requests, workers=requests, runners=(runner,), mode="isolated",
                        latency_ms=latency_ms, url=server.url)
    overflows, cpu_before = listen_overflows(), server_cpu()
    lane = Race(config).run().lanes[0]
    server_s = server_cpu() - cpu_before
    overflows_after = listen_overflows()
    if not lane.correct:
        raise SystemExit(f"{runner} lane: {lane.error or f'{lane.answer} of {requests} requests succeeded'}")
    return {"wall_s": lane.wall_s, "cpu_s": lane.cpu_s, "rss_mb": lane.peak_rss_mb, "server_s": server_s,
            "gc_s": lane.extra.get("gc_ms", float("nan")) / 1000,
            "gc_full_s": lane.extra.get("gc_full_ms", float("nan")) / 1000,
            "overflows": None if overflows is None else overflows_after - overflows, "load": load_average()}


def floor_run(server: LocalServer, server_cpu: ServerCpu, requests: int, latency_ms: int) -> dict:
    cpu_before = server_cpu()
    result = run_generator(server.port, requests, requests, latency_ms)
    if result["ok"] != requests:
        raise SystemExit(f"bare asyncio floor: {result['ok']} of {requests} requests succeeded")
    return {**result, "server_s": server_cpu() - cpu_before}


def capacity_run(server: LocalServer, server_cpu: ServerCpu, requests: int) -> dict:
    cpu_before = server_cpu()
    result = run_generator(server.port, requests, min(requests, 1000), 0)
    if result["ok"] != requests:
        raise SystemExit(f"server capacity: {result['ok']} of {requests} requests succeeded")
    return {**result, "server_s": server_cpu() - cpu_before}


def watch_progress(label: str) -> threading.Event:
    """A dot on stderr every 5 s, so a two-minute run is visibly alive."""
    stop = threading.Event()

    def dots() -> None:
        while not stop.wait(5):
            print(".", end="", file=sys.stderr, flush=True)

    print(f"[{label}]", end="", file=sys.stderr, flush=True)
    threading.Thread(target=dots, daemon=True).start()
    return stop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-threading", action="store_true", help="skip the (slow) threading lane")
    parser.add_argument("--generate", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--concurrency", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    raise_open_file_limit()
    if args.generate:
        print(json.dumps(asyncio.run(generate(args.generate, args.requests, args.concurrency, args.latency_ms))))
        return

    print_machine()
    sys.stdout.flush()
    n, latency_s = args.requests, args.latency_ms / 1000
    rows: dict[str, list[dict]] = {}
    with LocalServer() as server:
        server_cpu = ServerCpu(server)
        print(f"local server: {server.listeners} listening sockets × backlog {effective_backlog()} "
              f"(somaxconn-capped) = {server.listeners * effective_backlog():,} queued connections; "
              f"load average at start {load_average():.1f}", flush=True)
        lanes = ("asyncio",) if args.no_threading else ("asyncio", "threading")
        for _ in range(args.rounds):
            stop = watch_progress("capacity")
            rows.setdefault("capacity", []).append(capacity_run(server, server_cpu, n))
            for runner in lanes:
                stop.set()
                stop = watch_progress(runner)
                rows.setdefault(runner, []).append(race_lane(runner, server, server_cpu, n, args.latency_ms))
            stop.set()
            stop = watch_progress("floor")
            rows.setdefault("floor", []).append(floor_run(server, server_cpu, n, args.latency_ms))
            stop.set()
        print(file=sys.stderr)

    def med(name: str, key: str) -> float:
        return median([row[key] for row in rows[name]])

    cap_rate = n / med("capacity", "wall_s")
    cap_server_us = med("capacity", "server_s") / n * 1e6
    print(f"\nserver capacity (latency 0, one load-generating process, ≤ 1,000 connections at a time, median of "
          f"{args.rounds}): {cap_rate:,.0f} req/s achieved; server CPU {cap_server_us:.0f} µs/request → "
          f"≈ {1e6 / cap_server_us:,.0f} req/s on one core of its own; generator CPU "
          f"{med('capacity', 'cpu_s') / n * 1e6:.0f} µs/request")
    print(f"\n{n:,} requests, {n:,} workers, latency {args.latency_ms} ms, median of {args.rounds}; "
          f"target asyncio wall ≤ {TARGET_RATIO:.0f}× latency = {TARGET_RATIO * latency_s:.2f} s")
    print(f"{'lane':<22} {'wall':>8} {'×latency':>9} {'CPU':>8} {'CPU/req':>9} {'peak RSS':>9} "
          f"{'server CPU/req':>15} {'server busy':>12} {'GC':>7}")
    for name, label in (("asyncio", "asyncio lane (aiohttp)"), ("threading", "threading lane (urllib)"),
                        ("floor", "bare asyncio, no lib")):
        if name not in rows:
            continue
        wall, cpu = med(name, "wall_s"), med(name, "cpu_s")
        rss = f"{med(name, 'rss_mb'):>7.0f}MB" if "rss_mb" in rows[name][0] else f"{'—':>9}"
        gc_s = f"{med(name, 'gc_s'):>6.2f}s" if name == "asyncio" else f"{'—':>7}"
        server_s = med(name, "server_s")
        print(f"{label:<22} {wall:>7.2f}s {wall / latency_s:>8.1f}× {cpu:>7.2f}s {cpu / n * 1e6:>7.0f}µs {rss} "
              f"{server_s / n * 1e6:>13.0f}µs {server_s / wall:>11.0%} {gc_s}")
    wall = med("asyncio", "wall_s")
    print(f"\nasyncio wall / latency: {wall / latency_s:.1f}×  (target ≤ {TARGET_RATIO:.0f}×)"
          f"{'  MET' if wall / latency_s <= TARGET_RATIO else '  NOT MET'}")
    print(f"asyncio GC: {med('asyncio', 'gc_s'):.2f} s of {med('asyncio', 'cpu_s'):.2f} s CPU "
          f"({med('asyncio', 'gc_full_s'):.2f} s in full passes)")
    if "threading" in rows:
        print(f"threading / asyncio: wall {med('threading', 'wall_s') / wall:.1f}×, "
              f"peak RSS {med('threading', 'rss_mb') / med('asyncio', 'rss_mb'):.2f}×")
    overflows = [row["overflows"] for name in lanes for row in rows[name] if row["overflows"] is not None]
    if overflows:
        print(f"listen-queue overflows during the lanes (system-wide): {sum(overflows)}")
    print(f"load average now {load_average():.1f} on this machine (wall times stretch when it exceeds the cores)")


if __name__ == "__main__":
    main()
