"""A race's settings and their validation: one place, so the CLI and the app say the same thing."""

from __future__ import annotations

import urllib.parse
from dataclasses import asdict, dataclass, field, replace

from tuiconc import tunables
from tuiconc.engine.interpreter_probe import InterpreterError, probe
from tuiconc.engine.labs import LABS, LaneSpec, lab_lanes
from tuiconc.machine import default_start_method, start_methods
from tuiconc.runners import RUNNERS
from tuiconc.workloads import WORKLOADS, Options, UserWorkload, get_workload, looks_like_spec
from tuiconc.workloads.user_spec import SpecError, parse_spec

MODES = ("together", "isolated")


class ConfigError(ValueError):
    """A setting a person gave that cannot be raced; the message says what to do instead."""


@dataclass(frozen=True)
class RaceConfig:
    workload: str = "primes"
    size: int | None = None  # None: the workload's default
    workers: int = tunables.DEFAULT_WORKERS
    runners: tuple[str, ...] = tunables.DEFAULT_RUNNERS
    mode: str = "isolated"
    start_method: str = field(default_factory=default_start_method)
    latency_ms: int = tunables.DEFAULT_LATENCY_MS
    payload_bytes: int = tunables.DEFAULT_PAYLOAD_BYTES
    url: str | None = None
    # The dask lane races on this cluster (tcp://HOST:PORT) instead of starting a local one.
    dask_scheduler: str | None = None
    lab: str | None = None  # a pitfall lab: its lanes replace `runners`
    # Other interpreters: (lane name or "*" for every lane, path to python).
    pythons: tuple[tuple[str, str], ...] = ()
    repeat: int = tunables.DEFAULT_REPEAT  # rounds of every lane; each lane's figure is the median of its runs
    # Knobs for experiments: items per task sent to a worker (None: the workload's own split), and the
    # GIL's switch interval in the lanes (None: Python's default, 5 ms).
    items_per_task: int | None = None
    switch_interval_ms: float | None = None

    @property
    def effective_size(self) -> int:
        return get_workload(self.workload).default_size if self.size is None else self.size

    def options(self, url: str | None = None, variant: str | None = None) -> Options:
        return Options(latency_ms=self.latency_ms, payload_bytes=self.payload_bytes, url=url or self.url,
                       variant=variant)

    @property
    def needs_local_server(self) -> bool:
        return get_workload(self.workload).needs_server and self.url is None

    def lane_specs(self) -> tuple[LaneSpec, ...]:
        """The lanes; `RUNNER@PYTHON` is a lane of that runner on that Python (a versions race)."""
        if self.lab in LABS:
            return lab_lanes(LABS[self.lab])
        return tuple(LaneSpec(name.partition("@")[0], label=name if "@" in name else "") for name in self.runners)

    def python_for(self, lane: LaneSpec) -> str | None:
        """The interpreter a lane runs on: the one its name says (RUNNER@PYTHON), its own --python, else the
        one for every lane, else ours. KeyError: a Python named that isn't on this machine."""
        if "@" in lane.name:
            from tuiconc.engine.pythons import resolve

            return resolve(lane.name.partition("@")[2])
        chosen = dict(self.pythons)
        return chosen.get(lane.name) or chosen.get(lane.runner) or chosen.get("*")

    def with_changes(self, **changes) -> "RaceConfig":
        return replace(self, **changes)

    def summary(self) -> dict:
        summary = {"workload": self.workload, "size": self.effective_size, "workers": self.workers,
                   "mode": self.mode, "start_method": self.start_method, "repeat": self.repeat}
        if self.lab:
            summary["lab"] = self.lab
        if self.dask_scheduler:
            summary["dask_scheduler"] = self.dask_scheduler
        for knob in ("items_per_task", "switch_interval_ms"):
            if getattr(self, knob) is not None:
                summary[knob] = getattr(self, knob)
        return summary

    def to_dict(self) -> dict:
        return {**asdict(self), "size": self.effective_size, "runners": list(self.runners)}


def _choices(names) -> str:
    return ", ".join(names)


def selectable_workloads() -> list[str]:
    return [name for name, workload in WORKLOADS.items() if not workload.hidden]


def canonical_workload(name: str, cwd: str | None = None) -> str:
    """A user's `FILE.py:FUNC` with the file's absolute path (lanes may start elsewhere); others as given."""
    if not looks_like_spec(name):
        return name
    try:
        return parse_spec(name, cwd).text
    except SpecError:
        return name  # check_workload says what is wrong with it


