"""A user's function named as `FILE.py:FUNC` or `package.module:FUNC`, read without running it.

The front ends learn a function's name, docstring and signature by parsing its file (`ast`):
the user's code is imported only in a lane's own processes, never where tuiconc draws.

The contract (README, "Your own code"):
- `def FUNC(item)` takes one item and returns a value;
- the items are `range(size)` unless the module defines `tuiconc_items(size)`;
- `async def FUNC_async(item)`, if defined, is what asyncio lanes await;
- `async def FUNC_wait(item)` with `def FUNC_compute(waited)` let the hybrid lane wait on its
  event loop and compute in its process pool.
"""

from __future__ import annotations

import ast
import os
import sys
import threading
from dataclasses import dataclass, field

ITEMS_FUNCTION = "tuiconc_items"
ASYNC_SUFFIX = "_async"
WAIT_SUFFIX, COMPUTE_SUFFIX = "_wait", "_compute"
MAX_SOURCE_BYTES = 10 * 1024 * 1024  # a source file larger than this is not a module someone wrote


class SpecError(ValueError):
    """A `FILE:FUNC` that can't be raced; the message says why, in one line."""


def looks_like_spec(text: str) -> bool:
    """Whether a workload name means a user's function rather than a built-in workload."""
    return ":" in text


@dataclass(frozen=True)
class UserSpec:
    """Where a user's function is: a file (absolute path) or a module on the path, and its name."""

    func: str
    path: str | None = None  # FILE.py:FUNC
    module: str | None = None  # package.module:FUNC

    @property
    def text(self) -> str:
        """The canonical spelling, which lanes receive and recordings keep."""
        return f"{self.path or self.module}:{self.func}"

    @property
    def label(self) -> str:
        """How a person calls it: the file's name (not its folder) or the module, and the function."""
        return f"{os.path.basename(self.path) if self.path else self.module}:{self.func}"


def parse_spec(text: str, cwd: str | None = None) -> UserSpec:
    """`FILE.py:FUNC` (relative to `cwd`) or `package.module:FUNC`, checked for form only."""
    where, colon, func = text.rpartition(":")
    if not colon or not where.strip():
        raise SpecError(f"expected FILE.py:FUNC or package.module:FUNC, got {text!r}")
    if not func.isidentifier():
        raise SpecError(f"{func!r} is not a function name: expected FILE.py:FUNC or package.module:FUNC")
    if where.endswith(".py"):
        return UserSpec(func=func, path=os.path.abspath(os.path.join(cwd or os.getcwd(), where)))
    if all(part.isidentifier() for part in where.split(".")):
        return UserSpec(func=func, module=where)
    raise SpecError(f"{where!r} is neither a .py file nor a dotted module name: expected FILE.py:FUNC or "
                    f"package.module:FUNC")


def module_file(module: str, search_path: list[str]) -> str | None:
    """The source file of `module` on `search_path`, found without importing anything (plain .py files
    and packages; what else the import system could find is left to the lane to report)."""
    parts = module.split(".")
    for root in search_path:
        base = os.path.join(root or os.getcwd(), *parts)
        for candidate in (base + ".py", os.path.join(base, "__init__.py")):
            if os.path.isfile(candidate):
                return candidate
    return None


def source_file(spec: UserSpec) -> str:
    if spec.path is not None:
        return spec.path
    found = module_file(spec.module or "", [os.getcwd(), *sys.path])
    if found is None:
        raise SpecError(f"no module {spec.module!r} on the path (run tuiconc from the folder that holds it, or "
                        f"add that folder to PYTHONPATH)")
    return found


@dataclass(frozen=True)
class FunctionInfo:
    """What the file says about one of its functions, from its syntax alone."""

    name: str
    is_async: bool
    doc: str
    positional: int | None  # required positional parameters; None: not a plain def (assigned, imported)
    accepts_one: bool


@dataclass(frozen=True)
class UserCode:
    """A user's module as its source reads: its functions, and the ones tuiconc's conventions name."""

    spec: UserSpec
    file: str
    functions: dict[str, FunctionInfo] = field(default_factory=dict)

    @property
    def target(self) -> FunctionInfo:
        return self.functions[self.spec.func]

    @property
    def description(self) -> str:
        doc = self.target.doc.strip().splitlines()
        return doc[0] if doc else f"{self.spec.func}() from {self.spec.label.rpartition(':')[0]}, one call per item."

    @property
    def has_items(self) -> bool:
        return ITEMS_FUNCTION in self.functions

    def variant(self, suffix: str, is_async: bool) -> bool:
        found = self.functions.get(self.spec.func + suffix)
        return found is not None and (found.is_async == is_async or found.positional is None)

    @property
    def has_async(self) -> bool:
        return self.variant(ASYNC_SUFFIX, True)

    @property
    def has_hybrid(self) -> bool:
        return self.variant(WAIT_SUFFIX, True) and self.variant(COMPUTE_SUFFIX, False)

    def raceable(self) -> list[str]:
        """The names a person could race from this file: plain functions of one argument."""
        return [info.name for info in self.functions.values()
                if info.positional is not None and not info.is_async and info.accepts_one
                and info.name != ITEMS_FUNCTION
                and not info.name.startswith("_")]


