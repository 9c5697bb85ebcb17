"""A user's own function as a workload: one call per item, each result checked by a digest.

The front ends make a UserWorkload to read what it is (its file is parsed, never run); only a
lane's processes import the module, once each, before the clock starts. A task's partial answer
is (first item, the CRC-32 of each result's pickle): the results themselves never travel to the
front end, and the race compares each lane's digests with the sequential lane's, item by item.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import inspect
import multiprocessing
import os
import pickle
import re
import sys
import time
import zlib
from array import array
from hashlib import blake2b
from typing import Any, Callable, Sequence

from tuiconc.workloads.base import Bump, Options, Task, Workload
from tuiconc.workloads.user_spec import (ASYNC_SUFFIX, COMPUTE_SUFFIX, ITEMS_FUNCTION, WAIT_SUFFIX, UserCode,
                                         UserSpec, inspect_spec, parse_spec)

DEFAULT_SIZE = 1_000
MAX_SIZE = 100_000_000
DIGEST_BYTES = array("I").itemsize  # one CRC-32 per item, in the machine's byte order
BUMP_EVERY_S = 0.0005  # progress is reported about this often, however long or short a call is
MAX_ITEM_REPR = 60
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class UserCodeError(RuntimeError):
    """The user's function failed; the message names the item and says what happened, in one line.
    (A LaneError in all but name: workloads sit below the runners, which define that.)"""


def short_repr(item: Any) -> str:
    text = repr(item)
    return text if len(text) <= MAX_ITEM_REPR else text[:MAX_ITEM_REPR - 1] + "…"


def _in_worker_process() -> bool:
    """In a pool's worker a result would travel back to its parent by pickle, so it must pickle."""
    return multiprocessing.parent_process() is not None


_ATOMS = frozenset((int, float, str, bytes, bool, type(None), complex))


def canonical(value: Any) -> Any:
    """An equal value whose pickle is the same in every process: sets and dicts compare equal in any order,
    but iterate in an order that follows each process's string hashing, so they are sorted here."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is list or kind is tuple:
        if all(type(element) in _ATOMS for element in value):
            return value
        return kind(canonical(element) for element in value)
    if kind is dict:
        return ("<dict>", sorted((_sort_key(key), canonical(item)) for key, item in value.items()))
    if kind is set or kind is frozenset:
        return ("<set>", sorted(_sort_key(element) for element in value))
    return value  # anything else is compared as it pickles


def _sort_key(value: Any) -> bytes:
    return pickle.dumps(canonical(value), protocol=4)


def result_digest(result: Any, func: Callable[..., Any], item: Any) -> int:
    """CRC-32 of the result's pickle, made canonical so equal results give equal digests in every process."""
    try:
        data = pickle.dumps(canonical(result), protocol=4)
    except Exception as error:
        if _in_worker_process():
            raise UserCodeError(
                f"{_call_text(func, item)} returned {type(result).__name__}, which can't be pickled ({error}): a "
                f"process pool sends each result back to its parent by pickling it, so this function can't run in "
                f"processes as it is; return plain data (numbers, strings, tuples, lists, dicts)") from None
        data = _ADDRESS.sub("", repr(result)).encode("utf-8", "backslashreplace")
    return zlib.crc32(data)


def _call_text(func: Callable[..., Any], item: Any) -> str:
    return f"{getattr(func, '__name__', 'the function')}({short_repr(item)})"


class _Loaded:
    """The user's module, imported in this process, and the functions the contract names."""

    def __init__(self, code_spec: UserSpec):
        module = _import(code_spec)
        self.func: Callable[[Any], Any] = _attribute(module, code_spec.func, code_spec)
        self.items_func = getattr(module, ITEMS_FUNCTION, None)
        self.async_func = _coroutine_function(module, code_spec.func + ASYNC_SUFFIX)
        self.wait_func = _coroutine_function(module, code_spec.func + WAIT_SUFFIX)
        self.compute_func = getattr(module, code_spec.func + COMPUTE_SUFFIX, None)
        self.pid = os.getpid()
        self.cwd = os.getcwd()


def _coroutine_function(module, name: str) -> Callable[[Any], Any] | None:
    """An async twin the lanes can await; anything else of that name is not one."""
    found = getattr(module, name, None)
    return found if inspect.iscoroutinefunction(found) else None


def _import(spec: UserSpec):
    """Import the module as Python would run it: a file's folder first on the path, a module by name."""
    where = spec.label.rpartition(":")[0]
    try:
        if spec.module is not None:
            if os.getcwd() not in sys.path:
                sys.path.append(os.getcwd())  # found in the working folder too, as the front end found it: last
            return importlib.import_module(spec.module)
        folder, name = os.path.split(spec.path or "")
        name = name[:-3]
        if folder not in sys.path:
            # Last on the path: its own imports of files beside it work, and a file beside it named like a
            # module the lane imports (queue.py) can't stand in for it.
            sys.path.append(folder)
        module = importlib.import_module(name)
        if not _same_source(getattr(module, "__file__", None), spec.path or ""):
            raise UserCodeError(f"{where} is named like the installed module {name!r}, which is imported "
                                f"instead: rename the file")
        return module
    except UserCodeError:
        raise
    except SystemExit as error:
        raise UserCodeError(f"importing {where} called sys.exit({error.code!r})") from None
    except BaseException as error:
        raise UserCodeError(f"importing {where} failed: {_last_line(error)}") from None


