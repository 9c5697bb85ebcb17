"""A race's settings and their validation: one place, so the CLI and the app say the same thing."""

from __future__ import annotations

import urllib.parse
from dataclasses import asdict, dataclass, field, replace

from tuiconc import settings
from tuiconc.machine import default_start_method, start_methods
from tuiconc.runners import RUNNERS
from tuiconc.workloads import WORKLOADS, Options

MODES = ("together", "isolated")


class ConfigError(ValueError):
    """A setting a person gave that cannot be raced; the message says what to do instead."""


@dataclass(frozen=True)
class RaceConfig:
    workload: str = "primes"
    size: int | None = None  # None: the workload's default
    workers: int = settings.DEFAULT_WORKERS
    runners: tuple[str, ...] = settings.DEFAULT_RUNNERS
    mode: str = "together"
    start_method: str = field(default_factory=default_start_method)
    latency_ms: int = settings.DEFAULT_LATENCY_MS
    payload_bytes: int = settings.DEFAULT_PAYLOAD_BYTES
    url: str | None = None

    @property
    def effective_size(self) -> int:
        return WORKLOADS[self.workload].default_size if self.size is None else self.size

    def options(self, url: str | None = None) -> Options:
        return Options(latency_ms=self.latency_ms, payload_bytes=self.payload_bytes, url=url or self.url)

    @property
    def needs_local_server(self) -> bool:
        return self.workload == "http" and self.url is None

    def with_changes(self, **changes) -> "RaceConfig":
        return replace(self, **changes)

    def summary(self) -> dict:
        return {"workload": self.workload, "size": self.effective_size, "workers": self.workers,
                "mode": self.mode, "start_method": self.start_method}

    def to_dict(self) -> dict:
        return {**asdict(self), "size": self.effective_size, "runners": list(self.runners)}


def _choices(names) -> str:
    return ", ".join(names)


def check_workload(name: str) -> str | None:
    if name not in WORKLOADS:
        return f"unknown workload {name!r}; choose one of: {_choices(WORKLOADS)}"
    return None


def check_size(workload: str, size: int) -> str | None:
    limit = WORKLOADS[workload].max_size
    if size < 1:
        return f"size must be at least 1 (got {size:,})"
    if size > limit:
        return f"size {size:,} is too large for {workload}; the cap is {limit:,}"
    return None


def check_workers(workers: int, runners) -> str | None:
    if workers < 1:
        return f"workers must be at least 1 (got {workers:,})"
    if workers > settings.MAX_WORKERS:
        return f"{workers:,} workers is too many; the cap is {settings.MAX_WORKERS:,}"
    process_runners = [r for r in runners if r in RUNNERS and RUNNERS[r].uses_processes]
    if process_runners and workers > settings.MAX_PROCESS_WORKERS:
        return (f"{workers:,} worker processes is too many for {', '.join(process_runners)}; "
                f"the cap is {settings.MAX_PROCESS_WORKERS}")
    return None


def check_runners(runners) -> str | None:
    if not runners:
        return "choose at least one runner"
    for name in runners:
        if name not in RUNNERS:
            return f"unknown runner {name!r}; choose from: {_choices(RUNNERS)}"
        reason = RUNNERS[name].unavailable_reason()
        if reason:
            return f"runner {name!r} is not available here: {reason}"
    if len(set(runners)) != len(runners):
        return "each runner may appear only once"
    return None


def check_mode(mode: str) -> str | None:
    return None if mode in MODES else f"unknown mode {mode!r}; choose {' or '.join(MODES)}"


def check_start_method(method: str) -> str | None:
    available = start_methods()
    if method not in available:
        return f"unknown start method {method!r}; this platform offers: {_choices(available)}"
    return None


def check_latency(latency_ms: int) -> str | None:
    if not 0 <= latency_ms <= settings.MAX_LATENCY_MS:
        return f"latency must be from 0 to {settings.MAX_LATENCY_MS:,} ms (got {latency_ms:,})"
    return None


def check_payload(payload_bytes: int) -> str | None:
    if not 0 <= payload_bytes <= settings.MAX_PAYLOAD_BYTES:
        return f"payload must be from 0 to {settings.MAX_PAYLOAD_BYTES:,} bytes (got {payload_bytes:,})"
    return None


def check_url(url: str) -> str | None:
    parts = urllib.parse.urlsplit(url)
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok or " " in url:
        return f"malformed URL {url!r}; give a full http:// or https:// address, e.g. http://127.0.0.1:8000/"
    return None


def problems(config: RaceConfig) -> dict[str, str]:
    """Every invalid setting, by field name, with a message a person can act on."""
    found = {}
    for name, message in (
        ("workload", check_workload(config.workload)),
        ("runners", check_runners(config.runners)),
        ("mode", check_mode(config.mode)),
        ("start_method", check_start_method(config.start_method)),
        ("workers", check_workers(config.workers, config.runners)),
        ("latency_ms", check_latency(config.latency_ms)),
        ("payload_bytes", check_payload(config.payload_bytes)),
        ("url", check_url(config.url) if config.url is not None else None),
    ):
        if message:
            found[name] = message
    if config.url is not None and config.workload != "http" and "url" not in found:
        found["url"] = f"a URL applies only to the http workload, not {config.workload}"
    if "workload" not in found:
        message = check_size(config.workload, config.effective_size)
        if message:
            found["size"] = message
    return found


def validate(config: RaceConfig) -> RaceConfig:
    found = problems(config)
    if found:
        raise ConfigError(next(iter(found.values())))
    return config
