"""Python tests found the way pytest collects them, read statically with `ast`."""

from __future__ import annotations

import ast
import fnmatch
import gc
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from math import prod
from typing import Any

from spectrace.discover.pytest_config import (
    CollectIgnores,
    PytestSettings,
    load_pytest_settings,
    read_pytest_settings,
)
from spectrace.model import Language, Problem, ProblemKind, Test, TestFile, TestKind
from spectrace.specs.ids import spec_comment_ids

__all__ = ["PythonDiscoverer", "PytestSettings", "load_pytest_settings", "read_pytest_settings"]

_GLOB_CHARS = ("*", "?", "[")
_UNITTEST_DECORATORS = frozenset(
    {"unittest.skip", "unittest.skipIf", "unittest.skipUnless", "unittest.expectedFailure"})
_FIXTURES = frozenset({"pytest.fixture", "pytest.yield_fixture"})
_PROPERTIES = frozenset({"property", "functools.cached_property", "cached_property"})
_NOT_TESTS = _FIXTURES | _PROPERTIES  # decorators that make a test-named def no test
_SKIP_OR_XFAIL = _UNITTEST_DECORATORS | {"skip", "xfail"}  # marks read after any skipif
_ABSTRACT = frozenset({"abc.abstractmethod", "abstractmethod"})
_ABC = frozenset({"abc.ABC", "abc.ABCMeta"})
# Classes (other than `object`) whose `__init__` or `__new__` a subclass inherits, which
# makes pytest refuse the subclass as a test class. Exceptions, enums, builtins, records.
_WITH_CONSTRUCTOR = frozenset({
    "str", "int", "float", "complex", "bytes", "bytearray", "dict", "list", "tuple", "set",
    "frozenset", "Exception", "BaseException", "enum.Enum", "enum.IntEnum", "enum.StrEnum",
    "enum.Flag", "enum.IntFlag", "typing.NamedTuple", "typing.TypedDict", "typing.Protocol",
    "typing_extensions.TypedDict", "typing_extensions.Protocol", "pydantic.BaseModel",
    "collections.OrderedDict", "collections.defaultdict", "collections.Counter",
    "collections.UserDict", "collections.UserList", "threading.Thread"})
_INIT_DECORATORS = frozenset({
    "dataclasses.dataclass", "dataclass", "attr.s", "attr.attrs", "attr.define",
    "attr.frozen", "attr.mutable", "attrs.define", "attrs.frozen", "attrs.mutable"})
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
_LIST_OR_TUPLE = (ast.List, ast.Tuple)
_TRY = (ast.Try, getattr(ast, "TryStar", ast.Try))
_MAX_DEPTH = 8  # how far a mark alias, a parameter list or a re-export is followed
_MAX_MODULE_CHARS = 2 * 1024 * 1024  # a base-class module larger than this is not read