def _same_source(imported: str | None, path: str) -> bool:
    """Whether the module imported is the user's file: the file itself, or a copy of it (a Dask cluster's
    workers import the copy uploaded to them, from a folder of their own)."""
    if imported is None:
        return False
    if os.path.abspath(imported) == os.path.abspath(path) or not os.path.exists(path):
        return True  # not on this machine: only the uploaded copy exists here
    try:
        with open(imported, "rb") as copy, open(path, "rb") as original:
            return copy.read() == original.read()
    except OSError:
        return False


def _attribute(module, name: str, spec: UserSpec) -> Callable[[Any], Any]:
    func = getattr(module, name, None)
    if not callable(func):
        raise UserCodeError(f"{spec.label.rpartition(':')[0]} has no function {name!r} once imported")
    return func


def _stamp(file: str) -> tuple[int, int] | None:
    try:
        status = os.stat(file)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


def _last_line(error: BaseException) -> str:
    """The exception as its traceback's last line reads (`ValueError: bad item`), a long message's first line."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


class UserWorkload(Workload):
    kind = "own"
    default_size = DEFAULT_SIZE
    max_size = MAX_SIZE
    unit = "items"

    def __init__(self, spec: UserSpec, code: UserCode | None = None):
        self.spec = spec
        self.name = spec.text
        self.label = spec.label
        self._code, self._code_stamp = code, _stamp(code.file) if code else None
        self._loaded: _Loaded | None = None

    @classmethod
    def from_text(cls, text: str) -> "UserWorkload":
        return cls(parse_spec(text))

    # -- what the front ends read (the file parsed, never run) ---------------------------------
    @property
    def code(self) -> UserCode:
        """The file as parsed, parsed again once it changed: an edit shows, and is checked, as the file is now.
        SpecError: the file can't be read or parsed, or lacks the function."""
        if self._code is None or _stamp(self._code.file) != self._code_stamp:
            self._code = None
            code = inspect_spec(self.spec)
            self._code, self._code_stamp = code, _stamp(code.file)
        return self._code

    @property
    def description(self) -> str:  # type: ignore[override]
        return self.code.description

    def unavailable_reason(self, runner: str) -> str | None:
        """Why a runner can't race this function as written (the hybrid lane needs it in two parts)."""
        if runner == "hybrid" and not self.code.has_hybrid:
            func = self.spec.func
            return (f"the hybrid lane waits on an event loop and computes in a process pool, so it needs the "
                    f"function in two parts: async def {func}{WAIT_SUFFIX}(item) and def {func}{COMPUTE_SUFFIX}"
                    f"(waited), which together return what {func}(item) does")
        if runner == "interpreters":
            return "subinterpreters can't import arbitrary modules yet: race your code with processes instead"
        return None

    def lane_note(self, runner: str, asynchronous: bool) -> str | None:
        """What a person should know about how this lane calls the function."""
        if asynchronous and runner in ("asyncio",) and not self.code.has_async:
            return (f"no {self.spec.func}{ASYNC_SUFFIX}: the event loop calls {self.spec.func} directly, so each "
                    f"call blocks the loop until it returns")
        return None

    def describe(self) -> dict:
        return {**super().describe(), "name": self.label, "spec": self.name}

    def expected(self, size: int, options: Options) -> int | None:  # type: ignore[override]
        return None  # the sequential lane's answer is the reference

    # -- the lane's side: the module imported once per process -------------------------------
    @property
    def loaded(self) -> _Loaded:
        if self._loaded is None or self._loaded.pid != os.getpid():
            self._loaded = _Loaded(self.spec)
        return self._loaded

    def prepare(self, asynchronous: bool) -> None:
        self.loaded  # noqa: B018  imported before the clock starts

    def plan(self, size: int, workers: int, items_per_task: int | None = None) -> list[Task]:
        """Tasks of consecutive items; with tuiconc_items, each task carries its items, as a pool sends them."""
        loaded = self.loaded
        if loaded.items_func is None:
            return super().plan(size, workers, items_per_task)
        try:
            items = list(loaded.items_func(size))
        except BaseException as error:
            raise UserCodeError(f"{ITEMS_FUNCTION}({size:,}) failed: {_last_line(error)}") from None
        tasks = super().plan(len(items), workers, items_per_task)
        return [(start, stop, tuple(items[start:stop])) for start, stop in tasks]  # type: ignore[misc]

    def run_task(self, task: Task, bump: Bump, options: Options, resource: Any = None) -> tuple[int, bytes]:  # type: ignore[override]
        return self._run(task, self.loaded.func, bump)

    def _run(self, task, func: Callable[[Any], Any], bump: Bump) -> tuple[int, bytes]:
        """The hot loop: per item one call, one fork check and one digest; progress is batched so a
        10 µs function pays for a clock read only every BUMP_EVERY_S."""
        start, stop, items = (*task, None) if len(task) == 2 else task
        loaded = self.loaded
        pid, getpid, crc, dumps, atoms = loaded.pid, os.getpid, zlib.crc32, pickle.dumps, _ATOMS
        digests = array("I")
        append = digests.append
        clock, mark, pending, every = time.perf_counter, time.perf_counter(), 0, 1
        for item in (range(start, stop) if items is None else items):
            try:
                result = func(item)
            except BaseException as error:
                self._exit_if_forked(loaded)
                raise self._failure(func, item, error) from None
            if getpid() != pid:
                os._exit(0)  # a child the function forked must not go on as a second worker of the lane
            append(crc(dumps(result, 4)) if type(result) in atoms else result_digest(result, func, item))
            pending += 1
            if pending >= every:  # bump about every BUMP_EVERY_S: per item for slow calls, batched for fast ones
                now = clock()
                every = max(1, int(BUMP_EVERY_S * pending / max(now - mark, 1e-9)))
                bump(pending)
                mark, pending = now, 0
        if pending:
            bump(pending)
        self._restore(loaded)
        return start, digests.tobytes()

    @staticmethod
    def _failure(func: Callable[[Any], Any], item: Any, error: BaseException) -> UserCodeError:
        call = _call_text(func, item)
        if isinstance(error, SystemExit):
            return UserCodeError(f"{call} called sys.exit({error.code!r}): a function raced here must return")
        return UserCodeError(f"{call} raised {_last_line(error)}")

    @staticmethod
    def _exit_if_forked(loaded: _Loaded) -> None:
        """A child the function forked and let return must not go on as a second worker of the lane."""
        if os.getpid() != loaded.pid:
            os._exit(0)

    @staticmethod
    def _restore(loaded: _Loaded) -> None:
        """The function may change the working folder; the lane's own paths don't depend on it, but the
        next task should start where the first did."""
        try:
            if os.getcwd() != loaded.cwd:
                os.chdir(loaded.cwd)
        except OSError:
            pass

    async def arun_task(self, task: Task, bump: Bump, options: Options, resource: Any = None) -> tuple[int, bytes]:  # type: ignore[override]
        loaded = self.loaded
        if loaded.async_func is None:
            return self._run(task, loaded.func, bump)  # the blocking-call lesson: the loop waits for each call
        start, stop, items = (*task, None) if len(task) == 2 else task
        digests = array("I")
        for item in (range(start, stop) if items is None else items):
            try:
                result = await loaded.async_func(item)
            except BaseException as error:
                if isinstance(error, asyncio.CancelledError):
                    raise
                raise self._failure(loaded.async_func, item, error) from None
            digests.append(result_digest(result, loaded.async_func, item))
            bump(1)
        return start, digests.tobytes()

    def compute_one(self, item: Any, waited: Any, bump: Bump, options: Options) -> int:
        """The hybrid lane's computing half, in a pool process."""
        compute = self.loaded.compute_func
        assert compute is not None  # unavailable_reason keeps the hybrid lane from a function without it
        try:
            result = compute(waited)
        except BaseException as error:
            raise self._failure(compute, item, error) from None
        bump(1)
        return result_digest(result, compute, item)

    async def arun_hybrid(self, task: Task, options: Options, resource: Any, offload, io_slot) -> tuple[int, bytes]:  # type: ignore[override]
        wait = self.loaded.wait_func
        assert wait is not None  # unavailable_reason keeps the hybrid lane from a function without it
        start, stop, items = (*task, None) if len(task) == 2 else task
        digests = array("I")
        for item in (range(start, stop) if items is None else items):
            async with io_slot():  # the slot is free again while the pool computes
                try:
                    waited = await wait(item)
                except BaseException as error:
                    if isinstance(error, asyncio.CancelledError):
                        raise
                    raise self._failure(wait, item, error) from None
            digests.append(await offload("compute_one", item, waited))
        return start, digests.tobytes()

    # -- the answer: every item's digest, in order ---------------------------------------------
    def item_digests(self, partials: Sequence[Any]) -> bytes:
        return b"".join(digest for _, digest in sorted(partials, key=lambda partial: partial[0]))

    def combine(self, partials: Sequence[Any]) -> int:  # type: ignore[override]
        """One number for all the results, in item order: equal answers mean equal results."""
        return int.from_bytes(blake2b(self.item_digests(partials), digest_size=7).digest(), "little")

    def answered(self, answer: int, expected: int) -> bool:
        return True
