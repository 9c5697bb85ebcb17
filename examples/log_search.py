"""Search log text with regular expressions: `re` matches with the GIL held.

Every match runs inside the interpreter's lock, so threads and asyncio take turns on one core
however many there are; only processes search several chunks at the same time.
Measured: about 2.5 ms per item on one core (a 2-core Linux VM, Python 3.11).

Race it:  tuiconc race --workload examples/log_search.py:count_matches --size 1000
"""

import random
import re

LINES_PER_CHUNK = 450  # about 60 KB of log text per item
LEVELS = ("INFO", "INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR", "FATAL")
SERVICES = ("api", "auth", "billing", "search", "worker", "gateway")
PATHS = ("/v1/orders", "/v1/users/me", "/v2/search?q=shoes", "/health", "/v1/cart/items", "/static/app.js",
         "/v1/payments/refund", "/login")
MESSAGES = ("request served", "cache miss", "slow query", "retrying upstream", "connection reset by peer",
            "token expired", "payload too large", "rate limit exceeded")

IPV4 = re.compile(r"\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b")
TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")
ERROR = re.compile(r"\b(?:ERROR|FATAL)\b.*?\b(E\d{4})\b")
SERVER_ERROR = re.compile(r'"(?:GET|POST|PUT|DELETE) [^"]*" 5\d\d ')
SLOW = re.compile(r"\bduration=(\d+)ms\b")


def _log_chunk(item):
    """Chunk number `item` of a web service's log: the same text for the same item, in every process."""
    rng = random.Random(item)  # seeded per item: deterministic whatever the process or hash seed
    bits = rng.getrandbits
    second = 1_700_000_000 + item * 3_600
    lines = []
    for _ in range(LINES_PER_CHUNK):
        r = bits(64)  # one draw per line, its fields cut from the bits
        second += r & 3
        hours, rest = divmod(second % 86_400, 3_600)
        level = LEVELS[(r >> 3) & 7]
        ip = f"{10 + (r >> 6) % 240}.{(r >> 14) & 255}.{(r >> 22) & 255}.{(r >> 30) & 255}"
        status = (200, 200, 200, 201, 204, 301, 404, 500, 502, 503)[(r >> 38) % 10]
        lines.append(
            f"2023-11-{14 + second // 86_400 % 14:02d}T{hours:02d}:{rest // 60:02d}:{rest % 60:02d}.{(r >> 42) % 1000:03d}Z "
            f"{level:5} {SERVICES[(r >> 52) % len(SERVICES)]}[{(r >> 40) & 1023}] client={ip} "
            f'"{("GET", "POST", "PUT", "DELETE")[(r >> 55) & 3]} {PATHS[(r >> 57) & 7]} HTTP/1.1" {status} '
            f"duration={(r >> 12) % 1500 if r & 64 else (r >> 12) % 90}ms "
            f"{MESSAGES[(r >> 60) & 7]}"
            f"{f' code=E{1000 + (r >> 16) % 40}' if level in ('WARN', 'ERROR', 'FATAL') else ''}"
            f"{f' upstream=10.0.{(r >> 20) & 255}.{(r >> 28) & 255}' if r & 128 else ''}")
    return "\n".join(lines) + "\n"


def count_matches(item):
    """Run five regular expressions over ~60 KB of log text: (IPs, timestamps, errors, distinct codes, 5xx, slow)."""
    text = _log_chunk(item)
    errors = ERROR.findall(text)
    return (len(IPV4.findall(text)), len(TIMESTAMP.findall(text)), len(errors), len(set(errors)),
            len(SERVER_ERROR.findall(text)), sum(1 for match in SLOW.finditer(text) if int(match[1]) >= 1_000))


if __name__ == "__main__":
    import time

    print(f"chunks of {len(_log_chunk(0)) / 1024:.0f} KB, e.g.:\n   {_log_chunk(0).splitlines()[0]}")
    started = time.perf_counter()
    results = [count_matches(item) for item in range(100)]
    elapsed = time.perf_counter() - started
    for result in results[:3]:
        print("  ", result)
    print(f"{len(results)} chunks in {elapsed:.2f} s: {elapsed / len(results) * 1e3:.2f} ms per item")