def check_workload(name: str, lab: str | None = None) -> str | None:
    if looks_like_spec(name):
        try:
            user = get_workload(name)
            assert isinstance(user, UserWorkload)
            user.code  # noqa: B018  parses the file: a missing function or a syntax error is said here
        except SpecError as error:
            return str(error)
        return None
    if name not in WORKLOADS or (WORKLOADS[name].hidden and lab is None):
        return f"unknown workload {name!r}; choose one of: {_choices(selectable_workloads())}"
    return None


def check_size(workload: str, size: int) -> str | None:
    limit = get_workload(workload).max_size
    if size < 1:
        return f"size must be at least 1 (got {size:,})"
    if size > limit:
        return f"size {size:,} is too large for {workload}; the cap is {limit:,}"
    return None


def lab_config(name: str) -> RaceConfig:
    """A race set up as the lab ships it (isolated: each lane alone, so the figures are its own)."""
    lab = LABS[name]
    return RaceConfig(workload=lab.workload, size=lab.size, workers=lab.workers, mode="isolated",
                      latency_ms=lab.latency_ms, lab=name, runners=tuple(s.runner for s in lab_lanes(lab)))


def check_lab(name: str) -> str | None:
    return None if name in LABS else f"unknown lab {name!r}; choose one of: {_choices(LABS)}"


def check_workers(workers: int, runners) -> str | None:
    if workers < 1:
        return f"workers must be at least 1 (got {workers:,})"
    if workers > tunables.MAX_WORKERS:
        return f"{workers:,} workers is too many; the cap is {tunables.MAX_WORKERS:,}"
    process_runners = [r for r in dict.fromkeys(runners) if r in RUNNERS and RUNNERS[r].uses_processes]
    if process_runners and workers > tunables.MAX_PROCESS_WORKERS:
        return (f"{workers:,} worker processes is too many for {', '.join(process_runners)}; "
                f"the cap is {tunables.MAX_PROCESS_WORKERS}")
    return None


def check_runners(runners) -> str | None:
    if not runners:
        return "choose at least one runner"
    for name in runners:
        runner, at, python = name.partition("@")
        if runner not in RUNNERS:
            return f"unknown runner {runner!r}; choose from: {_choices(RUNNERS)}"
        if at:
            from tuiconc.engine.pythons import resolve

            try:
                resolve(python)
            except KeyError as error:
                return error.args[0]
    if len(set(runners)) != len(runners):
        return "each runner may appear only once (or once per Python: RUNNER@PYTHON)"
    return None


def check_lanes(config: RaceConfig) -> str | None:
    """Every lane's runner must be available on the interpreter that lane will run on, and for the workload."""
    workload = get_workload(config.workload) if check_workload(config.workload) is None else None
    for lane in config.lane_specs():
        reason = workload.unavailable_reason(lane.runner) if isinstance(workload, UserWorkload) else None
        if reason:
            return f"runner {lane.runner!r} can't race {workload.label}: {reason}"
        python = config.python_for(lane)
        if python is None:
            reason = RUNNERS[lane.runner].unavailable_reason()
            where = "here"
        else:
            try:
                facts = probe(python)
            except InterpreterError as error:
                return str(error)
            reason = facts["unavailable"].get(lane.runner) or _missing_module(workload, lane.runner, facts, python)
            where = f"on {python}"
        if reason:
            return f"runner {lane.runner!r} is not available {where}: {reason}"
    return None


def _missing_module(workload, runner: str, facts: dict, python: str) -> str | None:
    """The module this work needs in this runner's lanes that the other interpreter lacks (nothing of the front
    end's site-packages goes with a lane there)."""
    if workload is None:
        return None
    missing = [name for name in workload.needs(RUNNERS[runner].asynchronous)
               if not facts.get("modules", {}).get(name, True)]
    return f"{workload.name} needs {missing[0]}, which is not installed there ({python} -m pip install {missing[0]})" \
        if missing else None


def unavailable_lanes(config: RaceConfig) -> str | None:
    """Why a lane of this race can't run on this interpreter, if one can't (other settings aside)."""
    try:
        return check_lanes(config)
    except KeyError:  # an unknown runner: problems() says so
        return None


def check_pythons(pythons, lane_names) -> str | None:
    for target, path in pythons:
        if target != "*" and target not in lane_names:
            return f"--python {target}=…: no lane is called {target!r}; lanes: {_choices(lane_names)}"
    return None