def _function_info(node: ast.FunctionDef | ast.AsyncFunctionDef) -> FunctionInfo:
    args = node.args
    positional = args.posonlyargs + args.args
    required = len(positional) - len(args.defaults)
    kw_required = sum(1 for default in args.kw_defaults if default is None)
    accepts_one = kw_required == 0 and (required == 1 or (required == 0 and (bool(positional) or bool(args.vararg))))
    return FunctionInfo(node.name, isinstance(node, ast.AsyncFunctionDef), ast.get_docstring(node) or "", required,
                        accepts_one)


def _bound_names(node: ast.stmt) -> list[str]:
    """Names a top-level assignment or import binds: a function may come from either."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(alias.asname or alias.name).split(".")[0] for alias in node.names]
    if isinstance(node, ast.Assign):
        return [target.id for target in node.targets if isinstance(target, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


# CPython 3.11 keeps ast.parse's recursion count in state all threads share: two threads
# parsing at once fail with "AST constructor recursion depth mismatch" (CPython gh-106905).
_PARSING = threading.Lock()


def read_functions(file: str) -> dict[str, FunctionInfo]:
    """The module-level functions of a source file, by parsing it (never importing it)."""
    try:
        if os.path.getsize(file) > MAX_SOURCE_BYTES:
            raise SpecError(f"{file} is larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MB: not a Python module")
        with open(file, "rb") as source, _PARSING:
            tree = ast.parse(source.read(), filename=file)
    except FileNotFoundError:
        raise SpecError(f"no such file: {file}") from None
    except IsADirectoryError:
        raise SpecError(f"{file} is a folder, not a Python file") from None
    except OSError as error:
        raise SpecError(f"can't read {file}: {error.strerror or error}") from None
    except SyntaxError as error:
        raise SpecError(f"{error.filename or file}:{error.lineno}: syntax error: {error.msg}") from None
    except ValueError as error:  # source with a null byte
        raise SpecError(f"{file} is not Python source: {error}") from None
    functions: dict[str, FunctionInfo] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions[node.name] = _function_info(node)
        else:
            for name in _bound_names(node):
                functions.setdefault(name, FunctionInfo(name, False, "", None, True))
    return functions


def inspect_spec(spec: UserSpec) -> UserCode:
    """Read the spec's file and check its function against the contract; SpecError says what is wrong."""
    file = source_file(spec)
    code = UserCode(spec, file, read_functions(file))
    where = spec.label.rpartition(":")[0]
    if spec.func not in code.functions:
        offer = code.raceable()
        hint = f"; its functions: {', '.join(offer[:12])}" if offer else "; it defines no function of one argument"
        raise SpecError(f"no function {spec.func!r} in {where}{hint}")
    target = code.target
    if target.is_async:
        raise SpecError(f"{spec.func} is async def: give a plain function, and name its async twin "
                        f"{spec.func}{ASYNC_SUFFIX} for the asyncio lanes")
    if not target.accepts_one:
        needs = "no argument" if not target.positional else f"{target.positional} arguments"
        raise SpecError(f"{spec.func} must take one argument, the item; it takes {needs}")
    for suffix, must_be_async, role in ((ASYNC_SUFFIX, True, "the asyncio lanes await it"),
                                        (WAIT_SUFFIX, True, "the hybrid lane awaits it"),
                                        (COMPUTE_SUFFIX, False, "the hybrid lane calls it in a process pool")):
        found = code.functions.get(spec.func + suffix)
        if found is not None and found.positional is not None and found.is_async != must_be_async:
            kind = "async def" if must_be_async else "a plain def"
            raise SpecError(f"{found.name} must be {kind} ({role}); it is {'async def' if found.is_async else 'a plain def'}")
    items = code.functions.get(ITEMS_FUNCTION)
    if items is not None and items.positional is not None and (items.is_async or not items.accepts_one):
        raise SpecError(f"{ITEMS_FUNCTION} must be a plain function of one argument, the size, returning the items")
    shadowed = _shadowed_module(spec)
    if shadowed:
        raise SpecError(shadowed)
    return code


def _shadowed_module(spec: UserSpec) -> str | None:
    """A file named like a module of Python's own, or tuiconc: the lanes import that one by the name, not the file
    (its folder comes last on their path, so that no file beside it stands in for a module they use)."""
    if spec.path is None:
        return None
    name = os.path.basename(spec.path)[:-3]
    if name == "tuiconc" or name in getattr(sys, "stdlib_module_names", ()):
        whose = "tuiconc itself" if name == "tuiconc" else f"Python's own module {name!r}"
        return f"{os.path.basename(spec.path)} is named like {whose}, which a lane would import instead: rename the file"
    return None


def check_spec(text: str, cwd: str | None = None) -> UserCode:
    return inspect_spec(parse_spec(text, cwd))