class PythonDiscoverer:
    """pytest's collection rules (files, classes, functions, marks) applied to source text.

    Without `settings.root`, `parse` is pure: text in, TestFile out. With a root (as
    `load_pytest_settings` gives), pytest's view of a test also depends on other files,
    and `parse` reads them: the conftest.py files above it (fixtures, skips), the package
    __init__.py files it is imported through (skips), and the modules that define the
    test classes and functions it imports or inherits. `dependencies(path)` names them.
    """

    language = Language.PYTHON

    def __init__(self, settings: PytestSettings = PytestSettings()) -> None:
        self.settings = settings
        # Plain objects, not closures: a discoverer must pickle for parallel scans.
        self._files = [_PathPattern(p) for p in settings.python_files]
        self._norecurse = [_PathPattern(p) for p in settings.norecursedirs]
        self._functions = _NameFilter(settings.python_functions)
        self._classes = _NameFilter(settings.python_classes)
        self._testpaths = [p.replace("\\", "/").strip("/") or "." for p in settings.testpaths
                           if p.strip()]
        self._conftests = CollectIgnores(settings.root) if settings.root is not None else None
        # A file without any of these strings cannot define a name pytest collects, so
        # it is not worth parsing. unittest methods always start with "test"; with a root
        # a class may inherit its tests from another module under any name.
        needles = {"test", "Test"} | ({"class"} if settings.root is not None else set())
        for option in (*settings.python_functions, *settings.python_classes):
            literal = re.split(r"[*?\[]", option, maxsplit=1)[0]
            if not literal:
                needles = set()  # a pattern starting with a wildcard: parse everything
                break
            needles.add(literal)
        self._needles = tuple(sorted(needles))
        self._modules: dict[str, _ModuleScan | None] = {}
        self._skips: dict[str, list[_ModuleSkip]] = {}
        self._lacking: set[tuple[str, tuple[str, ...]]] = set()  # (module, needles) not in it
        self._exists: dict[str, bool] = {}
        self._deps: dict[str, set[str]] = {}
        self._parsing: str | None = None

    # --- which files -----------------------------------------------------------------

    def is_test_file(self, path: str) -> bool:
        """pytest's `python_files`, `testpaths`, `norecursedirs` and ignores, for one path.

        With `settings.root` set, literal `collect_ignore(_glob)` lists of the
        conftest.py files on the way are honoured too (each conftest is read once).
        """
        if not path.endswith(".py"):
            return False
        parts = path.split("/")
        start = 0
        if self._testpaths:
            start = self._under_testpaths(path, parts)
            if start < 0:
                return False
            if start == len(parts):  # a testpaths entry naming the file: always collected
                return not self._ignored(path)
        if not any(match(parts[-1], path) for match in self._files):
            return False
        for depth in range(start, len(parts) - 1):
            name = parts[depth]
            if name == "__pycache__":
                return False
            folder = "/".join(parts[: depth + 1])
            if any(match(name, folder) for match in self._norecurse):
                return False
        return not self._ignored(path)

    def _under_testpaths(self, path: str, parts: list[str]) -> int:
        """How many leading parts a `testpaths` entry covers; -1 when none holds the path."""
        for entry in self._testpaths:
            if entry == ".":
                return 0
            if any(c in entry for c in _GLOB_CHARS):
                for depth in range(1, len(parts) + 1):
                    if fnmatch.fnmatchcase("/".join(parts[:depth]), entry):
                        return depth
            elif path == entry or path.startswith(entry + "/"):
                return entry.count("/") + 1
        return -1

    def _ignored(self, path: str) -> bool:
        s = self.settings
        if any(path == i or path.startswith(i + "/") for i in s.ignore):
            return True
        if s.ignore_glob:
            parts = path.split("/")
            prefixes = ["/".join(parts[:d]) for d in range(1, len(parts) + 1)]
            if any(fnmatch.fnmatchcase(p, g) for g in s.ignore_glob for p in prefixes):
                return True
        return self._conftests is not None and self._conftests.ignored(path)

    # --- what is in them ---------------------------------------------------------------

    def parse(self, text: str, path: str, kind: TestKind) -> TestFile:
        """The tests pytest would collect from `text`; a parse-error problem instead of a crash."""
        if self._needles and not any(n in text for n in self._needles):
            return TestFile(path, Language.PYTHON, kind)
        if "\0" in text:  # ast refuses these without saying where (ValueError before 3.12)
            line = text.count("\n", 0, text.find("\0")) + 1
            return _failed(path, kind, "invalid syntax: source contains a NUL byte", line)
        try:
            tree = _parse_module(text, path)
        except SyntaxError as exc:
            return _failed(path, kind, f"invalid syntax: {exc.msg}", exc.lineno)
        except (RecursionError, MemoryError):
            return _failed(path, kind, "cannot parse: nested too deeply", None)
        except ValueError as exc:
            return _failed(path, kind, f"cannot parse: {exc}", None)
        self._parsing = path
        scan = None
        try:
            scan = _ModuleScan(tree, text, self, path)
            tests = tuple(scan.tests())
        except (RecursionError, MemoryError):
            return _failed(path, kind, "cannot parse: nested too deeply", None)
        finally:
            self._parsing = None
            if scan is not None:
                scan.release()
        return TestFile(path, Language.PYTHON, kind, tests)

    def is_test_function(self, name: str) -> bool:
        """`name` matches `python_functions` (a prefix, or a glob)."""
        return self._functions(name)

    def is_test_class(self, name: str) -> bool:
        """`name` matches `python_classes` (a prefix, or a glob)."""
        return self._classes(name)

    def dependencies(self, path: str) -> tuple[str, ...]:
        """Other files of the repository that `parse(…, path, …)` read: modules whose test
        classes or functions `path` imports or inherits. A cached parse of `path` is only
        valid while these are unchanged too."""
        return tuple(sorted(self._deps.get(path, ())))

    def __getstate__(self) -> dict:
        # Parsed modules are per process; a worker reads what it needs itself.
        state = dict(self.__dict__)
        state.update(_modules={}, _skips={}, _lacking=set(), _exists={}, _deps={})
        return state

    # --- definitions in other modules --------------------------------------------------

    def definition(self, dotted: str, from_path: str, depth: int = 0,
                   needles: tuple[str, ...] = ()) -> _Binding | None:
        """The class or function `dotted` (as imported in `from_path`) names, when it is
        defined in a module of this repository; None otherwise (or without a root).

        With `needles`, a module not read yet is only read when its text holds one of
        them: asking whether a class is a TestCase must not parse pandas/core/frame.py.
        """
        if self.settings.root is None or depth > _MAX_DEPTH:
            return None
        level = len(dotted) - len(dotted.lstrip("."))
        parts = dotted[level:].split(".")
        if not parts[-1]:
            return None
        for rel in self._module_files(parts[:-1], level, from_path):
            scan = self._scan_of(rel, needles)
            if scan is None:
                continue
            bound = scan.ns.get(parts[-1])
            if bound is not None and bound.kind == "import":  # re-exported
                return self.definition(bound.node, rel, depth + 1, needles)
            return bound if bound is not None and bound.kind in ("class", "func") else None
        return None

    def conftests(self, path: str) -> list[_ModuleScan]:
        """The conftest.py modules whose fixtures a test in `path` sees, nearest first."""
        if self.settings.root is None:
            return []
        parts = path.split("/")[:-1]
        found = []
        for depth in range(len(parts), -1, -1):
            rel = _in_folder("/".join(parts[:depth]), "conftest.py")
            if self._is_file(rel):
                scan = self._scan_of(rel, ("fixture",))
                if scan is not None:
                    found.append(scan)
        return found

    def inherited_skips(self, path: str) -> list[_ModuleSkip]:
        """Module-level skips that reach `path` from outside it: those of the conftest.py
        files above it (pytest skips their whole folder) and of the package __init__.py
        files it is imported through. Outermost first; none without a root."""
        if self.settings.root is None:
            return []
        parts = path.split("/")[:-1]
        folders = ["/".join(parts[:depth]) for depth in range(len(parts) + 1)]
        skips: list[_ModuleSkip] = []
        for folder in folders:
            skips.extend(self._skips_of(_in_folder(folder, "conftest.py")))
        packages: list[str] = []
        for folder in reversed(folders[1:]):
            init = _in_folder(folder, "__init__.py")
            if not self._is_file(init):
                break
            packages.append(init)
        for init in reversed(packages):
            skips.extend(self._skips_of(init))
        return skips

    def _skips_of(self, rel: str) -> list[_ModuleSkip]:
        # Recorded even when absent: a conftest created later must invalidate a cached parse.
        if self._parsing is not None:
            self._deps.setdefault(self._parsing, set()).add(rel)
        if not self._is_file(rel):
            return []
        found = self._skips.get(rel)
        if found is None:
            try:
                text = (self.settings.root / rel).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = ""
            found = []
            if "skip" in text or "SkipTest" in text:  # most conftests need no parse
                scan = self._scan_of(rel)
                found = scan.module_skips if scan is not None else []
            self._skips[rel] = found
        return found

    def _module_files(self, parts: list[str], level: int, from_path: str) -> Iterator[str]:
        """Files that could hold the module `parts` imported from `from_path`: relative to
        its package, or on the folders pytest and the project put on sys.path."""
        folder = posixpath.dirname(from_path)
        if level:
            for _ in range(level - 1):
                folder = posixpath.dirname(folder)
            bases = [folder]
        else:
            # pytest's default import mode puts the test's first folder without an
            # __init__.py on sys.path; any folder on the way is a fair guess, nearest first.
            bases = []
            while True:
                bases.append(folder)
                if not folder:
                    break
                folder = posixpath.dirname(folder)
            bases += ["src", *self.settings.pythonpath]
        for base in bases:
            stem = posixpath.join(base, *parts) if parts else base
            for rel in ((stem + ".py") if parts else None, posixpath.join(stem, "__init__.py")):
                if rel is not None and not rel.startswith("../") and self._is_file(rel):
                    yield posixpath.normpath(rel)

    def _is_file(self, rel: str) -> bool:
        found = self._exists.get(rel)
        if found is None:
            try:
                found = self._exists[rel] = (self.settings.root / rel).is_file()
            except OSError:
                found = self._exists[rel] = False
        return found

    def _scan_of(self, rel: str, needles: tuple[str, ...] = ()) -> _ModuleScan | None:
        if self._parsing is not None:
            self._deps.setdefault(self._parsing, set()).add(rel)
        if rel in self._modules:
            return self._modules[rel]
        if needles and (rel, needles) in self._lacking:
            return None
        try:
            text = (self.settings.root / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        if needles and not any(n in text for n in needles):
            self._lacking.add((rel, needles))  # a full lookup may still parse it
            return None
        self._modules[rel] = None  # a module importing itself finds nothing
        if len(text) <= _MAX_MODULE_CHARS and "\0" not in text:
            try:
                self._modules[rel] = _ModuleScan(_parse_module(text, rel), text, self, rel)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                pass
        return self._modules[rel]


def _in_folder(folder: str, name: str) -> str:
    """`posixpath.join(folder, name)` for a plain file name, without its generality."""
    return f"{folder}/{name}" if folder and not folder.endswith("/") else folder + name


def _parse_module(text: str, path: str) -> ast.Module:
    """`ast.parse` with the cyclic garbage collector held off.

    A syntax tree has no reference cycles, but building one allocates enough objects to
    set off collections that walk everything the scan already holds: in a large
    repository that doubled the parse time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return ast.parse(text, filename=path)
    finally:
        if enabled:
            gc.enable()


def _failed(path: str, kind: TestKind, message: str, line: int | None) -> TestFile:
    return TestFile(path, Language.PYTHON, kind,
                    problems=(Problem(ProblemKind.PARSE_ERROR, message, path, line),))


class _PathPattern:
    """pytest's fnmatch_ex: a pattern without "/" matches the basename, else the path."""

    def __init__(self, pattern: str) -> None:
        pattern = pattern.replace("\\", "/")
        self.on_path = "/" in pattern
        if self.on_path and not pattern.startswith("/"):
            pattern = "*/" + pattern
        self.regex = re.compile(fnmatch.translate(pattern))

    def __call__(self, name: str, path: str) -> bool:
        return self.regex.match("/" + path if self.on_path else name) is not None


class _NameFilter:
    """pytest's `_matches_prefix_or_glob_option`: a prefix, or a glob when it has glob chars."""

    def __init__(self, options: tuple[str, ...]) -> None:
        self.prefixes = tuple(options)
        self.globs = [re.compile(fnmatch.translate(o)) for o in options
                      if any(c in o for c in _GLOB_CHARS)]

    def __call__(self, name: str) -> bool:
        if name.startswith(self.prefixes):
            return True
        return any(g.match(name) for g in self.globs) if self.globs else False


# --- one module ---------------------------------------------------------------------


@dataclass(eq=False, slots=True)
class _Binding:
    """What a name is bound to in a module or class namespace."""

    kind: str  # "func", "class", "value", "import"
    # The def (func), the ClassDef (class), the assigned expression (value), or the
    # imported dotted name (import; relative ones keep their leading dots).
    node: Any = None
    info: _ClassInfo | None = None
    line: int = 0  # of an import, or of `test_x = factory()` for the def it returns
    scan: Any = None  # the module a def is written in


@dataclass(eq=False, slots=True)
class _ClassInfo:
    node: ast.ClassDef
    scan: _ModuleScan  # the module the class is written in
    ns: dict[str, _Binding] = field(default_factory=dict)
    bases: list[_ClassInfo | str] = field(default_factory=list)  # local classes or dotted names
    metaclass: str | None = None
    resolved: list[_ClassInfo | str] | None = None  # bases, imported ones looked up


def _made_function(factory: _Binding | None) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The def a local function builds and returns (`def make(): def t(): ...; return t`)."""
    if factory is None or factory.kind != "func":
        return None
    defs = {stmt.name: stmt for stmt in factory.node.body
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for stmt in factory.node.body:
        if isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Name) \
                and stmt.value.id in defs:
            return defs[stmt.value.id]
    return None


def _bases(info: _ClassInfo) -> list[_ClassInfo | str]:
    """A class's bases, those imported from the repository's own modules read from there."""
    if info.resolved is None:
        info.resolved = list(info.bases)  # in place first: a cycle sees the unresolved list
        if not info.bases:
            return info.resolved
        finder = info.scan.finder
        info.resolved = [
            (found.info if (found := finder.definition(b, info.scan.path)) is not None
             and found.kind == "class" else b) if isinstance(b, str) else b
            for b in info.bases]
    return info.resolved


@dataclass(slots=True)
class _Mark:
    name: str  # a pytest marker name, or one of _UNITTEST_DECORATORS
    args: tuple[ast.expr, ...] = ()
    kwargs: tuple[tuple[str, ast.expr], ...] = ()
    scan: Any = field(default=None, compare=False)  # the module whose source holds the args

    def kw(self, key: str) -> ast.expr | None:
        for k, v in self.kwargs:
            if k == key:
                return v
        return None


@dataclass
class _ModuleSkip:
    condition: str | None  # None: the whole module is skipped, unconditionally
    reason: str | None


@dataclass(eq=False, slots=True)
class _Context:
    """What the tests of one class (or the module's own functions) share."""

    chain: tuple[tuple[str, _ClassInfo], ...]  # the classes around the tests, outermost first
    prefix: str  # their names, as the start of a qualname: "TestA::TestB::"
    classes: list[_ClassInfo]  # the same classes, innermost first
    marks: list[_Mark]  # theirs (innermost first), then the module's
    names: list[str]  # the names of those marks
    spec_ids: list[str]  # the ids the `spec` marks among those state
    docs: list[str]  # the classes' docstrings, innermost first
    autouse: list[str] | None = None  # autouse fixture names, once a test asked


class _ModuleScan:
    """Binds a module's names like the interpreter would, then collects like pytest."""

    def __init__(self, tree: ast.Module, text: str, finder: PythonDiscoverer, path: str) -> None:
        self.text = text
        self._words: dict[str, bool] = {}  # see _says
        self.finder = finder
        self.path = path
        self.imports: dict[str, str] = {}
        self.ns: dict[str, _Binding] = {}
        self.test_attrs: dict[int, bool] = {}  # id(def or ClassDef) -> `X.__test__ = …`
        self.module_marks: list[_Mark] = []
        self.module_skips: list[_ModuleSkip] = []
        self.mutated: set[str] = set()  # module names changed after they were bound
        self.skips: list[_ModuleSkip] = []  # the module's own and those reaching it
        self._mro_cache: dict[int, list[_ClassInfo]] = {}
        self._marks_cache: dict[int, list[_Mark]] = {}
        self._fixtures_cache: dict[tuple[int, bool], dict[str, tuple[Any, ast.expr | None]]] = {}
        self._conftest_scans: list[_ModuleScan] | None = None
        self._visible_fixtures: dict[str, Any] | None = None
        self._class_fixtures_cache: dict[int, dict[str, Any]] = {}
        self._args_cache: dict[tuple[int, bool], list[str]] = {}
        self._module_ctx: _Context | None = None
        self._module_autouse: list[str] | None = None  # of the module and its conftests
        self._bind(tree.body, self.ns, None, module=True, guards=())
        pytestmark = self.ns.get("pytestmark")
        if pytestmark is not None and pytestmark.kind == "value" and pytestmark.node:
            self.module_marks = self._marks_of_value(pytestmark.node)

    def release(self) -> None:
        """Drop what points back at this scan, so it is freed at once, not by a GC pass."""
        self._fixtures_cache.clear()
        self._conftest_scans = None
        self._visible_fixtures = None
        self._class_fixtures_cache.clear()
        self._args_cache.clear()
        self._module_ctx = None
        self._module_autouse = None
        self.ns.clear()
        self.module_marks.clear()
        self._mro_cache.clear()
        self._marks_cache.clear()

    # --- binding ---------------------------------------------------------------------

    def _bind(self, body: list[ast.stmt], ns: dict[str, _Binding],
              outer: dict[str, _Binding] | None, *, module: bool,
              guards: tuple[tuple[str, ast.expr | None], ...]) -> None:
        """Bind the names `body` defines into `ns`. `guards` are the `if`/`except`/loop
        clauses around a module-level statement, turned into text only when a skip needs
        them (most files have none)."""
        for stmt in body:
            if isinstance(stmt, _DEFS):
                ns[stmt.name] = _Binding("func", stmt, scan=self)
            elif isinstance(stmt, ast.ClassDef):
                info = _ClassInfo(stmt, self)
                if stmt.bases:
                    info.bases = [b for b in (self._resolve_base(e, ns, outer)
                                              for e in stmt.bases) if b is not None]
                for kw in stmt.keywords:
                    if kw.arg == "metaclass":
                        info.metaclass = self._dotted(kw.value)
                self._bind(stmt.body, info.ns, ns if outer is None else outer,
                           module=False, guards=())
                ns[stmt.name] = _Binding("class", stmt, info)
            elif isinstance(stmt, ast.Expr):  # a docstring, a call
                if module:
                    self._module_call(stmt.value, guards)
                    call = stmt.value
                    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
                            and isinstance(call.func.value, ast.Name):
                        self.mutated.add(call.func.value.id)  # CASES.extend(...): not a literal
            elif isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    self._assign(target, stmt.value, ns)
                if module:
                    self._module_call(stmt.value, guards)
            elif isinstance(stmt, ast.AnnAssign):
                if stmt.value is not None:
                    self._assign(stmt.target, stmt.value, ns)
            elif isinstance(stmt, ast.AugAssign):
                self._assign(stmt.target, None, ns)
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                self._import(stmt, ns)
            elif isinstance(stmt, ast.Delete):
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        ns.pop(target.id, None)
            elif isinstance(stmt, ast.If):
                self._bind(stmt.body, ns, outer, module=module,
                           guards=guards + (("if", stmt.test),))
                self._bind(stmt.orelse, ns, outer, module=module,
                           guards=guards + (("else", stmt.test),))
            elif isinstance(stmt, _TRY):
                self._bind(stmt.body, ns, outer, module=module, guards=guards)
                for handler in stmt.handlers:
                    if handler.name:
                        ns[handler.name] = _Binding("value")
                    self._bind(handler.body, ns, outer, module=module,
                               guards=guards + (("except", handler.type),))
                self._bind(stmt.orelse, ns, outer, module=module, guards=guards)
                self._bind(stmt.finalbody, ns, outer, module=module, guards=guards)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                for item in stmt.items:
                    if item.optional_vars is not None:
                        self._assign(item.optional_vars, None, ns)
                self._bind(stmt.body, ns, outer, module=module, guards=guards)
            elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
                if not isinstance(stmt, ast.While):
                    self._assign(stmt.target, None, ns)
                self._bind(stmt.body, ns, outer, module=module,
                           guards=guards + (("loop", None),))
                self._bind(stmt.orelse, ns, outer, module=module, guards=guards)
            elif module and isinstance(stmt, ast.Raise) and isinstance(stmt.exc, ast.Call):
                if (self._dotted(stmt.exc.func) or "").endswith("SkipTest"):
                    self.module_skips.append(
                        _ModuleSkip(self._guard_text(guards), self._first_string(stmt.exc)))

    def _assign(self, target: ast.expr, value: ast.expr | None, ns: dict[str, _Binding]) -> None:
        if isinstance(target, ast.Name):
            made = None
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
                made = _made_function(ns.get(value.func.id))
            if isinstance(value, ast.Name) and value.id in ns \
                    and ns[value.id].kind in ("func", "class"):
                ns[target.id] = ns[value.id]  # `TestAlias = TestThing` is the same object
            elif made is not None:
                # `test_x = make_test(...)`: the function a local factory returns.
                ns[target.id] = _Binding("func", made, scan=self, line=target.lineno)
            else:
                ns[target.id] = _Binding("value", value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._assign(element, None, ns)
        elif isinstance(target, ast.Starred):
            self._assign(target.value, None, ns)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            self.mutated.add(target.value.id)
        elif isinstance(target, ast.Attribute) and target.attr == "__test__" \
                and isinstance(target.value, ast.Name) and isinstance(value, ast.Constant):
            bound = ns.get(target.value.id)
            if bound is not None and bound.node is not None:
                self.test_attrs[id(bound.node)] = bool(value.value)

    def _import(self, stmt: ast.Import | ast.ImportFrom, ns: dict[str, _Binding]) -> None:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                local = alias.asname or alias.name.split(".")[0]
                dotted = alias.name if alias.asname else local
                self.imports[local] = dotted
                ns[local] = _Binding("import", dotted, line=stmt.lineno)
            return
        module = "." * stmt.level + (stmt.module or "")
        for alias in stmt.names:
            local = alias.asname or alias.name
            if alias.name == "*":
                continue
            dotted = f"{module}.{alias.name}" if stmt.module else f"{module}{alias.name}"
            self.imports[local] = dotted
            ns[local] = _Binding("import", dotted, line=stmt.lineno)

    def _guard_text(self, guards: tuple[tuple[str, ast.expr | None], ...]) -> str | None:
        """`if A:` / `else:` / `except E:` around a statement, as one condition."""
        parts = []
        for kind, node in guards:
            text = self._source(node) if node is not None else ""
            parts.append({"if": text, "else": f"not ({text})", "loop": "in a loop",
                          "except": f"except {text}".strip()}[kind])
        return " and ".join(parts) or None

    def _module_call(self, value: ast.expr, guards: tuple[tuple[str, ast.expr | None], ...]
                     ) -> None:
        """Module-level `pytest.skip(..., allow_module_level=True)` and `importorskip`."""
        if not isinstance(value, ast.Call):
            return
        called = self._dotted(value.func)
        if called == "pytest.skip":
            allowed = _kwarg(value, "allow_module_level")
            if isinstance(allowed, ast.Constant) and allowed.value is True:
                reason = self._first_string(value, "reason", "msg")
                self.module_skips.append(_ModuleSkip(self._guard_text(guards), reason))
        elif called == "pytest.importorskip":
            name = self._first_string(value, "modname")
            reason = _string(_kwarg(value, "reason")) or (
                f"could not import {name!r}" if name else None)
            self.module_skips.append(
                _ModuleSkip(_and(self._guard_text(guards), self._source(value)), reason))

    def _resolve_base(self, expr: ast.expr, ns: dict[str, _Binding],
                      outer: dict[str, _Binding] | None) -> _ClassInfo | str | None:
        if isinstance(expr, ast.Subscript):  # Generic[T], TestCase[...]: the class is the value
            expr = expr.value
        if isinstance(expr, ast.Name):
            for scope in (ns, outer):
                bound = scope.get(expr.id) if scope is not None else None
                if bound is not None and bound.kind == "class":
                    return bound.info
                if bound is not None:
                    break
        return self._dotted(expr)

    # --- names and source ------------------------------------------------------------

    def _dotted(self, expr: ast.expr) -> str | None:
        """`pt.mark.slow` → "pytest.mark.slow", through this module's imports."""
        names: list[str] = []
        while isinstance(expr, ast.Attribute):
            names.append(expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name):
            return None
        names.append(self.imports.get(expr.id, expr.id))
        dotted = ".".join(reversed(names))
        if dotted.startswith(("unittest.case.", "_pytest.mark.")):
            if dotted.startswith("unittest.case."):
                dotted = "unittest." + dotted[len("unittest.case."):]
            else:
                dotted = "pytest.mark." + dotted[len("_pytest.mark."):]
        return dotted

    def _says(self, word: str) -> bool:
        """Whether `word` can be an identifier of this module: in its text, or anywhere
        when the text is not ASCII (identifiers are NFKC-normalised: `ｆｉｘｔｕｒｅ`)."""
        found = self._words.get(word)
        if found is None:
            found = self._words[word] = word in self.text or not self.text.isascii()
        return found

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")  # a "\r" left at the end is stripped by users

    def _source(self, node: ast.AST) -> str:
        """The text of `node` as written (lines joined by a space)."""
        try:
            first, last = node.lineno - 1, node.end_lineno - 1
            start, end = node.col_offset, node.end_col_offset
            if first == last:
                return self.lines[first].encode()[start:end].decode()
            pieces = [self.lines[first].encode()[start:].decode(),
                      *self.lines[first + 1:last], self.lines[last].encode()[:end].decode()]
            return " ".join(p.strip() for p in pieces if p.strip())
        except (AttributeError, IndexError, TypeError, UnicodeDecodeError):
            return ast.unparse(node)

    def _first_string(self, call: ast.Call, *keywords: str) -> str | None:
        if call.args:
            return _string(call.args[0])
        for key in keywords:
            if (found := _string(_kwarg(call, key))) is not None:
                return found
        return None

    # --- marks -----------------------------------------------------------------------

    def _mark(self, expr: ast.expr, depth: int = 0, dotted: str | None = None) -> _Mark | None:
        """A decorator or `pytestmark` element as a mark, following `slow = pytest.mark.slow`.
        `dotted`: what `_dotted` makes of the function called, when the caller has it."""
        call = expr if isinstance(expr, ast.Call) else None
        func = call.func if call is not None else expr
        if dotted is None:
            dotted = self._dotted(func)
            if dotted is None:
                return None
        args = tuple(call.args) if call is not None else ()
        kwargs = tuple((k.arg, k.value) for k in call.keywords if k.arg) \
            if call is not None and call.keywords else ()
        if dotted.startswith("pytest.mark."):
            return _Mark(dotted.split(".")[2], args, kwargs, self)
        if dotted in _UNITTEST_DECORATORS:
            return _Mark(dotted, args, kwargs, self)
        if isinstance(func, ast.Name) and depth < _MAX_DEPTH:
            bound = self.ns.get(func.id)
            if bound is not None and bound.kind == "value" and isinstance(bound.node, ast.expr):
                base = self._mark(bound.node, depth + 1)
                if base is not None:
                    return _Mark(base.name, base.args + args, base.kwargs + kwargs, self)
        return None

    def _marks_of_value(self, value: ast.AST) -> list[_Mark]:
        elements = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
        return [m for m in (self._mark(e) for e in elements if isinstance(e, ast.expr)) if m]

    def _decorator_marks(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                         ) -> list[_Mark]:
        marks = []
        for decorator in node.decorator_list:
            if (mark := self._mark(decorator)) is not None:
                marks.append(mark)
        return marks

    def _class_marks(self, info: _ClassInfo) -> list[_Mark]:
        """Marks of a class and of every class in its MRO, as pytest gathers them."""
        key = id(info)
        if key not in self._marks_cache:
            marks: list[_Mark] = []
            for cls in self._mro(info):
                marks.extend(cls.scan._decorator_marks(cls.node))
                own = cls.ns.get("pytestmark")
                if own is not None and own.kind == "value" and own.node is not None:
                    marks.extend(cls.scan._marks_of_value(own.node))
            self._marks_cache[key] = marks
        return self._marks_cache[key]

    def _decorated_as(self, node: ast.FunctionDef | ast.AsyncFunctionDef,
                      names: frozenset[str]) -> bool:
        for decorator in node.decorator_list:
            func = decorator.func if isinstance(decorator, ast.Call) else decorator
            if self._dotted(func) in names:
                return True
        return False

    # --- classes ---------------------------------------------------------------------

    def _mro(self, info: _ClassInfo, stack: tuple[int, ...] = ()) -> list[_ClassInfo]:
        """C3 linearisation over the classes defined in this module; others are opaque."""
        key = id(info)
        if key in self._mro_cache:
            return self._mro_cache[key]
        if key in stack:
            return [info]
        local = [b for b in _bases(info) if isinstance(b, _ClassInfo)]
        result = [info]
        if not local:  # most test classes
            self._mro_cache[key] = result
            return result
        seqs = [list(self._mro(b, stack + (key,))) for b in local] + [list(local)]
        while True:
            seqs = [s for s in seqs if s]
            if not seqs:
                break
            head = next((s[0] for s in seqs
                         if not any(s[0] in other[1:] for other in seqs)), None)
            if head is None:  # inconsistent: fall back to depth-first order
                for s in seqs:
                    result.extend(c for c in s if c not in result)
                break
            result.append(head)
            seqs = [s[1:] if s[0] is head else s for s in seqs]
        self._mro_cache[key] = result
        return result

    def _lookup(self, info: _ClassInfo, name: str) -> _Binding | None:
        for cls in self._mro(info):
            if name in cls.ns:
                return cls.ns[name]
        return None

    def _class_test_attr(self, mro: list[_ClassInfo]) -> bool | None:
        for cls in mro:
            if id(cls.node) in cls.scan.test_attrs:
                return cls.scan.test_attrs[id(cls.node)]
            bound = cls.ns.get("__test__")
            if bound is not None:
                node = bound.node
                return bool(node.value) if isinstance(node, ast.Constant) else None
        return None

    def _may_be_collected(self, info: _ClassInfo, depth: int = 0) -> bool:
        """Whether a class not named like a test class could still be collected: a
        TestCase, or `__test__ = True`. Reads other modules only when they could say so."""
        if depth > _MAX_DEPTH or id(info.node) in info.scan.test_attrs \
                or "__test__" in info.ns:
            return True
        for base in info.bases:
            if isinstance(base, str):
                if base.rsplit(".", 1)[-1].endswith("TestCase"):
                    return True
                found = info.scan.finder.definition(base, info.scan.path,
                                                    needles=("TestCase", "__test__"))
                base = found.info if found is not None and found.kind == "class" else None
            if base is not None and self._may_be_collected(base, depth + 1):
                return True
        return False

    def _is_unittest(self, info: _ClassInfo, seen: frozenset[int] = frozenset()) -> bool:
        for base in _bases(info):
            if isinstance(base, _ClassInfo):
                if id(base) not in seen and self._is_unittest(base, seen | {id(info)}):
                    return True
            elif base.rsplit(".", 1)[-1].endswith("TestCase"):
                return True
        return False

    def _has_constructor(self, mro: list[_ClassInfo]) -> bool:
        """An `__init__`/`__new__` other than object's: written, inherited or generated."""
        for cls in mro:
            if "__init__" in cls.ns or "__new__" in cls.ns:
                return True
            for decorator in cls.node.decorator_list:
                call = decorator if isinstance(decorator, ast.Call) else None
                if cls.scan._dotted(call.func if call else decorator) in _INIT_DECORATORS:
                    init = _kwarg(call, "init") if call else None
                    if not (isinstance(init, ast.Constant) and init.value is False):
                        return True
            for base in _bases(cls):
                if isinstance(base, str) and (
                        base in _WITH_CONSTRUCTOR or base.endswith(("Error", "Exception"))
                        or base.rsplit(".", 1)[-1] in ("NamedTuple", "TypedDict", "Enum")):
                    return True
        return False

    def _is_abstract(self, mro: list[_ClassInfo]) -> bool:
        for c in mro:
            if c.metaclass in _ABC or not _ABC.isdisjoint(_bases(c)):
                break
        else:
            return False
        seen: set[str] = set()
        for cls in mro:
            for name, bound in cls.ns.items():
                if name not in seen:
                    seen.add(name)
                    if bound.kind == "func" and cls.scan._decorated_as(bound.node, _ABSTRACT):
                        return True
        return False

    # --- collection ------------------------------------------------------------------

    def tests(self) -> Iterator[Test]:
        module_test = self.ns.get("__test__")
        if module_test is not None and isinstance(module_test.node, ast.Constant) \
                and not module_test.node.value:
            return
        self.skips = self.finder.inherited_skips(self.path) + self.module_skips
        for name, bound in self.ns.items():
            anchor = bound.line or None
            if bound.kind == "import":
                # pytest collects test functions and classes a module imports, too.
                if not (self.finder.is_test_function(name) or self.finder.is_test_class(name)):
                    continue
                found = self.finder.definition(bound.node, self.path)
                if found is None:
                    continue
                bound = found
            if bound.kind == "func":
                marks = bound.scan._test_marks(name, bound.node)
                if marks is not None:
                    yield self._test(bound.node, name, marks, self._module_context(),
                                     bound.scan, anchor, unittest=False, line=anchor)
            elif bound.kind == "class" and bound.info is not None:
                yield from self._collect_class(name, bound.info, (), anchor)

    def _test_marks(self, name: str, node: ast.FunctionDef | ast.AsyncFunctionDef
                    ) -> list[_Mark] | None:
        """The marks of a test function's decorators; None when `node` is no test: not
        named like one (nor `__test__ = True`), or a fixture or a property."""
        flag = self.test_attrs.get(id(node)) if self.test_attrs else None
        if flag is False or not (flag is True or self.finder.is_test_function(name)):
            return None
        marks = []
        for decorator in node.decorator_list:
            dotted = self._dotted(decorator.func if isinstance(decorator, ast.Call)
                                  else decorator)
            if dotted in _NOT_TESTS:
                return None
            if dotted is not None and (mark := self._mark(decorator, dotted=dotted)):
                marks.append(mark)
        return marks

    def _collect_class(self, name: str, info: _ClassInfo,
                       chain: tuple[tuple[str, _ClassInfo], ...],
                       anchor: int | None) -> Iterator[Test]:
        named = self.finder.is_test_class(name)
        if not named and not self._may_be_collected(info):
            return
        mro = self._mro(info)
        test_attr = self._class_test_attr(mro)
        if self._is_unittest(info):
            if self._is_abstract(mro) or test_attr is False:
                return
            yield from self._collect_unittest(name, info, chain, anchor)
            return
        if not (test_attr is True or named):
            return
        if self._is_abstract(mro) or test_attr is False:
            return
        if self._has_constructor(mro):
            return  # pytest warns "cannot collect test class … because it has a __init__"
        chain = chain + ((name, info),)
        context = self._context(chain)
        seen: set[str] = set()
        per_class: list[list[Test]] = []
        for cls in mro:
            found: list[Test] = []
            for member, bound in cls.ns.items():
                if member in seen:
                    continue
                seen.add(member)
                if bound.kind == "func":
                    marks = cls.scan._test_marks(member, bound.node)
                    if marks is not None:
                        found.append(self._test(bound.node, member, marks, context, cls.scan,
                                                anchor, unittest=False, defined_in=cls,
                                                line=bound.line or None))
                elif bound.kind == "class" and bound.info is not None:
                    found.extend(self._collect_class(member, bound.info, chain, anchor))
            per_class.append(found)
        # Like pytest: tests inherited from base classes come before the subclass's own.
        for found in reversed(per_class):
            yield from found

    def _collect_unittest(self, name: str, info: _ClassInfo,
                          chain: tuple[tuple[str, _ClassInfo], ...],
                          anchor: int | None) -> Iterator[Test]:
        """unittest's TestLoader: `test*` methods (any python_functions aside), sorted."""
        context = self._context(chain + ((name, info),))
        methods: dict[str, tuple[_Binding, _ClassInfo]] = {}
        for cls in self._mro(info):
            for member, bound in cls.ns.items():
                methods.setdefault(member, (bound, cls))
        names = sorted(m for m, (b, cls) in methods.items()
                       if m.startswith("test") and b.kind == "func"
                       and cls.scan.test_attrs.get(id(b.node)) is not False)
        if not names and "runTest" in methods and methods["runTest"][0].kind == "func":
            names = ["runTest"]
        for member in names:
            bound, cls = methods[member]
            yield self._test(bound.node, member, cls.scan._decorator_marks(bound.node),
                             context, cls.scan, anchor, unittest=True, defined_in=cls)

    # --- one test --------------------------------------------------------------------

    def _module_context(self) -> _Context:
        """The context of the module's own test functions (no class around them)."""
        if self._module_ctx is None:
            self._module_ctx = self._context(())
        return self._module_ctx

    def _context(self, chain: tuple[tuple[str, _ClassInfo], ...]) -> _Context:
        """What every test inside the classes `chain` shares, worked out once for them."""
        classes: list[_ClassInfo] = []
        marks: list[_Mark] = []
        docs: list[str] = []
        for _, info in reversed(chain):
            classes.append(info)
            marks += self._class_marks(info)  # innermost class first, as pytest's iter_markers
            if doc := _docstring(info.node):
                docs.append(doc)
        marks += self.module_marks
        spec_ids: list[str] = []
        for mark in marks:
            if mark.name == "spec":
                spec_ids += _spec_args(mark)
        prefix = "".join([f"{name}::" for name, _ in chain]) if chain else ""
        return _Context(chain, prefix, classes, marks, [mark.name for mark in marks],
                        spec_ids, docs)

    def _test(self, node: ast.FunctionDef | ast.AsyncFunctionDef, name: str,
              own_marks: list[_Mark], context: _Context, owner: _ModuleScan,
              anchor: int | None, *, unittest: bool, defined_in: _ClassInfo | None = None,
              line: int | None = None) -> Test:
        """One test; `own_marks` are its decorators', `owner` is the module the def is
        written in (this one, or one whose class or function this module imports or
        inherits), `defined_in` its class; `line`, when given, is where the name is bound
        (an import, a factory call)."""
        marks = own_marks + context.marks
        names: list[str] = []
        ids: list[str] = []  # the test's own ids first, then those of its classes and module
        for mark in own_marks:
            names.append(mark.name)
            if mark.name == "spec":
                ids += _spec_args(mark)
        names += context.names
        state = _State()
        for skip in self.skips:
            if skip.condition is None:
                state.skip(skip.reason or "skipped at module level")
            else:
                state.conditional(skip.condition, skip.reason)
        if "skipif" in names:
            for mark in marks:
                if mark.name == "skipif":
                    mark.scan._skipif(mark, state)
        if not _SKIP_OR_XFAIL.isdisjoint(names):
            for mark in marks:
                if mark.name == "skip":
                    reason = self._first_string(_as_call(mark), "reason")
                    state.skip(reason or "unconditional skip")
                elif mark.name in ("unittest.skip", "unittest.skipIf", "unittest.skipUnless"):
                    mark.scan._unittest_skip(mark, state)
                elif mark.name == "xfail":
                    mark.scan._xfail(mark, state)
                elif mark.name == "unittest.expectedFailure":
                    state.xfail(None)
        owner._body_skip(node, state)
        params = None if unittest else self._params(node, context, marks)
        if params == 0:
            state.skip("got empty parameter set")
        if not _UNITTEST_DECORATORS.isdisjoint(names):
            names = [n for n in names if n not in _UNITTEST_DECORATORS]
        docstring = _docstring(node)
        first_line = None  # of the docstring
        if docstring and (doc_lines := docstring.strip().splitlines()):
            first_line = doc_lines[0].strip()
        comments = owner._comments_above(node)
        for comment in comments:
            if (found := spec_comment_ids(comment)) is not None:
                ids += found
        if first_line is not None and (found := spec_comment_ids(first_line)) is not None:
            ids += found
        ids += context.spec_ids
        texts = [docstring] if docstring else []
        if defined_in is None or defined_in in context.classes:
            texts += context.docs
        else:  # an inherited test: the base class says what it is
            classes = [*context.classes[:1], defined_in, *context.classes[1:]]
            texts += [doc for info in classes if (doc := _docstring(info.node))]
        texts += comments
        chain = context.chain
        return _new_test(
            name=name,
            qualname=context.prefix + name,
            line=line if line is not None and (owner is self or not chain)
            else node.lineno if owner is self else self._line_in_this_file(context, anchor),
            skipped=state.skipped,
            skip_reason=state.skip_reason,
            conditional=" or ".join(state.conditions) if state.conditions and not state.skipped
            else None,
            xfail=state.is_xfail,
            xfail_reason=state.xfail_reason,
            markers=tuple(dict.fromkeys(names)),
            ids=tuple(dict.fromkeys(ids)),
            doc=first_line or None,
            texts=tuple(texts),
            params=params,
        )

    def _line_in_this_file(self, context: _Context, anchor: int | None) -> int:
        """Where a test written in another module shows in this one: the innermost class
        of this module that inherits it, else the import that brings it in."""
        for info in context.classes:
            if info.scan is self:
                return info.node.lineno
        return anchor or 1

    def _truth(self, node: ast.expr) -> bool | None:
        """The truth of a condition known from the source alone; None for a real condition.

        pytest evaluates a string condition as Python code, so `"sys.platform == 'win32'"`
        is a real condition and `"True"` a literal one.
        """
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value.strip(), mode="eval").body
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return None
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                return bool(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self._truth(node.operand)
            return None if inner is None else not inner
        try:
            return bool(ast.literal_eval(node))
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return None

    def _condition_text(self, node: ast.expr) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value.strip()
        return self._source(node)

    def _conditions(self, mark: _Mark) -> list[ast.expr]:
        condition = mark.kw("condition")
        return [condition] if condition is not None else list(mark.args)

    def _skipif(self, mark: _Mark, state: _State) -> None:
        conditions = self._conditions(mark)
        reason = _string(mark.kw("reason"))
        if not conditions:  # pytest: a skipif without a condition skips
            state.skip(reason or "")
            return
        real: list[str] = []
        for condition in conditions:
            truth = self._truth(condition)
            text = self._condition_text(condition)
            if truth is True:
                state.skip(reason or f"condition: {text}")
                return
            if truth is None:
                real.append(text)
        if real:
            state.conditional(" or ".join(real), reason)

    def _unittest_skip(self, mark: _Mark, state: _State) -> None:
        if mark.name == "unittest.skip":
            state.skip(self._first_string(_as_call(mark), "reason") or "")
            return
        if not mark.args:
            return
        reason = _string(mark.args[1]) if len(mark.args) > 1 else _string(mark.kw("reason"))
        condition = mark.args[0]
        truth = self._truth(condition)
        text = self._condition_text(condition)
        if mark.name == "unittest.skipUnless":
            truth = None if truth is None else not truth
            text = f"not ({text})"
        if truth is True:
            state.skip(reason or "")
        elif truth is None:
            state.conditional(text, reason)

    def _xfail(self, mark: _Mark, state: _State) -> None:
        conditions = self._conditions(mark)
        reason = _string(mark.kw("reason"))
        # A real condition means the test runs as a normal test where it is false.
        if not conditions or any(self._truth(c) is True for c in conditions):
            state.xfail(reason)

    def _body_skip(self, node: ast.FunctionDef | ast.AsyncFunctionDef, state: _State) -> None:
        """`pytest.skip(...)`, `self.skipTest(...)` or `pytest.xfail(...)` opening the body."""
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            body = body[1:]
        if not body:
            return
        first = body[0]
        if not isinstance(first, (ast.Expr, ast.Assign, ast.If, ast.Raise)):
            return  # most tests: an assert, a call bound to a name, a with block
        value = first.value if isinstance(first, (ast.Expr, ast.Assign)) else None
        if isinstance(value, ast.Call) and self._dotted(value.func) == "pytest.importorskip":
            state.conditional(self._source(value), _string(_kwarg(value, "reason")))
            return
        condition = None
        if isinstance(first, ast.If) and first.body and not first.orelse:
            condition = self._source(first.test)
            first = first.body[0]
        call = None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Call):
            call = first.value
        elif isinstance(first, ast.Raise) and isinstance(first.exc, ast.Call):
            if (self._dotted(first.exc.func) or "").endswith("SkipTest"):
                call = first.exc
        if call is None:
            return
        func = call.func
        called = self._dotted(func) or ""
        is_skip = called == "pytest.skip" or called.endswith("SkipTest") or (
            isinstance(func, ast.Attribute) and func.attr == "skipTest")
        if is_skip:
            reason = self._first_string(call, "reason", "msg")
            if condition is None:
                state.skip(reason or "")
            else:
                state.conditional(condition, reason)
        elif called == "pytest.xfail" and condition is None:
            state.xfail(self._first_string(call, "reason"))

    def _params(self, node: ast.FunctionDef | ast.AsyncFunctionDef, context: _Context,
                marks: list[_Mark]) -> int | None:
        """How many items pytest makes of one test: the product of its `parametrize`
        marks and of the `params` of the fixtures it uses, directly or through other
        fixtures. None when nothing parametrizes it, or a count is not in the source."""
        counts: list[int | None] = []
        direct: set[str] = set()  # parametrized arguments: no fixture behind them
        indirect: set[str] = set()  # fixtures whose `params` a parametrize mark replaces
        used: list[str] = []  # by `usefixtures` marks
        for mark in marks:
            if mark.name == "usefixtures":
                used += _spec_args(mark)
            elif mark.name == "parametrize":
                values = mark.args[1] if len(mark.args) > 1 else mark.kw("argvalues")
                counts.append(mark.scan._length(values, 0) if values is not None else None)
                names = _argnames(mark.args[0] if mark.args else mark.kw("argnames"))
                through = mark.kw("indirect")
                if isinstance(through, ast.Constant) and through.value is True:
                    indirect.update(names)
                elif isinstance(through, _LIST_OR_TUPLE):
                    listed = set(_argnames(through))
                    indirect.update(n for n in names if n in listed)
                    direct.update(n for n in names if n not in listed)
                else:
                    direct.update(names)
        wanted = _fixture_args(node, bool(context.chain))
        if direct:
            wanted = [a for a in wanted if a not in direct]
        wanted += used
        wanted += self._autouse(context)
        if not wanted and not counts:
            return None  # most tests: nothing parametrizes them
        seen: set[str] = set(direct)
        while wanted:
            name = wanted.pop()
            if name in seen or name == "request":
                continue
            seen.add(name)
            found = self._fixture(name, context)
            if found is None:
                continue
            fixture, fixture_scan, params, method = found
            if params is not None and name not in indirect:
                counts.append(fixture_scan._length(params, 0))
            wanted.extend(self._args(fixture, method))
        if not counts:
            return None
        if 0 in counts:
            return 0
        if None in counts:
            return None
        return prod(counts)  # type: ignore[arg-type]

    def _fixture(self, name: str, context: _Context
                 ) -> tuple[Any, _ModuleScan, ast.expr | None, bool] | None:
        """The fixture `name` resolves to for a test: (def, its module, its `params=`,
        whether it is a method). Its classes first, its module, then the conftest.py
        files above it, nearest first, as pytest overrides fixtures."""
        for info in context.classes:
            found = self._class_fixtures(info).get(name)
            if found is not None:
                return found
        return self._module_fixtures().get(name)

    def _class_fixtures(self, info: _ClassInfo) -> dict[str, tuple[Any, _ModuleScan,
                                                                   ast.expr | None, bool]]:
        key = id(info)
        found = self._class_fixtures_cache.get(key)
        if found is None:
            found = self._class_fixtures_cache[key] = {}
            for cls in reversed(self._mro(info)):  # the subclass's own last: it wins
                for name, (node, params) in cls.scan._fixtures(cls.ns).items():
                    found[name] = (node, cls.scan, params, True)
        return found

    def _module_fixtures(self) -> dict[str, tuple[Any, _ModuleScan, ast.expr | None, bool]]:
        """Fixtures of this module and of the conftest.py files above it, nearest winning."""
        if self._visible_fixtures is None:
            if self._conftest_scans is None:
                self._conftest_scans = self.finder.conftests(self.path)
            found: dict[str, tuple[Any, _ModuleScan, ast.expr | None, bool]] = {}
            for scan in reversed((self, *self._conftest_scans)):
                for name, (node, params) in scan._fixtures(scan.ns).items():
                    found[name] = (node, scan, params, False)
            self._visible_fixtures = found
        return self._visible_fixtures

    def _args(self, node: Any, method: bool) -> list[str]:
        key = (id(node), method)  # nodes outlive this cache: it is cleared with the scan
        found = self._args_cache.get(key)
        if found is None:
            found = self._args_cache[key] = _fixture_args(node, method)
        return found

    def _autouse(self, context: _Context) -> list[str]:
        """Autouse fixtures every test here gets: its classes', its module's, conftests'.
        Found at the first test that asks (not with the context): they read conftests."""
        names = context.autouse
        if names is None:
            if self._module_autouse is None:
                if self._conftest_scans is None:
                    self._conftest_scans = self.finder.conftests(self.path)
                self._module_autouse = [name for scan in (self, *self._conftest_scans)
                                        for name in scan._fixtures(scan.ns, autouse=True)]
            names = []
            for _, info in context.chain:
                for cls in self._mro(info):
                    names += cls.scan._fixtures(cls.ns, autouse=True)
            names += self._module_autouse
            context.autouse = names
        return names

    def _fixtures(self, ns: dict[str, _Binding], autouse: bool = False
                  ) -> dict[str, tuple[Any, ast.expr | None]]:
        """Fixtures a namespace defines (only autouse ones, if asked): name → (def, the
        `params=` expression or None)."""
        key = (id(ns), autouse)
        cached = self._fixtures_cache.get(key)
        if cached is None:
            cached = self._fixtures_cache[key] = {}
            if not self._says("fixture") or (autouse and not self._says("autouse")):
                return cached
            for attr, bound in ns.items():
                if bound.kind != "func" or bound.scan is not self:
                    continue
                for decorator in bound.node.decorator_list:
                    call = decorator if isinstance(decorator, ast.Call) else None
                    if autouse:  # checked first: it is cheaper than reading the decorator
                        used = _kwarg(call, "autouse") if call and call.keywords else None
                        if not (isinstance(used, ast.Constant) and used.value is True):
                            continue
                    if self._dotted(call.func if call else decorator) not in _FIXTURES:
                        continue
                    name = _string(_kwarg(call, "name")) if call else None
                    params = _kwarg(call, "params") if call else None
                    # `unit2 = unit` makes a second fixture, named like the attribute.
                    cached[name or attr] = (bound.node, params)
        return cached

    def _length(self, node: ast.expr, depth: int) -> int | None:
        """How many items a literal list/tuple holds, following module-level names."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, _LIST_OR_TUPLE):
            total = 0
            for element in node.elts:
                if isinstance(element, ast.Starred):
                    inner = self._length(element.value, depth + 1)
                    if inner is None:
                        return None
                    total += inner
                else:
                    total += 1
            return total
        if isinstance(node, ast.Name):
            bound = self.ns.get(node.id)
            if node.id in self.mutated:
                return None
            if bound is not None and bound.kind == "value" and isinstance(bound.node, ast.expr):
                return self._length(bound.node, depth + 1)
            return None
        if isinstance(node, ast.Call) and self._dotted(node.func) == "range" \
                and not node.keywords and 1 <= len(node.args) <= 3:
            try:
                return len(range(*(ast.literal_eval(a) for a in node.args)))
            except (ValueError, TypeError, SyntaxError, OverflowError):
                return None
        return None

    def _comments_above(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
        """The comment lines directly above a test (and above its decorators), in order."""
        top = node.lineno
        for decorator in node.decorator_list:
            if decorator.lineno < top:
                top = decorator.lineno
        lines = self.lines
        found: list[str] = []
        index = top - 2
        while index >= 0:
            stripped = lines[index].strip()
            if not stripped.startswith("#"):
                break
            found.append(stripped.lstrip("#").strip())
            index -= 1
        found.reverse()
        return found


class _State:
    """Skip and xfail state of one test while its marks are read."""

    __slots__ = ("skipped", "skip_reason", "conditions", "is_xfail", "xfail_reason")

    def __init__(self) -> None:
        self.skipped = False
        self.skip_reason: str | None = None
        self.conditions: list[str] = []
        self.is_xfail = False
        self.xfail_reason: str | None = None

    def skip(self, reason: str | None) -> None:
        if not self.skipped:
            self.skipped = True
            self.skip_reason = reason or None

    def conditional(self, condition: str, reason: str | None) -> None:
        if condition not in self.conditions:
            self.conditions.append(condition)
        if not self.skipped and self.skip_reason is None:
            self.skip_reason = reason or None

    def xfail(self, reason: str | None) -> None:
        if not self.is_xfail:
            self.is_xfail = True
            self.xfail_reason = reason or None


def _new_test(**fields: Any) -> Test:
    """`Test(**fields)`, built the way unpickling builds one. The frozen dataclass's
    `__init__` sets its 13 fields one `object.__setattr__` call at a time: a tenth of
    the work of reading a simple test. Callers pass every field, in declaration order
    (tests/test_python_speed.py checks the two agree)."""
    test = _object_new(Test)
    test.__dict__.update(fields)
    return test


_object_new = object.__new__


def _docstring(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> str | None:
    """`ast.get_docstring(node)`, cleaned the same way, only quicker to say "none"."""
    body = node.body
    if body and isinstance(body[0], ast.Expr):
        value = body[0].value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            text = value.value
            if "\n" not in text and "\t" not in text and not text[:1].isspace():
                return text  # nothing for inspect.cleandoc to clean
            from inspect import cleandoc  # as ast does: inspect is slow to import

            return cleandoc(text)
    return None


def _argnames(node: ast.expr | None) -> list[str]:
    """`parametrize`'s first argument: "a, b" or ["a", "b"]."""
    if isinstance(node, _LIST_OR_TUPLE):
        return [s.strip() for e in node.elts if (s := _string(e))]
    names = []
    for part in (_string(node) or "").split(","):
        if part := part.strip():
            names.append(part)
    return names


def _fixture_args(node: ast.FunctionDef | ast.AsyncFunctionDef, method: bool) -> list[str]:
    """The arguments pytest fills with fixtures: those without a default, `self` aside."""
    args = node.args
    positional = [*args.posonlyargs, *args.args] if args.posonlyargs else args.args
    if args.defaults:
        positional = positional[: len(positional) - len(args.defaults)]
    if method and positional and not _is_staticmethod(node):
        positional = positional[1:]
    names = []
    for arg in positional:
        names.append(arg.arg)
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        if default is None:
            names.append(arg.arg)
    return names


def _is_staticmethod(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Name) and decorator.id == "staticmethod":
            return True
    return False


def _as_call(mark: _Mark) -> ast.Call:
    return ast.Call(func=ast.Name("_"), args=list(mark.args),
                    keywords=[ast.keyword(arg=k, value=v) for k, v in mark.kwargs])


def _kwarg(call: ast.Call, key: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == key:
            return keyword.value
    return None


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):  # an f-string reason: keep its literal parts
        return "".join(v.value for v in node.values
                       if isinstance(v, ast.Constant) and isinstance(v.value, str)) or None
    return None


def _and(outer: str | None, inner: str) -> str:
    return inner if outer is None else f"{outer} and {inner}"


def _spec_args(mark: _Mark) -> list[str]:
    found: list[str] = []
    for arg in mark.args:
        if isinstance(arg, _LIST_OR_TUPLE):
            for element in arg.elts:
                if s := _string(element):
                    found.append(s)
        elif (s := _string(arg)) is not None and (s := s.strip()):
            found.append(s)
    return found