def check_items_per_task(items: int | None) -> str | None:
    if items is not None and not 1 <= items <= tunables.MAX_ITEMS_PER_TASK:
        return f"items per task must be from 1 to {tunables.MAX_ITEMS_PER_TASK:,} (got {items:,})"
    return None


def check_switch_interval(ms: float | None) -> str | None:
    if ms is not None and not tunables.MIN_SWITCH_INTERVAL_MS <= ms <= tunables.MAX_SWITCH_INTERVAL_MS:
        return (f"the switch interval must be from {tunables.MIN_SWITCH_INTERVAL_MS:g} to "
                f"{tunables.MAX_SWITCH_INTERVAL_MS:,g} ms (got {ms:g})")
    return None


def check_mode(mode: str) -> str | None:
    return None if mode in MODES else f"unknown mode {mode!r}; choose {' or '.join(MODES)}"


def check_start_method(method: str) -> str | None:
    available = start_methods()
    if method not in available:
        return f"unknown start method {method!r}; this platform offers: {_choices(available)}"
    return None


def check_repeat(repeat: int) -> str | None:
    if not 1 <= repeat <= tunables.MAX_REPEAT:
        return f"repeat must be from 1 to {tunables.MAX_REPEAT} runs (got {repeat:,})"
    return None


def check_latency(latency_ms: int) -> str | None:
    if not 0 <= latency_ms <= tunables.MAX_LATENCY_MS:
        return f"latency must be from 0 to {tunables.MAX_LATENCY_MS:,} ms (got {latency_ms:,})"
    return None


def check_payload(payload_bytes: int) -> str | None:
    if not 0 <= payload_bytes <= tunables.MAX_PAYLOAD_BYTES:
        return f"payload must be from 0 to {tunables.MAX_PAYLOAD_BYTES:,} bytes (got {payload_bytes:,})"
    return None


def check_url(url: str) -> str | None:
    try:
        parts = urllib.parse.urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # an unclosed [IPv6 bracket, a port out of range
        parts, port_ok = urllib.parse.urlsplit(""), False
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok or " " in url:
        return f"malformed URL {url!r}; give a full http:// or https:// address, e.g. http://127.0.0.1:8000/"
    return None


def check_dask_scheduler(address: str) -> str | None:
    parts = urllib.parse.urlsplit(address)
    try:
        port_ok = parts.port is not None and parts.port > 0
    except ValueError:
        port_ok = False
    if parts.scheme not in ("tcp", "tls") or not parts.hostname or not port_ok or parts.path or " " in address:
        return (f"malformed Dask scheduler address {address!r}; give tcp://HOST:PORT, "
                f"e.g. tcp://127.0.0.1:8786")
    return None


def problems(config: RaceConfig) -> dict[str, str]:
    """Every invalid setting, by field name, with a message a person can act on."""
    found = {}
    if config.lab is not None and check_lab(config.lab):
        return {"lab": check_lab(config.lab)}
    lanes = config.lane_specs()
    for name, message in (
        ("workload", check_workload(config.workload, config.lab)),
        ("runners", check_runners(config.runners) if config.lab is None else None),
        ("mode", check_mode(config.mode)),
        ("start_method", check_start_method(config.start_method)),
        ("workers", check_workers(config.workers, config.runners)
         or next(filter(None, (check_workers(lane.workers, [lane.runner]) for lane in lanes if lane.workers)), None)),
        ("repeat", check_repeat(config.repeat)),
        ("items_per_task", check_items_per_task(config.items_per_task)),
        ("switch_interval_ms", check_switch_interval(config.switch_interval_ms)),
        ("latency_ms", check_latency(config.latency_ms)),
        ("payload_bytes", check_payload(config.payload_bytes)),
        ("url", check_url(config.url) if config.url is not None else None),
        ("dask_scheduler", check_dask_scheduler(config.dask_scheduler) if config.dask_scheduler else None),
    ):
        if message:
            found[name] = message
    if config.url is not None and config.workload != "http" and "url" not in found:
        found["url"] = f"a URL applies only to the http workload, not {config.workload}"
    if "runners" not in found:
        message = check_pythons(config.pythons, list(dict.fromkeys([lane.name for lane in lanes] +
                                                                   [lane.runner for lane in lanes])))
        message = message or check_lanes(config)
        if message:
            found["python" if config.pythons else "runners"] = message
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
